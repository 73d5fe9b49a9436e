"""The report package (OL-4.2.*, DL-4.2.*) and the circular (DL-4.3.*)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Office
from core.errors import ConcurrentEditError, DomainError
from meetings.choices import CriticismKind, MeetingKind, Stage
from meetings.models import Commentary, Criticism
from rectification import deadlines, report_services, reports, services
from rectification.choices import CircularStatus, FilingStatus, ProblemScope, ReportStatus
from rectification.models import ReportFiling
from tests.factories import make_leading_team

from .factories import PDF, PNG, make_item, make_meeting, make_problem, make_summary

pytestmark = pytest.mark.django_db


def _complete(report, user):
    """Scan uploaded, summary frozen, placeholder replaced: ready to submit."""
    meeting = report.meeting
    make_summary(meeting, user)
    report_services.upload_minutes_scan(report, actor=user, name="原始记录.pdf", data=PDF)
    report.refresh_from_db()
    sections = reports.draft_situation(meeting)
    sections["criticism"] = sections["criticism"].replace(reports.PLACEHOLDER, "（").replace("（对批评与自我批评质量的评价。）", "批评开门见山，红脸出汗。")
    return report_services.save_report(report, actor=user, version=report.version, sections=sections)


def _ol(world, **kwargs):
    meeting = make_meeting(world.b1, **kwargs)
    return meeting, report_services.report_for(meeting)


def test_OL_4_2_b_draft_has_four_sections_from_the_records(world):
    meeting = make_meeting(world.b1, held_on=datetime.date(2026, 7, 1))
    sitting = meeting.sittings.get()
    Criticism.objects.create(sitting=sitting, seq=1, kind=CriticismKind.SELF, speaker=world.secretary_member, content="自我批评")
    Criticism.objects.create(sitting=sitting, seq=2, kind=CriticismKind.MUTUAL, speaker=world.member_member, target=world.secretary_member, content="批评")
    Commentary.objects.create(meeting=meeting, author=world.reviewer, on_criticism="辣味足")
    make_problem(meeting, description="组织的问题甲")
    make_problem(meeting, scope=ProblemScope.PERSONAL, owner_member=world.member_member, description="个人的问题乙")
    make_item(problem=meeting.problems.first(), goal="整改目标丙")
    draft = reports.draft_document(meeting)
    assert list(reports.draft_situation(meeting)) == ["basic", "criticism", "problems", "measures"]
    assert list(draft["headings"].values()) == ["一、会议基本情况", "二、开展批评与自我批评情况", "三、检查出来的主要问题", "四、整改措施"]
    assert "2026年7月1日" in draft["sections"]["basic"]
    assert "自我批评1人次" in draft["sections"]["criticism"] and "相互批评1条" in draft["sections"]["criticism"] and "辣味足" in draft["sections"]["criticism"]
    assert "组织的问题甲" in draft["sections"]["problems"] and "孙党员：个人的问题乙" in draft["sections"]["problems"]
    assert "整改目标丙" in draft["sections"]["measures"]
    assert draft["facts"]["criticism"]["self"] == 1


def test_OL_4_2_b_responses_recorded_with_the_criticism_are_counted(world):
    """Found by the year-end walkthrough: the 党员大会 form records the response with the
    criticism it answers, and the report said "回应表态0次"."""
    meeting = make_meeting(world.b1, held_on=datetime.date(2026, 7, 1))
    sitting = meeting.sittings.get()
    kw = {"sitting": sitting, "kind": CriticismKind.MUTUAL, "speaker": world.member_member, "target": world.secretary_member}
    Criticism.objects.create(seq=1, content="批评甲", response="接受批评，立即整改。", **kw)
    Criticism.objects.create(seq=2, content="批评乙", **kw)
    Criticism.objects.create(seq=3, kind=CriticismKind.RESPONSE, sitting=sitting, speaker=world.secretary_member, content="表态")
    text = reports.draft_situation(meeting)["criticism"]
    assert "相互批评2条" in text and "回应表态2次" in text, text


def test_OL_4_2_b_each_problem_is_one_line_and_a_persons_problems_one_sentence(world):
    """Found by the year-end walkthrough: a person's problems were joined as "不及时。；组织……"
    and a problem carrying its suggestion broke the person's line in two."""
    meeting = make_meeting(world.b1, held_on=datetime.date(2026, 7, 1))
    make_problem(meeting, description="活动安排在工作日。\n（改进意见：兼顾上班党员。）")
    make_problem(meeting, scope=ProblemScope.PERSONAL, owner_member=world.member_member, description="活动安排公布不及时。")
    make_problem(meeting, scope=ProblemScope.PERSONAL, owner_member=world.member_member, description="征求意见不够。\n（改进意见：到网格听取意见。）")
    make_problem(meeting, scope=ProblemScope.PERSONAL, owner_member=world.secretary_member, description="学习不够深入")
    lines = reports.draft_situation(meeting)["problems"].splitlines()
    assert "1. 活动安排在工作日。（改进意见：兼顾上班党员。）" in lines
    assert "孙党员：活动安排公布不及时；征求意见不够。（改进意见：到网格听取意见。）" in lines
    assert any(line.endswith("：学习不够深入。") for line in lines), lines


