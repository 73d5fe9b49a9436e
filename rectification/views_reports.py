"""The report package (OL-4.2, DL-4.2), receivers' inbox, and the circular (DL-4.3)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.choices import Role
from accounts.grants import load_grants
from accounts.permissions import has_perm
from accounts.scoping import get_visible_or_404
from core.errors import DomainError
from core.uploads import private_file_response
from core.views import view_permission
from meetings.models import Meeting

from . import deadlines, report_services
from .choices import CircularStatus, FilingStatus, ReportStatus
from .forms import CircularForm, NoteForm, ReasonForm, ReportForm, UploadForm
from .models import Report, ReportFiling, ReportVersion
from .reports import headings, latest_opinion_summary, package_findings, situation_text, situation_title
from .views import _show_error


def _meeting(request, pk, perm):
    return get_visible_or_404(Meeting.objects.select_related("organization", "leading_team"), request.user, perm, pk=pk)


def _lateness(report, today):
    """What to show about the deadline (DL-4.2.a): due date, and days late or overdue."""
    if report is None or report.due_on is None:
        return {"due": None, "late_days": 0, "overdue_days": 0}
    if report.first_submitted_at:
        late = deadlines.days_late(report.due_on, timezone.localdate(report.first_submitted_at))
        return {"due": report.due_on, "late_days": late, "overdue_days": 0}
    return {"due": report.due_on, "late_days": 0, "overdue_days": deadlines.days_late(report.due_on, today)}


@never_cache
@view_permission("report.view")
def report_view(request, pk):
    meeting = _meeting(request, pk, "report.view")
    can_prepare = has_perm(request.user, "report.prepare", meeting.organization)
    report = Report.objects.filter(meeting=meeting).first()
    if report is None and can_prepare:
        report = report_services.report_for(meeting)
    editable = can_prepare and report is not None and report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
    text = {"title": situation_title(meeting), "headings": headings(meeting), "sections": situation_text(meeting)}
    form = None
    if editable:
        form = ReportForm(meeting, initial={**text["sections"], "version": report.version})
    versions = []
    if report is not None:
        versions = list(
            ReportVersion.objects.filter(report=report)
            .select_related("submitted_by", "opinion_summary")
            .prefetch_related("filings__decided_by", "filings__recipient_organization")
            .order_by("-number")
        )
    findings = package_findings(report, report.sections or text["sections"]) if editable else []
    filings_to_decide = set()
    for version in versions[:1]:
        for filing in version.filings.all():
            if filing.status == FilingStatus.PENDING and _can_decide(request.user, filing):
                filings_to_decide.add(filing.pk)
    context = {
        "meeting": meeting,
        "report": report,
        "text": text,
        "form": form,
        "upload_form": UploadForm() if editable else None,
        "findings": findings,
        "versions": versions,
        "can_prepare": can_prepare,
        "editable": editable,
        "filings_to_decide": filings_to_decide,
        "reason_form": ReasonForm(),
        "note_form": NoteForm(),
        "lateness": _lateness(report, timezone.localdate()) if report else {},
        "recipients": report_services.recipients(meeting),
        "summary": latest_opinion_summary(meeting),
    }
    return render(request, "rectification/report.html", context)


def _can_decide(user, filing) -> bool:
    try:
        report_services.receiver_acting(user, filing)
    except PermissionDenied:
        return False
    return True


@require_POST
@view_permission("report.prepare")
def report_save(request, pk):
    meeting = _meeting(request, pk, "report.prepare")
    report = report_services.report_for(meeting)
    form = ReportForm(meeting, request.POST)
    if "regenerate" in request.POST:
        from .reports import draft_situation

        sections, version = draft_situation(meeting), int(request.POST.get("version") or 0)
    elif form.is_valid():
        sections, version = form.sections(), form.cleaned_data["version"]
    else:
        messages.error(request, "报告内容过长或表单已失效，请刷新后重试。")
        return redirect("rectification:report", pk=meeting.pk)
    try:
        report_services.save_report(report, actor=request.user, version=version, sections=sections)
    except DomainError as exc:
        _show_error(request, exc)
        # Keep what the user typed: re-render the page with their text.
        context_form = ReportForm(meeting, request.POST)
        context_form.is_valid()
        return render(request, "rectification/report.html", _rerender_context(request, meeting, report, context_form), status=409)
    messages.success(request, "已按记录重新生成报告草稿。" if "regenerate" in request.POST else "已保存会议情况报告。")
    return redirect("rectification:report", pk=meeting.pk)


def _rerender_context(request, meeting, report, form):
    return {
        "meeting": meeting,
        "report": report,
        "text": {"title": situation_title(meeting), "headings": headings(meeting), "sections": situation_text(meeting)},
        "form": form,
        "upload_form": UploadForm(),
        "findings": [],
        "versions": list(report.versions.order_by("-number")),
        "can_prepare": True,
        "editable": True,
        "filings_to_decide": set(),
        "reason_form": ReasonForm(),
        "note_form": NoteForm(),
        "lateness": _lateness(report, timezone.localdate()),
        "recipients": report_services.recipients(meeting),
        "summary": latest_opinion_summary(meeting),
    }


@require_POST
@view_permission("report.prepare")
def report_scan(request, pk):
    meeting = _meeting(request, pk, "report.prepare")
    report = report_services.report_for(meeting)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要上传的扫描件。")
        return redirect("rectification:report", pk=meeting.pk)
    upload = form.cleaned_data["file"]
    try:
        report_services.upload_minutes_scan(report, actor=request.user, name=upload.name, data=upload.read())
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, "已上传会议原始记录复印件。")
    return redirect("rectification:report", pk=meeting.pk)


@require_POST
@view_permission("report.prepare")
def report_submit(request, pk):
    meeting = _meeting(request, pk, "report.prepare")
    report = report_services.report_for(meeting)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        version = report_services.submit_report(report, actor=request.user, note=note)
    except DomainError as exc:
        _show_error(request, exc)
    else:
        late = f"（超过报送时限{version.late_days}天）" if version.late_days else ""
        messages.success(request, f"已报送第{version.number}版上报材料{late}。")
    return redirect("rectification:report", pk=meeting.pk)


@never_cache
@view_permission("report.view")
def report_scan_download(request, pk):
    """The scanned minutes of the current draft or of version `?v=`; same visibility as the report."""
    report = get_visible_or_404(Report.objects.all(), request.user, "report.view", pk=pk)
    number = request.GET.get("v")
    if number:
        version = ReportVersion.objects.filter(report=report, number=number if number.isdigit() else -1).first()
        if version is None:
            raise Http404("未找到该版本")
        return private_file_response(version.minutes_scan_path, version.minutes_scan_name, version.minutes_scan_kind)
    if not report.minutes_scan_path:
        raise Http404("尚未上传")
    return private_file_response(report.minutes_scan_path, report.minutes_scan_name, report.minutes_scan_kind)


def _filing(request, pk):
    return get_visible_or_404(ReportFiling.objects.select_related("report", "report__organization", "report_version"), request.user, "report.receive", pk=pk)


@require_POST
@view_permission("report.receive")
def filing_receive(request, pk):
    filing = _filing(request, pk)
    form = NoteForm(request.POST)
    try:
        report_services.receive_filing(filing, actor=request.user, comment=form.cleaned_data["note"] if form.is_valid() else "")
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, "已接收上报材料。")
    return redirect("rectification:report", pk=filing.report.meeting_id)


@require_POST
@view_permission("report.receive")
def filing_return(request, pk):
    filing = _filing(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "退回上报材料须说明理由。")
        return redirect("rectification:report", pk=filing.report.meeting_id)
    try:
        report_services.return_filing(filing, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, "已退回，报送单位修改后将重新报送。")
    return redirect("rectification:report", pk=filing.report.meeting_id)


@view_permission("report.receive")
def inbox(request):
    """Packages waiting for this receiver: reviewers get the 组织生活会 ones, each inspector
    those filed with their office (DL-4.2.a). One query for the list."""
    offices = {g.office for g in load_grants(request.user) if g.role == Role.INSPECTOR and g.office}
    reviewer = any(g.role == Role.REVIEWER for g in load_grants(request.user))
    mine = Q(office__in=offices) | (Q(office="") if reviewer else Q(pk__in=[]))
    filings = (
        ReportFiling.objects.visible_to(request.user)
        .filter(mine, report_version__number=F("report__current_number"))
        .select_related("report", "report__meeting", "report__organization", "report_version")
        .order_by("status", "-report_version__submitted_at")[:200]
    )
    return render(request, "rectification/inbox.html", {"filings": filings, "pending": FilingStatus.PENDING})


# -- circular ------------------------------------------------------------------------------
@never_cache
@view_permission("report.view")
def circular_view(request, pk):
    meeting = _meeting(request, pk, "report.view")
    can_prepare = has_perm(request.user, "report.prepare", meeting.organization)
    circular = report_services.circular_for(meeting) if can_prepare else getattr(meeting, "circular", None)
    form = None
    if can_prepare and circular.status == CircularStatus.DRAFT:
        draft = report_services.fill_circular_draft(circular)
        form = CircularForm(
            initial={
                "title": draft["title"],
                "content": draft["content"],
                "scope": circular.scope,
                "form": circular.form,
                "is_public": circular.is_public,
                "version": circular.version,
            }
        )
    today = timezone.localdate()
    due = circular.due_on if circular and circular.due_on else deadlines.circular_due(meeting)
    late = 0
    if circular and circular.published_at:
        late = deadlines.days_late(due, timezone.localdate(circular.published_at))
    return render(
        request,
        "rectification/circular.html",
        {
            "meeting": meeting,
            "circular": circular,
            "form": form,
            "due": due,
            "late_days": late,
            "overdue_days": 0 if (circular and circular.published_at) else deadlines.days_late(due, today),
        },
    )


@require_POST
@view_permission("report.prepare")
def circular_save(request, pk):
    """Save the circular (and publish it when asked); a refusal keeps what was typed."""
    meeting = _meeting(request, pk, "report.prepare")
    circular = report_services.circular_for(meeting)
    form = CircularForm(request.POST)
    if form.is_valid():
        try:
            circular = report_services.save_circular(circular, actor=request.user, **form.cleaned_data)
            if "publish" in request.POST:
                report_services.publish_circular(circular, actor=request.user)
        except DomainError as exc:
            _show_error(request, exc)
        else:
            messages.success(request, "通报已发布。" if "publish" in request.POST else "已保存通报草稿。")
            return redirect("rectification:circular", pk=meeting.pk)
        form = CircularForm({**request.POST.dict(), "version": circular.version})
        form.is_valid()
    due = deadlines.circular_due(meeting)
    context = {
        "meeting": meeting,
        "circular": circular,
        "form": form,
        "due": due,
        "late_days": 0,
        "overdue_days": deadlines.days_late(due, timezone.localdate()),
    }
    return render(request, "rectification/circular.html", context, status=400)
