"""Writes the starting templates kept in documents/templates_docx/ (docxtpl, Jinja tags in a
GB/T 9704 page): `python -m documents.builtin`. An operator downloads one, changes the
layout in Word and uploads it as the district's template. They are where layout matters most:
the filing cover, the report (red-header variants are common), the blank opinion form and the
paper ballot."""

from __future__ import annotations

from pathlib import Path

from docx.shared import Pt

from .layout import SIZE_S4, GovDoc

OUT = Path(__file__).resolve().parent / "templates_docx"


def situation_report() -> bytes:
    doc = GovDoc("{{ title }}")
    doc.addressee("{{ addressee }}")
    doc.para("{%p for s in sections %}", indent=False)
    doc.heading("{{ s.heading }}")
    doc.para("{%p for line in s.paragraphs %}", indent=False)
    doc.para("{{ line }}")
    doc.para("{%p endfor %}", indent=False)
    doc.para("{%p endfor %}", indent=False)
    doc.blank()
    doc.para("附件：{% for a in attachments %}{{ loop.index }}. {{ a }}{% if not loop.last %}；{% endif %}{% endfor %}")
    doc.signature("{{ organization }}", date_text="{{ today_cn }}")
    return doc.save()


def filing_cover() -> bytes:
    doc = GovDoc("{{ title }}")
    rows = [
        ["报备单位", "{{ organization }}"],
        ["领导班子", "{{ team }}"],
        ["会议主题", "{{ theme }}"],
        ["拟召开时间", "{{ date }} {{ time }}"],
        ["会议地点", "{{ place }}"],
        ["参加人员", "{{ participants }}"],
        ["列席人员", "{{ observers }}"],
        ["方案审定情况", "{{ status }}"],
        ["应报备日期", "{{ filing_due }}前（会前15日）"],
        ["附件", "民主生活会方案"],
    ]
    doc.table(["项目", "内容"], rows, widths_mm=[40, 116], min_height_mm=12)
    doc.signature("{{ organization }}", date_text="{{ today_cn }}")
    return doc.save()


def opinion_form() -> bytes:
    doc = GovDoc("{{ title }}")
    doc.para("填表人身份：□党员　□群众　□服务对象　□下级单位　　　（可不署名）", indent=False, size=SIZE_S4)
    table = doc.table(
        ["项目", "意见建议（请写明具体事例）"],
        [
            ["对班子的意见建议", ""],
            ["{%tr for p in people %}", ""],
            ["对{{ p.name }}（{{ p.title }}）的意见建议", ""],
            ["{%tr endfor %}", ""],
            ["其他意见建议", ""],
        ],
        widths_mm=[45, 111],
    )
    for i in (1, 3, 4):
        table.rows[i].height = Pt(28 * 3) if i != 3 else None
    doc.para("请于{{ deadline }}前交回。", indent=False, size=SIZE_S4)
    return doc.save()


def ballot() -> bytes:
    doc = GovDoc("{{ title }}")
    doc.para("（不记名，请在相应等次栏内划“√”）", indent=False, size=SIZE_S4)
    doc.table(
        ["序号", "姓名", "优秀", "合格", "基本合格", "不合格"],
        [["{%tr for p in people %}", "", "", "", "", ""], ["{{ p.n }}", "{{ p.name }}", "", "", "", ""], ["{%tr endfor %}", "", "", "", "", ""]],
    )
    return doc.save()


BUILDERS = {"situation_report": situation_report, "filing_cover": filing_cover, "opinion_form": opinion_form, "ballot": ballot}


def main():
    OUT.mkdir(exist_ok=True)
    for key, build in BUILDERS.items():
        (OUT / f"{key}.docx").write_bytes(build())
        print("wrote", key)


if __name__ == "__main__":
    main()
