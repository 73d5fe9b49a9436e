"""State changes of the report package (OL-4.2, DL-4.2) and the circular (DL-4.3)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.choices import Office, Role
from accounts.permissions import Acting, require
from audit.services import diff, record
from core import hooks
from core.errors import ConcurrentEditError, DomainError
from core.uploads import check_upload, store_private
from organizations.choices import OrgKind

from . import deadlines
from .choices import CircularStatus, FilingStatus, ReportStatus
from .models import Circular, Report, ReportFiling, ReportVersion
from .reports import SECTION_KEYS, circular_draft, latest_opinion_summary, package_findings, situation_text
from .services import covering_grants, remove_private_files, safe_filename

SCAN_KINDS = {"pdf", "png", "jpeg"}
SCAN_MAX_BYTES = 20 * 1024 * 1024
DL_RECIPIENTS = (Office.DISCIPLINE, Office.ORGANIZATION_DEPT)


def report_for(meeting) -> Report:
    """The meeting's report package (created on first use, with its due date)."""
    report = Report.objects.filter(meeting=meeting).select_related("meeting", "organization").first()
    if report is None:
        report, _ = Report.objects.get_or_create(meeting=meeting, defaults={"organization": meeting.organization, "due_on": deadlines.report_due(meeting)})
    return report


def circular_for(meeting) -> Circular:
    circular = Circular.objects.filter(meeting=meeting).first()
    if circular is None:
        circular, _ = Circular.objects.get_or_create(
            meeting=meeting, defaults={"organization": meeting.organization, "due_on": deadlines.circular_due(meeting)}
        )
    return circular


def recipients(meeting) -> list[tuple[str, object]]:
    """(office, organization) pairs the package goes to: the superior organization (OL-4.2.a),
    or the 纪委 and the 组织部 of the district above a leading team (DL-4.2.a)."""
    organization = meeting.organization
    ancestors = list(organization.ancestors())
    parent = ancestors[-1] if ancestors else organization
    if meeting.is_democratic_life:
        district = next((a for a in reversed(ancestors) if a.kind == OrgKind.DISTRICT_COMMITTEE), parent)
        return [(office, district) for office in DL_RECIPIENTS]
    return [("", reviewing_organization(ancestors) or parent)]


def reviewing_organization(ancestors):
    """The nearest superior with a reviewer, who is the one to receive the package: a branch under
    a 党总支 without reviewers reports to the 党工委 whose reviewer decides (found by the
    walkthrough: the page named the 党总支 while the 党工委's reviewer received it)."""
    from accounts.models import RoleAssignment

    with_reviewer = set(RoleAssignment.objects.active().filter(role=Role.REVIEWER, organization__in=ancestors).values_list("organization_id", flat=True))
    return next((a for a in reversed(ancestors) if a.pk in with_reviewer), None)


