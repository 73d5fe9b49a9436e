"""This app's part of the rule-check snapshot (`rulebook.snapshot`): report, circular and the
previous meeting (回头看). The meetings builder fills `problems` and `items` itself."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.db.models import Count, Q
from django.utils import timezone

from core.prepared import Prepared
from rulebook.snapshot import CircularInfo, PreviousMeetingInfo, ReportInfo

from .choices import CircularStatus, FilingStatus, ItemStatus
from .reports import SECTION_KEYS

# OL reports go to the superior organization; the snapshot names it like an office.
SUPERIOR = "superior"


def _queries() -> dict[str, Prepared]:
    """The contributor's reads, compiled to SQL once (`core.prepared`: they run on every meeting page)."""
    from meetings.models import Meeting, OpinionSummary

    from .models import Circular, RectificationItem, Report, ReportFiling

    return {
        "report": Prepared(
            lambda meeting: (
                Report.objects.filter(meeting_id=meeting)
                .order_by("pk")
                .values("pk", "status", "sections", "minutes_scan_path", "first_submitted_at", "current_number")[:1]
            ),
            meeting=int,
        ),
        "summary": Prepared(lambda meeting: OpinionSummary.objects.filter(meeting_id=meeting).values("pk")[:1], meeting=int),
        "filings": Prepared(lambda report: ReportFiling.objects.filter(report_id=report).values_list("report_version__number", "office", "status"), report=int),
        "circular": Prepared(
            lambda meeting: Circular.objects.filter(meeting_id=meeting).order_by("pk").values("status", "published_at", "scope", "form", "is_public")[:1],
            meeting=int,
        ),
        # carryover.previous_meeting's candidates, as values: the same organization and kind
        "candidates": Prepared(
            lambda org, kind, meeting: (
                Meeting.objects.filter(organization_id=org, kind=kind).exclude(pk=meeting).values("pk", "year", "half", "scheduled_date")
            ),
            org=int,
            kind=str,
            meeting=int,
        ),
        "tally": Prepared(
            lambda meeting, today: (
                RectificationItem.objects.filter(meeting_id=meeting)
                .exclude(status=ItemStatus.DRAFT)
                .order_by()
                .values("meeting_id")
                .annotate(
                    total=Count("pk"),
                    closed=Count("pk", filter=Q(status=ItemStatus.CLOSED)),
                    overdue=Count("pk", filter=Q(status__in=(ItemStatus.OPEN, ItemStatus.CLOSURE_REQUESTED), deadline__lt=today)),
                )
            ),
            meeting=int,
            today=datetime.date,
        ),
    }


_PREPARED: dict[str, Prepared] = {}


def _q(name: str) -> Prepared:
    if not _PREPARED:
        _PREPARED.update(_queries())
    return _PREPARED[name]


def _previous(meeting):
    """`carryover.previous_meeting(meeting)` as a plain row (pk and the ordering fields), or None."""
    from .carryover import _order_key

    mine = _order_key(meeting)
    candidates = [SimpleNamespace(**row) for row in _q("candidates").rows(org=meeting.organization_id, kind=meeting.kind, meeting=meeting.pk)]
    earlier = [m for m in candidates if _order_key(m) < mine]
    return max(earlier, key=_order_key, default=None)


def contribute(meeting, today=None) -> dict:
    """`{"report": ReportInfo | None, "circular": CircularInfo | None, "previous": PreviousMeetingInfo}`
    in at most six queries, whatever the number of items or versions."""
    today = today or timezone.localdate()
    report_info = None
    report = next(iter(_q("report").rows(meeting=meeting.pk)), None)
    has_summary = bool(_q("summary").rows(meeting=meeting.pk))
    if report is not None:
        filings = _q("filings").tuples(report=report["pk"])
        current = [(office, status) for number, office, status in filings if number == report["current_number"]]
        offices = frozenset((office or SUPERIOR) for office, status in current if status != FilingStatus.RETURNED)
        first = report["first_submitted_at"]
        report_info = ReportInfo(
            submitted_on=timezone.localdate(first) if first else None,
            status=report["status"],
            has_situation_report=report["current_number"] > 0 or all((report["sections"] or {}).get(k, "").strip() for k in SECTION_KEYS),
            has_minutes_scan=bool(report["minutes_scan_path"]),
            has_opinion_summary=has_summary,
            filed_offices=offices,
            returned_count=sum(1 for _n, _o, status in filings if status == FilingStatus.RETURNED),
        )
    circular_info = None
    circular = next(iter(_q("circular").rows(meeting=meeting.pk)), None)
    if circular is not None:
        published = circular["status"] == CircularStatus.PUBLISHED and circular["published_at"] is not None
        circular_info = CircularInfo(
            published_on=timezone.localdate(circular["published_at"]) if published else None,
            scope=circular["scope"],
            form=circular["form"],
            is_public=circular["is_public"] and published,
        )
    previous = _previous(meeting)
    if previous is None:
        previous_info = PreviousMeetingInfo(exists=False)
    else:
        tally = next(iter(_q("tally").rows(meeting=previous.pk, today=today)), None) or {"total": 0, "closed": 0, "overdue": 0}
        previous_info = PreviousMeetingInfo(exists=True, items_total=tally["total"], items_closed=tally["closed"], items_overdue=tally["overdue"])
    return {"report": report_info, "circular": circular_info, "previous": previous_info}
