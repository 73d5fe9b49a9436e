"""召开会议 (OL-3.1–3.3): the 支委会 then the 党员大会 (or the 党员大会 alone), attendance,
criticism and self-criticism, the answers to the masses' and the superior's problems, the
superior guide's 点评 and the secretary's 小结. Closing the last sitting moves the meeting to
"已召开" through `lifecycle.advance` (the rulebook's gate for that stage)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from audit.services import record
from core import hooks
from core.errors import ConcurrentEditError, DomainError

from ..choices import CriticismKind, ParticipationMode, SittingKind, SittingStatus, Stage
from ..models import Attendance, Closing, Commentary, Criticism, Opinion, Sitting
from .opinions import SUPERIOR_GIVER
from .prep_common import (
    acting_for,
    active_opinions,
    check_on_roster,
    committee_members,
    lifecycle,
    lock,
    not_future,
    require_org_life,
    require_stage,
    roster,
    secretary_of,
)

FLEXIBLE = (ParticipationMode.HOME_VISIT, ParticipationMode.REMOTE, ParticipationMode.WRITTEN, ParticipationMode.DELEGATE_READ)


def kinds_for(meeting) -> list[str]:
    """OL-3.1.a/d: with a committee, the 支委会 first and then the 党员大会; otherwise the 党员大会."""
    if meeting.organization.has_committee:
        return [SittingKind.COMMITTEE, SittingKind.GENERAL]
    return [SittingKind.GENERAL]


def sittings_of(meeting) -> dict[str, Sitting | None]:
    found = {s.kind: s for s in Sitting.objects.filter(meeting=meeting).select_related("host", "guide")}
    return {k: found.get(k) for k in kinds_for(meeting)}


def is_last(sitting: Sitting) -> bool:
    return kinds_for(sitting.meeting)[-1] == sitting.kind


def _lock_sitting(sitting) -> Sitting:
    return Sitting.objects.select_for_update(of=("self",)).select_related("meeting", "meeting__organization").get(pk=sitting.pk)


def _check_version(obj, version) -> None:
    if version is not None and int(version) != obj.version:
        raise ConcurrentEditError()


def _require_open(sitting: Sitting) -> None:
    if sitting.status == SittingStatus.PLANNED:
        raise DomainError(f"{sitting.get_kind_display()}尚未开始，请先开始会议。")
    if sitting.status == SittingStatus.CLOSED:
        raise DomainError(f"{sitting.get_kind_display()}已经结束，记录不能再修改。")


def open_sitting(meeting, *, actor, kind: str, date, place: str = "", host=None, recorder: str = "") -> Sitting:
    """Start a sitting. The 党员大会 of a branch with a committee waits until the 支委会 is
    closed (OL-3.1.a); a branch without a committee has no 支委会 (OL-3.1.d)."""
    with transaction.atomic():
        meeting = lock(meeting)
        require_org_life(meeting)
        acting = acting_for(actor, "meeting.record", meeting)
        require_stage(meeting, Stage.READY, action="召开会议")
        kinds = kinds_for(meeting)
        if kind not in kinds:
            raise DomainError("本支部不设支委会，直接召开党员大会（OL-3.1.d）。" if kind == SittingKind.COMMITTEE else "请选择要召开的会议。")
        if date is None:
            raise DomainError("请填写会议日期。")
        not_future(date, "会议日期")
        existing = {s.kind: s for s in Sitting.objects.select_for_update().filter(meeting=meeting)}
        if kind == SittingKind.GENERAL and SittingKind.COMMITTEE in kinds:
            committee = existing.get(SittingKind.COMMITTEE)
            if committee is None or committee.status != SittingStatus.CLOSED:
                raise DomainError("设支委会的党支部要先召开支委会，支委会结束后才能召开党员大会（OL-3.1.a）。请先记录并结束支委会。")
            if committee.date and date < committee.date:
                raise DomainError(f"党员大会的日期不能早于支委会（{committee.date:%Y年%-m月%-d日}）。")
        sitting = existing.get(kind)
        if sitting is not None and sitting.status != SittingStatus.PLANNED:
            raise DomainError(f"{sitting.get_kind_display()}已经开始，不能重复开始。")
        if host is not None:
            check_on_roster(meeting, host, "主持人")
        host = host or secretary_of(meeting)
        if sitting is None:
            sitting = Sitting(meeting=meeting, kind=kind, order=kinds.index(kind) + 1)
        sitting.status = SittingStatus.OPEN
        sitting.date, sitting.place, sitting.host, sitting.recorder = date, place.strip()[:200], host, recorder.strip()[:50]
        sitting.started_at = timezone.now()
        sitting.save()
        _seed_attendance(meeting, sitting)
        record(acting, meeting.organization, sitting, "sitting.opened", {"kind": kind, "date": date})
        hooks.meeting_changed(meeting.pk)
    return sitting


def participants(meeting, kind: str) -> list:
    """Who is expected: the committee at the 支委会, every member at the 党员大会 (OL-1.3.b)."""
    if kind == SittingKind.COMMITTEE:
        return committee_members(meeting)
    return list(roster(meeting))


def _seed_attendance(meeting, sitting) -> None:
    have = set(Attendance.objects.filter(sitting=sitting).values_list("member_id", flat=True))
    rows = []
    for m in participants(meeting, sitting.kind):
        if m.pk in have:
            continue
        mode = ParticipationMode.IN_PERSON
        flow = ""
        if m.is_mobile:
            mode = ParticipationMode.AT_FLOW_ORG
            flow = m.flow_organization_name or (m.flow_organization.name if m.flow_organization_id else "")
        # OL-1.3.c: a leading cadre attends as an ordinary member.
        rows.append(Attendance(sitting=sitting, member=m, mode=mode, flow_organization_name=flow, as_ordinary_member=m.is_leading_cadre))
    Attendance.objects.bulk_create(rows)


def save_sitting(sitting: Sitting, *, actor, version: int, date, place: str = "", host=None, recorder: str = "", guide_name: str = "") -> Sitting:
    with transaction.atomic():
        lock(sitting.meeting)
        sitting = _lock_sitting(sitting)
        meeting = sitting.meeting
        acting = acting_for(actor, "meeting.record", meeting)
        _require_open(sitting)
        _check_version(sitting, version)
        if date is None:
            raise DomainError("请填写会议日期。")
        not_future(date, "会议日期")
        if host is not None:
            check_on_roster(meeting, host, "主持人")
        sitting.date, sitting.place, sitting.host, sitting.recorder = date, place.strip()[:200], host, recorder.strip()[:50]
        sitting.guide_name = guide_name.strip()[:100]
        sitting.version += 1
        sitting.save(update_fields=["date", "place", "host", "recorder", "guide_name", "version"])
        record(acting, meeting.organization, sitting, "sitting.saved", {"version": sitting.version})
        hooks.meeting_changed(meeting.pk)
    return sitting


def attend_as_guide(sitting: Sitting, *, actor) -> Sitting:
    """OL-3.2.a: a reviewer of the superior records that they attend and guide the meeting."""
    with transaction.atomic():
        lock(sitting.meeting)
        sitting = _lock_sitting(sitting)
        acting = acting_for(actor, "meeting.guide", sitting.meeting)
        _require_open(sitting)
        sitting.guide = actor
        if not sitting.guide_name:
            sitting.guide_name = str(actor)[:100]
        sitting.version += 1
        sitting.save(update_fields=["guide", "guide_name", "version"])
        record(acting, sitting.meeting.organization, sitting, "sitting.guide", {})
        hooks.meeting_changed(sitting.meeting_id)
    return sitting


@dataclass
class AttendanceRow:
    member: object
    mode: str
    absence_reason: str = ""
    flow_organization_name: str = ""


def record_attendance(sitting: Sitting, *, actor, version: int, rows: list[AttendanceRow]) -> Sitting:
    """OL-1.3.b–e: each member's attendance; an absence needs its reason; attending at the
    inflow/outflow organization is for mobile members and names that organization."""
    with transaction.atomic():
        lock(sitting.meeting)
        sitting = _lock_sitting(sitting)
        meeting = sitting.meeting
        acting = acting_for(actor, "meeting.record", meeting)
        _require_open(sitting)
        _check_version(sitting, version)
        expected = {m.pk: m for m in participants(meeting, sitting.kind)}
        current = {a.member_id: a for a in Attendance.objects.select_for_update().filter(sitting=sitting)}
        errors = []
        for row in rows:
            m = row.member
            if m is None or m.pk not in expected:
                errors.append(f"{getattr(m, 'name', '该党员')}不是本次会议的参会人员。")
                continue
            if row.mode not in ParticipationMode.values:
                errors.append(f"请选择{m.name}的参加方式。")
            elif row.mode == ParticipationMode.ABSENT and not row.absence_reason.strip():
                errors.append(f"{m.name}缺席，请填写缺席原因。")
            elif row.mode == ParticipationMode.AT_FLOW_ORG:
                if not m.is_mobile:
                    errors.append(f"{m.name}不是外出流动党员，不能记为在流入地/流出地参加（OL-1.3.e）。")
                elif not row.flow_organization_name.strip():
                    errors.append(f"请填写{m.name}参加组织生活会的流入地或流出地党组织名称（OL-1.3.e）。")
        if errors:
            raise DomainError("；".join(errors))
        for row in rows:
            a = current.get(row.member.pk) or Attendance(sitting=sitting, member=row.member)
            a.mode = row.mode
            a.absence_reason = row.absence_reason.strip()[:200] if row.mode == ParticipationMode.ABSENT else ""
            a.flow_organization_name = row.flow_organization_name.strip()[:100] if row.mode == ParticipationMode.AT_FLOW_ORG else ""
            a.as_ordinary_member = row.member.is_leading_cadre
            a.save()
        sitting.version += 1
        sitting.save(update_fields=["version"])
        record(acting, meeting.organization, sitting, "sitting.attendance", {"rows": len(rows)})
        hooks.meeting_changed(meeting.pk)
    return sitting


def attendance_warnings(sitting: Sitting, rows) -> list[str]:
    """OL-1.3.d: flexible forms are meant for elderly/infirm (and mobile) members — a warning."""
    out = []
    for a in rows:
        if a.mode in FLEXIBLE and not (a.member.is_elderly_or_infirm or a.member.is_mobile):
            out.append(f"{a.member.name}记为“{a.get_mode_display()}”，灵活参加方式一般用于年老体弱、行动不便或外出流动的党员（OL-1.3.d）。")
    return out


# -- criticism and self-criticism ----------------------------------------------------------------
def add_statement(
    sitting: Sitting,
    *,
    actor,
    kind: str,
    speaker,
    content: str,
    target=None,
    about_team: bool = False,
    suggestion: str = "",
    response: str = "",
    answers: list[Opinion] = (),
) -> Criticism:
    """Record one statement in sitting order: a self-criticism, a criticism of a person or of
    the team (who → whom, the facts, the suggestion: OL-3.1.g/h), the secretary's report on the
    team's self-examination at the 党员大会 (OL-3.1.c), or a response."""
    with transaction.atomic():
        lock(sitting.meeting)
        sitting = _lock_sitting(sitting)
        meeting = sitting.meeting
        acting = acting_for(actor, "meeting.record", meeting)
        _require_open(sitting)
        content = (content or "").strip()
        suggestion = (suggestion or "").strip()
        if kind not in CriticismKind.values:
            raise DomainError("请选择发言类型。")
        check_on_roster(meeting, speaker, "发言人")
        committee_ids = {m.pk for m in committee_members(meeting)}
        secretary = secretary_of(meeting)
        if sitting.kind == SittingKind.COMMITTEE and speaker.pk not in committee_ids:
            raise DomainError(f"{speaker.name}不是支部委员；支委会上由支部委员开展批评和自我批评（OL-3.1.b）。")
        if not content:
            raise DomainError("请写明具体问题和事实（OL-3.1.h：用事实说话，点到具体人具体事）。")
        if kind == CriticismKind.SELF:
            target, about_team = None, False
        elif kind == CriticismKind.MUTUAL:
            if target is None and not about_team:
                raise DomainError("相互批评须指明批评对象（某位同志或支部班子，OL-3.1.h）。")
            if target is not None:
                check_on_roster(meeting, target, "批评对象")
                about_team = False
                if target.pk == speaker.pk:
                    raise DomainError("对本人的批评请记为“自我批评”。")
                if sitting.kind == SittingKind.COMMITTEE and target.pk not in committee_ids:
                    raise DomainError("支委会上相互批评的对象是支部委员。")
            if not suggestion:
                raise DomainError("相互批评须同时提出改进意见（OL-3.1.g）。")
        elif kind == CriticismKind.REPORT:
            if sitting.kind != SittingKind.GENERAL:
                raise DomainError("班子对照检查情况在党员大会上通报（OL-3.1.c）。")
            if secretary is None or speaker.pk != secretary.pk:
                raise DomainError("班子对照检查情况由党支部书记通报（OL-3.1.c）。")
            if Criticism.objects.filter(sitting=sitting, kind=CriticismKind.REPORT).exists():
                raise DomainError("已经记录了书记通报班子对照检查情况。")
            target, about_team = None, True
        else:  # RESPONSE
            target, about_team = None, False
        for o in answers:
            if o.meeting_id != meeting.pk:
                raise DomainError("只能回应本次会议征求到的意见。")
        seq = (Criticism.objects.filter(sitting=sitting).aggregate(n=Max("seq"))["n"] or 0) + 1
        statement = Criticism.objects.create(
            sitting=sitting,
            seq=seq,
            kind=kind,
            speaker=speaker,
            target=target,
            about_team=about_team,
            content=content,
            suggestion=suggestion,
            response=(response or "").strip(),
            recorded_by=actor,
        )
        if answers:
            statement.answers_opinions.set(answers)
        record(acting, meeting.organization, statement, "sitting.statement", {"kind": kind, "seq": seq, "answers": [o.pk for o in answers]})
        hooks.meeting_changed(meeting.pk)
    return statement