@pytest.mark.parametrize(("hours", "shown"), [(("8.0",), "共8小时"), (("6.5", "1.5"), "共8小时"), (("6", "1.5"), "共7.5小时")])
def test_OL_4_2_b_study_hours_read_as_people_write_them(world, hours, shown):
    """Found by the year-end walkthrough: the report said "共8.0小时"."""
    from decimal import Decimal

    from meetings.choices import StudyForm
    from meetings.models import StudySession

    meeting = make_meeting(world.b1, held_on=datetime.date(2026, 7, 1))
    for h in hours:
        StudySession.objects.create(meeting=meeting, form=StudyForm.CONCENTRATED, title="集中学习", date=datetime.date(2026, 6, 1), hours=Decimal(h))
    assert shown in reports.draft_situation(meeting)["basic"]


def test_DL_4_2_c_dl_report_has_plan_and_measures_heading(world):
    team, _ = make_leading_team(world.p1, size=2)
    meeting = make_meeting(world.p1, kind=MeetingKind.DEMOCRATIC_LIFE, leading_team=team)
    draft = reports.draft_document(meeting)
    assert draft["headings"]["measures"] == "四、整改方案和措施" and "整改方案" in draft["sections"]["measures"]


def test_OL_4_2_a_each_missing_part_blocks_submission(world):
    meeting, report = _ol(world)
    with pytest.raises(DomainError) as exc:
        report_services.submit_report(report, actor=world.secretary)
    rules = {f.rule_id for f in exc.value.findings}
    assert {"report.minutes_scan", "report.opinion_summary", "report.section.criticism.placeholder"} <= rules
    assert all("OL-4.2" in f.clause_ids[0] for f in exc.value.findings)
    report = report_services.save_report(
        report, actor=world.secretary, version=report.version, sections={"basic": "x", "criticism": "y", "problems": "", "measures": "z"}
    )
    findings = reports.package_findings(report)
    assert "report.section.problems" in {f.rule_id for f in findings}
    assert report.status == ReportStatus.DRAFT and not report.versions.exists()


def test_OL_4_2_a_report_not_before_the_meeting(world):
    meeting, report = _ol(world, stage=Stage.PREPARING)
    assert "report.not_held" in {f.rule_id for f in reports.package_findings(report)}


