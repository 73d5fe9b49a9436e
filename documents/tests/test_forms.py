"""党员自评表 (documents.md §13; OL-1.2.b, OL-3.1.d) and 报送材料清单 (OL-4.2.a, DL-4.2.b): opened
with python-docx, content and page setup asserted, registered for the documents page, the
package and district templates."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from appraisal.choices import Grade, RatingStatus, VotingStatus
from appraisal.models import Appraisal, Appraisee, Rating, SelfAssessment
from documents import kinds, samples, templates
from documents.layout import page_setup
from meetings.choices import Half
from meetings.models import OpinionSummary
from rectification.report_services import report_for

from .factories import dl_meeting, full_meeting
from .test_generate import GBT, text_of

pytestmark = pytest.mark.django_db


def _year_end(world):
    meeting, facts = full_meeting(world)
    meeting.half = Half.YEAR_END
    meeting.save(update_fields=["half"])
    return meeting, facts


def _appraisal(world, meeting, *, final_for=None, text_for=None):
    appraisal = Appraisal.objects.create(
        meeting=meeting,
        organization=meeting.organization,
        created_by=world.secretary,
        excellent_max_ratio="0.3333",
        opened_at=timezone.now(),
        voting_status=VotingStatus.CLOSED,
    )
    roster = [world.secretary_member, world.committee_member_member, world.member_member]
    people = {m.pk: Appraisee.objects.create(appraisal=appraisal, member=m, name=m.name, position=i) for i, m in enumerate(roster, 1)}
    if text_for is not None:
        SelfAssessment.objects.create(
            appraisal=appraisal,
            member=text_for,
            text="一年来坚持参加支部集中学习，按时交纳党费。\n参与社区志愿服务12次。",
            submitted_at=timezone.make_aware(datetime.datetime(2026, 11, 18, 10)),
        )
    if final_for is not None:
        for member, status in final_for:
            Rating.objects.create(
                appraisee=people[member.pk],
                grade=Grade.QUALIFIED,
                status=status,
                remarks="能够履行党员义务，发挥作用较好。",
                resolution_body="committee",
                resolution_date=datetime.date(2026, 11, 22),
                proposed_by=world.secretary,
                proposed_at=timezone.now(),
            )
    return appraisal


def _docx(key, meeting, member=None):
    name, body = kinds.generate(key, meeting, member)
    assert name.endswith(".docx")
    return name, Document(io.BytesIO(body)), text_of(body)


def _form_cells(doc) -> dict[str, str]:
    """Label → value of the form table (merged cells repeat; the first value after a label wins)."""
    out = {}
    for row in doc.tables[0].rows:
        cells = [c.text for c in row.cells]
        for i, text in enumerate(cells[:-1]):
            if text and text not in out and cells[i + 1] != text:
                out[text] = cells[i + 1]
    return out


def test_OL_1_2_b_self_assessment_prefilled_with_member_data_and_standards(world):
    meeting, _ = _year_end(world)
    member = world.member_member
    member.gender, member.joined_on, member.job_title = "female", datetime.date(2005, 7, 1), "社区网格员"
    member.save(update_fields=["gender", "joined_on", "job_title"])
    _appraisal(world, meeting, text_for=member, final_for=[(member, RatingStatus.FINAL)])
    name, doc, text = _docx("self_assessment", meeting, member)
    assert name == "幸福社区党支部2026年度民主评议党员自评表（孙党员）.docx"
    assert page_setup(doc) == GBT
    assert "民主评议党员自评表" in doc.paragraphs[0].text
    cells = _form_cells(doc)
    assert cells["姓　　名"] == "孙党员" and cells["性　　别"] == "女"
    assert cells["入党时间"] == "2005年7月" and cells["所在支部"] == "幸福社区党支部"
    assert "社区网格员" in cells["职务/岗位"]
    assert cells["出生年月"] == ""  # never decrypted into a document
    summary = cells["个人总结\n（自我评价）"]
    assert "按时交纳党费" in summary and "志愿服务12次" in summary
    assert "□优秀　□合格　□基本合格　□不合格" in cells["自评等次"]
    verdict = cells["党支部\n评定意见"]
    assert "评定等次：合格" in verdict and "发挥作用较好" in verdict and "2026年11月22日" in verdict
    assert "本人于2026年11月18日在系统中提交自评" in text
    assert "优秀——理想信念坚定" in text and "不超过参评党员的三分之一" in text and "预备党员" in text


def test_self_assessment_without_text_lists_the_facts_and_hides_a_grade_not_final(world):
    meeting, _ = _year_end(world)
    sec = world.secretary_member
    _appraisal(world, meeting, final_for=[(sec, RatingStatus.PROPOSED)])
    _, doc, text = _docx("self_assessment", meeting, sec)
    summary = _form_cells(doc)["个人总结\n（自我评价）"]
    assert "会前集中学习1次，本人参加1次" in summary
    assert "党员大会（2026年11月20日）：现场参加" in summary and "支委会（2026年11月19日）：现场参加" in summary
    assert "上年度本人整改事项：提高理论学习质量（整改中）" in summary
    assert "书记" in _form_cells(doc)["职务/岗位"]
    verdict = _form_cells(doc)["党支部\n评定意见"]
    assert "合格" not in verdict.replace("评定等次", "")  # a proposed grade is not the committee's decision yet
    assert "发挥作用较好" not in text


def test_blank_self_assessment_and_only_for_year_end(world):
    meeting, _ = full_meeting(world)  # mid-year: no 民主评议
    keys = [k.key for k in kinds.for_meeting(meeting)]
    assert "self_assessment" not in keys and "self_assessment_blank" not in keys
    with pytest.raises(KeyError):
        kinds.generate("self_assessment_blank", meeting)
    meeting.half = Half.YEAR_END
    meeting.save(update_fields=["half"])
    name, doc, text = _docx("self_assessment_blank", meeting)
    assert page_setup(doc) == GBT
    cells = _form_cells(doc)
    assert cells["姓　　名"] == "" and cells["所在支部"] == "幸福社区党支部"
    assert "对照党员标准" in cells["个人总结\n（自我评价）"] and "赵书记" not in text
    assert "self_assessment" not in [k.key for k in kinds.for_meeting(dl_meeting(world))]


def test_self_assessment_of_probationary_member_says_not_graded(world):
    meeting, _ = _year_end(world)
    member = world.member_member
    member.is_probationary = True
    member.save(update_fields=["is_probationary"])
    _, doc, _ = _docx("self_assessment", meeting, member)
    assert _form_cells(doc)["自评等次"] == "预备党员，不评定等次"


def _items(doc) -> dict[str, list[str]]:
    table = doc.tables[1]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["序号", "材料名称", "份数", "日期", "状态", "备注"]
    return {r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}


def test_OL_4_2_a_submission_list_shows_missing_parts(world):
    meeting, _ = full_meeting(world)
    name, doc, text = _docx("submission_list", meeting)
    assert name == "幸福社区党支部2026年度组织生活会报送材料清单.docx"
    assert page_setup(doc) == GBT
    head = _form_cells(doc)
    assert head["报送单位"] == "幸福社区党支部" and head["报送对象"] == "第一街道党工委"
    assert head["召开日期"] == "2026年11月19日、2026年11月20日"
    items = _items(doc)
    assert items["会议情况报告"][4] == "缺" and items["会议情况报告"][5] == "4个部分尚未填写"
    assert items["会议原始记录复印件"][4] == "缺" and items["会议原始记录复印件"][5] == "尚未上传扫描件"
    assert items["党支部（班子）征求意见汇总材料"][4] == "缺"
    assert "赵书记同志个人征求意见汇总材料" in items and "钱委员同志个人征求意见汇总材料" in items
    assert "孙党员同志个人征求意见汇总材料" not in items  # an ordinary member with no opinion about them
    assert items["问题清单和整改措施（随报）"][4] == "齐全" and "整改事项3项" in items["问题清单和整改措施（随报）"][5]
    assert "共6项材料，齐全1项，必报材料尚缺5项" in text
    assert "经办人：赵书记" in text


def test_DL_4_2_b_submission_list_complete_with_dates(world):
    from rectification.choices import ProblemScope
    from rectification.tests.factories import make_item, make_problem

    meeting = dl_meeting(world)
    report = report_for(meeting)
    report.sections = {"basic": "基本情况。", "criticism": "批评情况。", "problems": "主要问题。", "measures": "整改措施。"}
    report.minutes_scan_path = "reports/x.pdf"
    report.minutes_scan_at = timezone.make_aware(datetime.datetime(2026, 11, 25, 9))
    report.submitted_at = timezone.make_aware(datetime.datetime(2026, 11, 28, 9))
    report.current_number = 1
    report.save()
    OpinionSummary.objects.create(meeting=meeting, number=1, content={}, none_received=[], frozen_by=world.secretary)
    leaders = [p for p in __import__("documents.data", fromlist=["people"]).people(meeting)]
    for p in leaders[:1]:
        from organizations.models import Member

        make_item(problem=make_problem(meeting, scope=ProblemScope.PERSONAL, owner_member=Member.objects.get(pk=p["id"])), goal="个人整改")
    _, doc, text = _docx("submission_list", meeting)
    head = _form_cells(doc)
    assert "纪委" in head["报送对象"] and "组织部" in head["报送对象"]
    assert head["应报送日期"] == "2026年12月5日"  # 15 days after 2026-11-20 (DL-4.2.a)
    items = _items(doc)
    assert items["会议情况报告"][4] == "齐全" and "第1版" in items["会议情况报告"][5] and "2026年11月28日报送" in items["会议情况报告"][5]
    assert items["会议原始记录复印件"][3] == "2026年11月25日"
    assert items["领导班子征求意见汇总材料"][4] == "齐全"
    assert all(f"{p['name']}同志个人征求意见汇总材料" in items for p in leaders)  # every team member (DL-4.2.b)
    assert "齐全7项，必报材料齐全" in text and "报送日期：2026年11月28日" in text


def test_checklist_first_in_the_package_and_new_forms_on_the_documents_page(world, client):
    meeting, _ = _year_end(world)
    client.force_login(world.secretary)
    response = client.get(reverse("documents:package", args=[meeting.pk]))
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names[0] == "幸福社区党支部2026年度组织生活会报送材料清单.docx"
    assert not any("自评表" in n for n in names)
    page = client.get(reverse("documents:meeting", args=[meeting.pk])).content.decode()
    assert "党员自评表（空白）" in page and "报送材料清单" in page
    url = reverse("documents:download", args=[meeting.pk, "self_assessment"]) + f"?member={world.member_member.pk}"
    assert url.replace("&", "&amp;") in page or url in page
    response = client.get(url)
    assert response.status_code == 200 and "孙党员" in text_of(response.content)
    assert client.get(reverse("documents:download", args=[meeting.pk, "self_assessment"]) + "?member=999999").status_code == 404


@pytest.mark.parametrize("key", ["self_assessment", "self_assessment_blank", "submission_list"])
def test_district_template_for_the_new_forms_validates_with_sample_data(world, key):
    from core.errors import DomainError
    from documents.layout import GovDoc

    def template(extra=""):
        doc = GovDoc("{{ title }}")
        doc.para("区级格式 {{ organization }} {{ today_cn }}")
        for field in kinds.KINDS[key].required:
            doc.para("{{ " + field + " }}" if field not in ("items", "member", "standards") else "{% if " + field + " %}有{% endif %}")
        if extra:
            doc.para(extra)
        return doc.save()

    assert templates.validate(key, template())
    typo = "{{ member.nmae }}" if key != "submission_list" else "{{ itmes }}"
    with pytest.raises(DomainError, match="不存在的字段"):
        templates.validate(key, template(typo))
    assert set(samples.sample_context(key)) >= set(kinds.KINDS[key].required)


def test_OL_2_3_e_personal_feedback_sheet_holds_only_the_persons_opinions_unedited(world):
    from meetings.choices import FeedbackKind, FeedbackMode
    from meetings.models import Feedback

    meeting, facts = full_meeting(world)
    sec = world.secretary_member
    Feedback.objects.create(
        meeting=meeting,
        kind=FeedbackKind.PERSONAL,
        recipient=sec,
        mode=FeedbackMode.IN_PERSON,
        delivered_on=datetime.date(2026, 11, 16),
        acknowledged_on=datetime.date(2026, 11, 17),
        delivered_by=world.reviewer,
    )
    name, doc, text = _docx("opinion_feedback", meeting, sec)
    assert name == "幸福社区党支部2026年度组织生活会征求意见反馈单（赵书记）.docx"
    assert page_setup(doc) == GBT
    assert "赵书记同志：" in text
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows[0] == ["序号", "意见建议（原文）", "类别", "来源/方式", "收到日期"]
    assert rows[1][1] == "赵书记入户走访次数偏少" and rows[1][4] == "2026年11月6日" and len(rows) == 2
    assert "钱委员学习笔记不够认真" not in text and "支部活动形式单一" not in text  # others' and the team's (OL-2.3.e)
    record = {r.cells[0].text: r.cells[1].text for r in doc.tables[1].rows} | {r.cells[2].text: r.cells[3].text for r in doc.tables[1].rows}
    assert record["反馈方式"] == "当面反馈" and record["反馈日期"] == "2026年11月16日" and record["本人签收"] == "2026年11月17日"
    _, _, text = _docx("opinion_feedback", meeting, world.member_member)
    assert "本次未收到涉及本人的意见建议" in text and "（签字）" in text


def test_per_member_self_assessment_needs_the_results_permission(world, client):
    """It prints the member's final grade: only who may see the appraisal results
    (`appraisal.results`: the secretary, the superiors) gets it; the blank form stays with every
    keeper of the papers."""
    meeting, _ = _year_end(world)
    url = reverse("documents:download", args=[meeting.pk, "self_assessment"]) + f"?member={world.member_member.pk}"
    client.force_login(world.committee_member)
    assert client.get(url).status_code == 403
    assert client.get(reverse("documents:download", args=[meeting.pk, "self_assessment_blank"])).status_code == 200
    page = client.get(reverse("documents:meeting", args=[meeting.pk])).content.decode()
    assert "self_assessment?member" not in page and "党员自评表（空白）" in page
    client.force_login(world.reviewer)
    assert client.get(url).status_code == 200


def test_member_downloads_own_self_assessment_and_feedback_sheet_only(world, client):
    meeting, _ = _year_end(world)
    _appraisal(world, meeting, final_for=[(world.committee_member_member, RatingStatus.FINAL)])
    client.force_login(world.committee_member)
    url = reverse("documents:mine", args=[meeting.pk])
    text = text_of(client.get(url + "?kind=self_assessment").content)
    assert "钱委员" in text and "评定等次：合格" in text and "孙党员" not in text
    text = text_of(client.get(url + "?kind=opinion_feedback").content)
    assert "钱委员学习笔记不够认真" in text and "赵书记入户走访次数偏少" not in text
    assert client.get(url + "?kind=minutes").status_code == 404  # not a member's own paper
    other = client.get(url + f"?kind=self_assessment&member={world.member_member.pk}")  # ?member= is ignored here
    assert "钱委员" in text_of(other.content) and "孙党员" not in text_of(other.content)
