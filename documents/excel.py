"""Excel exports: one generic writer (`workbook`) every table goes through — frozen header,
set column widths, real dates, user text typed as text (a value starting with "=" never becomes
a formula), A4 print setup — and the registers built on it. The 整改台账 columns are defined
once here (`ledger_row`): a meeting's ledger and the rectification app's subtree export
(`subtree_ledger`, called by `rectification.ledger.export_xlsx`) both use them.

`rows_to_xlsx(title, columns, rows)` is the function other apps call (the appraisal results, the
oversight dashboard export): `columns` is a list of `Column`s or `(title, width)` / `(title, width, kind)` tuples.
"""

from __future__ import annotations

import datetime
import io
import math
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
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook(write_only=True)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    FONT = "宋体"  # noqa: N806 — a CJK font for the sheet (LibreOffice maps it to Noto Serif CJK SC)
    bold = Font(name=FONT, bold=True, size=10)
    plain = Font(name=FONT, size=10)
    header_fill = PatternFill("solid", fgColor=FILL_HEADER)
    alert = PatternFill("solid", fgColor=FILL_ALERT)
    wrap = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(wrap_text=True, vertical="top", horizontal="center")  # numbers and dates
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title[:31])
        columns = [_column(c) for c in sheet.columns]
        for i, col in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = col.width
        first_data_row = 2
        # Printed on A4 landscape, fitted to the page width, header repeated, pages numbered.
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        if sheet.caption:
            first_data_row = 3
        ws.print_title_rows = f"{first_data_row - 1}:{first_data_row - 1}"
        ws.freeze_panes = f"A{first_data_row}"  # before any row is written (write-only mode)
        if sheet.caption:
            c = WriteOnlyCell(ws, value=sheet.caption)
            c.data_type = "s"
            c.font = Font(name="黑体", size=16)
            c.alignment = Alignment(horizontal="left", vertical="center")
            ws.row_dimensions[1].height = 28
            ws.append([c])
        ws.row_dimensions[first_data_row - 1].height = _height(columns, [col.title for col in columns], bold=True)
        header = []
        for col in columns:
            c = WriteOnlyCell(ws, value=col.title)
            c.font, c.fill, c.alignment, c.border = bold, header_fill, Alignment(horizontal="center", vertical="center", wrap_text=True), border
            header.append(c)
        ws.append(header)
        for row_number, values in enumerate(sheet.rows, first_data_row):
            # Spreadsheet programs do not grow rows for wrapped text when printing: set it.
            ws.row_dimensions[row_number].height = _height(columns, values)
            fill = alert if sheet.highlight and sheet.highlight(values) else None
            out = []
            for col, value in zip(columns, values, strict=False):
                if isinstance(value, datetime.datetime) and col.kind == DATE:
                    value = value.date()
                if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                    value = value.replace(tzinfo=None)
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)  # pasted control characters
                c = WriteOnlyCell(ws, value=value)
                if col.kind == TEXT and isinstance(value, str):
                    c.data_type = "s"
                elif col.kind == DATE and value is not None:
                    c.number_format = "yyyy-mm-dd"
                elif col.kind == DATETIME and value is not None:
                    c.number_format = "yyyy-mm-dd hh:mm"
                c.alignment = wrap if col.kind == TEXT else centred
                c.border = border
                c.font = plain
                if fill is not None:
                    c.fill = fill
                out.append(c)
            ws.append(out)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


LINE_POINTS = 13.5  # one line of 10 pt text


def _units(text: str) -> float:
    return sum(0.5 if ord(c) < 128 else 1 for c in text)


def _height(columns, values, bold=False) -> float:
    """Row height that shows every wrapped line (spreadsheet programs do not grow a row for
    wrapped text when printing): lines per cell from the column width, a CJK character being
    about two width units."""
    lines = 1
    for col, value in zip(columns, values, strict=False):
        if isinstance(value, str) and value:
            per_line = max(1.0, (col.width - 1) / 2)
            lines = max(lines, sum(max(1, math.ceil(_units(part) / per_line)) for part in value.split("\n")))
    return min(409, LINE_POINTS * lines + 4)


def rows_to_xlsx(title: str, columns: list, rows: Iterable[list], *, highlight=None, caption: str = "") -> bytes:
    """One-sheet workbook from plain rows (for the oversight dashboard export and others)."""
    return workbook([Sheet(title, columns, rows, highlight=highlight, caption=caption)])


# -- 整改台账 ------------------------------------------------------------------------------
# (title, width on a meeting's sheet, width on the subtree export, kind): one set of columns for
# the meeting's ledger and the rectification app's whole-subtree export, which adds 党组织/会议.
_LEDGER = [
    ("问题来源", 10, 12, TEXT),
    ("责任主体", 9, 14, TEXT),
    ("问题表现", 20, 40, TEXT),
    ("整改目标", 16, 36, TEXT),
    ("整改措施（途径）", 22, 44, TEXT),
    ("责任人", 10, 16, TEXT),
    ("完成时限", 11, 12, DATE),
    ("状态", 7, 10, TEXT),
    ("是否逾期", 6, 9, TEXT),
    ("最新进展", 18, 40, TEXT),
    ("进展日期", 11, 12, DATE),
    ("佐证材料（份）", 9, 10, NUMBER),
    ("销号时间", 11, 12, DATE),
    ("销号人", 7, 12, TEXT),
    ("公示", 5, 6, TEXT),
]
LEDGER_COLUMNS = [Column("序号", 5, NUMBER), *(Column(t, narrow, kind) for t, narrow, _wide, kind in _LEDGER)]
SUBTREE_LEDGER_COLUMNS = [
    Column("序号", 6, NUMBER),
    Column("党组织", 24),
    Column("会议", 28),
    *(Column(t, wide, kind) for t, _narrow, wide, kind in _LEDGER),
]
OVERDUE = "逾期"