def test_OL_4_2_a_filed_with_the_superior_and_received_by_its_reviewer(world, changed, django_capture_on_commit_callbacks):
    meeting, report = _ol(world)
    report = _complete(report, world.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        version = report_services.submit_report(report, actor=world.secretary)
    filing = ReportFiling.objects.get(report_version=version)
    assert (filing.office, filing.recipient_organization) == ("", world.p1)
    assert version.opinion_summary.meeting == meeting and version.minutes_scan_kind == "pdf"
    for user in (world.secretary, world.reviewer2, world.inspector):
        with pytest.raises(PermissionDenied):
            report_services.receive_filing(filing, actor=user)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.receive_filing(filing, actor=world.reviewer)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert changed == [meeting.pk, meeting.pk]


def _dl(world):
    team, leaders = make_leading_team(world.p1, size=2)
    meeting = make_meeting(world.p1, kind=MeetingKind.DEMOCRATIC_LIFE, leading_team=team, held_on=datetime.date(2026, 1, 10))
    for leader in leaders:
        make_item(problem=make_problem(meeting, scope=ProblemScope.PERSONAL, owner_member=leader), responsible_member=leader)
    return meeting, leaders, report_services.report_for(meeting)


def test_DL_4_1_b_every_team_member_needs_a_personal_item(world):
    team, leaders = make_leading_team(world.p1, size=3)
    meeting = make_meeting(world.p1, kind=MeetingKind.DEMOCRATIC_LIFE, leading_team=team)
    make_item(problem=make_problem(meeting, scope=ProblemScope.PERSONAL, owner_member=leaders[0]), responsible_member=leaders[0])
    report = report_services.report_for(meeting)
    finding = next(f for f in reports.package_findings(report) if f.rule_id == "report.personal_items")
    assert finding.clause_ids == ("DL-4.1.b",) and leaders[1].name in finding.message and leaders[0].name not in finding.message


def test_OL_4_2_a_a_branch_under_a_general_branch_files_with_the_superior_that_has_the_reviewer(world):
    """Found by the year-end walkthrough: the page said 报送上级党组织（幸福社区党总支） while the
    街道党工委's reviewer received it. The package goes to the nearest superior with a reviewer."""
    from organizations.choices import OrgKind, Sector
    from tests.factories import make_org

    general = make_org(world.p1, kind=OrgKind.GENERAL_BRANCH, name="幸福社区党总支")
    branch = make_org(general, sector=Sector.COMMUNITY, has_committee=True, name="幸福社区第一党支部")
    assert report_services.recipients(make_meeting(branch)) == [("", world.p1)]
    assert report_services.recipients(make_meeting(world.b1)) == [("", world.p1)]


def test_DL_4_2_a_filed_with_both_the_discipline_commission_and_the_organization_department(world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 1, 20, 10, tzinfo=datetime.UTC))
    meeting, leaders, report = _dl(world)
    main = leaders[0].user
    report = _complete(report, main)
    version = report_services.submit_report(report, actor=main)
    filings = {f.office: f for f in ReportFiling.objects.filter(report_version=version)}
    assert set(filings) == {Office.DISCIPLINE, Office.ORGANIZATION_DEPT}
    assert all(f.recipient_organization == world.district for f in filings.values())
    with pytest.raises(PermissionDenied, match="纪委"):
        report_services.receive_filing(filings[Office.DISCIPLINE], actor=world.inspector_org)
    with pytest.raises(PermissionDenied):
        report_services.receive_filing(filings[Office.DISCIPLINE], actor=world.reviewer)
    report_services.receive_filing(filings[Office.DISCIPLINE], actor=world.inspector)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # the 组织部 has not received it yet
    report_services.receive_filing(filings[Office.ORGANIZATION_DEPT], actor=world.inspector_org)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and version.late_days == 0


def test_DL_4_2_a_return_and_resubmission_keep_every_version(world):
    meeting, leaders, report = _dl(world)
    main = leaders[0].user
    report = _complete(report, main)
    first = report_services.submit_report(report, actor=main)
    discipline = first.filings.get(office=Office.DISCIPLINE)
    with pytest.raises(DomainError, match="理由"):
        report_services.return_filing(discipline, actor=world.inspector, reason="")
    report_services.return_filing(discipline, actor=world.inspector, reason="原始记录缺少签字页")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    with pytest.raises(DomainError, match="已被退回"):
        report_services.receive_filing(first.filings.get(office=Office.ORGANIZATION_DEPT), actor=world.inspector_org)  # a returned version is dead
    report_services.upload_minutes_scan(report, actor=main, name="含签字页.png", data=PNG)
    report.refresh_from_db()
    second = report_services.submit_report(report, actor=main, note="补充了签字页")
    assert [v.number for v in report.versions.order_by("number")] == [1, 2]
    assert first.minutes_scan_kind == "pdf" and second.minutes_scan_kind == "png"
    assert first.filings.get(office=Office.DISCIPLINE).comment == "原始记录缺少签字页"
    assert second.filings.filter(status=FilingStatus.PENDING).count() == 2
    with pytest.raises(DomainError, match="旧版本"):
        report_services.receive_filing(first.filings.get(office=Office.ORGANIZATION_DEPT), actor=world.inspector_org)


