"""The GB/T 9704-2012 layer: a python-docx document already set up as a 公文.

- A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm);
- title 方正小标宋简体 二号 (22 pt) centred; body 仿宋_GB2312 三号 (16 pt), first line indented two
  characters, fixed 28 pt line pitch (22 lines a page);
- headings by level: 一、 黑体; （一） 楷体_GB2312; 1. 仿宋_GB2312 bold;
- page numbers 4号 Arabic numerals between dashes ("— 1 —"), odd pages right and even pages left;
- 落款 (issuing organization) and 成文日期 right-aligned, the date in Chinese numerals
  (二〇二六年十一月二十六日) as Party documents write it.

Fonts are set on the east-Asian slot (that is what Word and LibreOffice use for Chinese) and every
公文 font is declared in the font table with an alternative name (FangSong, SimHei, KaiTi, SimSun),
so a machine without the GB2312 fonts falls back to the common ones; LibreOffice maps them through
fontconfig to Noto Serif/Sans CJK SC (see docs/documents.md).
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI = "黑体"
KAI = "楷体_GB2312"
SONG = "宋体"
LATIN = "Times New Roman"
# Declared alternatives (font table altName) and the open fonts LibreOffice maps them to.
FALLBACKS = {
    TITLE_FONT: ("SimSun", "Noto Serif CJK SC"),
    BODY_FONT: ("FangSong", "Noto Serif CJK SC"),
    HEI: ("SimHei", "Noto Sans CJK SC"),
    KAI: ("KaiTi", "Noto Serif CJK SC"),
    SONG: ("SimSun", "Noto Serif CJK SC"),
}

SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_S4 = Pt(12)  # 小四
SIZE_5 = Pt(10.5)  # 五号
LINE_PITCH = Pt(28)

PAGE = {"width": Mm(210), "height": Mm(297), "top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}

_CN_DIGITS = "〇一二三四五六七八九"


_CONTROL = dict.fromkeys([c for c in range(32) if c not in (9, 10)] + [0xFFFE, 0xFFFF])


def clean(text: str) -> str:
    """User text without the control characters XML cannot hold (a pasted \x0b breaks a .docx)."""
    return str(text).translate(_CONTROL)


def cn_number(n: int) -> str:
    """1–99 as Chinese numerals used in dates: 十, 十一, 二十六, 三十一."""
    if n < 10:
        return _CN_DIGITS[n] if n else "〇"
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def cn_date(day: datetime.date | None) -> str:
    """二〇二六年十一月二十六日 (成文日期 in Chinese numerals)."""
    if day is None:
        return "　　年　　月　　日"
    year = "".join(_CN_DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{cn_number(day.month)}月{cn_number(day.day)}日"


def ar_date(day: datetime.date | None, empty: str = "　　年　月　日") -> str:
    """2026年11月26日 (dates inside the text)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else empty


CN_ORDINALS = "一二三四五六七八九十"


