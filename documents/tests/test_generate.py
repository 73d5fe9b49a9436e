"""Every generated .docx/.xlsx opened with python-docx/openpyxl: content and page setup."""

import datetime
import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from documents import data, kinds, samples
from documents.layout import cn_date, page_setup

from .factories import HELD, dl_meeting, full_meeting

pytestmark = pytest.mark.django_db

GBT = {"width": 210, "height": 297, "top": 37, "bottom": 35, "left": 28, "right": 26}


def text_of(body: bytes) -> str:
    """Paragraphs and table cells in document order."""
    from docx.table import Table

    doc = Document(io.BytesIO(body))
    parts = []
    for block in doc.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                parts.extend(c.text for c in row.cells)
        else:
            parts.append(block.text)
    return "\n".join(parts)


def docx(key, meeting, member=None):
    name, body = kinds.generate(key, meeting, member)
    assert name.endswith(".docx")
    return name, Document(io.BytesIO(body)), text_of(body)


@pytest.fixture
def recorded(world):
    return full_meeting(world)


def test_cn_date_in_chinese_numerals():
    assert cn_date(datetime.date(2026, 11, 26)) == "二〇二六年十一月二十六日"
    assert cn_date(datetime.date(2030, 1, 10)) == "二〇三〇年一月十日"
    assert cn_date(datetime.date(2026, 12, 31)) == "二〇二六年十二月三十一日"


@pytest.mark.parametrize("key", [k.key for k in kinds.KINDS.values() if k.fmt == "docx" and "org_life" in k.meetings and not k.per_person])
def test_every_word_document_has_gbt_page_setup_and_fonts(recorded, key):
    meeting, _ = recorded
    meeting.half = "year_end"  # the 民主评议 forms come with the year-end meeting
    meeting.save(update_fields=["half"])
    name, doc, text = docx(key, meeting)
    landscape = key in ("problem_list", "problem_list_full")
    setup = page_setup(doc)
    if landscape:
        assert (setup["width"], setup["height"]) == (297, 210)
    else:
        assert setup == GBT
    normal = doc.styles["Normal"]
    assert normal.font.size.pt == 16  # 三号
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    title = doc.paragraphs[0].style
    assert title.name == "公文标题" and title.font.size.pt == 22  # 二号
    assert title.element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    footer_xml = doc.sections[0].footer._element.xml
    assert "PAGE" in footer_xml
    assert "幸福社区党支部" in name or "赵书记" in name or "2026" in name


def test_work_plan(recorded):
    meeting, _ = recorded
    _, doc, text = docx("work_plan", meeting)
    assert "幸福社区党支部2026年度组织生活会工作方案" in text
    assert "学思想、强党性、重实践、建新功" in text
    assert "2026年11月20日 9:00" in text and "社区党群服务中心三楼会议室" in text
    assert "赵书记" in text and "钱委员" in text and "孙党员" in text
    assert "《中国共产党章程》" in text
    assert text.index("书记通报上年度整改落实情况") < text.index("上级点评") < text.index("书记小结")
    headings = [p for p in doc.paragraphs if p.text.startswith("一、")]
    assert headings[0].style.name == "一级标题" and headings[0].style.element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    level2 = next(p for p in doc.paragraphs if p.text.startswith("（一）"))
    assert level2.style.element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    body = next(p for p in doc.paragraphs if p.text.startswith("为开好"))
    assert body.style.name == "公文正文" and body.style.paragraph_format.first_line_indent.pt == 32


def test_notice_and_blank_forms(recorded):
    meeting, _ = recorded
    _, _, text = docx("notice", meeting)
    assert "全体党员：" in text and "意见箱" in text and "2026年11月10日" in text
    assert "二〇二六年十月三十日" in text  # published, in Chinese numerals
    _, doc, text = docx("opinion_form", meeting)
    assert "对班子的意见建议" in text and "对赵书记（书记）的意见建议" in text and "对钱委员（委员）的意见建议" in text
    assert "孙党员" not in text  # the form asks about the committee, not every member
    _, doc, text = docx("ballot", meeting)
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[0][:6] == ["序号", "姓名", "优秀", "合格", "基本合格", "不合格"]
    assert {r[1] for r in rows[1:]} == {"赵书记", "钱委员", "孙党员"}
    assert all(r[2:6] == ["", "", "", ""] for r in rows[1:])


