"""学习 (OL-2.2, DL-2.4): the required reading list, sessions (专题党课/辅导讲座/大讨论/集中学习/
自学) with date and duration, attendance per member with the way they took part (home visits
and remote study for elderly/infirm and mobile members, OL-1.3.d/e), and a per-member tally
against the rulebook (≥ `ol_study_min_days` in total, ≥ `ol_study_concentrated_min_days`
concentrated; one day = `study_day_hours` hours)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from accounts.permissions import require
from audit.services import record
from core import hooks
from core.errors import DomainError

from .. import lifecycle
from ..choices import CONCENTRATED_FORMS, MeetingKind, ParticipationMode, Stage, StudyForm
from ..models import Reading, StudyAttendance, StudySession

OPEN_STAGES = (Stage.PREPARING, Stage.READY)


def _open(meeting, action: str):
    lifecycle.require_stage(meeting, *OPEN_STAGES, action=action)


def _locked(meeting):
    return lifecycle.lock(meeting)


def add_reading(meeting, *, actor, title: str, source: str = "") -> Reading:
    title = (title or "").strip()
    with transaction.atomic():
        locked = _locked(meeting)
        acting = require(actor, "meeting.manage", locked.organization)
        _open(locked, "编辑必读篇目")
        if not title:
            raise DomainError("请填写篇目名称。")
        if Reading.objects.filter(meeting=locked, title=title).exists():
            raise DomainError(f"必读篇目“{title}”已在清单中。")
        order = Reading.objects.filter(meeting=locked).count() + 1
        reading = Reading.objects.create(meeting=locked, title=title, source=(source or "").strip(), order=order)
        record(acting, locked.organization, reading, "study.reading_saved", {"title": title})
        hooks.meeting_changed(locked.pk)
    return reading


def remove_reading(reading: Reading, *, actor) -> None:
    with transaction.atomic():
        locked = _locked(reading.meeting)
        acting = require(actor, "meeting.manage", locked.organization)
        _open(locked, "编辑必读篇目")
        record(acting, locked.organization, reading, "study.reading_saved", {"removed": reading.title})
        reading.delete()
        hooks.meeting_changed(locked.pk)


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError("时长请填写数字（小时），如 3 或 1.5。") from None
    if hours <= 0 or hours > 24:
        raise DomainError("时长须大于0且不超过24小时。")
    return hours.quantize(Decimal("0.1"))


def save_session(meeting, *, actor, form: str, title: str, date, hours, place: str = "", note: str = "", session: StudySession | None = None) -> StudySession:
    """Add a session, or change one (`session`)."""
    if form not in StudyForm.values:
        raise DomainError("请选择学习形式。")
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写学习内容。")
    if not isinstance(date, datetime.date):
        raise DomainError("请填写学习日期。")
    hours = _hours(hours)
    with transaction.atomic():
        locked = _locked(meeting)
        acting = require(actor, "meeting.manage", locked.organization)
        _open(locked, "安排学习")
        if session is None:
            session = StudySession(meeting=locked)
        elif session.meeting_id != locked.pk:
            raise DomainError("该学习安排不属于本次会议。")
        session.form, session.title, session.date, session.hours = form, title, date, hours
        session.place, session.note = (place or "").strip(), (note or "").strip()
        session.save()
        record(acting, locked.organization, session, "study.session_saved", {"form": form, "date": date, "hours": hours})
        hooks.meeting_changed(locked.pk)
    return session


def delete_session(session: StudySession, *, actor) -> None:
    with transaction.atomic():
        locked = _locked(session.meeting)
        acting = require(actor, "meeting.manage", locked.organization)
        _open(locked, "删除学习安排")
        record(acting, locked.organization, session, "study.session_deleted", {"title": session.title, "date": session.date})
        session.delete()
        hooks.meeting_changed(locked.pk)


def roster_members(meeting):
    """The people who study: the branch's members (OL) or the team's leaders (DL)."""
    from django.db.models import Q
    from django.utils import timezone

    from organizations.models import Member

    if meeting.kind == MeetingKind.DEMOCRATIC_LIFE:
        today = timezone.localdate()
        return (
            Member.objects.filter(
                team_memberships__team_id=meeting.leading_team_id,
                team_memberships__started_on__lte=today,
            )
            .filter(Q(team_memberships__ended_on__isnull=True) | Q(team_memberships__ended_on__gte=today))
            .distinct()
            .order_by("name", "pk")
        )
    return Member.objects.filter(organization_id=meeting.organization_id, is_active=True).order_by("name", "pk")


def save_attendance(session: StudySession, entries: dict[int, tuple[str, str]], *, actor) -> int:
    """Record who took part and how: `entries` maps member id → (mode, note); an empty mode
    removes the record. Members not on the roster are refused. Returns the number recorded."""
    with transaction.atomic():
        locked = _locked(session.meeting)
        acting = require(actor, "meeting.record", locked.organization)
        _open(locked, "登记学习参加情况")
        allowed = set(roster_members(locked).values_list("pk", flat=True))
        strangers = [m for m in entries if m not in allowed]
        if strangers:
            raise DomainError("只能登记本支部党员的学习情况。")
        for mode, _note in entries.values():
            if mode and mode not in ParticipationMode.values:
                raise DomainError("参加方式不正确。")
        existing = {a.member_id: a for a in StudyAttendance.objects.filter(session=session)}
        remove = [existing[m].pk for m, (mode, _n) in entries.items() if not mode and m in existing]
        create, update = [], []
        for member_id, (mode, note) in entries.items():
            if not mode:
                continue
            row = existing.get(member_id)
            if row is None:
                create.append(StudyAttendance(session=session, member_id=member_id, mode=mode, note=(note or "")[:200]))
            elif (row.mode, row.note) != (mode, note or ""):
                row.mode, row.note = mode, (note or "")[:200]
                update.append(row)
        StudyAttendance.objects.filter(pk__in=remove).delete()
        StudyAttendance.objects.bulk_create(create)
        StudyAttendance.objects.bulk_update(update, ["mode", "note"])
        record(acting, locked.organization, session, "study.attendance_saved", {"created": len(create), "updated": len(update), "removed": len(remove)})
        hooks.meeting_changed(locked.pk)
    return len(create) + len(update)


def confirm_self_study(session: StudySession, *, actor) -> StudyAttendance:
    """A member records their own self-study (自学)."""
    from organizations.models import Member

    with transaction.atomic():
        locked = _locked(session.meeting)
        acting = require(actor, "meeting.participate", locked.organization)
        _open(locked, "登记自学")
        if session.form != StudyForm.SELF:
            raise DomainError("集中学习的参加情况由支部登记。")
        member = Member.objects.filter(user=getattr(actor, "user", actor), pk__in=roster_members(locked).values("pk")).first()
        if member is None:
            raise DomainError("您不在本次会议的党员名单中。")
        row, _ = StudyAttendance.objects.update_or_create(session=session, member=member, defaults={"mode": ParticipationMode.IN_PERSON})
        record(acting, locked.organization, session, "study.attendance_saved", {"self_study": member.pk})
        hooks.meeting_changed(locked.pk)
    return row


@dataclass
class TallyRow:
    member: object
    total_hours: float
    concentrated_hours: float
    total_days: float
    concentrated_days: float
    flexible: bool
    ok_total: bool
    ok_concentrated: bool
    modes: list[str]


def tally(meeting, members=None) -> tuple[list[TallyRow], dict]:
    """Per member: hours and days before the meeting against the rulebook's minimums (three
    queries). Returns (rows, {"day_hours", "min_days", "min_concentrated_days"})."""
    from ..snapshot import study_tally

    rb = lifecycle.rulebook_of(meeting)
    is_dl = meeting.kind == MeetingKind.DEMOCRATIC_LIFE
    day_hours = float(rb.param("study_day_hours")) or 1.0
    min_days = float(rb.param("dl_study_typical_days") if is_dl else rb.param("ol_study_min_days"))
    if is_dl:
        min_days -= float(rb.param("dl_study_tolerance_days"))
    min_conc = float(rb.param("dl_study_concentrated_min_days") if is_dl else rb.param("ol_study_concentrated_min_days"))
    members = list(members if members is not None else roster_members(meeting))
    sessions = list(StudySession.objects.filter(meeting=meeting).values("id", "form", "date", "hours"))
    rows = list(StudyAttendance.objects.filter(session__meeting=meeting).values("session_id", "member_id", "mode", "hours"))
    modes: dict[int, set[str]] = {}
    for r in rows:
        if r["mode"] != ParticipationMode.ABSENT:
            modes.setdefault(r["member_id"], set()).add(r["mode"])
    day = meeting.scheduled_date
    if hasattr(meeting, "plan") and meeting.plan.scheduled_date:
        day = meeting.plan.scheduled_date
    counted = study_tally(sessions, rows, day)
    out = []
    for m in members:
        t = counted.get(f"m{m.pk}")
        total = t.total_hours if t else 0.0
        conc = t.concentrated_hours if t else 0.0
        out.append(
            TallyRow(
                member=m,
                total_hours=total,
                concentrated_hours=conc,
                total_days=round(total / day_hours, 2),
                concentrated_days=round(conc / day_hours, 2),
                flexible=bool(t and t.flexible),
                ok_total=total / day_hours >= min_days,
                ok_concentrated=conc / day_hours >= min_conc,
                modes=sorted(ParticipationMode(x).label for x in modes.get(m.pk, ())),
            )
        )
    return out, {"day_hours": day_hours, "min_days": min_days, "min_concentrated_days": min_conc, "concentrated_forms": CONCENTRATED_FORMS}