def ledger_row(item, today) -> list:
    """The ledger columns of one item annotated by `rectification.ledger.annotate` (after 序号)."""
    from django.utils import timezone

    local = timezone.localtime
    p = item.problem
    return [
        p.get_source_display(),
        p.owner_member.name if p.owner_member_id else (p.get_scope_display() or "党组织"),
        p.description,
        item.goal,
        item.measures,
        item.responsible_display(),
        item.deadline,
        item.get_status_display(),
        OVERDUE if item.is_overdue(today) else "",
        item.latest_progress or "",
        local(item.latest_progress_at).date() if item.latest_progress_at else None,
        item.evidence_count,
        local(item.closed_at).date() if item.closed_at else None,
        str(item.closed_by) if item.closed_by_id else "",
        "是" if item.is_public else "否",
    ]


def _overdue(columns):
    index = [c.title for c in columns].index("是否逾期")
    return lambda row: row[index] == OVERDUE


def ledger_queryset(meeting):
    """The meeting's final items with the latest progress and evidence count — the same
    annotations as the rectification ledger page (`rectification.ledger.annotate`)."""
    from rectification.choices import ItemStatus
    from rectification.ledger import annotate
    from rectification.models import RectificationItem

    qs = RectificationItem.objects.filter(meeting=meeting).exclude(status=ItemStatus.DRAFT)
    return annotate(qs).order_by("problem__scope", "deadline", "pk")


def ledger(meeting, today=None) -> bytes:
    """整改台账 of one meeting (OL-4.3.b, DL-4.4.b): the ledger columns without the organization
    and meeting (they are in the caption), overdue rows shaded, printable on A4 landscape."""
    from django.utils import timezone

    today = today or timezone.localdate()
    rows = [[n, *ledger_row(item, today)] for n, item in enumerate(ledger_queryset(meeting), 1)]
    what = "民主生活会" if meeting.is_democratic_life else "组织生活会"
    caption = f"{meeting.organization.name}{meeting.year}年度{what}整改台账（截至{today.year}年{today.month}月{today.day}日）"
    return workbook([Sheet("整改台账", LEDGER_COLUMNS, rows, highlight=_overdue(LEDGER_COLUMNS), caption=caption)])


def subtree_ledger(queryset, today=None) -> bytes:
    """The rectification app's ledger export (any filtered, scoped queryset of annotated items,
    streamed in chunks): 党组织 and 会议 in front of the ledger columns."""
    from django.utils import timezone

    today = today or timezone.localdate()
    rows = ([n, item.organization.name, item.meeting.title, *ledger_row(item, today)] for n, item in enumerate(queryset.iterator(chunk_size=2000), 1))
    return workbook([Sheet("整改台账", SUBTREE_LEDGER_COLUMNS, rows, highlight=_overdue(SUBTREE_LEDGER_COLUMNS))])


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


def appraisal_results(meeting) -> bytes:
    """民主测评结果 (民主评议结果统计表): per member the votes per grade, the 优秀/合格 rate and the
    组织评定 (from `appraisal.results.tallies`: online ballots plus confirmed paper counts), and a
    summary sheet for the superior (党员总数, 参评人数, 收回票数, count per grade)."""
    from appraisal.choices import GRADE_ORDER, Grade
    from appraisal.results import tallies

    appraisal = meeting.appraisal
    rows = tallies(appraisal)
    labels = dict(Grade.choices)
    table = []
    for i, row in enumerate(rows, 1):
        good = row.count("excellent") + row.count("qualified")
        rating = row.rating
        table.append(
            [
                i,
                row.appraisee.name,
                "是" if row.appraisee.is_probationary else "",
                *[row.count(g) for g in GRADE_ORDER],
                row.total,
                round(good / row.total, 4) if row.total else None,
                "不评定等次" if row.appraisee.is_probationary else (rating.get_grade_display() if rating else ""),
                rating.get_status_display() if rating else ("" if row.appraisee.is_probationary else "未评定"),
            ]
        )
    columns = [
        Column("序号", 6, NUMBER),
        Column("姓名", 12),
        Column("预备党员", 8),
        *[Column(f"{labels[g]}（票）", 9, NUMBER) for g in GRADE_ORDER],
        Column("合计", 7, NUMBER),
        Column("优秀合格率", 10, NUMBER),
        Column("组织评定等次", 12),
        Column("评定状态", 10),
    ]
    graded = [r.rating.grade for r in rows if r.rating is not None and not r.appraisee.is_probationary]
    summary = [
        ["党员总数", len(rows)],
        ["参评人数（不含预备党员）", sum(1 for r in rows if not r.appraisee.is_probationary)],
        ["有表决权人数", appraisal.eligible_voters],
        ["收回票数", appraisal.ballots_cast],
        ["参评率", round(appraisal.ballots_cast / appraisal.eligible_voters, 4) if appraisal.eligible_voters else None],
        *[[f"评定为{labels[g]}", graded.count(g)] for g in GRADE_ORDER],
    ]
    caption = f"{meeting.title}民主评议党员测评结果"
    return workbook(
        [
            Sheet("民主测评结果", columns, table, caption=caption, highlight=lambda r: r[-2] in ("基本合格", "不合格")),
            Sheet("汇总", [Column("项目", 26), Column("数值", 12, NUMBER)], summary, caption=caption),
        ]
    )
