"""学习 (OL-2.2): reading list, sessions, attendance grid and the per-member tally."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import permission_set, require
from accounts.scoping import row_or_404
from core.errors import DomainError
from core.views import view_permission
from rulebook import engine

from .. import lifecycle
from ..choices import ParticipationMode, Stage, StudyForm
from ..forms_core import ReadingForm, SessionForm
from ..models import Reading, StudyAttendance, StudySession
from ..services import study
from .meeting import get_meeting, show_error

# The modes offered in the grid (OL-1.3.d/e: flexible forms for elderly/infirm and mobile members).
GRID_MODES = [
    ("", "—"),
    (ParticipationMode.IN_PERSON, "现场"),
    (ParticipationMode.HOME_VISIT, "送学上门"),
    (ParticipationMode.REMOTE, "线上"),
    (ParticipationMode.AT_FLOW_ORG, "在流入/流出地"),
    (ParticipationMode.ABSENT, "缺席"),
]


def _context(request, meeting, session_form=None, reading_form=None):
    perms = permission_set(request.user, meeting.organization)
    sessions = list(StudySession.objects.filter(meeting=meeting).order_by("date", "pk"))
    members = list(study.roster_members(meeting))
    rows, params = study.tally(meeting, members)
    marks = {(a.session_id, a.member_id): a.mode for a in StudyAttendance.objects.filter(session__meeting=meeting)}
    recorder = "meeting.record" in perms
    me = next((m for m in members if m.user_id == request.user.pk), None)
    if not recorder:
        rows = [r for r in rows if me and r.member.pk == me.pk]
    # A concentrated session nobody has recorded yet starts with everyone present, so the secretary
    # changes only the absentees and the home/remote cases instead of choosing 25 times.
    recorded = {session_id for session_id, _member in marks}
    prefill = {s.pk: ParticipationMode.IN_PERSON for s in sessions if s.pk not in recorded and s.form != StudyForm.SELF}
    grid = [(r, [(s, marks.get((s.pk, r.member.pk), prefill.get(s.pk, ""))) for s in sessions]) for r in rows]
    rb = lifecycle.rulebook_of(meeting)
    return {
        "meeting": meeting,
        "perms": perms,
        "open": meeting.stage in study.OPEN_STAGES,
        "stage_planning": meeting.stage == Stage.PLANNING,
        "readings": Reading.objects.filter(meeting=meeting).order_by("order", "pk"),
        "campaign_readings": meeting.campaign.readings if meeting.campaign_id else [],
        "sessions": sessions,
        "grid": grid,
        "params": params,
        "modes": GRID_MODES,
        "me": me,
        "my_marks": {s.pk for s in sessions if me and (s.pk, me.pk) in marks},
        "session_form": session_form or SessionForm(),
        "reading_form": reading_form or ReadingForm(),
        "guidance": engine.guidance_for(meeting.kind, "study", rb),
        "findings": [f for f in lifecycle.findings(meeting) if f.rule_id.startswith(("OL-2.2", "DL-2.4"))] if recorder else [],
        "rulebook": rb,
    }


@view_permission("meeting.view")
def study_page(request, pk):
    meeting = get_meeting(request, pk)
    return render(request, "meetings/core/study.html", _context(request, meeting))


@require_POST
@view_permission("meeting.manage")
def reading_add(request, pk):
    meeting = get_meeting(request, pk, "meeting.manage")
    require(request.user, "meeting.manage", meeting.organization)
    form = ReadingForm(request.POST)
    if form.is_valid():
        try:
            study.add_reading(meeting, actor=request.user, title=form.cleaned_data["title"], source=form.cleaned_data["source"])
        except DomainError as exc:
            show_error(request, exc)
            return render(request, "meetings/core/study.html", _context(request, meeting, reading_form=form))
        messages.success(request, "已添加必读篇目。")
        return redirect("meetings:study", meeting.pk)
    return render(request, "meetings/core/study.html", _context(request, meeting, reading_form=form))


@require_POST
@view_permission("meeting.manage")
def reading_delete(request, pk):
    reading = row_or_404(Reading.objects.select_related("meeting__organization"), request.user, "meeting.manage", pk=pk)
    try:
        study.remove_reading(reading, actor=request.user)
    except DomainError as exc:
        show_error(request, exc)
    return redirect("meetings:study", reading.meeting_id)


@require_POST
@view_permission("meeting.manage")
def session_add(request, pk):
    meeting = get_meeting(request, pk, "meeting.manage")
    require(request.user, "meeting.manage", meeting.organization)
    form = SessionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            study.save_session(meeting, actor=request.user, form=d["form"], title=d["title"], date=d["date"], hours=d["hours"], place=d["place"])
        except DomainError as exc:
            show_error(request, exc)
        else:
            messages.success(request, "已添加学习安排，请登记参加情况。")
            return redirect("meetings:study", meeting.pk)
    return render(request, "meetings/core/study.html", _context(request, meeting, session_form=form))


@require_POST
@view_permission("meeting.manage")
def session_delete(request, pk):
    session = row_or_404(StudySession.objects.select_related("meeting__organization"), request.user, "meeting.manage", pk=pk)
    try:
        study.delete_session(session, actor=request.user)
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已删除学习安排。")
    return redirect("meetings:study", session.meeting_id)


@require_POST
@view_permission("meeting.record")
def attendance_save(request, pk):
    """The grid posts one select per member for one session: `m<member id>` = mode."""
    session = row_or_404(StudySession.objects.select_related("meeting__organization"), request.user, "meeting.record", pk=pk)
    require(request.user, "meeting.record", session.meeting.organization)
    entries = {}
    for name, value in request.POST.items():
        if name.startswith("m") and name[1:].isdigit():
            entries[int(name[1:])] = (value, request.POST.get(f"note{name[1:]}", ""))
    htmx = request.headers.get("HX-Request") == "true"
    try:
        n = study.save_attendance(session, entries, actor=request.user)
    except DomainError as exc:
        if htmx:
            return render(request, "meetings/core/_study_attendance.html", {**_context(request, session.meeting), "saved": exc.message})
        show_error(request, exc)
    else:
        text = f"已登记“{session.title}”的参加情况（{n}人次）。"
        if htmx:
            # Only the grid and the tally change: swap them in place, no reload.
            return render(request, "meetings/core/_study_attendance.html", {**_context(request, session.meeting), "saved": text})
        messages.success(request, text)
    return redirect("meetings:study", session.meeting_id)


@require_POST
@view_permission("meeting.participate")
def self_study(request, pk):
    session = row_or_404(StudySession.objects.select_related("meeting__organization"), request.user, "meeting.participate", pk=pk)
    try:
        study.confirm_self_study(session, actor=request.user)
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已登记自学。")
    return redirect("meetings:study", session.meeting_id)
