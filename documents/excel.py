"""Excel exports: one generic writer (`workbook`) every table goes through — frozen header,
set column widths, real dates, user text typed as text (a value starting with "=" never becomes
a formula) — and the registers built on it. The 整改台账 reuses the rectification app's
`ledger.export_xlsx` (same columns as the ledger page) on the meeting's items.

`rows_to_xlsx(title, columns, rows)` is the function other apps call (the oversight dashboard
export): `columns` is a list of `Column`s or `(title, width)` / `(title, width, kind)` tuples.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

TEXT, NUMBER, DATE, DATETIME = "text", "number", "date", "datetime"
FILL_HEADER = "EFEFEF"
FILL_ALERT = "FDECEA"


@dataclass(frozen=True)
class Column:
    title: str
    width: float = 14
    kind: str = TEXT


@dataclass
class Sheet:
    title: str
    columns: list
    rows: Iterable[list]
    highlight: Callable[[list], bool] | None = None  # rows for which it returns True are shaded
    caption: str = ""
    extra: dict = field(default_factory=dict)


def _column(spec) -> Column:
    if isinstance(spec, Column):
        return spec
    return Column(*spec)


def workbook(sheets: list[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=FILL_HEADER)
    alert = PatternFill("solid", fgColor=FILL_ALERT)
    wrap = Alignment(wrap_text=True, vertical="top")
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title[:31])
        columns = [_column(c) for c in sheet.columns]
        for i, col in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
        first_data_row = 2
        if sheet.caption:
            c = WriteOnlyCell(ws, value=sheet.caption)
            c.data_type = "s"
            c.font = Font(bold=True, size=14)
            ws.append([c])
            first_data_row = 3
        ws.freeze_panes = f"A{first_data_row}"
        header = []
        for col in columns:
            c = WriteOnlyCell(ws, value=col.title)
            c.font, c.fill, c.alignment = bold, header_fill, Alignment(horizontal="center", vertical="center", wrap_text=True)
            header.append(c)
        ws.append(header)
        for values in sheet.rows:
            fill = alert if sheet.highlight and sheet.highlight(values) else None
            out = []
            for col, value in zip(columns, values, strict=False):
                if isinstance(value, datetime.datetime) and col.kind == DATE:
                    value = value.date()
                if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                    value = value.replace(tzinfo=None)
                c = WriteOnlyCell(ws, value=value)
                if col.kind == TEXT and isinstance(value, str):
                    c.data_type = "s"
                elif col.kind == DATE and value is not None:
                    c.number_format = "yyyy-mm-dd"
                elif col.kind == DATETIME and value is not None:
                    c.number_format = "yyyy-mm-dd hh:mm"
                c.alignment = wrap
                if fill is not None:
                    c.fill = fill
                out.append(c)
            ws.append(out)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def rows_to_xlsx(title: str, columns: list, rows: Iterable[list], *, highlight=None, caption: str = "") -> bytes:
    """One-sheet workbook from plain rows (for the oversight dashboard export and others)."""
    return workbook([Sheet(title, columns, rows, highlight=highlight, caption=caption)])


# -- registers of one meeting -------------------------------------------------------------
def ledger(meeting, today=None) -> bytes:
    """整改台账 of one meeting: the rectification app's ledger export on its items."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from rectification import ledger as rect_ledger
    from rectification.choices import EventKind, ItemStatus
    from rectification.models import Evidence, ItemEvent, RectificationItem

    latest = ItemEvent.objects.filter(item=OuterRef("pk"), kind=EventKind.PROGRESS).order_by("-at", "-pk")
    evidence = Evidence.objects.filter(item=OuterRef("pk")).order_by().values("item").annotate(n=Count("pk")).values("n")
    qs = (
        RectificationItem.objects.filter(meeting=meeting)
        .exclude(status=ItemStatus.DRAFT)
        .select_related("organization", "meeting", "problem", "responsible_member", "responsible_organization", "closed_by")
        .annotate(
            latest_progress=Subquery(latest.values("note")[:1]),
            latest_progress_at=Subquery(latest.values("at")[:1]),
            evidence_count=Coalesce(Subquery(evidence, output_field=IntegerField()), Value(0)),
        )
        .order_by("problem__scope", "deadline", "pk")
    )
    return rect_ledger.export_xlsx(qs, today=today)


def talk_coverage(ctx: dict) -> bytes:
    """谈心谈话覆盖表: the register of talks, and per person how many held talks they took part in
    (a person with none is highlighted)."""
    return workbook(
        [
            Sheet(
                "谈心谈话台账",
                [
                    Column("序号", 6, NUMBER),
                    Column("谈话人", 12),
                    Column("谈话对象", 12),
                    Column("类型", 12),
                    Column("方式", 8),
                    Column("计划日期", 12, DATE),
                    Column("谈话日期", 12, DATE),
                    Column("完成情况", 10),
                ],
                [[t["n"], t["a"], t["b"], t["kind"], t["form"], _day(t["planned"]), t["held_on"], t["done"]] for t in ctx["talks"]],
                highlight=lambda row: row[-1] == "未谈",
            ),
            Sheet(
                "覆盖情况",
                [Column("姓名", 12), Column("职务", 12), Column("已谈次数", 10, NUMBER), Column("是否覆盖", 10)],
                [[p["name"], p["title"], p["count"], "是" if p["count"] else "否"] for p in ctx["coverage"]],
                highlight=lambda row: row[2] == 0,
            ),
        ]
    )


def study_ledger(ctx: dict, attendance: list[list]) -> bytes:
    """学习台账: the sessions with hours and attendance, and who attended how."""
    return workbook(
        [
            Sheet(
                "学习安排",
                [
                    Column("序号", 6, NUMBER),
                    Column("日期", 12, DATE),
                    Column("形式", 10),
                    Column("内容", 40),
                    Column("时长（小时）", 10, NUMBER),
                    Column("地点", 16),
                    Column("参加人数", 10, NUMBER),
                    Column("学习交流情况", 40),
                ],
                [[s["n"], s["day"], s["form"], s["title"], float(s["hours"]), s["place"], s["attended"], s["note"]] for s in ctx["sessions"]],
            ),
            Sheet("参加情况", [Column("日期", 12, DATE), Column("内容", 36), Column("姓名", 12), Column("参加方式", 14)], attendance),
            Sheet(
                "必读篇目",
                [Column("序号", 6, NUMBER), Column("篇目", 60), Column("出处/链接", 40)],
                [[r["n"], r["title"], r["source"]] for r in ctx["readings"]],
            ),
        ]
    )


def study_attendance_rows(meeting) -> list[list]:
    from meetings.models import StudyAttendance

    rows = StudyAttendance.objects.filter(session__meeting=meeting).select_related("session", "member").order_by("session__date", "session_id", "member__name")
    return [[a.session.date, a.session.title, a.member.name, a.get_mode_display()] for a in rows]


def _day(text: str):
    """ "2026年11月26日" → date (the talk contexts carry display strings)."""
    import re

    m = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text or "")
    return datetime.date(int(m[1]), int(m[2]), int(m[3])) if m else None
