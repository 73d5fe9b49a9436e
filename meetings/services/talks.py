"""谈心谈话 (OL-2.4): the pair plan the rulebook requires, scheduling, a short record per talk,
the coverage matrix, and the confidential flags for arranged talks and mediation (OL-2.4.f).

The required pairs come from `rulebook.pairs.ol_plan` with the meeting's pinned rulebook
parameters, so this page and the checker always agree on what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from audit.services import record
from core import hooks
from core.errors import ConcurrentEditError, DomainError
from rulebook import pairs as pair_rules
from rulebook.snapshot import MeetingSnapshot, OrgInfo, Person, TalkFlagInfo, TalkInfo

from ..choices import TalkFlagKind, TalkForm, TalkKind
from ..models import Talk, TalkFlag
from .prep_common import (
    PREP_STAGES,
    acting_for,
    can_see_confidential,
    check_on_roster,
    committee_members,
    is_secretary_user,
    is_superior_user,
    lock,
    not_future,
    require_org_life,
    require_stage,
    roster,
    rulebook_of,
    secretary_of,
)

MATRIX_LIMIT = 60  # larger branches get the list of missing pairs instead of the grid


def key_of_talk_party(talk: Talk, side: str) -> str:
    if side == "a":
        return f"m{talk.member_a_id}" if talk.member_a_id else f"u{talk.user_a_id}"
    return f"m{talk.member_b_id}"


@dataclass
class TalkPlanView:
    """What the talks page shows: the rulebook's plan, its coverage, and people by key."""

    plan: pair_rules.TalkPlan
    coverage: pair_rules.Coverage
    people: dict  # key -> Member
    members: list  # roster in order
    secretary: object
    committee: list


def _snapshot(meeting, members, committee_ids, secretary, flags, talks) -> MeetingSnapshot:
    people = tuple(
        Person(
            key=f"m{m.pk}",
            name=m.name,
            is_secretary=secretary is not None and m.pk == secretary.pk,
            is_committee=m.pk in committee_ids,
            is_elderly_or_infirm=m.is_elderly_or_infirm,
            is_mobile=m.is_mobile,
            is_in_difficulty=m.is_in_difficulty,
            small_group=str(m.small_group_id) if m.small_group_id else None,
        )
        for m in members
    )
    org = meeting.organization
    return MeetingSnapshot(
        meeting_id=meeting.pk,
        kind="org_life",
        organization=OrgInfo(kind=org.kind, sector=org.sector, has_committee=org.has_committee),
        today=None,
        roster=people,
        talk_flags=tuple(TalkFlagInfo(a=f"m{f.member_a_id}", b=f"m{f.member_b_id}" if f.member_b_id else None, kind=f.kind) for f in flags),
        talks=tuple(TalkInfo(a=key_of_talk_party(t, "a"), b=key_of_talk_party(t, "b"), kind=t.kind, held_on=t.held_on) for t in talks),
    )


def plan_view(meeting) -> TalkPlanView:
    """The required talks and their coverage now (held talks only; OL-2.0 cuts at the sitting)."""
    members = list(roster(meeting))
    committee = committee_members(meeting)
    secretary = secretary_of(meeting)
    flags = list(TalkFlag.objects.filter(meeting=meeting))
    talks = list(Talk.objects.filter(meeting=meeting))
    snap = _snapshot(meeting, members, {m.pk for m in committee}, secretary, flags, talks)
    plan = pair_rules.plan_for(snap, _params(meeting))
    first_sitting = meeting.sittings.exclude(date__isnull=True).order_by("date").values_list("date", flat=True).first()
    coverage = pair_rules.coverage(plan, snap.talks, until=first_sitting)
    return TalkPlanView(plan, coverage, {f"m{m.pk}": m for m in members}, members, secretary, committee)


def _params(meeting) -> dict:
    book = rulebook_of(meeting)
    return {
        "ol_member_peer_talk_mode": book.param("ol_member_peer_talk_mode", "min_per_member"),
        "ol_member_peer_talks_min": book.param("ol_member_peer_talks_min", 1),
    }


