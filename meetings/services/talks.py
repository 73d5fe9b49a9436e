"""谈心谈话 (OL-2.4; P-DL-2.6.a–d for a 民主生活会): the pair plan the rulebook requires,
scheduling, a short record per talk, the coverage matrix, the confidential flags for arranged
talks and mediation (OL-2.4.f), and each leader's own list of talks (DL).

The required pairs come from `rulebook.pairs.plan_for` (`ol_plan` / `dl_plan`) with the meeting's
pinned rulebook parameters, so this page and the checker always agree on what is missing. For a
民主生活会 the people are the team's leaders, and the heads of the units each leader oversees
(分管, P-DL-2.6.c) are partners of that leader only.
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
    is_dl,
    is_secretary_user,
    is_superior_user,
    leaders,
    lock,
    not_future,
    overseen_heads,
    require_org_life,
    require_prep_kind,
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
    superior_label: str = "上级党组织负责同志"


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


def _dl_snapshot(meeting, members, main, heads, talks) -> MeetingSnapshot:
    """The people P-DL-2.6 needs: the leaders, the main leader, and each leader's overseen heads."""
    people = tuple(
        Person(
            key=f"m{m.pk}",
            name=m.name,
            is_leading_cadre=True,
            is_main_leader=main is not None and m.pk == main.pk,
            rank=i,
            overseen_heads=tuple(f"m{h.pk}" for h in heads.get(m.pk, ())),
        )
        for i, m in enumerate(members)
    )
    org = meeting.organization
    return MeetingSnapshot(
        meeting_id=meeting.pk,
        kind="democratic_life",
        organization=OrgInfo(kind=org.kind, sector=org.sector, has_committee=org.has_committee),
        today=None,
        roster=people,
        talks=tuple(TalkInfo(a=key_of_talk_party(t, "a"), b=key_of_talk_party(t, "b"), kind=t.kind, held_on=t.held_on) for t in talks),
    )


def plan_view(meeting) -> TalkPlanView:
    """The required talks and their coverage now (held talks only; OL-2.0 cuts at the sitting)."""
    talks = list(Talk.objects.filter(meeting=meeting))
    if is_dl(meeting):
        members = leaders(meeting)
        main = secretary_of(meeting)
        heads = overseen_heads(meeting)
        snap = _dl_snapshot(meeting, members, main, heads, talks)
        people = {f"m{m.pk}": m for m in members}
        for group in heads.values():
            people.update({f"m{h.pk}": h for h in group})
        plan = pair_rules.plan_for(snap, {})
        # DL-2.0: preparation counts up to the meeting day (the DL sitting or the plan's date).
        first_sitting = meeting.sittings.exclude(date__isnull=True).order_by("date").values_list("date", flat=True).first()
        coverage = pair_rules.coverage(plan, snap.talks, until=first_sitting)
        return TalkPlanView(plan, coverage, people, members, main, members, superior_label="上级负责同志")
    members = list(roster(meeting))
    committee = committee_members(meeting)
    secretary = secretary_of(meeting)
    flags = list(TalkFlag.objects.filter(meeting=meeting))
    snap = _snapshot(meeting, members, {m.pk for m in committee}, secretary, flags, talks)
    plan = pair_rules.plan_for(snap, _params(meeting))
    first_sitting = meeting.sittings.exclude(date__isnull=True).order_by("date").values_list("date", flat=True).first()
    coverage = pair_rules.coverage(plan, snap.talks, until=first_sitting)
    return TalkPlanView(plan, coverage, {f"m{m.pk}": m for m in members}, members, secretary, committee)


@dataclass
class MyTalk:
    """One required pair involving a leader (DL), with its talk if recorded."""

    clause: str
    label: str
    partner: object  # Member, or None for the superior's responsible leader
    partner_key: str
    talk: Talk | None
    proposal: bool = True

    @property
    def done(self) -> bool:
        return self.talk is not None and self.talk.held_on is not None


def my_talks(meeting, member, view: TalkPlanView | None = None) -> list[MyTalk]:
    """The talks the DL plan asks of `member` (P-DL-2.6.a–d), in plan order, each with the talk
    of that pair if there is one (held first, else scheduled)."""
    view = view or plan_view(meeting)
    me = f"m{member.pk}"
    talks = {}
    for t in Talk.objects.filter(meeting=meeting).filter(Q(member_a=member) | Q(member_b=member)).select_related("member_a", "member_b", "user_a"):
        p = pair_rules.pair(key_of_talk_party(t, "a"), key_of_talk_party(t, "b"))
        if p not in talks or (t.held_on and not talks[p].held_on):
            talks[p] = t
    out = []
    for ps in view.plan.pair_sets:
        for a, b in ps.ordered:
            if me not in (a, b):
                continue
            other = b if a == me else a
            if other == pair_rules.SUPERIOR:
                talk = next((t for t in talks.values() if t.user_a_id and t.member_b_id == member.pk and t.held_on), None)
                talk = talk or next((t for t in talks.values() if t.user_a_id and t.member_b_id == member.pk), None)
                out.append(MyTalk(ps.clause, ps.label, None, other, talk, ps.proposal))
                continue
            out.append(MyTalk(ps.clause, ps.label, view.people.get(other), other, talks.get(pair_rules.pair(me, other)), ps.proposal))
    return out


