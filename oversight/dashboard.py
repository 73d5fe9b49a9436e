"""What the dashboard shows for one organization: its subtree totals, one row per child
organization (the drill-down), and at a branch its meetings. No people are listed or ranked."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from meetings.choices import Stage

from . import counts
from .models import STAGES

PERM = "oversight.view"
STAGE_LABELS = dict(Stage.choices)
OVERDUE_LABELS = (
    ("overdue_held", "会期已过未召开", "OL-1.2.a、DL-1.2.a"),
    ("overdue_plan_filing", "方案报备逾期", "DL-2.2.c"),
    ("overdue_notice", "会前公告/公示逾期", "DL-2.3.a、OL-2.5.e"),
    ("overdue_report", "上报材料逾期", "OL-4.2.a、DL-4.2.a"),
    ("overdue_circular", "通报逾期", "DL-4.3.a"),
)


@dataclass
class Row:
    organization: object
    values: dict
    can_open: bool

    @property
    def in_progress(self) -> int:
        return sum(self.values[f"{p}_{s}"] for p in ("ol", "dl") for s in STAGES if s != "closed")

    @property
    def closed(self) -> int:
        return self.values["ol_closed"] + self.values["dl_closed"]

    @property
    def overdue(self) -> int:
        return sum(self.values[f] for f, _, _ in OVERDUE_LABELS)


def top_organizations(user):
    from accounts.grants import load_grants
    from accounts.permissions import PERMISSIONS
    from organizations.models import Organization

    roles = PERMISSIONS[PERM]
    paths = sorted({g.path for g in load_grants(user) if g.role in roles})
    roots = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return list(Organization.objects.filter(path__in=roots))


def build(user, organization, *, source: str = "auto", today=None) -> dict:
    """Everything the page needs, in a fixed number of queries."""
    from accounts.permissions import has_perm
    from organizations.models import Organization

    today = today or timezone.localdate()
    answer = None
    if source != "live":
        answer = counts.from_rollups(organization)
        if answer is not None and answer[2] != today and source != "rollup":
            answer = None
    if answer is None:
        totals, by_child = counts.live(organization, today)
        used, as_of = "live", today
    else:
        totals, by_child, as_of = answer
        used = "rollup"
    from django.db.models import Q

    step = organization.steplen
    ancestor_paths = [organization.path[:n] for n in range(step, len(organization.path), step)]
    # The breadcrumb and the drill-down rows in one query.
    around = list(
        Organization.objects.filter(Q(path__in=ancestor_paths) | Q(path__startswith=organization.path, depth=organization.depth + 1)).order_by("path")
    )
    ancestors = [o for o in around if o.depth < organization.depth]
    children = [o for o in around if o.depth > organization.depth]
    rows = [Row(child, by_child.get(child.path) or counts.empty(), has_perm(user, PERM, child)) for child in children]
    own = by_child.get(counts.OWN) or counts.empty()
    meetings = []
    if not children:
        from meetings.models import Meeting

        meetings = list(Meeting.objects.filter(organization=organization).order_by("-year", "-pk")[:50])
    stage_table = [
        (label, [totals[f"{prefix}_{s}"] for s in STAGES], sum(totals[f"{prefix}_{s}"] for s in STAGES))
        for prefix, label in (("ol", "组织生活会"), ("dl", "民主生活会"))
    ]
    return {
        "organization": organization,
        "ancestors": ancestors,
        "totals": totals,
        "total_row": Row(organization, totals, True),
        "own_row": Row(organization, own, True) if any(own.values()) and children else None,
        "rows": rows,
        "meetings": meetings,
        "stage_labels": [STAGE_LABELS[s] for s in STAGES],
        "stage_table": stage_table,
        "overdue_labels": [(label, clause, totals[f]) for f, label, clause in OVERDUE_LABELS],
        "source": used,
        "as_of": as_of,
        "today": today,
    }


def export_xlsx(context: dict) -> bytes:
    """The dashboard as the district's Excel sheet, through the documents app's one writer
    (frozen header, widths, A4 landscape print setup)."""
    from documents.excel import NUMBER, Column, rows_to_xlsx

    org = context["organization"]
    head = [f"组织生活会·{label}" for label in context["stage_labels"]]
    head += [f"民主生活会·{label}" for label in context["stage_labels"]]
    head += ["方案待审批", "材料待审核"] + [label for label, _, _ in context["overdue_labels"]]
    head += ["整改中", "整改逾期", "已销号", "报告逾期报送", "报告被退回"]
    fields = [f"{p}_{s}" for p in ("ol", "dl") for s in STAGES]
    fields += ["plans_awaiting", "materials_awaiting", *[f for f, _, _ in OVERDUE_LABELS]]
    fields += ["items_open", "items_overdue", "items_closed", "reports_late", "reports_returned"]
    rows = list(context["rows"])
    if context["own_row"] is not None:
        rows.insert(0, context["own_row"])
    lines = [[row.organization.name + ("（本级）" if row is context["own_row"] else ""), *[row.values[f] for f in fields]] for row in rows]
    lines.append(["合计", *[context["totals"][f] for f in fields]])
    columns = [Column("党组织", 30), *(Column(h, 10, NUMBER) for h in head)]
    caption = f"{org.name}督导看板（含下级组织）  统计日期 {context['as_of']:%Y-%m-%d}"
    return rows_to_xlsx("督导看板", columns, lines, caption=caption)