def matrix(view: TalkPlanView, talks, *, confidential: bool = True) -> list[tuple]:
    """members × members: each cell is "held", "scheduled", "required" (missing), "self" or "".
    Without `confidential`, the mediation pairs (OL-2.4.f) are not marked as required."""
    required = frozenset().union(*(ps.pairs for ps in view.plan.pair_sets if confidential or ps.kind != TalkKind.MEDIATION))
    held, scheduled = set(), set()
    for t in talks:
        if not t.member_a_id:
            continue
        p = pair_rules.pair(f"m{t.member_a_id}", f"m{t.member_b_id}")
        (held if t.held_on else scheduled).add(p)
    keys = [f"m{m.pk}" for m in view.members]
    rows = []
    for m, a in zip(view.members, keys, strict=True):
        cells = []
        for b in keys:
            if a == b:
                cells.append("self")
                continue
            p = pair_rules.pair(a, b)
            cells.append("held" if p in held else "scheduled" if p in scheduled else "required" if p in required else "")
        rows.append((m, cells))
    return rows


def lacking(view: TalkPlanView, *, confidential: bool = True) -> list[tuple]:
    """Who still lacks which talk, per clause, in names. Without `confidential` the OL-2.4.f
    parts (who needs mediation) are left out: only the secretary and the superior see them."""
    out = []
    for part in view.coverage.parts:
        if part.clause == "OL-2.4.f" and not confidential:
            continue
        names = []
        for miss in part.missing:
            if isinstance(miss[1], int):  # quota: (person, shortfall)
                names.append(f"{_name(view, miss[0])}（还差{miss[1]}次）")
            else:
                names.append(f"{_name(view, miss[0])} — {_name(view, miss[1])}")
        out.append((part, names))
    return out


def _name(view, key: str) -> str:
    if key in view.people:
        return view.people[key].name
    return "上级党组织负责同志" if key == pair_rules.SUPERIOR or key.startswith("u") else key


# -- recording ---------------------------------------------------------------------------------
def _acting_for_talk(actor, meeting, member_a, user_a, member_b):
    """The secretary and committee record any talk; a member records the talks they held; the
    superior's head records their own talk with the secretary (OL-2.4.a)."""
    from accounts.grants import member_of
    from accounts.permissions import granting

    if user_a is not None:
        acting = acting_for(actor, "meeting.guide", meeting)
        if user_a.pk != actor.pk:
            raise DomainError("上级党组织负责同志的谈话由其本人记录。")
        return acting
    if granting(actor, "meeting.record", meeting.organization):
        return acting_for(actor, "meeting.record", meeting)
    acting = acting_for(actor, "meeting.participate", meeting)
    me = member_of(actor)
    if me is None or me.pk not in (getattr(member_a, "pk", None), member_b.pk):
        raise DomainError("党员只能记录本人参加的谈心谈话。")
    return acting


def _check_parties(meeting, member_a, user_a, member_b, kind):
    check_on_roster(meeting, member_b, "谈话对象")
    if user_a is None:
        check_on_roster(meeting, member_a, "谈话人")
        if member_a.pk == member_b.pk:
            raise DomainError("谈话双方不能是同一个人。")
    elif kind != TalkKind.REGULAR:
        raise DomainError("上级党组织负责同志的谈话记为一般谈心谈话。")
    if kind not in TalkKind.values:
        raise DomainError("请选择谈话类型。")