def may_see_talks_of(user, meeting, member) -> bool:
    """A leader's own list is seen by that leader, the main leader, the meeting's managers and
    the superior (meeting.guide)."""
    from accounts.grants import member_of

    me = member_of(user)
    if me is not None and me.pk == member.pk:
        return True
    return is_secretary_user(user, meeting) or is_superior_user(user, meeting)


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
    leaders_keys = {f"m{m.pk}" for m in view.members}
    for part in view.coverage.parts:
        if part.clause == "OL-2.4.f" and not confidential:
            continue
        names = []
        for miss in part.missing:
            if isinstance(miss[1], int):  # quota: (person, shortfall)
                names.append(f"{_name(view, miss[0])}（还差{miss[1]}次）")
            else:
                a, b = miss
                if part.clause == "P-DL-2.6.c" and a not in leaders_keys:
                    a, b = b, a  # the leader first, then the head of the unit they oversee
                names.append(f"{_name(view, a)} — {_name(view, b)}")
        out.append((part, names))
    return out


def _name(view, key: str) -> str:
    if key in view.people:
        return view.people[key].name
    return view.superior_label if key == pair_rules.SUPERIOR or key.startswith("u") else key


# -- recording ---------------------------------------------------------------------------------
def _acting_for_talk(actor, meeting, member_a, user_a, member_b):
    """The secretary and committee record any talk; a member records the talks they held; the
    superior's head records their own talk with the secretary (OL-2.4.a)."""
    from accounts.grants import member_of
    from accounts.permissions import granting

    if user_a is not None:
        acting = acting_for(actor, "meeting.guide", meeting)
        if user_a.pk != actor.pk:
            raise DomainError("上级负责同志的谈话由其本人记录。" if is_dl(meeting) else "上级党组织负责同志的谈话由其本人记录。")
        return acting
    if granting(actor, "meeting.record", meeting.organization):
        return acting_for(actor, "meeting.record", meeting)
    if is_dl(meeting) and granting(actor, "meeting.guide", meeting.organization):
        return acting_for(actor, "meeting.guide", meeting)  # the superior may record any leader's talk
    acting = acting_for(actor, "meeting.participate", meeting)
    me = member_of(actor)
    if me is None or me.pk not in (getattr(member_a, "pk", None), getattr(member_b, "pk", None)):
        raise DomainError("班子成员只能记录本人参加的谈心谈话。" if is_dl(meeting) else "党员只能记录本人参加的谈心谈话。")
    return acting


def _check_dl_parties(meeting, member_a, user_a, member_b, kind):
    """P-DL-2.6: leaders with each other, a leader with the head of a unit they oversee (either
    side may be the head), the superior's leader with a leader."""
    if kind != TalkKind.REGULAR:
        raise DomainError("民主生活会前的谈心谈话记为一般谈心谈话。")
    team = {m.pk for m in leaders(meeting)}
    if user_a is not None:
        if member_b is None or member_b.pk not in team:
            raise DomainError("谈话对象不是本领导班子的成员。")
        return
    if member_a is None or member_b is None:
        raise DomainError("请选择谈话双方。")
    if member_a.pk == member_b.pk:
        raise DomainError("谈话双方不能是同一个人。")
    if member_a.pk in team and member_b.pk in team:
        return
    heads = overseen_heads(meeting)
    for leader, head in ((member_a, member_b), (member_b, member_a)):
        if leader.pk in team and any(h.pk == head.pk for h in heads.get(leader.pk, ())):
            return
    raise DomainError("谈话双方须为本班子成员，或班子成员与其分管单位的负责人（P-DL-2.6.c）。")


def _check_parties(meeting, member_a, user_a, member_b, kind):
    if is_dl(meeting):
        return _check_dl_parties(meeting, member_a, user_a, member_b, kind)
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
        require_prep_kind(meeting)
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
        require_prep_kind(meeting)
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
    "MyTalk",
    "add_flag",
    "can_see_confidential",
    "delete_scheduled",
    "is_secretary_user",
    "is_superior_user",
    "lacking",
    "matrix",
    "may_see_talks_of",
    "my_talks",
    "plan_view",
    "record_talk",
    "remove_flag",
    "schedule_talk",
    "update_talk",
    "visible_talks",
]