def respond(statement: Criticism, *, actor, response: str) -> Criticism:
    """The criticised comrade's response (OL-3.1.e: the secretary 虚心接受), kept with the criticism."""
    with transaction.atomic():
        lock(statement.sitting.meeting)
        sitting = _lock_sitting(statement.sitting)
        acting = acting_for(actor, "meeting.record", sitting.meeting)
        _require_open(sitting)
        statement = Criticism.objects.select_for_update().get(pk=statement.pk)
        if statement.kind != CriticismKind.MUTUAL:
            raise DomainError("只有对他人的批评需要记录回应。")
        if not response.strip():
            raise DomainError("请填写回应内容。")
        statement.response = response.strip()
        statement.save(update_fields=["response"])
        record(acting, sitting.meeting.organization, statement, "sitting.response", {"seq": statement.seq})
        hooks.meeting_changed(sitting.meeting_id)
    return statement


def link_answers(statement: Criticism, *, actor, opinions: list[Opinion]) -> Criticism:
    """Mark which raised problems this statement answers (OL-3.1.f: one by one)."""
    with transaction.atomic():
        lock(statement.sitting.meeting)
        sitting = _lock_sitting(statement.sitting)
        acting = acting_for(actor, "meeting.record", sitting.meeting)
        _require_open(sitting)
        if any(o.meeting_id != sitting.meeting_id for o in opinions):
            raise DomainError("只能回应本次会议征求到的意见。")
        statement.answers_opinions.add(*opinions)
        record(acting, sitting.meeting.organization, statement, "sitting.answers", {"opinions": [o.pk for o in opinions]})
        hooks.meeting_changed(sitting.meeting_id)
    return statement


