"""The pages through the views: the secretary's journey, members' pages, the result sheet,
the meeting step, home tasks and the snapshot contributor."""

import datetime
import io

import pytest
from django.utils import timezone

from appraisal import services
from appraisal.choices import Grade, VotingStatus
from appraisal.models import Appraisal, Appraisee, Ballot, PaperCount, PeerComment, SelfAssessment
from appraisal.snapshot import contribute
from appraisal.tasks import home_tasks

from .factories import all_grades, make_appraisal, open_appraisal, year_end_meeting

pytestmark = pytest.mark.django_db


def test_secretary_starts_and_opens_voting_from_the_meeting_page(world, client):
    meeting = year_end_meeting(world.b1)
    client.force_login(world.secretary)
    page = client.get(f"/appraisal/meeting/{meeting.pk}/").content.decode()
    assert "开展民主评议" in page
    client.post(f"/appraisal/meeting/{meeting.pk}/start/")
    appraisal = Appraisal.objects.get(meeting=meeting)
    assert appraisal.quorum_ratio is not None and appraisal.excellent_max_ratio is not None
    page = client.get(f"/appraisal/meeting/{meeting.pk}/").content.decode()
    assert "开始民主测评" in page
    # A refused opening keeps the page and says why.
    response = client.post(f"/appraisal/{appraisal.pk}/open/", {"mode": "window", "window_end": ""}, follow=True)
    assert "请填写网上测评截止时间" in response.content.decode()
    end = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    client.post(f"/appraisal/{appraisal.pk}/open/", {"mode": "window", "window_end": end})
    appraisal.refresh_from_db()
    assert appraisal.voting_status == VotingStatus.OPEN and appraisal.eligible_voters == 3
    page = client.get(f"/appraisal/meeting/{meeting.pk}/").content.decode()
    assert "结束民主测评" in page and "已投票" in page


def test_ballot_page_lists_every_member_with_four_grades_and_keeps_choices_on_error(world, client):
    appraisal = open_appraisal(world)
    client.force_login(world.member)
    page = client.get(f"/appraisal/{appraisal.pk}/ballot/").content.decode()
    assert page.count('class="ballot-row"') == 3 and page.count('type="radio"') == 12
    first = Appraisee.objects.filter(appraisal=appraisal).first()
    page = client.post(f"/appraisal/{appraisal.pk}/ballot/", {f"g{first.pk}": Grade.EXCELLENT}).content.decode()
    assert "请为每一名参评党员选择评价等次" in page
    assert f'name="g{first.pk}" value="excellent" required checked' in page
    assert not Ballot.objects.exists()


def test_self_assessment_draft_then_submit(world, client):
    appraisal = open_appraisal(world)
    client.force_login(world.member)
    url = f"/appraisal/{appraisal.pk}/self/"
    client.post(url, {"text": "一年来认真学习。", "save": "1"})
    current = SelfAssessment.objects.get()
    assert current.submitted_at is None
    response = client.post(url, {"text": "一年来认真学习，带头参加志愿服务。", "submit": "1", "version": current.version}, follow=True)
    assert "个人自评已提交" in response.content.decode()
    assert SelfAssessment.objects.get().submitted_at is not None
    # Stale version: refused, the typed text is kept.
    page = client.post(url, {"text": "新的内容", "submit": "1", "version": 1}).content.decode()
    assert "已被他人修改" in page and "新的内容" in page


def test_param_appraisal_peer_review_anonymous_default_named(world, client, monkeypatch):
    """parameters.md `appraisal_peer_review_anonymous` (default false): comments are signed."""
    appraisal = open_appraisal(world)
    client.force_login(world.member)
    client.post(f"/appraisal/{appraisal.pk}/peer/", {"subject": world.committee_member_member.pk, "text": "工作认真，联系群众还可以更主动。"})
    assert PeerComment.objects.get().author == world.member_member
    from rulebook import engine

    rb = engine.load("district-2024").with_params(appraisal_peer_review_anonymous=True)
    monkeypatch.setattr(services, "rulebook_of", lambda meeting: rb)
    services.add_peer_comment(appraisal, actor=world.member, subject=world.secretary_member, text="带头作用明显。")
    assert PeerComment.objects.filter(author=None).count() == 1
    client.force_login(world.committee_member)
    assert "联系群众还可以更主动" in client.get(f"/appraisal/{appraisal.pk}/peer/").content.decode()


def test_paper_entry_by_the_secretary_and_confirmation_by_a_committee_member(world, client):
    appraisal = open_appraisal(world)
    first = Appraisee.objects.filter(appraisal=appraisal).first()
    client.force_login(world.secretary)
    assert "打印后发给" in client.get(f"/appraisal/{appraisal.pk}/sheet/?copies=2").content.decode()
    client.post(f"/appraisal/{appraisal.pk}/paper/", {"voters": [world.member_member.pk], "ballots": "1", f"c{first.pk}_qualified": "1"})
    paper = PaperCount.objects.get()
    assert paper.ballots == 1
    assert "核对无误" not in client.get(f"/appraisal/{appraisal.pk}/paper/").content.decode()  # not for the enterer
    client.force_login(world.committee_member)
    assert client.post(f"/appraisal/{appraisal.pk}/paper/", {"ballots": "0"}).status_code == 403
    client.post(f"/appraisal/{appraisal.pk}/paper/confirm/", {"version": paper.version})
    paper.refresh_from_db()
    assert paper.status == "confirmed" and paper.confirmed_by == world.committee_member


