"""Per-organization rollups: each `OrgRollup` row holds the totals of its organization's subtree.

- `refresh_organization(org)` (called by the meeting hook after any change to a meeting of the
  organization) recounts the organization's *own* figures (a few indexed queries on its rows),
  takes the difference to the stored `own`, and adds it to its row and every ancestor's row with
  one `UPDATE … SET x = x + d WHERE path IN (ancestor paths)`: the cost is independent of the
  size of the tree.
- `refresh_subtree(root)` (called by the bulk hook after a campaign launch created meetings for
  a whole subtree) recounts the subtree's own figures in one grouped pass, rewrites the subtree's
  rows and adds the change of the subtree's total to the ancestors in one UPDATE: a fixed number
  of queries (plus one insert per `BATCH` rows), never one per branch.
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
    rows = _rows(orgs, own, today, Organization.steplen)
    with transaction.atomic():
        OrgRollup.objects.all()._raw_delete(OrgRollup.objects.db)  # one DELETE, nothing refers to rollups
        for start in range(0, len(rows), BATCH):
            OrgRollup.objects.bulk_create(rows[start : start + BATCH])
    return len(rows)


def _rows(orgs, own: dict, as_of, steplen: int) -> list:
    """Rollup rows for `orgs` (pk, path, depth): each one's subtree totals, summed in memory by
    path prefix from the organizations' own figures (ancestors outside `orgs` are skipped)."""
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
    return [
        OrgRollup(organization_id=pk, path=path, depth=depth, own={k: v for k, v in own.get(pk, {}).items() if v}, as_of=as_of, **by_path[path])
        for pk, path, depth in orgs
    ]


def refresh_subtree(root) -> bool:
    """Recount `root`'s whole subtree and apply the change: each organization's own figures are
    recounted in one grouped pass; only the rows whose figures moved are written, with one
    `UPDATE … FROM (VALUES …)` per batch of rows; the change of the subtree's total goes to the
    ancestors in one UPDATE. An organization without a row (created since the last rebuild)
    makes it rewrite the subtree's rows instead. Does nothing while no rollups have been built
    (the dashboard then counts live). Counted at the date of the root's row (`as_of`), so the
    figures agree with the ancestors'."""
    from organizations.models import Organization

    steplen = Organization.steplen
    with transaction.atomic():
        if not OrgRollup.objects.filter(path=root.path[:steplen]).exists():
            return False
        current = OrgRollup.objects.select_for_update().filter(organization_id=root.pk).only("as_of").first()
        as_of = current.as_of if current is not None else timezone.localdate()
        stored = dict(OrgRollup.objects.filter(path__startswith=root.path).values_list("organization_id", "own"))
        own = counts.own_of_subtree(root, as_of)
        orgs = list(Organization.objects.filter(path__startswith=root.path).order_by().values_list("pk", "path", "depth"))
        if current is None or any(pk not in stored for pk, _path, _depth in orgs):
            return _rewrite_subtree(root, orgs, own, as_of, stored, steplen)
        by_path = {path: pk for pk, path, _depth in orgs}
        change: dict[int, dict[str, int]] = {}  # organization → change of its subtree totals
        new_own: dict[int, dict] = {}
        for pk, path, _depth in orgs:
            old, new = _as_dict(stored.get(pk)), own.get(pk, {})
            moved = {k: new.get(k, 0) - old.get(k, 0) for k in COUNTERS if new.get(k, 0) != old.get(k, 0)}
            if not moved:
                continue
            new_own[pk] = {k: v for k, v in new.items() if v}
            for ancestor in ancestor_paths(path, steplen):
                at = by_path.get(ancestor)
                if at is not None:
                    totals = change.setdefault(at, {})
                    for k, d in moved.items():
                        totals[k] = totals.get(k, 0) + d
        rows = []
        for pk, delta in change.items():
            delta = {k: d for k, d in delta.items() if d}
            if delta or pk in new_own:
                rows.append((pk, delta, new_own.get(pk, _as_dict(stored.get(pk)))))
        _update_rows(rows)
        delta = {k: d for k, d in change.get(root.pk, {}).items() if d}
        above = ancestor_paths(root.path, steplen)[:-1]
        if delta and above:
            OrgRollup.objects.filter(path__in=above).update(**{k: F(k) + d for k, d in delta.items()})
    return bool(rows)