def test_DL_4_2_a_late_report_is_flagged(world, time_machine):
    meeting, leaders, report = _dl(world)  # held 2026-01-10: due 2026-01-25
    assert deadlines.report_due(meeting) == datetime.date(2026, 1, 25)
    main = leaders[0].user
    report = _complete(report, main)
    time_machine.move_to(datetime.datetime(2026, 1, 27, 9, tzinfo=datetime.UTC))
    version = report_services.submit_report(report, actor=main)
    assert version.late_days == 2 and version.due_on == datetime.date(2026, 1, 25)
    page = _page_as(world, main, meeting)
    assert "逾期2天报送" in page


def _page_as(world, user, meeting):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(reverse("rectification:report", args=[meeting.pk])).content.decode()


def test_DL_4_2_a_on_the_fifteenth_day_is_on_time_and_unsent_reports_show_overdue(world, time_machine):
    meeting, leaders, report = _dl(world)
    time_machine.move_to(datetime.datetime(2026, 1, 26, 9, tzinfo=datetime.UTC))
    assert "已逾期1天未报送" in _page_as(world, leaders[0].user, meeting)
    assert deadlines.days_late(datetime.date(2026, 1, 25), datetime.date(2026, 1, 25)) == 0


def test_report_edits_are_versioned_and_refused_when_stale(world):
    meeting, report = _ol(world)
    report = report_services.save_report(report, actor=world.secretary, version=report.version, sections={"basic": "第一稿"})
    with pytest.raises(ConcurrentEditError):
        report_services.save_report(report, actor=world.secretary, version=report.version - 1, sections={"basic": "旧稿"})
    with pytest.raises(PermissionDenied):
        report_services.save_report(report, actor=world.committee_member, version=report.version, sections={"basic": "委员改"})


def test_OL_4_2_a_scan_is_sniffed(world):
    meeting, report = _ol(world)
    with pytest.raises(DomainError, match="文件格式不符"):
        report_services.upload_minutes_scan(report, actor=world.secretary, name="记录.pdf", data=b"PK\x03\x04 not a pdf")


def test_OL_4_2_report_page_lets_the_secretary_submit(world, client):
    meeting, report = _ol(world)
    _complete(report, world.secretary)
    client.force_login(world.secretary)
    page = client.get(reverse("rectification:report", args=[meeting.pk])).content.decode()
    assert "报送对象：上级党组织（第一街道党工委）" in page
    response = client.post(reverse("rectification:report_submit", args=[meeting.pk]), {"note": ""}, follow=True)
    assert "已报送第1版" in response.content.decode()
    client.force_login(world.reviewer)
    assert "待接收" in client.get(reverse("rectification:inbox")).content.decode()