def test_study_and_talks(recorded):
    meeting, _ = recorded
    _, _, text = docx("study", meeting)
    assert "中国共产党纪律处分条例" in text and "集中学习党章" in text and "2.5" in text
    _, doc, text = docx("talk_schedule", meeting)
    assert "共安排谈心谈话2人次，已完成1人次" in text
    assert "未谈" in text and "已谈" in text
    _, doc, text = docx("talk_records", meeting)
    assert "赵书记与钱委员谈心谈话记录" in text and "交流支部工作" in text
    assert "孙党员谈心谈话记录" not in text  # not held yet


def test_opinion_summary_groups_by_target(recorded):
    meeting, facts = recorded
    _, doc, text = docx("opinion_summary", meeting)
    assert "共收到意见建议3条" in text
    team_pos = text.index("一、对班子的意见建议")
    person_pos = text.index("二、对个人的意见建议")
    assert team_pos < text.index("支部活动形式单一") < person_pos
    assert text.index("对赵书记同志") < text.index("赵书记入户走访次数偏少")
    assert "丰富支部活动形式" not in text
    assert "支部活动形式单一，吸引力不强" in text.split("二、对个人")[0]


def test_self_exam_draft_holds_only_the_persons_opinions_and_last_years_items(recorded, world):
    meeting, facts = recorded
    name, doc, text = docx("self_exam", meeting, world.secretary_member)
    assert name.startswith("赵书记2026年度组织生活会发言提纲")
    assert "赵书记入户走访次数偏少" in text
    assert "钱委员学习笔记不够认真" not in text  # someone else's opinion (OL-2.3.e)
    assert "支部活动形式单一" not in text  # the team's
    assert "提高理论学习质量" in text and "整改中" in text  # last year's personal item
    assert "建立党员联系户制度" not in text  # last year's team item
    assert "带头入户走访不够" in text and "宗旨意识有所淡化" in text and "每月至少入户走访5户" in text
    for heading in ("一、上年度整改措施落实情况", "二、存在的问题", "三、原因剖析", "四、整改措施"):
        assert heading in text
    _, _, text = docx("self_exam", meeting, world.committee_member_member)
    assert "钱委员学习笔记不够认真" in text and "赵书记入户走访次数偏少" not in text
    assert "（二）政治理论学习方面" in text  # headings of the year's aspects when nothing written yet
    _, _, text = docx("self_exam_team", meeting)
    assert "支部活动形式单一" in text and "建立党员联系户制度" in text and "赵书记入户走访次数偏少" not in text


def test_problem_list_public_version(recorded):
    meeting, facts = recorded
    _, doc, text = docx("problem_list", meeting)
    assert "丰富支部活动形式" in text and "增加走访" in text
    assert "内部整改事项（不公示）" not in text
    assert "2027年3月31日" in text
    assert "（公示版）" in text and "公示情况" not in text


def test_OL_4_1_b_full_problem_list_includes_items_not_displayed(recorded):
    meeting, facts = recorded
    _, doc, text = docx("problem_list_full", meeting)
    assert "（完整版）" in text
    rows = {r.cells[5].text: [c.text for c in r.cells] for r in doc.tables[0].rows[1:]}
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert header[2] == "问题类别" and header[-1] == "公示情况"
    assert rows["内部整改事项（不公示）"][-1] == "不公示" and rows["丰富支部活动形式"][-1] == "公示"
    assert rows["增加走访"][1] == "赵书记" and rows["增加走访"][8] == "2026年11月25日"
    assert "共3项整改事项，其中公示2项。" in text


def test_minutes_in_agenda_order(recorded):
    meeting, _ = recorded
    _, doc, text = docx("minutes", meeting)
    assert "一、支委会" in text and "二、党员大会" in text
    assert "应到3人，实到2人" in text and "孙党员（住院治疗）" in text
    assert "上级指导：街道党工委吴委员" in text
    body = text.split("二、党员大会")[1]
    assert body.index("本人带头入户走访不够") < body.index("钱委员对赵书记提出批评") < body.index("诚恳接受钱委员的批评")
    assert "每周安排半天走访" in body and "立即整改，每周走访" in body
    assert "会前准备扎实" in text and "抓好问题整改" in text and "立行立改" in text
    assert text.index("上级点评") < text.index("小结表态")


def test_situation_report_and_package(recorded, client, world):
    meeting, _ = recorded
    _, doc, text = docx("situation_report", meeting)
    assert "幸福社区党支部关于召开2026年度组织生活会情况的报告" in text
    assert "第一街道党工委：" in text
    for heading in ("一、会议基本情况", "二、开展批评与自我批评情况", "三、检查出来的主要问题", "四、整改措施"):
        assert heading in text
    assert "丰富支部活动形式" in text and "附件：1. 会议记录（复印件）" in text
    signature = [p for p in doc.paragraphs if p.text.strip()][-2:]
    assert signature[0].text == "幸福社区党支部" and signature[1].text.startswith("二〇")
    # GB/T 9704 §7.3.5.2: the date two characters from the right edge, starting two characters
    # right of the name's first character (the name 7 characters, the date 12: name 9 from the right)
    assert (signature[0].paragraph_format.right_indent.pt, signature[1].paragraph_format.right_indent.pt) == (16 * 9, 16 * 2)


