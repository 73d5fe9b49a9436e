from django import template
from django.utils import timezone

from ..choices import ItemStatus

register = template.Library()

_BADGES = {
    ItemStatus.DRAFT: "badge-grey",
    ItemStatus.OPEN: "badge-blue",
    ItemStatus.CLOSURE_REQUESTED: "badge-amber",
    ItemStatus.CLOSED: "badge-green",
}


@register.inclusion_tag("rectification/_status.html")
def item_status(item, today=None):
    """Status badge, with 逾期 from the day after the deadline (OL-4.3.c)."""
    return {"item": item, "css": _BADGES.get(item.status, ""), "overdue": item.is_overdue(today or timezone.localdate())}


@register.inclusion_tag("rectification/_carry_over.html")
def carry_over(meeting):
    """回头看 for the meeting page: `{% load rectification %}{% carry_over meeting %}`."""
    from ..carryover import carry_over as build

    return build(meeting)


@register.inclusion_tag("rectification/_findings.html")
def findings(items):
    return {"findings": items}


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key, "")
