"""回头看: the previous meeting of the same organization and kind, and its items (DL-3.2.b
agenda ②, the next plan, P-DL-2.7.c "previous rectification")."""

from __future__ import annotations

import datetime

from .choices import ItemStatus


def _order_key(meeting) -> tuple:
    """When a meeting took place, for ordering: its date, else the end of its half-year."""
    if meeting.scheduled_date:
        day = meeting.scheduled_date
    elif meeting.half == "mid_year":
        day = datetime.date(meeting.year, 6, 30)
    else:
        day = datetime.date(meeting.year, 12, 31)
    return (day, meeting.pk)


def previous_meeting(meeting):
    """The last earlier meeting of the same organization and kind, or None (one query)."""
    from meetings.models import Meeting

    candidates = Meeting.objects.filter(organization_id=meeting.organization_id, kind=meeting.kind).exclude(pk=meeting.pk)
    candidates = candidates.only("pk", "title", "year", "half", "scheduled_date", "kind", "organization_id", "stage")
    mine = _order_key(meeting)
    earlier = [m for m in candidates if _order_key(m) < mine]
    return max(earlier, key=_order_key, default=None)


def previous_items(meeting):
    """The previous meeting's final items with their status (a queryset; empty when none)."""
    from .models import RectificationItem

    previous = previous_meeting(meeting)
    if previous is None:
        return RectificationItem.objects.none()
    return (
        RectificationItem.objects.filter(meeting=previous)
        .exclude(status=ItemStatus.DRAFT)
        .select_related("problem", "responsible_member", "responsible_organization")
        .order_by("status", "deadline", "pk")
    )


def carry_over(meeting, today=None) -> dict:
    """Everything the 回头看 include shows: the meeting, its items and their tallies."""
    from django.utils import timezone

    today = today or timezone.localdate()
    previous = previous_meeting(meeting)
    items = list(previous_items(meeting)) if previous else []
    closed = sum(1 for i in items if i.status == ItemStatus.CLOSED)
    overdue = sum(1 for i in items if i.is_overdue(today))
    return {
        "previous": previous,
        "items": items,
        "total": len(items),
        "closed": closed,
        "open": len(items) - closed,
        "overdue": overdue,
        "today": today,
    }