def test_signature_indents_follow_gbt_9704():
    from documents.layout import signature_indents

    assert signature_indents("幸福社区党支部", "二〇二六年十一月二十六日") == (9, 2)
    assert signature_indents("中共某某市某某区某某街道某某社区委员会", "二〇二六年一月十日") == (2, 10)
    assert signature_indents("{{ organization }}", "{{ today_cn }}") == (2, 2)


def test_circular_for_democratic_life(world):
    meeting = dl_meeting(world)
    _, doc, text = docx("circular", meeting)
    assert "通报" in doc.paragraphs[0].text and "第一街道党工委" in text
    _, doc, text = docx("dl_plan", meeting)
    assert "民主生活会实施方案" in text and "会后15日内" in text and "主持人说明会议主题" in text
    _, doc, text = docx("filing_cover", meeting)
    assert "方案报备表" in doc.paragraphs[0].text and "民主生活会实施方案" in text
    assert page_setup(doc) == GBT


def test_ledger_xlsx_status_and_overdue(recorded):
    meeting, facts = recorded
    name, body = kinds.generate("ledger", meeting)
    assert name.endswith("整改台账.xlsx")
    ws = load_workbook(io.BytesIO(body)).active
    assert ws["A1"].value.startswith("幸福社区党支部2026年度组织生活会整改台账")
    assert ws.freeze_panes == "A3" and ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    header = [c.value for c in ws[2]]
    assert "状态" in header and "是否逾期" in header and "完成时限" in header and "销号时间" in header
    rows = {r[header.index("整改目标")]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"丰富支部活动形式", "增加走访", "内部整改事项（不公示）"}
    assert rows["增加走访"][header.index("是否逾期")] == "逾期"
    assert rows["增加走访"][header.index("责任主体")] == "赵书记"
    assert rows["丰富支部活动形式"][header.index("状态")] == "整改中"
    deadline = rows["丰富支部活动形式"][header.index("完成时限")]
    assert isinstance(deadline, datetime.datetime) and deadline.date() == datetime.date(2027, 3, 31)
    overdue_row = next(r for r in ws.iter_rows(min_row=3) if r[header.index("整改目标")].value == "增加走访")
    assert overdue_row[0].fill.fgColor.rgb.endswith("FDECEA")
    on_time = next(r for r in ws.iter_rows(min_row=3) if r[header.index("整改目标")].value == "丰富支部活动形式")
    assert on_time[0].fill.fgColor.rgb in (None, "00000000")
    assert ws.column_dimensions["D"].width >= 20
    assert ws.row_dimensions[on_time[0].row].height > ws.row_dimensions[overdue_row[0].row].height  # the long measure wraps


def test_talk_coverage_and_study_ledger_xlsx(recorded):
    meeting, _ = recorded
    _, body = kinds.generate("talk_coverage", meeting)
    wb = load_workbook(io.BytesIO(body))
    talks, cover = wb["谈心谈话台账"], wb["覆盖情况"]
    assert talks.freeze_panes == "A2" and cover.freeze_panes == "A2"
    held = [r for r in talks.iter_rows(min_row=2, values_only=True) if r[7] == "已谈"]
    assert held[0][1:3] == ("赵书记", "钱委员") and held[0][6].date() == HELD - datetime.timedelta(days=12)
    coverage = {r[0]: r[2] for r in cover.iter_rows(min_row=2, values_only=True)}
    assert coverage == {"赵书记": 1, "钱委员": 1, "孙党员": 0}
    _, body = kinds.generate("study_ledger", meeting)
    wb = load_workbook(io.BytesIO(body))
    sessions = list(wb["学习安排"].iter_rows(min_row=2, values_only=True))
    assert sessions[0][3] == "集中学习党章" and sessions[0][4] == 2.5 and sessions[0][6] == 3
    assert isinstance(sessions[0][1], datetime.datetime)
    names = {r[2] for r in wb["参加情况"].iter_rows(min_row=2, values_only=True)}
    assert names == {"赵书记", "钱委员", "孙党员"}


