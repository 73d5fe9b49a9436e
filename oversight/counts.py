"""The dashboard's figures, counted in the database (issue 8 item 6).

Two ways, same numbers:
- `live(root, today)`: six grouped aggregates over the base tables, restricted to the subtree by
  the materialized path (`path LIKE 'root%'`, an indexed range) and grouped by the child's path
  prefix (`substr(path, 1, len(root.path) + steplen)`): a fixed number of queries whatever the
  size of the subtree;
- `from_rollups(root)`: one indexed read of the root's and its children's `OrgRollup` rows, kept
  current by `rollups.refresh_organization` and rebuilt by `rollups.rebuild` — what a provincial
  root needs, where counting millions of base rows per request is too slow.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Q, Value
from django.db.models.functions import Substr
from django.utils import timezone

from .choices import OVERDUE_FIELD, ObligationKind
from .models import COUNTERS, KIND_PREFIX, Obligation, OrgRollup

OWN = ""  # group key of rows that belong to the root itself


def empty() -> dict[str, int]:
    return dict.fromkeys(COUNTERS, 0)


def _sources(today):
    """(queryset, org lookup, aggregates, how to fold a row into the counters) per base table."""
    from meetings.choices import DocStatus, PlanStatus
    from meetings.models import Meeting, SelfExamination
    from rectification.choices import OPEN_STATUSES, ItemStatus, ReportStatus
    from rectification.models import RectificationItem, Report

    def meetings(row, c):
        c[f"{KIND_PREFIX[row['kind']]}_{row['stage']}"] += row["n"]
        c["plans_awaiting"] += row["plans"]

    def materials(row, c):
        c["materials_awaiting"] += row["n"]

    def obligations(row, c):
        c[OVERDUE_FIELD[row["kind"]]] += row["n"]
        c["reports_late"] += row["late"]

    def items(row, c):
        c["items_open"] += row["open"]
        c["items_overdue"] += row["overdue"]
        c["items_closed"] += row["closed"]

    def reports(row, c):
        c["reports_returned"] += row["returned"]

    open_q = Q(status__in=OPEN_STATUSES)
    return [
        (
            Meeting.objects.all(),
            "organization",
            ("kind", "stage"),
            {"n": Count("pk"), "plans": Count("pk", filter=Q(plan__status=PlanStatus.SUBMITTED))},
            meetings,
        ),
        (SelfExamination.objects.filter(status=DocStatus.SUBMITTED), "meeting__organization", (), {"n": Count("pk")}, materials),
        (
            # Overdue: not done after the due day. A report is late when it was first submitted after
            # its due day (OL-4.2.a, DL-4.2.a); `done_on` is that day, in local time.
            Obligation.objects.filter(Q(done_on__isnull=True, due_on__lt=today) | Q(kind=ObligationKind.REPORT, done_on__gt=F("due_on"))),
            "organization",
            ("kind",),
            {"n": Count("pk", filter=Q(done_on__isnull=True)), "late": Count("pk", filter=Q(done_on__gt=F("due_on")))},
            obligations,
        ),
        (
            RectificationItem.objects.exclude(status=ItemStatus.DRAFT),
            "organization",
            (),
            {
                "open": Count("pk", filter=open_q),
                "overdue": Count("pk", filter=open_q & Q(deadline__lt=today)),
                "closed": Count("pk", filter=Q(status=ItemStatus.CLOSED)),
            },
            items,
        ),
        # Returned by the receiver and waiting to be resubmitted.
        (Report.objects.filter(status=ReportStatus.RETURNED), "organization", (), {"returned": Count("pk")}, reports),
    ]


def _run(filter_for, group_for, today) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(empty)
    for qs, lookup, fields, aggregates, fold in _sources(today):
        qs = qs.filter(**filter_for(lookup)).annotate(g=group_for(lookup))
        for row in qs.order_by().values("g", *fields).annotate(**aggregates):
            fold(row, out[row["g"]])
    return out


_LIVE: list = []


def _live_queries() -> list:
    """`live`'s five grouped aggregates, compiled to SQL once (`core.prepared`): the same
    statements `_run` builds, without building and compiling five querysets per dashboard
    request. Each is (Prepared, fold)."""
    import datetime

    from core.prepared import PREFIX, Prepared

    out = []
    for i, (*_parts, fold) in enumerate(_sources(timezone.localdate())):

        def build(root, child_len, today, i=i):
            qs, lookup, fields, aggregates, _fold = _sources(today)[i]
            qs = qs.filter(**{f"{lookup}__path__startswith": root}).annotate(g=Substr(f"{lookup}__path", 1, child_len))
            return qs.order_by().values("g", *fields).annotate(**aggregates)

        # Planned per call: a district and the province root need different plans.
        out.append((Prepared(build, unused_ok=True, per_call_plan=True, root=PREFIX, child_len=int, today=datetime.date), fold))
    return out


def live(root, today=None) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """(totals of the subtree, {child path: totals of the child's subtree}); OWN holds the root's own rows."""
    today = today or timezone.localdate()
    child_len = len(root.path) + root.steplen
    if not _LIVE:
        _LIVE.extend(_live_queries())
    groups: dict[str, dict[str, int]] = defaultdict(empty)
    for prepared, fold in _LIVE:
        for row in prepared.rows(root=root.path, child_len=child_len, today=today):
            fold(row, groups[row["g"]])
    by_child = {(OWN if key == root.path else key): values for key, values in groups.items()}
    return add_up(by_child.values()), by_child


def own_of(organization_id: int, today) -> dict[str, int]:
    """The organization's own figures (not its subtree): used to maintain the rollups incrementally."""
    groups = _run(lambda lookup: {f"{lookup}_id": organization_id}, lambda lookup: Value(OWN), today)
    return groups.get(OWN, empty())


def own_of_subtree(root, today) -> dict[int, dict[str, int]]:
    """The own figures of every organization in `root`'s subtree (root included), by organization id."""
    from django.db.models import F as Field

    return dict(_run(lambda lookup: {f"{lookup}__path__startswith": root.path}, lambda lookup: Field(f"{lookup}_id"), today))


def own_of_all(today) -> dict[int, dict[str, int]]:
    """Every organization's own figures, grouped by organization id (for the rebuild)."""
    from django.db.models import F as Field

    return dict(_run(lambda lookup: {}, lambda lookup: Field(f"{lookup}_id"), today))


def add_up(values) -> dict[str, int]:
    total = empty()
    for v in values:
        for k in COUNTERS:
            total[k] += v.get(k, 0)
    return total


_SQL_CACHE: dict[str, str] = {}


def _rollup_sql() -> str:
    """The one SELECT the dashboard needs from the rollups, compiled once per database vendor (it
    runs on every dashboard request, so the ORM's per-call query compilation is worth saving)."""
    from django.db import connection

    cached = _SQL_CACHE.get(connection.vendor)
    if cached is None:
        cached = _SQL_CACHE[connection.vendor] = _compile_rollup_sql(connection.ops.quote_name)
    return cached


def _compile_rollup_sql(qn) -> str:
    columns = ", ".join(qn(c) for c in ("organization_id", "path", "own", "as_of", *COUNTERS))
    return f"SELECT {columns} FROM {qn(OrgRollup._meta.db_table)} WHERE organization_id = %s OR (depth = %s AND path LIKE %s)"  # noqa: S608 - model names


def from_rollups(root) -> tuple[dict[str, int], dict[str, dict[str, int]], object] | None:
    """The same answer from the rollups (one indexed query), or None when they are missing."""
    import datetime
    import json

    from django.db import connection

    with connection.cursor() as cursor:
        # treebeard paths use only [0-9A-Z], so the prefix needs no LIKE escaping
        cursor.execute(_rollup_sql(), [root.pk, root.depth + 1, root.path + "%"])
        rows = cursor.fetchall()
    top = next((r for r in rows if r[0] == root.pk), None)
    if top is None:
        return None
    n = len(COUNTERS)
    by_child = {r[1]: dict(zip(COUNTERS, r[4 : 4 + n], strict=True)) for r in rows if r[0] != root.pk}
    own = top[2] if isinstance(top[2], dict) else json.loads(top[2] or "{}")
    by_child[OWN] = {k: own.get(k, 0) for k in COUNTERS}
    as_of = top[3] if isinstance(top[3], datetime.date) else datetime.date.fromisoformat(top[3])
    return dict(zip(COUNTERS, top[4 : 4 + n], strict=True)), by_child, as_of