def _lock_report(report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


def save_report(report: Report, *, actor, version: int, sections: dict) -> Report:
    """The secretary's edit of the drafted text, kept until the next submission."""
    with transaction.atomic():
        locked = _lock_report(report)
        acting = require(actor, "report.prepare", locked.organization)
        if locked.version != version:
            raise ConcurrentEditError()
        if locked.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
            raise DomainError("材料已报送，正在审核或已接收，不能修改；被退回后可修改再报。")
        cleaned = {key: (sections.get(key) or "").strip() for key in SECTION_KEYS}
        changes = diff(locked.sections or {}, cleaned)
        locked.sections = cleaned
        locked.version += 1
        locked.updated_by = actor
        locked.save(update_fields=["sections", "version", "updated_by", "updated_at"])
        record(acting, locked.organization, locked, "report.saved", {"sections_changed": sorted(changes)})
    return locked


def upload_minutes_scan(report: Report, *, actor, name: str, data: bytes) -> Report:
    """The scanned 原始记录 (OL-4.2.a): PDF or image, sniffed, stored outside the web root."""
    kind = check_upload(data, SCAN_KINDS, SCAN_MAX_BYTES)
    path = None
    try:
        with transaction.atomic():
            locked = _lock_report(report)
            acting = require(actor, "report.prepare", locked.organization)
            if locked.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
                raise DomainError("材料已报送，不能更换原始记录；被退回后可重新上传。")
            path = store_private(data, f"minutes/{locked.organization_id}", kind)
            locked.minutes_scan_path, locked.minutes_scan_kind = path, kind
            locked.minutes_scan_name = safe_filename(name, kind)
            locked.minutes_scan_at = timezone.now()
            locked.version += 1
            locked.save(update_fields=["minutes_scan_path", "minutes_scan_kind", "minutes_scan_name", "minutes_scan_at", "version", "updated_at"])
            record(acting, locked.organization, locked, "report.scan_uploaded", {"name": locked.minutes_scan_name, "size": len(data)})
    except BaseException:
        if path:
            remove_private_files([path])
        raise
    return locked


def submit_report(report: Report, *, actor, note: str = "", on=None) -> ReportVersion:
    """Freeze a version and file it with every recipient. A missing part blocks (OL-4.2.a,
    DL-4.2.b); lateness is computed from the rulebook deadline and kept on the version (DL-4.2.a)."""
    now = on or timezone.now()
    with transaction.atomic():
        locked = _lock_report(report)
        acting = require(actor, "report.prepare", locked.organization)
        if locked.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
            raise DomainError("材料已经报送。")
        meeting = locked.meeting
        sections = locked.sections or situation_text(meeting)
        findings = package_findings(locked, sections)
        if findings:
            raise DomainError("上报材料不齐全，不能报送。", findings=findings)
        summary = latest_opinion_summary(meeting)
        due = deadlines.report_due(meeting)
        submitted_on = timezone.localdate(now)
        number = locked.current_number + 1
        version = ReportVersion.objects.create(
            report=locked,
            number=number,
            sections=sections,
            minutes_scan_path=locked.minutes_scan_path,
            minutes_scan_kind=locked.minutes_scan_kind,
            minutes_scan_name=locked.minutes_scan_name,
            opinion_summary=summary,
            submitted_at=now,
            submitted_by=actor,
            due_on=due,
            late_days=deadlines.days_late(due, submitted_on),
            note=(note or "").strip(),
        )
        for office, organization in recipients(meeting):
            ReportFiling.objects.create(report=locked, report_version=version, office=office, recipient_organization=organization)
        locked.status = ReportStatus.SUBMITTED
        locked.current_number = number
        locked.sections = sections
        locked.due_on = due
        locked.submitted_at = now
        locked.first_submitted_at = locked.first_submitted_at or now
        locked.version += 1
        locked.save(update_fields=["status", "current_number", "sections", "due_on", "submitted_at", "first_submitted_at", "version", "updated_at"])
        record(
            acting,
            locked.organization,
            locked,
            "report.submitted",
            {"number": number, "late_days": version.late_days, "due_on": due, "opinion_summary": summary.pk},
        )
        hooks.meeting_changed(meeting.pk)
        # The meeting moves RECTIFYING → REPORTED (ol-core's lifecycle; blockers keep it where it is).
        from meetings import lifecycle

        lifecycle.on_report_submitted(meeting, actor=acting)
    return version


def receiver_acting(user, filing: ReportFiling) -> Acting:
    """OL-4.2.a: a reviewer of the superior; DL-4.2.a: an inspector of the filing's office."""
    organization = filing.report.organization
    grants = covering_grants(user, "report.receive", organization)
    if not grants:
        raise PermissionDenied("没有接收该上报材料的权限")
    if filing.office:
        grant = next((g for g in grants if g.role == Role.INSPECTOR and g.office == filing.office), None)
        if grant is None:
            raise PermissionDenied(f"该份材料报送{filing.get_office_display()}，须由{filing.get_office_display()}接收")
    else:
        grant = next((g for g in grants if g.role == Role.REVIEWER), None)
        if grant is None:
            raise PermissionDenied("组织生活会材料由上级党组织审核人接收")
    return Acting(user, grant.role, grant.organization_id)


def _decide(filing: ReportFiling, *, actor, status: str, comment: str) -> ReportFiling:
    with transaction.atomic():
        locked = ReportFiling.objects.select_for_update(of=("self",)).select_related("report_version").get(pk=filing.pk)
        report = _lock_report(locked.report)
        acting = receiver_acting(actor, locked)
        if locked.report_version.number != report.current_number:
            raise DomainError("这是已被新版本替代的旧版本，请处理最新报送的版本。")
        if locked.status != FilingStatus.PENDING:
            raise DomainError(f"该份材料已{locked.get_status_display()}。")
        if report.status == ReportStatus.RETURNED:
            raise DomainError("该版本已被退回修改，请等待报送单位重新报送。")
        locked.status, locked.comment = status, comment
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.save(update_fields=["status", "comment", "decided_by", "decided_at"])
        current = ReportFiling.objects.filter(report_version=locked.report_version)
        if status == FilingStatus.RETURNED:
            report.status = ReportStatus.RETURNED
        elif not current.exclude(status=FilingStatus.RECEIVED).exists():
            report.status = ReportStatus.ACCEPTED
        report.version += 1
        report.save(update_fields=["status", "version", "updated_at"])
        code = "report.returned" if status == FilingStatus.RETURNED else "report.received"
        record(acting, report.organization, report, code, {"number": locked.report_version.number, "office": locked.office, "comment": comment})
        hooks.meeting_changed(report.meeting_id)
    return locked


def receive_filing(filing: ReportFiling, *, actor, comment: str = "") -> ReportFiling:
    return _decide(filing, actor=actor, status=FilingStatus.RECEIVED, comment=(comment or "").strip())


def return_filing(filing: ReportFiling, *, actor, reason: str) -> ReportFiling:
    """A receiver returns the package with reasons; the secretary corrects and resubmits a new version."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("退回上报材料须说明理由。")
    return _decide(filing, actor=actor, status=FilingStatus.RETURNED, comment=reason)


# -- circular ------------------------------------------------------------------------------
CIRCULAR_FIELDS = ("title", "content", "scope", "form", "is_public")


def save_circular(circular: Circular, *, actor, version: int, **fields) -> Circular:
    with transaction.atomic():
        locked = Circular.objects.select_for_update().get(pk=circular.pk)
        acting = require(actor, "report.prepare", locked.organization)
        if locked.version != version:
            raise ConcurrentEditError()
        if locked.status == CircularStatus.PUBLISHED:
            raise DomainError("通报已经发布，不能修改。")
        before = {name: getattr(locked, name) for name in CIRCULAR_FIELDS}
        for name in CIRCULAR_FIELDS:
            if name in fields:
                value = fields[name]
                setattr(locked, name, value.strip() if isinstance(value, str) else bool(value))
        locked.version += 1
        locked.save(update_fields=[*CIRCULAR_FIELDS, "version", "updated_at"])
        record(acting, locked.organization, locked, "circular.saved", {"changes": sorted(diff(before, {n: getattr(locked, n) for n in CIRCULAR_FIELDS}))})
    return locked


def fill_circular_draft(circular: Circular) -> dict:
    """Initial values for an empty circular form: generated from the report (DL-4.3.b)."""
    draft = circular_draft(circular.meeting)
    return {"title": circular.title or draft["title"], "content": circular.content or draft["content"]}


def publish_circular(circular: Circular, *, actor, on=None) -> Circular:
    """DL-4.3.a/b: publish within the month, with its scope and form recorded."""
    now = on or timezone.now()
    with transaction.atomic():
        locked = Circular.objects.select_for_update().get(pk=circular.pk)
        acting = require(actor, "report.prepare", locked.organization)
        if locked.status == CircularStatus.PUBLISHED:
            raise DomainError("通报已经发布。")
        missing = [
            label
            for name, label in (("title", "标题"), ("content", "通报内容"), ("scope", "通报范围"), ("form", "通报形式"))
            if not getattr(locked, name).strip()
        ]
        if missing:
            raise DomainError(f"请先填写{'、'.join(missing)}（DL-4.3.b）。")
        due = deadlines.circular_due(locked.meeting)
        locked.status, locked.published_at, locked.published_by, locked.due_on = CircularStatus.PUBLISHED, now, actor, due
        locked.version += 1
        locked.save(update_fields=["status", "published_at", "published_by", "due_on", "version", "updated_at"])
        record(
            acting,
            locked.organization,
            locked,
            "circular.published",
            {"scope": locked.scope, "form": locked.form, "is_public": locked.is_public, "late_days": deadlines.days_late(due, timezone.localdate(now))},
        )
        hooks.meeting_changed(locked.meeting_id)
    return locked