def remove_statement(statement: Criticism, *, actor) -> None:
    """A wrongly recorded statement is removed while the sitting is open (the audit keeps it)."""
    with transaction.atomic():
        lock(statement.sitting.meeting)
        sitting = _lock_sitting(statement.sitting)
        acting = acting_for(actor, "meeting.record", sitting.meeting)
        _require_open(sitting)
        record(acting, sitting.meeting.organization, statement, "sitting.statement_removed", {"seq": statement.seq, "content": statement.content[:200]})
        Criticism.objects.filter(pk=statement.pk).delete()
        hooks.meeting_changed(sitting.meeting_id)


# -- the problems that need an answer (OL-3.1.f) ---------------------------------------------------
def concerns(meeting):
    """Problems strongly raised by the masses or pointed out by the superior."""
    return (
        active_opinions(meeting)
        .filter(Q(strong_public_concern=True) | Q(giver_kind=SUPERIOR_GIVER))
        .select_related("target_member")
        .order_by("target", "target_member_id", "pk")
    )


def unanswered(meeting, sitting: Sitting | None = None) -> list[Opinion]:
    """Concerns without a recorded answer. At the 支委会 those about its committee members must be
    answered there; by the end of the last sitting every one of them."""
    qs = concerns(meeting)
    if sitting is not None and sitting.kind == SittingKind.COMMITTEE:
        qs = qs.filter(target_member__isnull=False)
        answered = Q(answered_by_statements__sitting=sitting)
    else:
        answered = Q(answered_by_statements__sitting__meeting=meeting)
    done = set(Opinion.objects.filter(answered, pk__in=qs.values("pk")).values_list("pk", flat=True))
    return [o for o in qs if o.pk not in done]


