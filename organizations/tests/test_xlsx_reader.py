"""The lean .xlsx reader behind the roster import (issue 11 item 2): it must read what openpyxl
reads, refuse what defusedxml refuses, and keep the worksheet's row numbers."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import BarChart, Reference
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from organizations.models import Member
from organizations.roster import COLUMNS, import_roster
from organizations.xlsx import UnreadableXlsx, first_sheet_rows

from .test_roster_import import row

HEADERS = [c.header for c in COLUMNS]


def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _openpyxl_values(data: bytes) -> dict:
    ws = load_workbook(io.BytesIO(data), read_only=True, data_only=False).worksheets[0]
    return {(r, c): v for r, line in enumerate(ws.iter_rows(values_only=True), start=1) for c, v in enumerate(line) if v is not None}


def _ours(data: bytes) -> dict:
    return {(line.number, c): v for line in first_sheet_rows(data) for c, v in line.values.items()}


def _varied(wb):
    ws = wb.active
    ws.append(["姓名", "数字", "小数", "日期", "日期时间", "布尔", "长整数"])
    ws.append(["张三", 13800138000, 1.5, datetime.date(2010, 7, 1), datetime.datetime(2021, 3, 4, 5, 6, 7), True, 110105194912310021])
    ws.append([" 前后空格 ", 0, -2.25, datetime.date(1921, 7, 1), None, False, "0012"])
    ws["C9"] = "跳过几行之后"  # rows 4-8 missing from the sheet XML: numbers must not shift
    ws["H9"] = datetime.date(2000, 2, 29)
    ws["A10"] = CellRichText(["富", TextBlock(InlineFont(b=True), "文本"), "单元格"])
    ws.cell(row=11, column=2).number_format = "yyyy-mm-dd"  # styled but empty: no value
    return wb


@pytest.mark.parametrize("epoch", [None, CALENDAR_MAC_1904], ids=["1900", "1904"])
def test_values_match_openpyxl_with_inline_strings_dates_and_gaps(epoch):
    wb = _varied(Workbook())
    if epoch:
        wb.epoch = epoch
    data = _save(wb)
    ours = _ours(data)
    assert ours == _openpyxl_values(data)
    assert ours[(2, 3)] == datetime.datetime(2010, 7, 1)
    assert ours[(9, 2)] == "跳过几行之后" and ours[(10, 0)] == "富文本单元格"


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _excel_package(sheet_data: str, *, date1904=False) -> bytes:
    """A package laid out as Excel writes it (openpyxl itself writes inline strings only): shared
    strings with rich runs and phonetic guides, a styles part with built-in and custom date
    formats, cells and rows without `r`, a formula with its cached result, an error value."""
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{SML}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SML}.worksheet+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{SML}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{SML}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SML}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><workbookPr date1904="{int(date1904)}"/>'
        '<sheets><sheet name="名册" sheetId="1" r:id="rId1"/><sheet name="其他" sheetId="2" r:id="rId4"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS}">'
        f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId4" Type="{DOC}/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
        f'<Relationship Id="rId2" Type="{DOC}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/styles.xml": f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>'
        '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="176"/><xf numFmtId="49"/></cellXfs></styleSheet>',
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}" count="4" uniqueCount="4"><si><t>姓名</t></si><si><t xml:space="preserve"> 王 芳 </t></si>'
        "<si><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r></si>"
        '<si><t>张三</t><rPh sb="0" eb="2"><t>ちょうさん</t></rPh><phoneticPr fontId="1"/></si></sst>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><dimension ref="A1:F6"/><sheetData>{sheet_data}</sheetData></worksheet>',
        "xl/worksheets/sheet2.xml": f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row></sheetData></worksheet>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text)
    return out.getvalue()


EXCEL_ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
    '<row r="2"><c r="A2" s="1"><v>40360</v></c><c r="B2" s="2"><v>44197.5</v></c><c r="C2" s="3"><v>13912345678</v></c>'
    '<c r="D2" t="b"><v>1</v></c><c r="E2" t="e"><v>#N/A</v></c><c r="F2" t="str"><f>A1&amp;"x"</f><v>姓名x</v></c></row>'
    '<row><c><v>7</v></c><c t="s"><v>1</v></c><c r="E3"><v>1E3</v></c></row>'
    '<row r="6"><c r="B6" s="1"/><c r="C6" t="d"><v>2012-05-06T00:00:00</v></c></row>'
)


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
@pytest.mark.parametrize("date1904", [False, True], ids=["1900", "1904"])
def test_values_match_openpyxl_for_a_package_as_excel_writes_it(date1904):
    data = _excel_package(EXCEL_ROWS, date1904=date1904)
    ours = _ours(data)
    theirs = _openpyxl_values(data)
    theirs.pop((2, 5))  # openpyxl gives a formula cell its formula ("=A1&"x""); the roster refuses it anyway
    assert ours.pop((2, 5)) == "姓名x"
    assert ours == theirs
    assert ours[(1, 1)] == " 王 芳 " and ours[(1, 2)] == "富文本" and ours[(1, 3)] == "张三"
    assert ours[(2, 0)] == (datetime.datetime(2014, 7, 2) if date1904 else datetime.datetime(2010, 7, 1))
    assert ours[(2, 2)] == 13912345678 and ours[(2, 3)] is True and ours[(2, 4)] == "#N/A"
    assert ours[(3, 0)] == 7 and ours[(3, 1)] == " 王 芳 " and ours[(3, 4)] == 1000.0


def test_row_numbers_follow_rows_without_r_and_formulas_are_flagged():
    lines = list(first_sheet_rows(_excel_package(EXCEL_ROWS)))
    assert [line.number for line in lines] == [1, 2, 3, 6]
    assert [line.formulas for line in lines] == [frozenset(), frozenset({5}), frozenset(), frozenset()]


def test_inline_strings_of_write_only_files_are_read():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名册")
    ws.append(["姓名", "入党日期"])
    ws.append(["李四", datetime.date(2012, 5, 6)])
    data = _save(wb)
    assert _ours(data) == _openpyxl_values(data) == {(1, 0): "姓名", (1, 1): "入党日期", (2, 0): "李四", (2, 1): datetime.datetime(2012, 5, 6)}


def test_only_the_first_worksheet_is_read_even_if_a_chartsheet_comes_first():
    wb = Workbook()
    wb.active["A1"] = "第一张工作表"
    wb.create_sheet("第二张")["A1"] = "不应读到"
    chart = BarChart()
    chart.add_data(Reference(wb.active, min_col=1, min_row=1, max_row=1))
    wb.create_chartsheet("图表", 0).add_chart(chart)
    data = _save(wb)
    assert _ours(data) == _openpyxl_values(data) == {(1, 0): "第一张工作表"}


def test_formula_cells_are_flagged_and_text_starting_with_equals_is_not():
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "=1+1"
    ws["B1"] = "=不是公式"
    ws["B1"].data_type = "s"
    wb.create_sheet("其他")["A1"] = "=2+2"
    (line,) = first_sheet_rows(_save(wb))
    assert line.formulas == frozenset({0})
    assert line.values[1] == "=不是公式"


def _rewrite(data: bytes, name: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            dst.writestr(item, change(content) if item.filename == name else content)
    return out.getvalue()


LAUGHS = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
EXTERNAL = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("prologue", [LAUGHS, EXTERNAL], ids=["entity-expansion", "external-entity"])
@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels"])
def test_parts_with_a_dtd_are_refused(part, prologue):
    data = _rewrite(_excel_package(EXCEL_ROWS), part, lambda xml: prologue + xml[xml.index(b"?>") + 2 :])
    with pytest.raises(UnreadableXlsx):
        list(first_sheet_rows(data))


@pytest.mark.django_db
def test_a_dtd_in_an_uploaded_roster_is_refused_and_nothing_is_written(world):
    data = _rewrite(_save(_roster_workbook([row(world.b1)])), "xl/worksheets/sheet1.xml", lambda xml: EXTERNAL + xml)
    before = Member.objects.count()
    result = import_roster(data, world.p1, actor=world.operator)
    assert [e.message for e in result.errors] == ["文件无法读取，请确认是有效的.xlsx文件"]
    assert Member.objects.count() == before


def test_broken_sheet_xml_is_unreadable_not_a_crash():
    wb = Workbook()
    wb.active.append(["姓名"] * 3)
    data = _rewrite(_save(wb), "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])
    with pytest.raises(UnreadableXlsx):
        list(first_sheet_rows(data))


def _roster_workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for values in rows:
        ws.append([values.get(h, "") for h in HEADERS])
    return wb


@pytest.mark.django_db
def test_roster_with_excel_typed_cells_imports(world):
    """A roster as Excel saves it: the joining date a real date cell, the phone a number."""
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    values = row(world.b1, 姓名="类型单元格", 入党日期=datetime.date(2011, 7, 1), 手机号码=13912345678)
    ws.append([values.get(h, "") for h in HEADERS])
    result = import_roster(_save(wb), world.p1, actor=world.operator)
    assert result.ok, result.errors
    member = Member.objects.get(name="类型单元格")
    assert member.joined_on == datetime.date(2011, 7, 1)
    assert member.phone == "13912345678"


@pytest.mark.django_db
def test_row_numbers_in_errors_are_the_sheets_even_after_empty_rows(world):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    good = row(world.b1)
    ws.append([good.get(h, "") for h in HEADERS])
    bad = row(world.b1, 入党日期="去年")
    for column, header in enumerate(HEADERS, start=1):
        ws.cell(row=7, column=column, value=bad.get(header) or None)
    result = import_roster(_save(wb), world.p1, actor=world.operator)
    assert [(e.row, e.column) for e in result.errors] == [(7, "入党日期")]


@pytest.mark.django_db
def test_formula_in_a_roster_cell_is_listed_with_its_row_and_column(world):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for values in (row(world.b1), row(world.b1)):
        ws.append([values.get(h, "") for h in HEADERS])
    ws.cell(row=3, column=HEADERS.index("姓名") + 1, value='=HYPERLINK("http://x","点我")')
    before = Member.objects.count()
    result = import_roster(_save(wb), world.p1, actor=world.operator)
    assert (3, "姓名") in [(e.row, e.column) for e in result.errors]
    assert all("公式" in e.message for e in result.errors if e.column == "姓名")
    assert Member.objects.count() == before


@pytest.mark.django_db
def test_a_date_cell_outside_the_calendar_is_a_row_error_not_an_unreadable_file(world):
    wb = _roster_workbook([row(world.b1), row(world.b1)])
    cell = wb.active.cell(row=3, column=HEADERS.index("入党日期") + 1, value=9_999_999)
    cell.number_format = "yyyy-mm-dd"
    result = import_roster(_save(wb), world.p1, actor=world.operator)
    assert [(e.row, e.column) for e in result.errors] == [(3, "入党日期")]
