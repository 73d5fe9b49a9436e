"""OL-4.1.a: problems also come from the self-examination materials (OL-2.5.d/g rows, with their
cause and measure) and from the 民主测评 (the organization's final ratings only — never a
ballot or a count, docs/anonymity.md). Regeneration stays idempotent."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appraisal.choices import Grade, RatingStatus, VotingStatus
from appraisal.models import Appraisee, Rating
from appraisal.tests.factories import make_appraisal
from conftest import login
from meetings.choices import DocStatus, SelfExamKind, Stage
from meetings.services import problems as svc
from rectification import services as rectification_services
from rectification.choices import ProblemScope, ProblemSource
from rectification.models import Problem

from .factories_materials import make_material
from .factories_prep import make_ol_meeting, make_opinion

pytestmark = pytest.mark.django_db


def _materials(world):
    meeting = make_ol_meeting(world.b1, stage=Stage.HELD)
    answered = make_opinion(meeting, content="活动室周末不开放")
    make_material(
        meeting,
        None,
        status=DocStatus.APPROVED,
        problems="",
        causes="",
        measures="",
        structured_items=[
            {"problem": "活动室周末不开放", "cause": "值班安排不合理", "measure": "周六上午开放", "opinion_ids": [answered.pk]},
            {"problem": "三会一课记录不全", "cause": "专人负责不够", "measure": "每次会后当日整理记录", "opinion_ids": []},
        ],
    )
    make_material(
        meeting,
        world.secretary_member,
        doc_kind=SelfExamKind.CHECK,
        status=DocStatus.SUBMITTED,
        problems="1. 理论学习不够深入\n2、联系群众不够经常\n  上门走访次数少",
        causes="1. 思想上有松懈\n2. 工作方法单一",
        measures="每周学习半天，每月走访十户",
    )
    make_material(meeting, world.committee_member_member, doc_kind=SelfExamKind.CHECK, status=DocStatus.DRAFT, problems="草稿里的问题")
    return meeting, answered


def test_OL_4_1_a_self_examination_rows_become_problems_of_their_author(world):
    meeting, answered = _materials(world)
    result = svc.generate(meeting, actor=world.secretary)
    rows = list(Problem.objects.filter(meeting=meeting, source=ProblemSource.SELF_EXAMINATION).order_by("pk"))
    # the team's unanswered item, the secretary's two numbered entries; the draft gives nothing
    assert [(p.scope, p.owner_member, p.description) for p in rows] == [
        (ProblemScope.ORGANIZATION, None, "三会一课记录不全"),
        (ProblemScope.PERSONAL, world.secretary_member, "理论学习不够深入"),
        (ProblemScope.PERSONAL, world.secretary_member, "联系群众不够经常\n上门走访次数少"),
    ]
    assert (rows[0].cause, rows[0].proposed_measure) == ("专人负责不够", "每次会后当日整理记录")
    # causes numbered like the problems are matched entry by entry; an unnumbered measure goes to each
    assert [(p.cause, p.proposed_measure) for p in rows[1:]] == [("思想上有松懈", "每周学习半天，每月走访十户"), ("工作方法单一", "每周学习半天，每月走访十户")]
    assert all(p.self_examination_id for p in rows)
    # the item answering an opinion is that opinion's problem, with the item's cause and measure
    [from_opinion] = Problem.objects.filter(meeting=meeting, opinion=answered)
    assert (from_opinion.cause, from_opinion.proposed_measure) == ("值班安排不合理", "周六上午开放")
    assert not Problem.objects.filter(meeting=meeting, description="活动室周末不开放").exclude(pk=from_opinion.pk).exists()
    assert result.created == Problem.objects.filter(meeting=meeting).count() == 4
    # regeneration creates nothing twice, even after the secretary reclassifies a row
    rectification_services.classify_problem(rows[1], actor=world.secretary, scope=ProblemScope.ORGANIZATION)
    again = svc.generate(meeting, actor=world.secretary)
    assert (again.created, again.existing) == (0, 4)


def test_OL_2_5_g_the_rows_measure_prefills_the_rectification_item(world, client):
    meeting, _ = _materials(world)
    svc.generate(meeting, actor=world.secretary)
    problem = Problem.objects.get(meeting=meeting, description="三会一课记录不全")
    page = login(client, world.secretary).get(reverse("rectification:item_create", args=[problem.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "每次会后当日整理记录</textarea>" in html and "原因剖析：专人负责不够" in html


def test_OL_4_1_a_split_entries_of_free_text():
    assert svc.split_entries("") == []
    assert svc.split_entries("只有一段话，没有编号。") == ["只有一段话，没有编号。"]
    assert svc.split_entries("一、学习不够\n二、作风不实\n（三）纪律松弛") == ["学习不够", "作风不实", "纪律松弛"]
    assert svc.split_entries("一是学习不够；\n二是作风不实。") == ["学习不够；", "作风不实。"]
    assert svc.split_entries("1. 只有一条编号") == ["1. 只有一条编号"]


def test_OL_4_1_a_a_source_row_is_stored_once(world):
    meeting = make_ol_meeting(world.b1, stage=Stage.HELD)
    Problem.objects.create(meeting=meeting, organization=world.b1, source=ProblemSource.APPRAISAL, source_ref="appraisee1", description="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Problem.objects.create(meeting=meeting, organization=world.b1, source=ProblemSource.APPRAISAL, source_ref="appraisee1", description="y")
    Problem.objects.create(meeting=meeting, organization=world.b1, source=ProblemSource.OTHER, description="hand-made problems have no ref")
    Problem.objects.create(meeting=meeting, organization=world.b1, source=ProblemSource.OTHER, description="and may be many")


def _rated(world):
    appraisal = make_appraisal(world.b1, status=VotingStatus.CLOSED)
    meeting = appraisal.meeting
    meeting.stage = Stage.HELD
    meeting.save(update_fields=["stage"])
    people = {a.member_id: a for a in Appraisee.objects.filter(appraisal=appraisal)}
    now = timezone.now()

    def rate(member, grade, status, remarks=""):
        Rating.objects.create(appraisee=people[member.pk], grade=grade, status=status, remarks=remarks, proposed_by=world.secretary, proposed_at=now)

    rate(world.member_member, Grade.BASICALLY_QUALIFIED, RatingStatus.FINAL, "参加组织生活不经常")
    rate(world.committee_member_member, Grade.UNQUALIFIED, RatingStatus.AWAITING_APPROVAL)  # not final: may still change
    rate(world.secretary_member, Grade.QUALIFIED, RatingStatus.FINAL)
    return appraisal, meeting


def test_OL_4_1_a_appraisal_ratings_become_problems_without_any_ballot_data(world):
    appraisal, meeting = _rated(world)
    with CaptureQueriesContext(connection) as queries:
        result = svc.generate(meeting, actor=world.secretary)
    assert result.created == 1
    [p] = Problem.objects.filter(meeting=meeting, source=ProblemSource.APPRAISAL)
    assert (p.scope, p.owner_member) == (ProblemScope.PERSONAL, world.member_member)
    assert p.description == "民主评议党员中被组织评定为“基本合格”：参加组织生活不经常"
    # anonymity (docs/anonymity.md): nothing that holds ballots or their counts is read
    sql = " ".join(q["sql"] for q in queries.captured_queries).lower()
    for table in ("appraisal_ballot", "appraisal_tally", "appraisal_papertally", "appraisal_votingright"):
        assert table not in sql
    # the superior approves the 不合格 rating: the next generation adds it, once
    rating = Rating.objects.get(appraisee__member=world.committee_member_member)
    rating.status = RatingStatus.FINAL
    rating.save(update_fields=["status"])
    assert svc.generate(meeting, actor=world.secretary).created == 1
    owners = set(Problem.objects.filter(meeting=meeting, source=ProblemSource.APPRAISAL).values_list("owner_member", flat=True))
    assert owners == {world.member_member.pk, world.committee_member_member.pk}
    # reclassifying (another owner) does not make the rating a new problem
    rectification_services.classify_problem(p, actor=world.secretary, scope=ProblemScope.PERSONAL, owner_member=world.secretary_member)
    assert svc.generate(meeting, actor=world.secretary).created == 0


def test_OL_4_1_a_no_appraisal_problems_before_voting_closed(world):
    appraisal, meeting = _rated(world)
    appraisal.voting_status = VotingStatus.OPEN
    appraisal.save(update_fields=["voting_status"])
    make_opinion(meeting)
    svc.generate(meeting, actor=world.secretary)
    assert not Problem.objects.filter(meeting=meeting, source=ProblemSource.APPRAISAL).exists()


def test_OL_4_1_a_a_members_rating_problem_is_shown_to_them_the_secretary_and_the_superior_only(world, client):
    _appraisal, meeting = _rated(world)
    svc.generate(meeting, actor=world.secretary)
    url = reverse("meetings:problems", args=[meeting.pk])
    text = "参加组织生活不经常"
    for user, sees in ((world.secretary, True), (world.reviewer, True), (world.member, True), (world.committee_member, False)):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200
        assert (text in page.content.decode()) is sees, user