# -- circular ------------------------------------------------------------------------------
def test_DL_4_3_a_circular_due_within_one_calendar_month(world):
    assert deadlines.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert deadlines.add_months(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
    assert deadlines.add_months(datetime.date(2026, 12, 15), 1) == datetime.date(2027, 1, 15)
    team, _ = make_leading_team(world.p1, size=1)
    meeting = make_meeting(world.p1, kind=MeetingKind.DEMOCRATIC_LIFE, leading_team=team, held_on=datetime.date(2026, 1, 10))
    assert deadlines.circular_due(meeting) == datetime.date(2026, 2, 10)


def test_DL_4_3_b_circular_generated_from_report_with_scope_and_form(world, client):
    meeting, leaders, report = _dl(world)
    main = leaders[0].user
    circular = report_services.circular_for(meeting)
    draft = report_services.fill_circular_draft(circular)
    assert "一、会议基本情况" in draft["content"] and "三、整改方案和措施" in draft["content"]
    circular = report_services.save_circular(circular, actor=main, version=circular.version, title=draft["title"], content=draft["content"], is_public=True)
    with pytest.raises(DomainError, match="通报范围、通报形式"):
        report_services.publish_circular(circular, actor=main)
    circular = report_services.save_circular(circular, actor=main, version=circular.version, scope="全体干部职工", form="召开干部大会")
    circular = report_services.publish_circular(circular, actor=main)
    assert circular.status == CircularStatus.PUBLISHED and circular.due_on == datetime.date(2026, 2, 10)
    board = services.board_for(world.p1)
    body = client.get(reverse("rectification:public", args=[board.token])).content.decode()
    assert draft["title"] in body and "召开干部大会" in body
    with pytest.raises(DomainError, match="已经发布"):
        report_services.publish_circular(circular, actor=main)


def test_DL_4_3_b_circular_form_keeps_input_when_refused(world, client):
    meeting, leaders, report = _dl(world)
    client.force_login(leaders[0].user)
    circular = report_services.circular_for(meeting)
    response = client.post(
        reverse("rectification:circular_save", args=[meeting.pk]), {"title": "关于通报", "content": "我写的内容", "version": circular.version, "publish": "1"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "我写的内容" in body and "通报范围" in body


def test_report_deadline_follows_the_rulebook_parameter(world, monkeypatch):
    from rulebook import engine

    meeting = make_meeting(world.b1, held_on=datetime.date(2026, 3, 1))
    original = engine.load
    monkeypatch.setattr(
        engine, "load", lambda slug=engine.DEFAULT_SLUG, version=None: engine.Rulebook(slug, version or "1", slug, {"ol_report_within_days": 10})
    )
    assert deadlines.report_due(meeting) == datetime.date(2026, 3, 11)
    monkeypatch.setattr(engine, "load", original)
    assert deadlines.report_due(meeting) == datetime.date(2026, 3, 16)
    assert timezone.localdate()  # keep the import used


def test_OL_4_1_d_display_period_counts_working_days():
    assert deadlines.add_working_days(datetime.date(2026, 11, 23), 5) == datetime.date(2026, 11, 27)  # Mon → Fri
    assert deadlines.add_working_days(datetime.date(2026, 11, 26), 5) == datetime.date(2026, 12, 2)  # Thu → Wed
    assert deadlines.add_working_days(datetime.date(2026, 11, 28), 5) == datetime.date(2026, 12, 4)  # Sat: starts counting Monday
    assert deadlines.within_days(datetime.date(2026, 3, 20), 15) == datetime.date(2026, 4, 4)
    assert deadlines.within_days(datetime.date(2026, 3, 20), 15, "exclusive") == datetime.date(2026, 4, 3)


def test_OL_4_2_b_situation_text_is_the_secretarys_edit_once_saved(world):
    meeting, report = _ol(world)
    assert reports.situation_text(meeting) == reports.draft_situation(meeting)
    edited = {"basic": "改过的基本情况", "criticism": "改过的批评", "problems": "改过的问题", "measures": "改过的措施"}
    report_services.save_report(report, actor=world.secretary, version=report.version, sections=edited)
    assert reports.situation_text(meeting) == edited


def test_DL_4_2_b_dl_package_needs_every_part(world):
    meeting, leaders, report = _dl(world)
    findings = reports.package_findings(report)
    assert {"report.minutes_scan", "report.opinion_summary"} <= {f.rule_id for f in findings}
    assert {f.clause_ids for f in findings if f.rule_id in ("report.minutes_scan", "report.opinion_summary")} == {("DL-4.2.b",)}
    assert {f.clause_ids for f in findings if f.rule_id.startswith("report.section")} == {("DL-4.2.c",)}
