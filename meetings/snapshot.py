"""Build the plain-data `rulebook.snapshot.MeetingSnapshot` of one meeting, in a fixed number of
queries whatever the size of the roster or the number of records (one query per table, values
only, no per-row queries). Apps owning part of the snapshot register a contributor:

    register_contributor("rectification", contribute)   # or register_contributor(contribute)

A contributor is `fn(meeting, today=None, snapshot=None) -> dict` of MeetingSnapshot field values;
it runs after the meetings part (`snapshot` is the builder's snapshot so far) and its values
replace the builder's. `with_meeting` names reverse one-to-one records of the meeting (another
app's, such as `report`) that `load` reads in the meeting's own query, so the contributor finds
them cached on the meeting instead of reading them itself; `reads` names its `core.prepared`
reads whose parameters are among the builder's (meeting, org, kind, today…), fetched with the
builder's own in one round trip.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.prepared import Prepared, together
from rulebook import dates
from rulebook.constants import FLEXIBLE_MODES, FLOW_MODE, TEAM
from rulebook.snapshot import (
    AgendaItemInfo,
    AttendanceInfo,
    ClosingInfo,
    CommentaryInfo,
    FeedbackInfo,
    ItemInfo,
    MeetingSnapshot,
    NoticeInfo,
    OpinionInfo,
    OrgInfo,
    Person,
    PlanInfo,
    ProblemInfo,
    SelfExamInfo,
    SittingInfo,
    StatementInfo,
    StudySessionInfo,
    StudyTally,
    SummaryInfo,
    TalkFlagInfo,
    TalkInfo,
)

from .choices import CONCENTRATED_FORMS, MeetingKind, ParticipationMode, PlanStatus, ReviewDecision, ReviewLevel

Contributor = Callable[..., dict]
CONTRIBUTORS: dict[str, Contributor] = {}
# Snapshot fields a contributor declares it fills whole: the builder skips its own queries for them.
PROVIDES: dict[str, frozenset[str]] = {}
# Reverse one-to-one records a contributor wants read with the meeting (`load`).
WITH_MEETING: dict[str, tuple[str, ...]] = {}
# A contributor's prepared reads that take only the builder's known parameters (`_ahead`).
READS: dict[str, tuple[Prepared, ...]] = {}

# Modes that cover a member who could not attend in person (OL-1.3.d/e).
COVERING_MODES = frozenset(FLEXIBLE_MODES) | {FLOW_MODE}


def register_contributor(name_or_fn, fn: Contributor | None = None, *, provides=(), with_meeting=(), reads=()) -> Contributor:
    """Register `fn(meeting, today=None, snapshot=None) -> dict`. Accepts `(name, fn)` or `(fn)`;
    registering the same name again replaces it (idempotent across app reloads). `provides` names
    snapshot fields the contributor always returns in full (its value replaces the builder's), so
    the builder does not query for them; `with_meeting` and `reads` as in the module's docstring."""
    if fn is None:
        fn, name = name_or_fn, f"{name_or_fn.__module__}.{name_or_fn.__qualname__}"
    else:
        name = name_or_fn
    CONTRIBUTORS[name] = fn
    PROVIDES[name] = frozenset(provides)
    WITH_MEETING[name] = tuple(with_meeting)
    READS[name] = tuple(reads)
    _PREPARED.pop("meeting", None)  # compiled again with the new records on the next `load`
    return fn


_PREPARED: dict[str, Prepared] = {}


def _q(name: str, build, **kinds) -> Prepared:
    """The builder's per-table query `name`, compiled to SQL on first use (`core.prepared`): the
    same SQL and values as the queryset, without Django building and compiling ~20 querysets on
    every meeting page. `build` runs only that first time."""
    prepared = _PREPARED.get(name)
    if prepared is None:
        prepared = _PREPARED[name] = Prepared(build, **kinds)
    return prepared


def _provided() -> frozenset[str]:
    return frozenset().union(*(PROVIDES.get(name, ()) for name in CONTRIBUTORS))


def _one(instance, name):
    """A reverse one-to-one loaded with select_related, or None."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def _count(qs, outer: str):
    """`COUNT(*)` of `qs` correlated with the outer meeting row, 0 when none."""
    return Coalesce(Subquery(qs.filter(**{outer: OuterRef("pk")}).order_by().values(outer).annotate(n=Count("pk")).values("n")[:1]), 0)


def key(member_id: int | None) -> str:
    return f"m{member_id}" if member_id else ""


def ukey(user_id: int | None) -> str:
    return f"u{user_id}" if user_id else ""


def _day(dt) -> date | None:
    return timezone.localdate(dt) if dt else None


def _text(v) -> bool:
    return bool(v and str(v).strip())


# -- people ---------------------------------------------------------------------------------


def _roster(meeting, today: date) -> tuple[tuple[Person, ...], dict[int, str]]:
    """The people of the meeting and a map user id → person key. One query (two for a leading team)."""
    from organizations.choices import PositionKind
    from organizations.models import LeadingTeamMembership, Member, Position, overseen_heads

    member_fields = (
        "id",
        "name",
        "user_id",
        "is_probationary",
        "is_leading_cadre",
        "is_elderly_or_infirm",
        "is_mobile",
        "is_in_difficulty",
        "small_group__name",
    )
    people: list[Person] = []
    users: dict[int, str] = {}
    if meeting.kind == MeetingKind.DEMOCRATIC_LIFE:
        if not meeting.leading_team_id:
            return (), {}
        rows = _q(
            "team",
            lambda team, today: (
                LeadingTeamMembership.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), team_id=team, started_on__lte=today)
                .order_by("rank", "pk")
                .values("is_main_leader", "rank", *(f"member__{f}" for f in member_fields))
            ),
            team=int,
            today=date,
        ).rows(team=meeting.leading_team_id, today=today)
        heads = overseen_heads(meeting.leading_team_id, today)  # 分管 (P-DL-2.6.c): one query
        for r in rows:
            k = key(r["member__id"])
            if r["member__user_id"]:
                users[r["member__user_id"]] = k
            people.append(
                Person(
                    key=k,
                    name=r["member__name"],
                    is_probationary=r["member__is_probationary"],
                    is_leading_cadre=True,
                    is_elderly_or_infirm=r["member__is_elderly_or_infirm"],
                    is_mobile=r["member__is_mobile"],
                    is_in_difficulty=r["member__is_in_difficulty"],
                    is_main_leader=r["is_main_leader"],
                    rank=r["rank"],
                    overseen_heads=tuple(key(h) for h in heads.get(r["member__id"], ())),
                )
            )
        return tuple(people), users

    def office(today, org, **kind):
        """Whether the member holds a current position (of `kind`) in the branch (OL-1.1)."""
        current = Position.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), started_on__lte=today, organization_id=org, **kind)
        return Exists(current.filter(member_id=OuterRef("pk")))

    members = _q(
        "members",
        lambda org, today: (
            Member.objects.filter(organization_id=org, is_active=True)
            .annotate(is_secretary=office(today, org, kind=PositionKind.SECRETARY), is_committee=office(today, org))
            .order_by("name", "pk")
            .values(*member_fields, "is_secretary", "is_committee")
        ),
        org=int,
        today=date,
    )
    for r in members.rows(org=meeting.organization_id, today=today):
        k = key(r["id"])
        if r["user_id"]:
            users[r["user_id"]] = k
        people.append(
            Person(
                key=k,
                name=r["name"],
                is_secretary=r["is_secretary"],
                is_committee=r["is_committee"],
                is_probationary=r["is_probationary"],
                is_leading_cadre=r["is_leading_cadre"],
                is_elderly_or_infirm=r["is_elderly_or_infirm"],
                is_mobile=r["is_mobile"],
                is_in_difficulty=r["is_in_difficulty"],
                small_group=r["small_group__name"],
            )
        )
    return tuple(people), users


# -- the builder ----------------------------------------------------------------------------

# Set on a meeting read by `load` (with its one-to-one records): `build(…, as_read=True)` takes
# it as is, and `record_of` finds the records on it.
LOADED = "_snapshot_loaded"


def _latest_summary(column: str):
    from .models import OpinionSummary

    return Subquery(OpinionSummary.objects.filter(meeting_id=OuterRef("pk")).order_by("-number").values(column)[:1])


def record_of(meeting, name: str):
    """The meeting's reverse one-to-one record `name` (a contributor's `with_meeting`), or None:
    as `load` read it with the meeting, else read now (a caller's instance may hold a stale copy)."""
    if getattr(meeting, LOADED, False):
        return _one(meeting, name)
    rel = meeting._meta.get_field(name)
    return rel.related_model.objects.filter(**{rel.field.name: meeting.pk}).first()


def load(pk: int):
    """The meeting as `build` reads it, or None: with its organization, campaign, leading team and
    one-to-one records (plan, 点评, 表态, and the contributors' `with_meeting`), the reading and
    observer counts and the latest opinion summary, in one query. The meeting page reads its
    meeting this way, so the snapshot does not read it a second time."""
    from .models import Meeting, Observer, Reading

    found = _q(
        "meeting",
        lambda meeting: (
            Meeting.objects.select_related(
                "organization", "campaign", "leading_team", "plan", "commentary", "closing", *sorted({r for rs in WITH_MEETING.values() for r in rs})
            )
            .annotate(
                reading_n=_count(Reading.objects, "meeting"),
                observer_n=_count(Observer.objects, "sitting__meeting"),
                summary_pk=_latest_summary("pk"),
                summary_frozen_at=_latest_summary("frozen_at"),
                summary_none_received=_latest_summary("none_received"),
            )
            .filter(pk=meeting)
        ),
        meeting=int,
    ).objects(meeting=pk)
    if not found:
        return None
    setattr(found[0], LOADED, True)
    return found[0]


def build(meeting, today: date | None = None, *, as_read: bool = False) -> MeetingSnapshot:
    """The snapshot of `meeting` (a fixed number of queries, then the contributors). The meeting
    is read again (`load`), so that a caller's copy, taken before a write of the same request
    (a plan saved, then submitted), never feeds the rules; `as_read=True` says the caller read it
    with `load` and wrote nothing since (the meeting page), so it is used as is."""
    from .models import Meeting

    today = today or timezone.localdate()
    m = meeting if as_read and getattr(meeting, LOADED, False) else load(meeting.pk)
    if m is None:
        raise Meeting.DoesNotExist(f"meeting {meeting.pk}")
    with together(_ahead(m, today)):
        return _assemble(m, today)


def _ahead(m, today: date) -> list[tuple[Prepared, dict]]:
    """The builder's reads whose parameters are known before it starts (all but the meeting's
    own), to run in one round trip (`core.prepared.together`). The first build of a process
    compiles them one by one; the next ones find them here. A read not needed this time (a
    leading team's roster for a branch meeting) is simply not fetched: its parameter is None."""
    plan = _one(m, "plan")
    known = {
        "meeting": m.pk,
        "org": m.organization_id,
        "kind": m.kind,
        "last_year": m.year - 1,
        "today": today,
        "team": m.leading_team_id,
        "plan": plan.pk if plan else None,
    }
    ahead = []
    candidates = [p for name, p in _PREPARED.items() if name != "meeting"] + [p for reads in READS.values() for p in reads]
    for prepared in candidates:
        if all(known.get(k) is not None for k in prepared.kinds):
            ahead.append((prepared, {k: known[k] for k in prepared.kinds}))
    return ahead


def _assemble(m, today: date) -> MeetingSnapshot:
    from .models import (
        AgendaItem,
        Attendance,
        Criticism,
        Feedback,
        GateOverride,
        Meeting,
        Opinion,
        PlanFiling,
        PublicNotice,
        Review,
        SelfExamination,
        Sitting,
        StudyAttendance,
        StudySession,
        Talk,
        TalkFlag,
    )

    provided = _provided()
    org = m.organization
    roster, users = _roster(m, today)
    roster_keys = {p.key for p in roster}

    def person_of_user(user_id):
        return users.get(user_id) or ukey(user_id)

    # plan
    plan_row = _one(m, "plan")
    plan = PlanInfo()
    if plan_row is not None:
        filings = _q("filings", lambda plan: PlanFiling.objects.filter(plan_id=plan).values_list("office", "filed_at"), plan=int).tuples(plan=plan_row.pk)
        offices = frozenset(o for o, _ in filings if o)
        filed_on = max((_day(at) for _, at in filings), default=None) if {"discipline", "organization_dept"} <= offices else None
        decided = plan_row.status in (PlanStatus.APPROVED, PlanStatus.FILED)
        plan = PlanInfo(
            status=plan_row.status,
            has_time=plan_row.scheduled_date is not None,
            has_place=_text(plan_row.place),
            has_form=_text(plan_row.form),
            has_participants=_text(plan_row.participants),
            has_requirements=_text(plan_row.requirements),
            has_agenda=_text(plan_row.agenda),
            theme=plan_row.theme or m.theme,
            has_theme_rationale=_text(plan_row.theme_rationale),
            approval_mode=plan_row.approval_mode,
            submitted_on=_day(plan_row.submitted_at),
            approved_on=_day(plan_row.decided_at) if decided else None,
            filed_on=filed_on,
            filed_offices=offices,
            has_decision_minutes=bool(plan_row.decision_minutes),
        )
    meeting_date = (plan_row.scheduled_date if plan_row and plan_row.scheduled_date else None) or m.scheduled_date

    # sittings first: the meeting day decides what counts as 会前
    sittings_rows = _q(
        "sittings",
        lambda meeting: Sitting.objects.filter(meeting_id=meeting).values("id", "kind", "order", "status", "date", "guide_id", "minutes_scan", "host_id"),
        meeting=int,
    ).rows(meeting=m.pk)
    sitting_kind = {s["id"]: s["kind"] for s in sittings_rows}
    sittings = tuple(
        SittingInfo(
            kind=s["kind"],
            order=s["order"],
            status=s["status"],
            date=s["date"],
            guide=ukey(s["guide_id"]),
            has_minutes_scan=bool(s["minutes_scan"]),
            host=key(s["host_id"]),
        )
        for s in sittings_rows
    )
    held_days = [s["date"] for s in sittings_rows if s["date"]]
    meeting_day = min(held_days) if held_days else meeting_date

    notices = tuple(
        NoticeInfo(
            kind=n["kind"],
            published_on=_day(n["published_at"]),
            has_time=_text(n["meeting_time_text"]),
            has_theme=_text(n["title"]) or _text(n["body"]),
            has_channels=_text(n["opinion_channels"]),
            form=n["form"],
            scope=n["scope"],
            is_public=n["is_public"],
            display_until=n["display_until"],
        )
        for n in _q(
            "notices",
            lambda meeting: PublicNotice.objects.filter(meeting_id=meeting).values(
                "kind", "published_at", "meeting_time_text", "title", "body", "opinion_channels", "form", "scope", "is_public", "display_until"
            ),
            meeting=int,
        ).rows(meeting=m.pk)
    )
    # The campaign's reading list is inherited by every meeting of the round (not copied).
    reading_count = m.reading_n + (len(m.campaign.readings or []) if m.campaign_id else 0)

    # study
    session_rows = _q("sessions", lambda meeting: StudySession.objects.filter(meeting_id=meeting).values("id", "form", "date", "hours"), meeting=int).rows(
        meeting=m.pk
    )
    sessions = tuple(
        StudySessionInfo(date=s["date"], hours=float(s["hours"]), concentrated=s["form"] in CONCENTRATED_FORMS, form=s["form"]) for s in session_rows
    )
    study = tuple(
        study_tally(
            session_rows,
            _q(
                "study_attendance",
                lambda meeting: StudyAttendance.objects.filter(session__meeting_id=meeting).values("session_id", "member_id", "mode", "hours"),
                meeting=int,
            ).rows(meeting=m.pk),
            meeting_day,
        ).values()
    )

    # opinions
    opinion_rows = _q(
        "opinions",
        lambda meeting: (
            Opinion.objects.filter(meeting_id=meeting, merged_into__isnull=True)
            .annotate(
                in_exam=Exists(SelfExamination.answered_opinions.through.objects.filter(opinion_id=OuterRef("pk"))),
                in_statement=Exists(Criticism.answers_opinions.through.objects.filter(opinion_id=OuterRef("pk"))),
            )
            .values("id", "target", "target_member_id", "channel", "received_on", "is_vague", "strong_public_concern", "in_exam", "in_statement")
        ),
        meeting=int,
    ).rows(meeting=m.pk)
    opinions = tuple(
        OpinionInfo(
            id=o["id"],
            target=TEAM if o["target"] == "team" else key(o["target_member_id"]),
            channel=o["channel"],
            received_on=o["received_on"],
            is_vague=o["is_vague"],
            strong_public_concern=o["strong_public_concern"],
            answered=o["in_exam"] or o["in_statement"],
        )
        for o in opinion_rows
    )
    answered_opinions = {o.id for o in opinions if o.answered}
    summary = None
    if m.summary_pk is not None:  # the latest 征求意见汇总, read with the meeting
        summary = SummaryInfo(frozen_on=_day(m.summary_frozen_at), none_received_for=frozenset(_person_ref(x) for x in m.summary_none_received or []))

    feedback = tuple(
        FeedbackInfo(
            kind=f["kind"],
            recipient=key(f["recipient_id"]),
            delivered_on=f["delivered_on"],
            due_on=f["due_on"],
            acknowledged_on=f["acknowledged_on"],
            by=person_of_user(f["delivered_by_id"]) if f["delivered_by_id"] else "",
        )
        for f in _q(
            "feedback",
            lambda meeting: Feedback.objects.filter(meeting_id=meeting).values(
                "kind", "recipient_id", "delivered_on", "due_on", "acknowledged_on", "delivered_by_id"
            ),
            meeting=int,
        ).rows(meeting=m.pk)
    )

    talks = tuple(
        TalkInfo(a=key(t["member_a_id"]) or ukey(t["user_a_id"]), b=key(t["member_b_id"]), kind=t["kind"], held_on=t["held_on"])
        for t in _q(
            "talks", lambda meeting: Talk.objects.filter(meeting_id=meeting).values("member_a_id", "user_a_id", "member_b_id", "kind", "held_on"), meeting=int
        ).rows(meeting=m.pk)
    )
    talk_flags = tuple(
        TalkFlagInfo(a=key(f["member_a_id"]), b=key(f["member_b_id"]) or None, kind=f["kind"])
        for f in _q("talk_flags", lambda meeting: TalkFlag.objects.filter(meeting_id=meeting).values("member_a_id", "member_b_id", "kind"), meeting=int).rows(
            meeting=m.pk
        )
    )

    # self-examinations (skipped when a contributor fills them whole: the materials app does)
    if "self_exams" in provided:
        self_exams = ()
    else:
        exam_rows = list(
            SelfExamination.objects.filter(meeting=m).values(
                "id",
                "member_id",
                "doc_kind",
                "status",
                "problems",
                "causes",
                "measures",
                "thought_section",
                "personal_section",
                "preparation",
                "last_rectification",
                "structured_items",
                "upload",
                "written_personally",
                "version",
                "submitted_at",
            )
        )
        links: dict[int, set[int]] = defaultdict(set)
        for exam_id, opinion_id in SelfExamination.answered_opinions.through.objects.filter(selfexamination__meeting=m).values_list(
            "selfexamination_id", "opinion_id"
        ):
            links[exam_id].add(opinion_id)
        approvals: dict[int, dict[str, str]] = defaultdict(dict)
        for exam_id, level, decision in (
            Review.objects.filter(self_examination__meeting=m).order_by("at", "pk").values_list("self_examination_id", "level", "decision")
        ):
            approvals[exam_id][level] = decision  # the latest decision per level wins
        addressed: dict[str, list[int]] = defaultdict(list)
        for o in opinions:
            addressed[o.target].append(o.id)
        self_exams = tuple(_exam_info(x, links[x["id"]], approvals[x["id"]], addressed) for x in exam_rows)

    # the sittings' record
    attendance = tuple(
        AttendanceInfo(
            sitting_kind=sitting_kind[a["sitting_id"]], person=key(a["member_id"]), mode=a["mode"], absence_reason=a["absence_reason"], proxy=key(a["proxy_id"])
        )
        for a in _q(
            "attendance",
            lambda meeting: Attendance.objects.filter(sitting__meeting_id=meeting).values("sitting_id", "member_id", "mode", "absence_reason", "proxy_id"),
            meeting=int,
        ).rows(meeting=m.pk)
    )
    agenda = tuple(
        AgendaItemInfo(
            sitting_kind=sitting_kind[a["sitting_id"]],
            order=a["order"],
            slot=a["slot"],
            subject=key(a["subject_id"]) or None,
            completed=a["completed_at"] is not None,
        )
        for a in _q(
            "agenda",
            lambda meeting: (
                AgendaItem.objects.filter(sitting__meeting_id=meeting)
                .order_by("sitting__order", "order")
                .values("sitting_id", "order", "slot", "subject_id", "completed_at")
            ),
            meeting=int,
        ).rows(meeting=m.pk)
    )
    statement_rows = _q(
        "statements",
        lambda meeting: (
            Criticism.objects.filter(sitting__meeting_id=meeting)
            .order_by("sitting__order", "seq")
            .values(
                "id",
                "sitting_id",
                "seq",
                "kind",
                "speaker_id",
                "speaker_observer_id",
                "speaker_guide_id",
                "target_id",
                "about_team",
                "agenda_item__slot",
                "agenda_item__subject_id",
                "content",
                "suggestion",
                "response",
            )
        ),
        meeting=int,
    ).rows(meeting=m.pk)
    statements = tuple(
        StatementInfo(
            sitting_kind=sitting_kind[c["sitting_id"]],
            seq=c["seq"],
            kind=c["kind"],
            speaker=key(c["speaker_id"]) or (f"o{c['speaker_observer_id']}" if c["speaker_observer_id"] else "") or ukey(c["speaker_guide_id"]),
            target=TEAM if c["about_team"] else (key(c["target_id"]) or None),
            slot=c["agenda_item__slot"],
            subject=key(c["agenda_item__subject_id"]) or None,
            has_content=_text(c["content"]),
            has_suggestion=_text(c["suggestion"]),
            has_response=_text(c["response"]),
        )
        for c in statement_rows
    )
    responded_criticisms = {c["id"] for c in statement_rows if _text(c["response"])}
    observers = m.observer_n

    commentary_row = _one(m, "commentary")
    commentary = None
    if commentary_row is not None:
        guides = {s["guide_id"] for s in sittings_rows if s["guide_id"]}
        author = commentary_row.author_id
        commentary = CommentaryInfo(
            has_preparation=_text(commentary_row.on_preparation),
            has_criticism=_text(commentary_row.on_criticism),
            has_effect=_text(commentary_row.on_effect),
            guidance_count=sum(1 for g in commentary_row.guidance or [] if _text(g)),
            by_guide=author in guides or (not guides and person_of_user(author) not in roster_keys),
        )
    closing_row = _one(m, "closing")
    closing = None
    if closing_row is not None:
        closing = ClosingInfo(
            author=key(closing_row.author_id),
            after_commentary=commentary_row is None or closing_row.recorded_at >= commentary_row.recorded_at,
            guidance_answered=sum(1 for g in closing_row.guidance_responses or [] if _text(g)),
            has_opinions_response=_text(closing_row.opinions_response),
            has_commitment=_text(closing_row.commitment),
            has_shortcomings=_text(closing_row.shortcomings),
            has_rectification_opinions=_text(closing_row.rectification_opinions),
        )

    problems, items = _problems_and_items(m, answered_opinions, responded_criticisms)
    overrides = frozenset(
        _q("overrides", lambda meeting: GateOverride.objects.filter(meeting_id=meeting).values_list("rule_id", flat=True), meeting=int).flat(meeting=m.pk)
    )
    overlapping = 0
    if m.kind == MeetingKind.DEMOCRATIC_LIFE and meeting_day:
        overlapping = Meeting.objects.filter(organization_id=m.organization_id, scheduled_date=meeting_day).exclude(pk=m.pk).count()

    campaign = m.campaign
    snap = MeetingSnapshot(
        meeting_id=m.pk,
        kind=m.kind,
        organization=OrgInfo(kind=org.kind, sector=org.sector, has_committee=org.has_committee),
        today=today,
        half=m.half,
        special=m.special,
        year=m.year,
        stage=m.stage,
        meeting_date=meeting_date,
        window=(campaign.window_start, campaign.window_end) if campaign else None,
        plan=plan,
        roster=roster,
        superior_head="",
        notices=notices,
        reading_count=reading_count,
        study_sessions=sessions,
        study=study,
        opinions=opinions,
        opinion_summary=summary,
        feedback=feedback,
        talks=talks,
        talk_flags=talk_flags,
        self_exams=self_exams,
        sittings=sittings,
        attendance=attendance,
        statements=statements,
        observers=observers,
        commentary=commentary,
        closing=closing,
        problems=problems,
        items=items,
        overlapping_meetings=overlapping,
        agenda=agenda,
        deployment_theme=campaign.theme if campaign else "",
        overrides=overrides,
    )
    for contribute in list(CONTRIBUTORS.values()):
        values = contribute(m, today=today, snapshot=snap) or {}
        for name, value in values.items():
            setattr(snap, name, value)
    return snap


def _person_ref(x) -> str:
    if isinstance(x, int):
        return key(x)
    return str(x)


def study_tally(session_rows, attendance_rows, meeting_day: date | None) -> dict[str, StudyTally]:
    """Per member: hours of the sessions before the meeting, concentrated hours, and whether a
    flexible form (home visit, remote, at the flow organization) covered them (OL-1.3.d/e)."""
    sessions = {s["id"]: s for s in session_rows}
    total: dict[str, Decimal] = defaultdict(Decimal)
    concentrated: dict[str, Decimal] = defaultdict(Decimal)
    flexible: dict[str, bool] = defaultdict(bool)
    for a in attendance_rows:
        s = sessions.get(a["session_id"])
        if s is None or a["mode"] == ParticipationMode.ABSENT or not dates.counts_before(s["date"], meeting_day):
            continue
        k = key(a["member_id"])
        hours = a["hours"] if a["hours"] is not None else s["hours"]
        total[k] += hours
        if s["form"] in CONCENTRATED_FORMS:
            concentrated[k] += hours
        if a["mode"] in COVERING_MODES:
            flexible[k] = True
    return {k: StudyTally(person=k, total_hours=float(total[k]), concentrated_hours=float(concentrated[k]), flexible=flexible[k]) for k in total}


def _exam_info(x: dict, linked: set[int], approvals: dict[str, str], addressed: dict[str, list[int]]) -> SelfExamInfo:
    author = key(x["member_id"]) or TEAM
    items = [i for i in (x["structured_items"] or []) if isinstance(i, dict)]
    has_problems = _text(x["problems"]) or any(_text(i.get("problem")) for i in items)
    has_causes = _text(x["causes"]) or any(_text(i.get("cause")) for i in items)
    has_measures = _text(x["measures"]) or any(_text(i.get("measure")) for i in items)
    other_text = _text(x["preparation"]) or _text(x["thought_section"]) or _text(x["personal_section"])
    return SelfExamInfo(
        author=author,
        doc_kind=x["doc_kind"],
        status=x["status"],
        has_problems=has_problems,
        has_causes=has_causes,
        has_measures=has_measures,
        has_structured_items=bool(items),
        has_upload=bool(x["upload"]),
        has_thought=_text(x["thought_section"]),
        has_personal=_text(x["personal_section"]),
        only_achievements=other_text and not has_problems and not x["upload"],
        items_missing_cause_or_measure=sum(1 for i in items if _text(i.get("problem")) and not (_text(i.get("cause")) and _text(i.get("measure")))),
        unanswered_opinions=tuple(o for o in addressed.get(author, ()) if o not in linked),
        approved_by_superior=approvals.get(ReviewLevel.SUPERIOR) == ReviewDecision.APPROVED,
        approved_by_main_leader=approvals.get(ReviewLevel.MAIN_LEADER) == ReviewDecision.APPROVED,
        submitted_on=_day(x["submitted_at"]),
        linked_opinions=len(linked),
        written_personally=x["written_personally"],
        has_last_rectification=_text(x["last_rectification"]),
    )


def _problems_and_items(meeting, answered_opinions: set[int], responded_criticisms: set[int]):
    """Problems and rectification items (the rectification app's models). Two queries."""
    try:
        from rectification.models import Problem, RectificationItem
    except ImportError:  # pragma: no cover
        return (), ()
    problems = tuple(
        ProblemInfo(
            id=p["id"],
            source=p["source"],
            scope=p["scope"],
            owner=key(p["owner_member_id"]) or (TEAM if p["scope"] == "organization" else ""),
            strong_public_concern=p["strong_public_concern"],
            raised_by_superior=p["raised_by_superior"],
            answered=(p["opinion_id"] in answered_opinions) or (p["criticism_id"] in responded_criticisms),
            item_count=p["n"],
        )
        for p in _q(
            "problems",
            lambda meeting: (
                Problem.objects.filter(meeting_id=meeting)
                .annotate(n=Count("items"))
                .order_by("pk")
                .values("id", "source", "scope", "owner_member_id", "strong_public_concern", "raised_by_superior", "opinion_id", "criticism_id", "n")
            ),
            meeting=int,
        ).rows(meeting=meeting.pk)
    )
    items = []
    for i in _q(
        "items",
        lambda meeting: (
            RectificationItem.objects.filter(meeting_id=meeting)
            .order_by("pk")
            .values(
                "id",
                "problem_id",
                "problem__scope",
                "goal",
                "measures",
                "responsible_member_id",
                "responsible_organization_id",
                "deadline",
                "status",
                "is_public",
                "closed_at",
            )
        ),
        meeting=int,
    ).rows(meeting=meeting.pk):
        missing = []
        if not _text(i["goal"]):
            missing.append("目标")
        if not _text(i["measures"]):
            missing.append("途径")
        if i["responsible_member_id"] is None and i["responsible_organization_id"] is None:
            missing.append("责任")
        if i["deadline"] is None:
            missing.append("时限")
        items.append(
            ItemInfo(
                id=i["id"],
                problem_id=i["problem_id"],
                scope=i["problem__scope"],
                owner=key(i["responsible_member_id"]) or (TEAM if i["responsible_organization_id"] else ""),
                missing=tuple(missing),
                deadline=i["deadline"],
                status=i["status"],
                is_public=i["is_public"],
                closed_on=_day(i["closed_at"]),
            )
        )
    return problems, tuple(items)