def order_warnings(sitting: Sitting, statements: list[Criticism]) -> list[str]:
    """OL-3.1.b/c/e as warnings on the record page (the rulebook shows them on the meeting too)."""
    meeting = sitting.meeting
    secretary = secretary_of(meeting)
    committee = committee_members(meeting)
    out = []
    selves = [s for s in statements if s.kind == CriticismKind.SELF]
    if secretary and selves and selves[0].speaker_id != secretary.pk:
        out.append("书记应带头查摆自己的问题：第一个自我批评应是书记（OL-3.1.e）。")
    others = {m.pk for m in committee} - {secretary.pk if secretary else None}
    on_committee = [s for s in statements if s.kind == CriticismKind.MUTUAL and s.target_id in others]
    if secretary and on_committee and on_committee[0].speaker_id != secretary.pk:
        out.append("书记应带头对支部委员提出批评（OL-3.1.e）。")
    if sitting.kind == SittingKind.GENERAL and meeting.organization.has_committee:
        if not statements or statements[0].kind != CriticismKind.REPORT:
            out.append("党员大会应首先由书记通报支部班子对照检查情况（OL-3.1.c）。")
    if sitting.kind == SittingKind.COMMITTEE:
        said_self = {s.speaker_id for s in selves}
        mutual = {(s.speaker_id, s.target_id) for s in statements if s.kind == CriticismKind.MUTUAL}
        for m in committee:
            if m.pk not in said_self:
                out.append(f"{m.name}还没有自我批评（OL-3.1.b）。")
            for t in committee:
                if t.pk != m.pk and (m.pk, t.pk) not in mutual:
                    out.append(f"{m.name}还没有对{t.name}提出批评（OL-3.1.b）。")
    return out