def schedule_talk(meeting, *, actor, member_a, member_b, scheduled_on, kind=TalkKind.REGULAR, user_a=None) -> Talk:
    """Put a talk on the schedule (the date can move; recording it later fills in the rest)."""
    with transaction.atomic():
        meeting = lock(meeting)
        require_org_life(meeting)
        acting = _acting_for_talk(actor, meeting, member_a, user_a, member_b)
        require_stage(meeting, *PREP_STAGES, action="安排谈心谈话")
        _check_parties(meeting, member_a, user_a, member_b, kind)
        if scheduled_on is None:
            raise DomainError("请填写计划谈话日期。")
        talk = Talk.objects.create(
            meeting=meeting, kind=kind, member_a=member_a, user_a=user_a, member_b=member_b, scheduled_on=scheduled_on, recorded_by=actor
        )
        record(acting, meeting.organization, talk, "talk.scheduled", {"kind": kind, "on": scheduled_on})
        hooks.meeting_changed(meeting.pk)
    return talk


def _pending(meeting, member_a, user_a, member_b, kind):
    """A scheduled, not yet held talk of the same pair and kind (either order)."""
    if user_a is not None:
        q = Q(user_a=user_a, member_b=member_b)
    else:
        q = Q(member_a=member_a, member_b=member_b) | Q(member_a=member_b, member_b=member_a)
    return Talk.objects.select_for_update().filter(q, meeting=meeting, kind=kind, held_on__isnull=True).order_by("scheduled_on", "pk").first()


def record_talk(
    meeting,
    *,
    actor,
    member_b,
    held_on,
    member_a=None,
    user_a=None,
    kind=TalkKind.REGULAR,
    form: str = "",
    place: str = "",
    key_points: str = "",
    opinions_heard: str = "",
    follow_up: str = "",
) -> Talk:
    """A short record of a held talk: the date is required, the rest optional (OL-2.4). A
    scheduled talk of the same pair and kind is completed instead of adding a second row."""
    with transaction.atomic():
        meeting = lock(meeting)
        require_org_life(meeting)
        acting = _acting_for_talk(actor, meeting, member_a, user_a, member_b)
        require_stage(meeting, *PREP_STAGES, action="记录谈心谈话")
        _check_parties(meeting, member_a, user_a, member_b, kind)
        if held_on is None:
            raise DomainError("请填写谈话日期。")
        not_future(held_on, "谈话日期")
        if form and form not in TalkForm.values:
            raise DomainError("请选择谈话方式。")
        talk = _pending(meeting, member_a, user_a, member_b, kind)
        if talk is None:
            talk = Talk(meeting=meeting, kind=kind, member_a=member_a, user_a=user_a, member_b=member_b)
        talk.held_on = held_on
        talk.form = form
        talk.place = place.strip()[:100]
        talk.key_points = key_points.strip()
        talk.opinions_heard = opinions_heard.strip()
        talk.follow_up = follow_up.strip()
        talk.recorded_by = actor
        talk.save()
        record(acting, meeting.organization, talk, "talk.recorded", {"kind": kind, "held_on": held_on})
        hooks.meeting_changed(meeting.pk)
    return talk


def talk_fingerprint(talk: Talk) -> str:
    import hashlib

    raw = "|".join(str(x) for x in (talk.held_on, talk.scheduled_on, talk.form, talk.place, talk.key_points, talk.opinions_heard, talk.follow_up))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def update_talk(talk: Talk, *, actor, expected: str, held_on, scheduled_on=None, form="", place="", key_points="", opinions_heard="", follow_up="") -> Talk:
    with transaction.atomic():
        meeting = lock(talk.meeting)
        talk = Talk.objects.select_for_update(of=("self",)).select_related("member_a", "member_b", "user_a").get(pk=talk.pk)
        acting = _acting_for_talk(actor, meeting, talk.member_a, talk.user_a, talk.member_b)
        require_stage(meeting, *PREP_STAGES, action="修改谈话记录")
        if talk_fingerprint(talk) != expected:
            raise ConcurrentEditError()
        if held_on is None and scheduled_on is None:
            raise DomainError("请填写谈话日期（未谈的填写计划日期）。")
        not_future(held_on, "谈话日期")
        if form and form not in TalkForm.values:
            raise DomainError("请选择谈话方式。")
        talk.held_on, talk.scheduled_on, talk.form = held_on, scheduled_on, form
        talk.place, talk.key_points, talk.opinions_heard, talk.follow_up = place.strip()[:100], key_points.strip(), opinions_heard.strip(), follow_up.strip()
        talk.save()
        record(acting, meeting.organization, talk, "talk.updated", {"held_on": held_on})
        hooks.meeting_changed(meeting.pk)
    return talk


