"""台账 (OL-4.3.b, DL-4.4.b): the filtered, scoped list of items and its .xlsx export.

One query for the page whatever the number of items: the latest progress note and the
evidence count come from correlated subqueries, everything else from joins.
"""

from __future__ import annotations

import io

from django import forms
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from meetings.choices import MeetingKind
from organizations.models import Organization

from .choices import OPEN_STATUSES, EventKind, ItemStatus, ProblemScope, ProblemSource
from .models import Evidence, ItemEvent, RectificationItem

PERM = "rectification.ledger"
ALL_FINAL = ""


class LedgerFilter(forms.Form):
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label="状态", required=False, choices=[(ALL_FINAL, "全部（不含草稿）"), *ItemStatus.choices])
    source = forms.ChoiceField(label="问题来源", required=False, choices=[("", "全部来源"), *ProblemSource.choices])
    scope = forms.ChoiceField(label="类型", required=False, choices=[("", "党组织和个人"), *ProblemScope.choices])
    kind = forms.ChoiceField(label="会议类型", required=False, choices=[("", "全部会议"), *MeetingKind.choices])
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    owner = forms.CharField(label="责任人/责任单位", required=False, max_length=50)
    overdue = forms.BooleanField(label="只看逾期", required=False)

    def params(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


def organization_for(user, org_pk):
    """The subtree root the ledger is filtered to, if the user may see it (else None = all visible)."""
    if not org_pk:
        return None
    return Organization.objects.visible_to(user, PERM).filter(pk=org_pk).first()


def top_organizations(user):
    """The highest organizations whose ledger the user sees (the roots to drill down from)."""
    from accounts.grants import load_grants
    from accounts.permissions import PERMISSIONS

    roles = PERMISSIONS[PERM]
    paths = sorted({g.path for g in load_grants(user) if g.role in roles})
    roots = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return Organization.objects.visible_to(user, PERM).filter(path__in=roots)


def items(user, params: dict, organization=None, today=None):
    """The ledger rows `user` may see, filtered. Scoped by the permission map in SQL."""
    today = today or timezone.localdate()
    qs = RectificationItem.objects.visible_to(user, PERM)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    status = params.get("status", ALL_FINAL)
    qs = qs.filter(status=status) if status else qs.exclude(status=ItemStatus.DRAFT)
    if params.get("source"):
        qs = qs.filter(problem__source=params["source"])
    if params.get("scope"):
        qs = qs.filter(problem__scope=params["scope"])
    if params.get("kind"):
        qs = qs.filter(meeting__kind=params["kind"])
    if params.get("year"):
        qs = qs.filter(meeting__year=params["year"])
    if params.get("owner"):
        owner = params["owner"]
        qs = qs.filter(Q(responsible_member__name__icontains=owner) | Q(responsible_organization__name__icontains=owner))
    if params.get("overdue"):
        qs = qs.filter(status__in=OPEN_STATUSES, deadline__lt=today)
    latest = ItemEvent.objects.filter(item=OuterRef("pk"), kind=EventKind.PROGRESS).order_by("-at", "-pk")
    evidence = Evidence.objects.filter(item=OuterRef("pk")).order_by().values("item").annotate(n=Count("pk")).values("n")
    return (
        qs.select_related("organization", "meeting", "problem", "responsible_member", "responsible_organization", "closed_by")
        .annotate(
            latest_progress=Subquery(latest.values("note")[:1]),
            latest_progress_at=Subquery(latest.values("at")[:1]),
            evidence_count=Coalesce(Subquery(evidence, output_field=IntegerField()), Value(0)),
        )
        .order_by("organization__path", "-meeting__year", "meeting_id", "deadline", "pk")
    )


def summary(queryset, today=None) -> dict:
    """Counts for the ledger header, in one aggregate query."""
    today = today or timezone.localdate()
    return queryset.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=ItemStatus.OPEN)),
        requested=Count("pk", filter=Q(status=ItemStatus.CLOSURE_REQUESTED)),
        closed=Count("pk", filter=Q(status=ItemStatus.CLOSED)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
    )


COLUMNS = [
    ("序号", 6),
    ("党组织", 24),
    ("会议", 28),
    ("问题来源", 12),
    ("类型", 8),
    ("问题表现", 40),
    ("整改目标", 36),
    ("整改措施（途径）", 44),
    ("责任人/责任单位", 16),
    ("完成时限", 12),
    ("状态", 10),
    ("是否逾期", 9),
    ("最新进展", 40),
    ("进展日期", 12),
    ("佐证材料（份）", 10),
    ("销号时间", 12),
    ("销号人", 12),
    ("公示", 6),
]


def export_xlsx(queryset, today=None) -> bytes:
    """The ledger as .xlsx: frozen header, set widths, real dates, overdue rows highlighted, and
    every user-entered text typed as a string so "=…" never becomes a formula (abuse case 3)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    today = today or timezone.localdate()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("整改台账")
    ws.freeze_panes = "A2"
    for index, (_title, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[_letter(index)].width = width
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="EFEFEF")
    overdue_fill = PatternFill("solid", fgColor="FDECEA")
    wrap = Alignment(wrap_text=True, vertical="top")

    def cell(value, *, fill=None, date=False, text=True):
        c = WriteOnlyCell(ws, value=value)
        if value is not None and text and not date and isinstance(value, str):
            c.data_type = "s"
        if date and value is not None:
            c.number_format = "yyyy-mm-dd"
        if fill is not None:
            c.fill = fill
        c.alignment = wrap
        return c

    header = []
    for title, _width in COLUMNS:
        c = WriteOnlyCell(ws, value=title)
        c.font, c.fill = bold, header_fill
        header.append(c)
    ws.append(header)
    local = timezone.localtime
    for n, item in enumerate(queryset.iterator(chunk_size=2000), 1):
        overdue = item.is_overdue(today)
        fill = overdue_fill if overdue else None
        ws.append(
            [
                cell(n, fill=fill, text=False),
                cell(item.organization.name, fill=fill),
                cell(item.meeting.title, fill=fill),
                cell(item.problem.get_source_display(), fill=fill),
                cell(item.problem.get_scope_display() or "未分类", fill=fill),
                cell(item.problem.description, fill=fill),
                cell(item.goal, fill=fill),
                cell(item.measures, fill=fill),
                cell(item.responsible_display(), fill=fill),
                cell(item.deadline, fill=fill, date=True),
                cell(item.get_status_display(), fill=fill),
                cell("逾期" if overdue else "", fill=fill),
                cell(item.latest_progress or "", fill=fill),
                cell(local(item.latest_progress_at).date() if item.latest_progress_at else None, fill=fill, date=True),
                cell(item.evidence_count, fill=fill, text=False),
                cell(local(item.closed_at).date() if item.closed_at else None, fill=fill, date=True),
                cell(str(item.closed_by) if item.closed_by_id else "", fill=fill),
                cell("是" if item.is_public else "否", fill=fill),
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