def close_sitting(sitting: Sitting, *, actor, version: int) -> Sitting:
    """End a sitting. Every concern must have its answer (OL-3.1.f); the last sitting also needs
    the secretary's 小结 answering each guidance point (OL-3.3.a/b) and then moves the meeting
    to 已召开 through the lifecycle gate."""
    with transaction.atomic():
        meeting = lock(sitting.meeting)
        sitting = _lock_sitting(sitting)
        acting = acting_for(actor, "meeting.manage", meeting)
        _require_open(sitting)
        _check_version(sitting, version)
        if not Attendance.objects.filter(sitting=sitting).exists():
            raise DomainError("请先记录出席情况。")
        if not Criticism.objects.filter(sitting=sitting).exists():
            raise DomainError("还没有记录批评和自我批评，不能结束会议。")
        missing = unanswered(meeting, sitting)
        if missing:
            names = "；".join(f"“{o.content[:30]}”" for o in missing[:5])
            raise DomainError(f"还有{len(missing)}个群众反映强烈或上级点明的问题没有记录回应（OL-3.1.f），须逐一回应后才能结束会议：{names}")
        last = is_last(sitting)
        if last:
            closing = Closing.objects.filter(meeting=meeting).first()
            if closing is None:
                raise DomainError("会议结束前，党支部书记要对会议进行总结：请先记录小结（OL-3.3.a）。")
            gaps = closing_gaps(meeting, closing)
            if gaps:
                raise DomainError("小结还不完整：" + "；".join(gaps))
        sitting.status = SittingStatus.CLOSED
        sitting.ended_at = timezone.now()
        sitting.version += 1
        sitting.save(update_fields=["status", "ended_at", "version"])
        record(acting, meeting.organization, sitting, "sitting.closed", {"kind": sitting.kind})
        hooks.meeting_changed(meeting.pk)
        if last:
            lifecycle().advance(meeting, Stage.HELD, actor=actor)
    return sitting


# -- 点评 and 小结 (OL-3.2, OL-3.3) -------------------------------------------------------------
def _last_open_sitting(meeting) -> Sitting:
    last_kind = kinds_for(meeting)[-1]
    sitting = Sitting.objects.select_for_update().filter(meeting=meeting, kind=last_kind).first()
    if sitting is None or sitting.status != SittingStatus.OPEN:
        raise DomainError(f"点评和小结在{SittingKind(last_kind).label}上进行，请在该会议进行中记录。")
    return sitting


def fingerprint(obj) -> str:
    if obj is None:
        return ""
    if isinstance(obj, Commentary):
        raw = [obj.on_preparation, obj.on_criticism, obj.on_effect, obj.guidance]
    else:
        raw = [obj.shortcomings, obj.rectification_opinions, obj.commitment, obj.guidance_responses, obj.opinions_response]
    return hashlib.sha256(repr(raw).encode()).hexdigest()[:16]