def delete_scheduled(talk: Talk, *, actor) -> None:
    with transaction.atomic():
        meeting = lock(talk.meeting)
        talk = Talk.objects.select_for_update().get(pk=talk.pk)
        acting = acting_for(actor, "meeting.record", meeting)
        require_stage(meeting, *PREP_STAGES, action="取消谈话安排")
        if talk.held_on:
            raise DomainError("已谈的记录不能删除，只能修改。")
        record(acting, meeting.organization, talk, "talk.unscheduled", {})
        talk.delete()
        hooks.meeting_changed(meeting.pk)


# -- confidential flags (OL-2.4.f) ---------------------------------------------------------
def add_flag(meeting, *, actor, kind: str, member_a, member_b=None, note: str = "") -> TalkFlag:
    """Only the secretary flags; the flag is seen by the secretary and the superior only."""
    with transaction.atomic():
        meeting = lock(meeting)
        require_org_life(meeting)
        acting = acting_for(actor, "meeting.manage", meeting)
        require_stage(meeting, *PREP_STAGES, action="标记约谈调解对象")
        if kind not in TalkFlagKind.values:
            raise DomainError("请选择需要约谈或调解的情形。")
        check_on_roster(meeting, member_a, "党员")
        if kind == TalkFlagKind.CONFLICT:
            if member_b is None:
                raise DomainError("“双方曾闹过矛盾”须选择另一方。")
            check_on_roster(meeting, member_b, "另一方")
            if member_b.pk == member_a.pk:
                raise DomainError("双方不能是同一个人。")
        else:
            member_b = None
        exists = TalkFlag.objects.filter(meeting=meeting, kind=kind, member_a=member_a, member_b=member_b).exists()
        if member_b is not None:
            exists = exists or TalkFlag.objects.filter(meeting=meeting, kind=kind, member_a=member_b, member_b=member_a).exists()
        if exists:
            raise DomainError("已经标记过了。")
        flag = TalkFlag.objects.create(meeting=meeting, kind=kind, member_a=member_a, member_b=member_b, note=note.strip()[:200])
        # The audit keeps the fact, not the names: the log is read more widely than the flag.
        record(acting, meeting.organization, flag, "talk.flagged", {"kind": kind})
        hooks.meeting_changed(meeting.pk)
    return flag


def remove_flag(flag: TalkFlag, *, actor) -> None:
    with transaction.atomic():
        meeting = lock(flag.meeting)
        acting = acting_for(actor, "meeting.manage", meeting)
        require_stage(meeting, *PREP_STAGES, action="取消约谈调解标记")
        record(acting, meeting.organization, flag, "talk.unflagged", {"kind": flag.kind})
        TalkFlag.objects.filter(pk=flag.pk).delete()
        hooks.meeting_changed(meeting.pk)


def visible_talks(meeting, user):
    """Everyone with access sees the regular and care talks; mediation talks (OL-2.4.f) only
    the secretary, the superior and the two people concerned."""
    from accounts.grants import member_of

    talks = Talk.objects.filter(meeting=meeting).select_related("member_a", "member_b", "user_a").order_by("held_on", "scheduled_on", "pk")
    if can_see_confidential(user, meeting):
        return talks
    me = member_of(user)
    mine = Q(member_a=me) | Q(member_b=me) if me is not None else Q(pk__in=[])
    return talks.filter(~Q(kind=TalkKind.MEDIATION) | mine)


__all__ = [
    "add_flag",
    "can_see_confidential",
    "delete_scheduled",
    "is_secretary_user",
    "is_superior_user",
    "lacking",
    "matrix",
    "plan_view",
    "record_talk",
    "remove_flag",
    "schedule_talk",
    "update_talk",
    "visible_talks",
]