def test_rows_to_xlsx_keeps_formulas_as_text():
    from documents.excel import DATE, Column, rows_to_xlsx

    body = rows_to_xlsx("督导", [Column("党组织", 20), Column("日期", 12, DATE), ("数量", 8, "number")], [["=HYPERLINK(1)", datetime.date(2026, 1, 2), 3]])
    ws = load_workbook(io.BytesIO(body)).active
    assert ws["A2"].value == "=HYPERLINK(1)" and ws["A2"].data_type == "s"
    assert ws["B2"].value.date() == datetime.date(2026, 1, 2) and ws["B2"].number_format == "yyyy-mm-dd"
    assert ws.freeze_panes == "A2" and ws.column_dimensions["A"].width == 20


def test_sample_contexts_have_the_keys_of_the_real_contexts(recorded, world):
    meeting, _ = recorded
    dl = dl_meeting(world)
    for kind in kinds.KINDS.values():
        if not kind.templatable:
            continue
        m = meeting if "org_life" in kind.meetings else dl
        real = kinds.context(kind, m, world.secretary_member if kind.per_person else None)
        assert set(samples.sample_context(kind.key)) == set(real), kind.key


def test_report_generation_query_count(recorded, django_assert_max_num_queries):
    meeting, _ = recorded
    with django_assert_max_num_queries(30):
        kinds.generate("situation_report", meeting)


def test_people_for_democratic_life_in_rank_order(world):
    meeting = dl_meeting(world)
    rows = data.people(meeting)
    assert len(rows) == 3 and rows[0]["main"] and rows[0]["title"] == "书记"


def test_appraisal_results_xlsx(world):
    from appraisal.choices import Grade, RatingStatus, VotingStatus
    from appraisal.models import Appraisee, Rating, Tally
    from appraisal.tests.factories import make_appraisal

    appraisal = make_appraisal(world.b1, status=VotingStatus.CLOSED)
    meeting = appraisal.meeting
    assert "appraisal_results" in [k.key for k in kinds.for_meeting(meeting)]
    people = list(Appraisee.objects.filter(appraisal=appraisal).order_by("position"))
    counts = {}  # two ballots: (优秀, 合格, 合格) and (合格, 合格, 基本合格)
    for grades in (["excellent", "qualified", "qualified"], ["qualified", "qualified", "basically_qualified"]):
        for appraisee, grade in zip(people, grades, strict=True):
            counts[(appraisee.pk, grade)] = counts.get((appraisee.pk, grade), 0) + 1
    Tally.objects.bulk_create([Tally(appraisee_id=pk, grade=grade, count=n) for (pk, grade), n in counts.items()])
    appraisal.ballots_cast = 2
    appraisal.save(update_fields=["ballots_cast"])
    Rating.objects.create(
        appraisee=people[0], grade=Grade.EXCELLENT, status=RatingStatus.FINAL, proposed_by=appraisal.created_by, proposed_at=appraisal.closed_at
    )
    name, body = kinds.generate("appraisal_results", meeting)
    wb = load_workbook(io.BytesIO(body))
    ws = wb["民主测评结果"]
    assert ws.freeze_panes == "A3"
    header = [c.value for c in ws[2]]
    rows = {r[1]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    first = rows[people[0].name]
    assert first[header.index("优秀（票）")] == 1 and first[header.index("合格（票）")] == 1 and first[header.index("合计")] == 2
    assert first[header.index("组织评定等次")] == "优秀"
    assert rows[people[2].name][header.index("基本合格（票）")] == 1 and rows[people[2].name][header.index("优秀合格率")] == 0.5
    summary = {r[0]: r[1] for r in wb["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["收回票数"] == 2 and summary["评定为优秀"] == 1


def test_appraisal_results_hidden_until_voting_closed(world):
    from appraisal.choices import VotingStatus
    from appraisal.tests.factories import make_appraisal

    appraisal = make_appraisal(world.b1, status=VotingStatus.OPEN)
    assert "appraisal_results" not in [k.key for k in kinds.for_meeting(appraisal.meeting)]
    with pytest.raises(KeyError):
        kinds.generate("appraisal_results", appraisal.meeting)


def test_control_characters_and_formula_text_do_not_break_documents(recorded, world):
    from rectification.models import RectificationItem

    meeting, facts = recorded
    RectificationItem.objects.filter(pk=facts["public_item"].pk).update(goal="=CMD()丰富\x0b活动\x1f形式")
    _, _, text = docx("problem_list", meeting)
    assert "=CMD()丰富活动形式" in text
    _, body = kinds.generate("ledger", meeting)
    ws = load_workbook(io.BytesIO(body)).active
    cell = next(c for row in ws.iter_rows(min_row=3) for c in row if c.value and str(c.value).startswith("=CMD"))
    assert cell.data_type == "s"