def save_commentary(meeting, *, actor, expected: str, on_preparation: str, on_criticism: str, on_effect: str, guidance: list[str]) -> Commentary:
    """The guide's factual assessment — especially of the criticism — and guidance points
    (OL-3.2.a/b). Written by a reviewer of the superior, who is then recorded as the guide."""
    with transaction.atomic():
        meeting = lock(meeting)
        require_org_life(meeting)
        acting = acting_for(actor, "meeting.guide", meeting)
        require_stage(meeting, Stage.READY, action="点评")
        sitting = _last_open_sitting(meeting)
        current = Commentary.objects.select_for_update().filter(meeting=meeting).first()
        if fingerprint(current) != (expected or ""):
            raise ConcurrentEditError()
        guidance = [g.strip() for g in guidance if g and g.strip()]
        if not (on_criticism or "").strip():
            raise DomainError("请对开展批评和自我批评的情况作出评价（OL-3.2.a）。")
        if not guidance:
            raise DomainError("请至少提出一条指导性意见（OL-3.2.b）。")
        commentary = current or Commentary(meeting=meeting, author=actor)
        commentary.sitting = sitting
        commentary.author = actor
        commentary.on_preparation, commentary.on_criticism, commentary.on_effect = on_preparation.strip(), on_criticism.strip(), on_effect.strip()
        commentary.guidance = guidance
        commentary.save()
        if sitting.guide_id is None:
            sitting.guide = actor
            sitting.guide_name = sitting.guide_name or str(actor)[:100]
            sitting.version += 1
            sitting.save(update_fields=["guide", "guide_name", "version"])
        record(acting, meeting.organization, commentary, "sitting.commentary", {"guidance": len(guidance)})
        hooks.meeting_changed(meeting.pk)
    return commentary


def closing_gaps(meeting, closing: Closing) -> list[str]:
    """OL-3.3.b: a commitment on each guidance point and on the masses' opinions."""
    gaps = []
    commentary = Commentary.objects.filter(meeting=meeting).first()
    guidance = commentary.guidance if commentary else []
    answers = list(closing.guidance_responses or [])
    for i, point in enumerate(guidance):
        if i >= len(answers) or not str(answers[i]).strip():
            gaps.append(f"未对第{i + 1}条指导意见“{point[:20]}”表态")
    if active_opinions(meeting).exists() and not closing.opinions_response.strip():
        gaps.append("未就落实党员群众意见建议表态")
    if not closing.commitment.strip():
        gaps.append("缺少表态发言")
    return gaps


def save_closing(
    meeting,
    *,
    actor,
    expected: str,
    shortcomings: str = "",
    rectification_opinions: str = "",
    commitment: str = "",
    guidance_responses: list[str] = (),
    opinions_response: str = "",
) -> Closing:
    """The secretary's 小结, the last item of the meeting (OL-3.3.a). It can be saved while
    incomplete; closing the sitting checks it (`closing_gaps`)."""
    with transaction.atomic():
        meeting = lock(meeting)
        require_org_life(meeting)
        acting = acting_for(actor, "meeting.manage", meeting)
        require_stage(meeting, Stage.READY, action="小结")
        _last_open_sitting(meeting)
        current = Closing.objects.select_for_update().filter(meeting=meeting).first()
        if fingerprint(current) != (expected or ""):
            raise ConcurrentEditError()
        secretary = secretary_of(meeting)
        if secretary is None:
            raise DomainError("本支部没有在任书记，无法记录小结。")
        commentary = Commentary.objects.filter(meeting=meeting).first()
        n = len(commentary.guidance) if commentary else 0
        responses = [str(r).strip() for r in list(guidance_responses)[:n]]
        responses += [""] * (n - len(responses))
        closing = current or Closing(meeting=meeting, author=secretary)
        closing.author = secretary
        closing.shortcomings, closing.rectification_opinions = shortcomings.strip(), rectification_opinions.strip()
        closing.commitment, closing.opinions_response = commitment.strip(), opinions_response.strip()
        closing.guidance_responses = responses
        if closing.pk:
            # The 小结 counts from its latest wording: revised after the 点评, it comes after it (OL-3.3.a).
            closing.recorded_at = timezone.now()
        closing.save()
        record(acting, meeting.organization, closing, "sitting.closing", {"answered": sum(1 for r in responses if r)})
        hooks.meeting_changed(meeting.pk)
    return closing
