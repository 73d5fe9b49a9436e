"""This app's part of the rule-check snapshot (`rulebook.snapshot`): report, circular and the
previous meeting (回头看). The meetings builder fills `problems` and `items` itself."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from rulebook.snapshot import CircularInfo, PreviousMeetingInfo, ReportInfo

from .choices import CircularStatus, FilingStatus, ItemStatus
from .reports import SECTION_KEYS

# OL reports go to the superior organization; the snapshot names it like an office.
SUPERIOR = "superior"


def contribute(meeting, today=None) -> dict:
    """`{"report": ReportInfo | None, "circular": CircularInfo | None, "previous": PreviousMeetingInfo}`
    in at most six queries, whatever the number of items or versions."""
    from meetings.models import OpinionSummary

    from .carryover import previous_meeting
    from .models import Circular, RectificationItem, Report, ReportFiling

    today = today or timezone.localdate()
    report_info = None
    report = Report.objects.filter(meeting=meeting).first()
    has_summary = OpinionSummary.objects.filter(meeting=meeting).exists()
    if report is not None:
        filings = list(ReportFiling.objects.filter(report=report).values_list("report_version__number", "office", "status"))
        current = [(office, status) for number, office, status in filings if number == report.current_number]
        offices = frozenset((office or SUPERIOR) for office, status in current if status != FilingStatus.RETURNED)
        report_info = ReportInfo(
            submitted_on=timezone.localdate(report.first_submitted_at) if report.first_submitted_at else None,
            status=report.status,
            has_situation_report=report.current_number > 0 or all((report.sections or {}).get(k, "").strip() for k in SECTION_KEYS),
            has_minutes_scan=bool(report.minutes_scan_path),
            has_opinion_summary=has_summary,
            filed_offices=offices,
            returned_count=sum(1 for _n, _o, status in filings if status == FilingStatus.RETURNED),
        )
    circular_info = None
    circular = Circular.objects.filter(meeting=meeting).first()
    if circular is not None:
        published = circular.status == CircularStatus.PUBLISHED and circular.published_at is not None
        circular_info = CircularInfo(
            published_on=timezone.localdate(circular.published_at) if published else None,
            scope=circular.scope,
            form=circular.form,
            is_public=circular.is_public and published,
        )
    previous = previous_meeting(meeting)
    if previous is None:
        previous_info = PreviousMeetingInfo(exists=False)
    else:
        tally = (
            RectificationItem.objects.filter(meeting=previous)
            .exclude(status=ItemStatus.DRAFT)
            .aggregate(
                total=Count("pk"),
                closed=Count("pk", filter=Q(status=ItemStatus.CLOSED)),
                overdue=Count("pk", filter=Q(status__in=(ItemStatus.OPEN, ItemStatus.CLOSURE_REQUESTED), deadline__lt=today)),
            )
        )
        previous_info = PreviousMeetingInfo(exists=True, items_total=tally["total"], items_closed=tally["closed"], items_overdue=tally["overdue"])
    return {"report": report_info, "circular": circular_info, "previous": previous_info}