def cn_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二 (for 一、 and （一） headings)."""
    return cn_number(n) if n < 100 else str(n)


def set_run_font(run, east_asia: str, size=None, bold: bool | None = None, latin: str = LATIN) -> None:
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold


def _style_font(style, east_asia: str, size, bold=False):
    style.font.name = LATIN
    style.font.size = size
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _declare_fonts(document) -> None:
    """Add the 公文 fonts to word/fontTable.xml with their alternative names (w:altName)."""
    from lxml import etree

    part = next((r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable")), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    existing = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name, (alt, _open) in FALLBACKS.items():
        if name in existing:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        etree.SubElement(font, qn("w:altName")).set(qn("w:val"), alt)
        etree.SubElement(font, qn("w:charset")).set(qn("w:val"), "86")  # GB2312
        etree.SubElement(font, qn("w:family")).set(qn("w:val"), "modern" if name == HEI else "roman")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def setup_page(section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE["width"], PAGE["height"]
    section.top_margin, section.bottom_margin = PAGE["top"], PAGE["bottom"]
    section.left_margin, section.right_margin = PAGE["left"], PAGE["right"]
    section.header_distance = Mm(15)
    section.footer_distance = Mm(20)  # the page number sits 7 mm below the 版心 (GB/T 9704 §7.5)


def _page_field(paragraph) -> None:
    """ "— N —" with a PAGE field, 4号 宋体 (GB/T 9704 §7.5)."""

    def text(value):
        run = paragraph.add_run(value)
        set_run_font(run, SONG, SIZE_4)
        return run

    text("— ")
    run = paragraph.add_run()
    set_run_font(run, SONG, SIZE_4)
    begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    end.set(qn("w:fldCharType"), "end")
    run._element.append(begin)
    run._element.append(instr)
    run._element.append(end)
    text(" —")


def add_page_numbers(document, section) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = Pt(14)  # 空一字
    _page_field(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = Pt(14)
    _page_field(even)


# Named styles: the document stays editable in Word with the 公文 styles in its style list, and
# paragraphs carry a style reference instead of repeating fonts on every run (much faster).
STYLES = {
    # key: (name, east-Asian font, size, bold, alignment, first-line indent pt, line pitch pt, extra)
    "title": ("公文标题", TITLE_FONT, SIZE_2, False, "center", 0, 35, {"space_after": 14}),
    "body": ("公文正文", BODY_FONT, SIZE_3, False, None, 32, 28, {}),
    "flush": ("公文正文（顶格）", BODY_FONT, SIZE_3, False, None, 0, 28, {}),
    "h1": ("一级标题", HEI, SIZE_3, False, None, 32, 28, {"keep_with_next": True}),
    "h2": ("二级标题", KAI, SIZE_3, False, None, 32, 28, {"keep_with_next": True}),
    "h3": ("三级标题", BODY_FONT, SIZE_3, True, None, 32, 28, {"keep_with_next": True}),
    "subtitle": ("副标题", KAI, SIZE_3, False, "center", 0, 28, {"space_after": 14}),
    "sign": ("落款", BODY_FONT, SIZE_3, False, "right", 0, 28, {"right_indent": 32}),
    "small": ("公文小字", BODY_FONT, SIZE_S4, False, None, 24, 20, {}),
    "small_flush": ("公文小字（顶格）", BODY_FONT, SIZE_S4, False, None, 0, 20, {}),
    "cell": ("表格文字", BODY_FONT, SIZE_S4, False, None, 0, 17, {}),
    "cell_head": ("表格标题", HEI, SIZE_S4, False, "center", 0, 17, {}),
    "cell_big": ("表格文字（四号）", BODY_FONT, SIZE_4, False, None, 0, 22, {}),
    "cell_big_head": ("表格标题（四号）", HEI, SIZE_4, False, "center", 0, 22, {}),
}
CHAR_STYLES = {"hei": ("黑体强调", HEI), "kai": ("楷体文字", KAI)}
_ALIGN = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT, None: None}


def apply_styles(document) -> dict:
    """Normal = 仿宋_GB2312 三号 on a 28 pt pitch; add the 公文 paragraph and character styles."""
    from docx.enum.style import WD_STYLE_TYPE

    normal = document.styles["Normal"]
    _style_font(normal, BODY_FONT, SIZE_3)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE_PITCH
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.widow_control = True
    out = {}
    for key, (name, font, size, bold, align, indent, pitch, extra) in STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        _style_font(style, font, size, bold)
        f = style.paragraph_format
        f.alignment = _ALIGN[align]
        f.first_line_indent = Pt(indent)
        f.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        f.line_spacing = Pt(pitch)
        if "space_after" in extra:
            f.space_after = Pt(extra["space_after"])
        if "right_indent" in extra:
            f.right_indent = Pt(extra["right_indent"])
        if extra.get("keep_with_next"):
            f.keep_with_next = True
        out[key] = style
    for key, (name, font) in CHAR_STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        rpr = style.element.get_or_add_rPr()
        fonts = OxmlElement("w:rFonts")
        fonts.set(qn("w:eastAsia"), font)
        rpr.insert(0, fonts)
        out[key] = style
    return out


# Styles kept from python-docx's default template (besides the 公文 ones and the defaults).
_KEEP_STYLES = {"Normal", "Default Paragraph Font", "Normal Table", "No List", "Table Grid", "header", "footer", "Header", "Footer"}


def _slim(document) -> None:
    """Drop what the default template carries and a 公文 never uses: ~430 KB of unused built-in
    styles and latent-style entries, the duplicate stylesWithEffects part, the thumbnail and
    the custom XML. Every document reopens and rewrites this base, so it is most of the cost
    of a short document (and of its size)."""
    part = document.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
            part.drop_rel(rid)
    package_rels = part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package_rels.pop(rid)
    root = document.styles.element
    latent = root.find(qn("w:latentStyles"))
    if latent is not None:
        root.remove(latent)
    styles = root.findall(qn("w:style"))
    by_id = {st.get(qn("w:styleId")): st for st in styles}
    keep_names = _KEEP_STYLES | {spec[0] for spec in STYLES.values()} | {spec[0] for spec in CHAR_STYLES.values()}
    keep = set()
    todo = [
        st
        for st in styles
        if st.get(qn("w:default")) in ("1", "true") or (st.find(qn("w:name")) is not None and st.find(qn("w:name")).get(qn("w:val")) in keep_names)
    ]
    while todo:  # and everything those are based on or linked to
        st = todo.pop()
        if st.get(qn("w:styleId")) in keep:
            continue
        keep.add(st.get(qn("w:styleId")))
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = st.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) in by_id:
                todo.append(by_id[ref.get(qn("w:val"))])
    for st in styles:
        if st.get(qn("w:styleId")) not in keep:
            root.remove(st)


def _build_base() -> bytes:
    document = Document()
    _slim(document)
    section = document.sections[0]
    setup_page(section)
    apply_styles(document)
    add_page_numbers(document, section)
    _declare_fonts(document)
    core = document.core_properties
    core.author = "生活会管理系统"
    core.language = "zh-CN"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_BASE: bytes | None = None
_IDS: dict | None = None


def new_document():
    """An empty python-docx Document with the page, styles, fonts and page numbers set (built
    once per process and reopened). Returns (document, style ids by key)."""
    global _BASE, _IDS
    if _BASE is None:
        _BASE = _build_base()
    document = Document(io.BytesIO(_BASE))
    if _IDS is None:
        by_name = {st.name: st.style_id for st in document.styles}
        _IDS = {key: by_name[spec[0]] for key, spec in [*STYLES.items(), *CHAR_STYLES.items()]}
    return document, dict(_IDS)


_SECT_PR = qn("w:sectPr")


class _AppendAnchor:
    """`addprevious` that appends (a body without a trailing sectPr)."""

    def __init__(self, body):
        self.body = body

    def addprevious(self, element):
        self.body.append(element)


@dataclass(frozen=True)
class Label:
    """A form cell holding a field name (黑体, centred)."""

    text: str


@dataclass(frozen=True)
class Span:
    """A form cell covering `span` columns (a label when `label`)."""

    text: str
    span: int
    label: bool = False


class GovDoc:
    """A 公文 being written: title, headings, paragraphs, tables, signature."""

    def __init__(self, title: str | None = None, *, subtitle: str | None = None, landscape: bool = False):
        self.document, self.styles = new_document()
        self._first = True
        if landscape:
            section = self.document.sections[0]
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = PAGE["height"], PAGE["width"]
            section.top_margin, section.bottom_margin = Mm(28), Mm(26)
            section.left_margin, section.right_margin = Mm(37), Mm(35)
        if title:
            self.title(title)
        if subtitle:
            self.subtitle(subtitle)

    # -- paragraphs ---------------------------------------------------------------------
    def _paragraph(self, style: str = "body"):
        """A new paragraph with a 公文 style (set by id: python-docx's lookup by style object
        scans every style on each call)."""
        if self._first:
            self._first = False
            first = self.document.paragraphs
            if len(first) == 1 and not first[0].text:
                first[0]._p.style = self.styles[style]
                return first[0]
        # Built directly (python-docx's add_paragraph and style setter search the body and the
        # pPr children on every call: most of the time of a long document went there).
        p = OxmlElement("w:p")
        ppr = OxmlElement("w:pPr")
        ppr.append(OxmlElement("w:pStyle", {qn("w:val"): self.styles[style]}))
        p.append(ppr)
        self._body_end.addprevious(p)
        return Paragraph(p, self.document._body)

    @property
    def _body_end(self):
        """The body's sectPr: new blocks go just before it."""
        body = self.document.element.body
        last = body[-1]
        return last if last.tag == _SECT_PR else _AppendAnchor(body)

    def _run(self, p, text: str, char_style: str | None = None):
        text = clean(text)
        if "\n" in text or "\t" in text or "\r" in text:
            run = p.add_run(text)  # python-docx turns these into w:br / w:tab
            if char_style:
                run._r.style = self.styles[char_style]
            return run
        r = OxmlElement("w:r")
        if char_style:
            rpr = OxmlElement("w:rPr")
            rpr.append(OxmlElement("w:rStyle", {qn("w:val"): self.styles[char_style]}))
            r.append(rpr)
        t = OxmlElement("w:t")
        t.text = text
        if text != text.strip():
            t.set(qn("xml:space"), "preserve")
        r.append(t)
        p._p.append(r)
        return Run(r, p)

    def title(self, text: str):
        """标题: one or more centred lines, broken at a word boundary (after 年度/关于/单位名称)
        rather than wherever the line fills up (GB/T 9704 §7.3.1: 回行时要做到词意完整)."""
        p = self._paragraph("title")
        for i, line in enumerate(title_lines(clean(text))):
            run = p.add_run(line)
            if i:
                run._element.addprevious(_br())
        return p

    def subtitle(self, text: str):
        p = self._paragraph("subtitle")
        p.add_run(clean(text))
        return p

    def addressee(self, text: str):
        """主送机关: flush left, ends with a full-width colon."""
        p = self._paragraph("flush")
        p.add_run(clean(text).rstrip("：:") + "：")
        return p

    def heading(self, text: str, level: int = 1):
        """Level 1 黑体 (一、), level 2 楷体 (（一）), level 3 仿宋 bold (1.) — all 三号, indented two characters."""
        p = self._paragraph({1: "h1", 2: "h2"}.get(level, "h3"))
        p.add_run(clean(text))
        return p

    def para(self, text: str, *, indent: bool = True, lead: str = "", align=None, size=SIZE_3, font=BODY_FONT):
        """A body paragraph; `lead` is a lead-in in 黑体 (e.g. "问题："); `font=KAI` for 楷体 text."""
        small = size != SIZE_3
        p = self._paragraph(("small" if indent else "small_flush") if small else ("body" if indent else "flush"))
        if align is not None:
            p.alignment = align
        if lead:
            self._run(p, lead, "hei")
        run = self._run(p, text, "kai" if font == KAI else ("hei" if font == HEI else None))
        if small and size != SIZE_S4:
            run.font.size = size
        return p

    def text(self, text: str, **kwargs):
        """Several paragraphs from text with line breaks; blank lines dropped."""
        for line in (text or "").splitlines():
            if line.strip():
                self.para(line.strip(), **kwargs)

    def blank(self, n: int = 1):
        for _ in range(n):
            self._paragraph("flush")

    def page_break(self):
        p = self._paragraph("flush")
        p.add_run().add_break(WD_BREAK.PAGE)

    def signature(self, organization: str, day: datetime.date | None = None, *, date_text: str | None = None, chinese: bool = True):
        """落款: the issuing organization above the 成文日期, right-aligned two characters in from the
        right edge (GB/T 9704 §7.3.5.2, no seal). `date_text` overrides the computed date."""
        # The signature never stands alone on a page: the last body line travels with it
        # (GB/T 9704 §7.3.5: 不出现“此页无正文”).
        if self.document.paragraphs:
            self.document.paragraphs[-1].paragraph_format.keep_with_next = True
        self.blank(1)
        self.document.paragraphs[-1].paragraph_format.keep_with_next = True
        date_value = date_text if date_text is not None else (cn_date(day) if chinese else ar_date(day))
        org_right, date_right = signature_indents(clean(organization), date_value)
        org = self._paragraph("sign")
        org.paragraph_format.keep_with_next = True
        org.paragraph_format.right_indent = Pt(16 * org_right)
        org.add_run(clean(organization))
        date = self._paragraph("sign")
        date.paragraph_format.right_indent = Pt(16 * date_right)
        date.add_run(date_value)

    # -- tables -------------------------------------------------------------------------
    def table(
        self,
        headers: list[str],
        rows: list[list],
        *,
        widths_mm: list[float] | None = None,
        size=SIZE_S4,
        min_height_mm: float | None = None,
        center: tuple[int, ...] = (),
    ):
        """A grid table with a repeated header row; `center` lists the columns (序号, 状态…) whose
        cells are centred."""
        big = size == SIZE_4
        head_style, cell_style = (self.styles["cell_big_head"], self.styles["cell_big"]) if big else (self.styles["cell_head"], self.styles["cell"])
        table = self.document.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        all_rows = table.rows
        for cell, text in zip(all_rows[0].cells, headers, strict=True):
            _fill(cell, text, head_style)
        _repeat_header(all_rows[0])
        for row, values in zip(all_rows[1:], rows, strict=True):
            if min_height_mm:
                row.height = Mm(min_height_mm)
            for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                _fill(cell, "" if value is None else str(value), cell_style)
                if i in center:
                    for paragraph in cell.paragraphs:
                        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if widths_mm:
            set_widths(table, widths_mm)
        spacer = self.document.add_paragraph()
        spacer._p.style = self.styles["flush"]
        spacer.paragraph_format.line_spacing = Pt(10)
        self._first = False
        return table

    def form(self, rows: list[list], *, widths_mm: list[float], heights_mm: list[float | None] | None = None, big: bool = False):
        """A form-style table without a header row (登记表/自评表): each row is a list of cells,
        a cell being text, `Label("姓名")` (黑体, centred) or `Span(text, n)` covering n columns."""
        head_style, cell_style = (self.styles["cell_big_head"], self.styles["cell_big"]) if big else (self.styles["cell_head"], self.styles["cell"])
        table = self.document.add_table(rows=len(rows), cols=len(widths_mm))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        set_widths(table, widths_mm)
        for r, (row, spec) in enumerate(zip(table.rows, rows, strict=True)):
            cells = row.cells
            col = 0
            for entry in spec:
                span = entry.span if isinstance(entry, Span) else 1
                cell = cells[col] if span == 1 else cells[col].merge(cells[col + span - 1])
                cell.width = Mm(sum(widths_mm[col : col + span]))
                text = entry.text if isinstance(entry, (Span, Label)) else entry
                label = isinstance(entry, Label) or (isinstance(entry, Span) and entry.label)
                _fill(cell, "" if text is None else str(text), head_style if label else cell_style)
                short = heights_mm is not None and r < len(heights_mm) and (heights_mm[r] or 0) <= 12
                if label or short:
                    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                col += span
            if heights_mm and r < len(heights_mm) and heights_mm[r]:
                row.height = Mm(heights_mm[r])
        spacer = self.document.add_paragraph()
        spacer._p.style = self.styles["flush"]
        spacer.paragraph_format.line_spacing = Pt(10)
        self._first = False
        return table

    def save(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()


def signature_indents(organization: str, date_text: str) -> tuple[float, float]:
    """Right indents (in 三号 characters) of the 发文机关署名 and the 成文日期 (GB/T 9704 §7.3.5.2,
    no seal): the date starts two characters right of the name's first character; the longer of
    the two is set two characters in from the right edge. Templates with Jinja fields keep the
    style's two characters."""
    if "{" in organization or "{" in date_text:
        return 2, 2
    org_w, date_w = _width(organization), _width(date_text)
    org_right = max(2.0, date_w + 4 - org_w)
    return org_right, max(2.0, org_right + org_w - 2 - date_w)


def _fill(cell, text: str, style_id: str) -> None:
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(clean(text).split("\n")):
        p = paragraph if i == 0 else cell.add_paragraph()
        p._p.style = style_id
        if line:
            p.add_run(line)


TITLE_CHARS = 19  # 二号 characters that safely fit a 156 mm line (digits and fallback fonts are wider)
_BREAK_AFTER = ("年度", "关于召开", "关于", "党支部", "党总支", "党委", "党工委", "党组", "领导班子", "班子")


def _width(text: str) -> float:
    return sum(0.5 if ord(c) < 128 else 1 for c in text)


def title_lines(text: str, limit: int = TITLE_CHARS) -> list[str]:
    """Split a long title into balanced lines at a word boundary; short titles stay one line."""
    if _width(text) <= limit or "{{" in text:
        return [text]
    best = None
    for token in _BREAK_AFTER:
        start = 0
        while (i := text.find(token, start)) >= 0:
            cut = i + len(token)
            start = i + 1
            head, tail = text[:cut], text[cut:]
            if not tail or _width(head) > limit:
                continue
            rest = title_lines(tail, limit)
            score = max(_width(head), *(_width(x) for x in rest)) + (len(rest) - 1) * 100
            if best is None or score < best[0]:
                best = (score, [head, *rest])
    if best is None:
        cut = int(limit)
        return [text[:cut], *title_lines(text[cut:], limit)]
    return best[1]


def _br():
    return OxmlElement("w:br")


def set_widths(table, widths_mm: list[float]) -> None:
    """Column widths that Word and LibreOffice both honour: fixed layout, the grid, every cell."""
    table.autofit = False
    tbl = table._tbl
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl.tblPr.append(layout)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def page_setup(document) -> dict:
    """The first section's page setup in millimetres (for tests and template checks)."""
    s = document.sections[0]
    return {
        k: round(getattr(s, attr).mm)
        for k, attr in (
            ("width", "page_width"),
            ("height", "page_height"),
            ("top", "top_margin"),
            ("bottom", "bottom_margin"),
            ("left", "left_margin"),
            ("right", "right_margin"),
        )
    }
