"""This app's part of the rule-check snapshot (`rulebook.snapshot`): report, circular and the
previous meeting (回头看). The meetings builder fills `problems` and `items` itself."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.prepared import Prepared
from meetings.snapshot import record_of
from rulebook.snapshot import CircularInfo, PreviousMeetingInfo, ReportInfo

from .choices import CircularStatus, FilingStatus, ItemStatus
from .reports import SECTION_KEYS

# OL reports go to the superior organization; the snapshot names it like an office.
SUPERIOR = "superior"


def _tally(**lookups):
    """How many of the candidate meeting's items (drafts aside) match `lookups`."""
    from .models import RectificationItem

    items = RectificationItem.objects.filter(meeting_id=OuterRef("pk"), **lookups).exclude(status=ItemStatus.DRAFT)
    return Coalesce(Subquery(items.order_by().values("meeting_id").annotate(n=Count("pk")).values("n")[:1]), 0)


def _queries() -> dict[str, Prepared]:
    """The contributor's reads, compiled to SQL once (`core.prepared`: they run on every meeting page)."""
    from meetings.models import Meeting, OpinionSummary

    from .models import ReportFiling

    return {
        "summary": Prepared(lambda meeting: OpinionSummary.objects.filter(meeting_id=meeting).values("pk")[:1], meeting=int),
        "filings": Prepared(lambda report: ReportFiling.objects.filter(report_id=report).values_list("report_version__number", "office", "status"), report=int),
        # carryover.previous_meeting's candidates (the same organization and kind), as values, each
        # with its items' tally (the candidates are a handful: one or two a year)
        "candidates": Prepared(
            lambda org, kind, meeting, today: (
                Meeting.objects.filter(organization_id=org, kind=kind)
                .exclude(pk=meeting)
                .annotate(
                    total=_tally(),
                    closed=_tally(status=ItemStatus.CLOSED),
                    overdue=_tally(status__in=(ItemStatus.OPEN, ItemStatus.CLOSURE_REQUESTED), deadline__lt=today),
                )
                .values("pk", "year", "half", "scheduled_date", "total", "closed", "overdue")
            ),
            org=int,
            kind=str,
            meeting=int,
            today=datetime.date,
        ),
    }


_PREPARED: dict[str, Prepared] = {}


def _q(name: str) -> Prepared:
    if not _PREPARED:
        _PREPARED.update(_queries())
    return _PREPARED[name]


def reads() -> tuple[Prepared, ...]:
    """The reads the snapshot builder may fetch with its own (`register_contributor(reads=…)`)."""
    return (_q("candidates"),)


def _previous(meeting, today):
    """`carryover.previous_meeting(meeting)` as a plain row (pk, the ordering fields and its items'
    tally), or None."""
    from .carryover import _order_key

    mine = _order_key(meeting)
    rows = _q("candidates").rows(org=meeting.organization_id, kind=meeting.kind, meeting=meeting.pk, today=today)
    earlier = [m for m in (SimpleNamespace(**row) for row in rows) if _order_key(m) < mine]
    return max(earlier, key=_order_key, default=None)


def contribute(meeting, today=None, snapshot=None) -> dict:
    """`{"report": ReportInfo | None, "circular": CircularInfo | None, "previous": PreviousMeetingInfo}`
    in at most two queries inside the snapshot builder (filings, previous meeting), whatever the
    number of items or versions."""
    today = today or timezone.localdate()
    report_info = None
    report = record_of(meeting, "report")
    if snapshot is not None:
        has_summary = snapshot.opinion_summary is not None  # the latest summary, read with the meeting
    else:
        has_summary = bool(_q("summary").rows(meeting=meeting.pk))
    if report is not None:
        filings = _q("filings").tuples(report=report.pk)
        current = [(office, status) for number, office, status in filings if number == report.current_number]
        offices = frozenset((office or SUPERIOR) for office, status in current if status != FilingStatus.RETURNED)
        first = report.first_submitted_at
        report_info = ReportInfo(
            submitted_on=timezone.localdate(first) if first else None,
            status=report.status,
            has_situation_report=report.current_number > 0 or all((report.sections or {}).get(k, "").strip() for k in SECTION_KEYS),
            has_minutes_scan=bool(report.minutes_scan_path),
            has_opinion_summary=has_summary,
            filed_offices=offices,
            returned_count=sum(1 for _n, _o, status in filings if status == FilingStatus.RETURNED),
        )
    circular_info = None
    circular = record_of(meeting, "circular")
    if circular is not None:
        published = circular.status == CircularStatus.PUBLISHED and circular.published_at is not None
        circular_info = CircularInfo(
            published_on=timezone.localdate(circular.published_at) if published else None,
            scope=circular.scope,
            form=circular.form,
            is_public=circular.is_public and published,
        )
    previous = _previous(meeting, today)
    if previous is None:
        previous_info = PreviousMeetingInfo(exists=False)
    else:
        previous_info = PreviousMeetingInfo(exists=True, items_total=previous.total, items_closed=previous.closed, items_overdue=previous.overdue)
    return {"report": report_info, "circular": circular_info, "previous": previous_info}