def test_results_page_and_xlsx_sheet_after_closing(world, client):
    from openpyxl import load_workbook

    appraisal = open_appraisal(world)
    for user in (world.secretary, world.committee_member, world.member):
        services.cast_ballot(appraisal, actor=user, grades=all_grades(appraisal))
    services.close_voting(appraisal, actor=world.secretary)
    client.force_login(world.reviewer)
    page = client.get(f"/appraisal/{appraisal.pk}/results/").content.decode()
    assert "收回测评票 <strong>3</strong> 张" in page and "孙党员" in page
    response = client.get(f"/appraisal/{appraisal.pk}/results.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert "收回测评票3张" in ws["A1"].value and ws["B2"].value == "姓名" and ws.freeze_panes == "A3"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert {r[1] for r in rows} == {"赵书记", "钱委员", "孙党员"}
    assert all(r[4] == 3 and r[7] == 3 for r in rows)  # 合格 3, 合计 3


def test_ratings_page_suggests_the_most_voted_grade(world, client):
    appraisal = open_appraisal(world)
    target = Appraisee.objects.get(appraisal=appraisal, member=world.member_member)
    for user in (world.secretary, world.committee_member, world.member):
        services.cast_ballot(appraisal, actor=user, grades=all_grades(appraisal, overrides={target.pk: Grade.EXCELLENT}))
    services.close_voting(appraisal, actor=world.secretary)
    client.force_login(world.secretary)
    page = client.get(f"/appraisal/{appraisal.pk}/ratings/").content.decode()
    assert '<option value="excellent" selected>' in page


def test_meeting_step_is_registered_for_year_end_org_life_only(world):
    from meetings import steps
    from meetings.models import Meeting

    step = steps.STEPS["appraisal"]
    assert step.order == 55 and step.kinds == frozenset({"org_life"})
    year_end = year_end_meeting(world.b1)
    mid = year_end_meeting(world.b1, half="mid_year")
    assert any(s.key == "appraisal" for s, _url in steps.for_meeting(year_end))
    assert not any(s.key == "appraisal" for s, _url in steps.for_meeting(mid))
    dl = Meeting(pk=mid.pk, kind="democratic_life", half="")
    assert not any(s.key == "appraisal" for s, _url in steps.for_meeting(dl))


def test_home_tasks_vote_self_assessment_and_approval(world):
    appraisal = open_appraisal(world)
    titles = [t.title for t in home_tasks(world.member)]
    assert any(t.startswith("民主测评") for t in titles) and any(t.startswith("个人自评") for t in titles)
    services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal))
    assert not any(t.startswith("民主测评") for t in (x.title for x in home_tasks(world.member)))
    assert home_tasks(world.outsider) == []
    from .factories import make_rating

    closed = make_appraisal(world.b2, status=VotingStatus.CLOSED)
    make_rating(closed, status="awaiting_approval", with_resolution=True)
    assert any(t.title.startswith("审批不合格评定") for t in home_tasks(world.reviewer))
    assert not any(t.title.startswith("审批不合格评定") for t in home_tasks(world.reviewer2))


def test_snapshot_contributor_fills_what_the_checker_reads(world, django_assert_max_num_queries):
    meeting = year_end_meeting(world.b1)
    assert contribute(meeting) == {"appraisal": None}
    appraisal = open_appraisal(world)
    meeting = appraisal.meeting
    services.save_self_assessment(appraisal, actor=world.member, text="自评", submit=True)
    services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal))
    with django_assert_max_num_queries(3):
        info = contribute(meeting)["appraisal"]
    assert info.exists and info.self_assessments_done == 1 and info.appraised_count == 3
    assert info.voting_closed is False and info.ballots_cast == 0  # nothing about ballots before closing
    services.close_voting(appraisal, actor=world.secretary)
    info = contribute(meeting)["appraisal"]
    assert info.voting_closed and info.ballots_cast == 1 and info.eligible_voters == 3 and info.quorum_met is False


def test_OL_1_2_b_rule_reads_the_contribution(world):
    """The rulebook's OL-1.2.b check fires until the ratings are final."""
    from dataclasses import replace

    from rulebook import engine, samples

    appraisal = open_appraisal(world)
    info = contribute(appraisal.meeting)["appraisal"]
    snap = samples.org_life(5)
    snap = replace(snap, half="year_end", appraisal=info, stage="held")
    rb = engine.load("district-2024")
    assert any(f.rule_id == "OL-1.2.b" for f in engine.check(snap, rb))
    snap = replace(snap, appraisal=replace(info, ratings_final=True))
    assert not any(f.rule_id == "OL-1.2.b" for f in engine.check(snap, rb))


def test_meetings_snapshot_build_carries_the_appraisal_and_the_meeting_page_lists_the_step(world, client):
    from django.urls import reverse

    from meetings import snapshot

    appraisal = open_appraisal(world)
    snap = snapshot.build(appraisal.meeting)
    assert snap.appraisal is not None and snap.appraisal.exists and snap.appraisal.appraised_count == 3
    client.force_login(world.secretary)
    page = client.get(reverse("meetings:detail", args=[appraisal.meeting_id])).content.decode()
    assert reverse("appraisal:meeting", args=[appraisal.meeting_id]) in page