def _as_dict(value) -> dict:
    if isinstance(value, str):
        import json

        value = json.loads(value or "{}")
    return value or {}


def _update_rows(rows) -> None:
    """rows: (organization id, {counter: change}, new own figures). One statement per batch,
    the same SQL on PostgreSQL and SQLite (≥ 3.33): `UPDATE … FROM (VALUES …)`."""
    import json

    from django.db import connection

    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(OrgRollup._meta.db_table)
    own_value = "CAST(v.column2 AS jsonb)" if connection.vendor == "postgresql" else "v.column2"
    columns = [k for k in COUNTERS if any(k in delta for _pk, delta, _own in rows)]
    per_row = 2 + len(columns)
    size = max(1, 30000 // per_row)  # below SQLite's 32,766 and PostgreSQL's 65,535 parameters
    sets = ", ".join([f"{qn('own')} = {own_value}", *(f"{qn(k)} = r.{qn(k)} + v.column{i}" for i, k in enumerate(columns, start=3))])
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            values = ", ".join(["(" + ", ".join(["%s"] * per_row) + ")"] * len(batch))
            params = []
            for pk, delta, own in batch:
                params += [pk, json.dumps(own, sort_keys=True), *(delta.get(k, 0) for k in columns)]
            cursor.execute(f"UPDATE {table} AS r SET {sets} FROM (VALUES {values}) AS v WHERE r.{qn('organization_id')} = v.column1", params)  # noqa: S608 - names from the model


def _rewrite_subtree(root, orgs, own, as_of, stored, steplen) -> bool:
    """The subtree's rows rewritten from scratch (some organization had no row yet)."""
    current = OrgRollup.objects.filter(organization_id=root.pk).first()
    before = {k: getattr(current, k) for k in COUNTERS} if current is not None else counts.add_up(_as_dict(v) for v in stored.values())
    rows = _rows(orgs, own, as_of, steplen)
    after = next(r for r in rows if r.organization_id == root.pk)
    OrgRollup.objects.filter(path__startswith=root.path)._raw_delete(OrgRollup.objects.db)  # one DELETE, nothing refers to rollups
    for start in range(0, len(rows), BATCH):
        OrgRollup.objects.bulk_create(rows[start : start + BATCH])
    delta = {k: getattr(after, k) - before.get(k, 0) for k in COUNTERS if getattr(after, k) != before.get(k, 0)}
    above = ancestor_paths(root.path, steplen)[:-1]
    if delta and above:
        OrgRollup.objects.filter(path__in=above).update(**{k: F(k) + d for k, d in delta.items()})
    return True


def on_subtree_changed(organization_id: int) -> None:
    """The bulk `core.hooks` listener (campaign launch). Logged, never raised, like the meeting
    hook: the launch has committed already and the daily rebuild repairs any drift."""
    from organizations.models import Organization

    try:
        with transaction.atomic():
            root = Organization.objects.filter(pk=organization_id).first()
            if root is not None:
                refresh_subtree(root)
    except Exception:  # noqa: BLE001 - see docstring
        log.exception("oversight refresh failed for the subtree of organization %s", organization_id)


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
            meeting = Meeting.objects.select_related("organization", "plan", "campaign").filter(pk=meeting_id).first()
            if meeting is None:
                return
            obligations.refresh(meeting)
            refresh_organization(meeting.organization)
    except Exception:  # noqa: BLE001 - see docstring
        log.exception("oversight refresh failed for meeting %s", meeting_id)
