"""Per-organization rollups: each `OrgRollup` row holds the totals of its organization's subtree.

- `refresh_organization(org)` (called by the meeting hook after any change to a meeting of the
  organization) recounts the organization's *own* figures (a few indexed queries on its rows),
  takes the difference to the stored `own`, and adds it to its row and every ancestor's row with
  one `UPDATE … SET x = x + d WHERE path IN (ancestor paths)`: the cost is independent of the
  size of the tree.
- `rebuild(today)` recomputes everything from the base tables (grouped by organization, then
  summed up the tree in memory by path prefix). The daily run calls it, because overdue counts
  change with the date alone; `manage.py rebuild_rollups` runs it by hand.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import counts
from .models import COUNTERS, OrgRollup

log = logging.getLogger(__name__)
BATCH = 5000


def ancestor_paths(path: str, steplen: int) -> list[str]:
    return [path[:n] for n in range(steplen, len(path) + 1, steplen)]


def rebuild(today=None) -> int:
    from organizations.models import Organization

    today = today or timezone.localdate()
    own = counts.own_of_all(today)
    orgs = list(Organization.objects.order_by().values_list("pk", "path", "depth"))
    steplen = Organization.steplen
    by_path = {path: counts.empty() for _pk, path, _depth in orgs}
    for pk, path, _depth in orgs:
        mine = own.get(pk)
        if not mine:
            continue
        for ancestor in ancestor_paths(path, steplen):
            totals = by_path.get(ancestor)
            if totals is not None:
                for k, v in mine.items():
                    if v:
                        totals[k] += v
    rows = [
        OrgRollup(organization_id=pk, path=path, depth=depth, own={k: v for k, v in own.get(pk, {}).items() if v}, as_of=today, **by_path[path])
        for pk, path, depth in orgs
    ]
    with transaction.atomic():
        OrgRollup.objects.all()._raw_delete(OrgRollup.objects.db)  # one DELETE, nothing refers to rollups
        for start in range(0, len(rows), BATCH):
            OrgRollup.objects.bulk_create(rows[start : start + BATCH])
    return len(rows)


def refresh_organization(organization) -> bool:
    """Apply the change of one organization's own figures to its rollup and its ancestors'.
    Does nothing while no rollups have been built (the dashboard then counts live)."""
    with transaction.atomic():
        row = OrgRollup.objects.select_for_update().filter(organization_id=organization.pk).first()
        if row is None:
            if not OrgRollup.objects.filter(path=organization.path[: organization.steplen]).exists():
                return False
            row = OrgRollup.objects.create(organization=organization, path=organization.path, depth=organization.depth, own={}, as_of=timezone.localdate())
            row = OrgRollup.objects.select_for_update().get(pk=row.pk)
        new = counts.own_of(organization.pk, row.as_of)
        old = row.own or {}
        delta = {k: new[k] - old.get(k, 0) for k in COUNTERS if new[k] != old.get(k, 0)}
        if delta:
            OrgRollup.objects.filter(path__in=ancestor_paths(organization.path, organization.steplen)).update(**{k: F(k) + d for k, d in delta.items()})
        OrgRollup.objects.filter(pk=row.pk).update(own={k: v for k, v in new.items() if v})
    return bool(delta)


def on_meeting_changed(meeting_id: int) -> None:
    """The `core.hooks` listener: refresh the meeting's obligations and its organization's rollup.
    A failure here is logged, never raised into the service that changed the meeting (it has
    committed already); the daily rebuild repairs any drift."""
    from meetings.models import Meeting

    from . import obligations

    try:
        with transaction.atomic():  # a savepoint: a failure never poisons a surrounding transaction
            meeting = Meeting.objects.select_related("organization", "plan").filter(pk=meeting_id).first()
            if meeting is None:
                return
            obligations.refresh(meeting)
            refresh_organization(meeting.organization)
    except Exception:  # noqa: BLE001 - see docstring
        log.exception("oversight refresh failed for meeting %s", meeting_id)
