"""Problems and four-clear items (OL-4.1.*, DL-4.1.*)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.errors import ConcurrentEditError, DomainError
from meetings.choices import MeetingKind
from rectification import services
from rectification.choices import EventKind, ItemStatus, ProblemScope, ProblemSource
from rectification.models import ItemEvent, Problem
from tests.factories import make_leading_team

from .factories import make_item, make_meeting, make_problem

pytestmark = pytest.mark.django_db
SOON = timezone.localdate() + datetime.timedelta(days=30)


def test_OL_4_1_a_problems_keep_their_source_and_scope(world):
    meeting = make_meeting(world.b1)
    for source in ProblemSource.values:
        services.add_problem(meeting, actor=world.secretary, source=source, description=f"来自{source}的问题", scope=ProblemScope.ORGANIZATION)
    personal = services.add_problem(
        meeting, actor=world.secretary, source=ProblemSource.APPRAISAL, description="学习不够", scope=ProblemScope.PERSONAL, owner_member=world.member_member
    )
    assert set(Problem.objects.filter(meeting=meeting).values_list("source", flat=True)) == set(ProblemSource.values)
    assert (personal.scope, personal.owner_member) == (ProblemScope.PERSONAL, world.member_member)
    assert AuditEntry.objects.filter(action="problem.created", object_id=str(personal.pk)).exists()


def test_OL_4_1_b_personal_problem_needs_its_person(world):
    problem = make_problem(make_meeting(world.b1), scope="")
    with pytest.raises(DomainError, match="个人问题须明确责任人"):
        services.classify_problem(problem, actor=world.secretary, scope=ProblemScope.PERSONAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Problem.objects.filter(pk=problem.pk).update(scope=ProblemScope.PERSONAL)
    services.classify_problem(problem, actor=world.secretary, scope=ProblemScope.PERSONAL, owner_member=world.member_member)
    problem.refresh_from_db()
    assert problem.owner_member == world.member_member


def test_OL_4_1_b_unclassified_problem_blocks_finalization(world):
    item = make_item(problem=make_problem(make_meeting(world.b1), scope=""), status=ItemStatus.DRAFT, responsible_organization=world.b1, deadline=SOON)
    with pytest.raises(DomainError) as exc:
        services.finalize_item(item, actor=world.secretary)
    assert [f.clause_ids for f in exc.value.findings] == [("OL-4.1.b",)]


def test_OL_4_1_c_item_missing_parts_cannot_be_finalized_one_blocker_each(world):
    meeting = make_meeting(world.b1)
    problem = make_problem(meeting)
    item = services.create_item(problem, actor=world.secretary, goal="", measures="  ")
    with pytest.raises(DomainError) as exc:
        services.finalize_item(item, actor=world.secretary)
    messages = [f.message for f in exc.value.findings]
    assert len(messages) == 4
    for part in ("目标", "途径", "责任", "时限"):
        assert any(f"“{part}”" in m for m in messages)
    assert all(f.severity == "blocker" and f.clause_ids == ("OL-4.1.c",) for f in exc.value.findings)
    item.refresh_from_db()
    assert item.status == ItemStatus.DRAFT  # the draft is kept, nothing lost

    item = services.update_item(item, actor=world.secretary, version=item.version, goal="目标明确", measures="措施明确", deadline=SOON)
    with pytest.raises(DomainError) as exc:
        services.finalize_item(item, actor=world.secretary)
    assert [f.message for f in exc.value.findings] == ["整改事项缺少“责任”，不能确定为正式整改措施。"]


def test_OL_4_1_c_four_clear_item_becomes_final(world, changed, django_capture_on_commit_callbacks):
    meeting = make_meeting(world.b1)
    item = services.create_item(
        make_problem(meeting), actor=world.secretary, goal="目标", measures="措施", responsible_member=world.committee_member_member, deadline=SOON
    )
    with django_capture_on_commit_callbacks(execute=True):
        item = services.finalize_item(item, actor=world.secretary)
    assert item.status == ItemStatus.OPEN and item.finalized_at is not None
    assert list(item.events.values_list("kind", flat=True)) == [EventKind.CREATED, EventKind.FINALIZED]
    assert AuditEntry.objects.filter(action="item.finalized", object_id=str(item.pk)).exists()
    assert changed == [meeting.pk]


def test_OL_4_1_c_deadline_cannot_precede_the_meeting(world):
    meeting = make_meeting(world.b1, held_on=datetime.date(2020, 6, 1))
    with pytest.raises(DomainError, match="不能早于会议召开日期"):
        services.create_item(make_problem(meeting), actor=world.secretary, goal="g", deadline=datetime.date(2020, 5, 1))


def test_OL_4_1_c_final_item_stays_four_clear_and_edits_keep_history(world):
    item = make_item(make_meeting(world.b1))
    with pytest.raises(DomainError) as exc:
        services.update_item(item, actor=world.secretary, version=item.version, note="调整", goal="")
    assert exc.value.findings[0].clause_ids == ("OL-4.1.c",)
    with pytest.raises(DomainError, match="说明修改原因"):
        services.update_item(item, actor=world.secretary, version=item.version, deadline=SOON + datetime.timedelta(days=10))
    item = services.update_item(item, actor=world.secretary, version=item.version, deadline=SOON + datetime.timedelta(days=10), note="上级要求延期")
    edit = item.events.get(kind=EventKind.EDITED)
    assert edit.note == "上级要求延期" and "deadline" in edit.data["changes"]
    with pytest.raises(ConcurrentEditError):
        services.update_item(item, actor=world.secretary, version=item.version - 1, goal="别人的旧版本", note="x")


def test_OL_4_1_d_organization_items_default_public_personal_items_do_not(world):
    meeting = make_meeting(world.b1)
    org_item = services.create_item(make_problem(meeting), actor=world.secretary, goal="g")
    personal = make_problem(meeting, scope=ProblemScope.PERSONAL, owner_member=world.member_member)
    own_item = services.create_item(personal, actor=world.secretary, goal="g")
    assert org_item.is_public and not own_item.is_public
    assert own_item.responsible_member == world.member_member  # a personal item belongs to its person


def test_DL_4_1_b_team_member_drafts_and_finalizes_own_personal_item(world):
    team, leaders = make_leading_team(world.p1, size=3)
    meeting = make_meeting(world.p1, kind=MeetingKind.DEMOCRATIC_LIFE, leading_team=team)
    problem = make_problem(meeting, scope=ProblemScope.PERSONAL, owner_member=leaders[1], source=ProblemSource.CRITICISM)
    me = leaders[1].user
    item = services.create_item(problem, actor=me, goal="改进作风", measures="每月下基层", deadline=SOON)
    item = services.finalize_item(item, actor=me)
    assert item.status == ItemStatus.OPEN and item.responsible_member == leaders[1]
    with pytest.raises(PermissionDenied):
        services.create_item(problem, actor=leaders[2].user, goal="替别人写")


def test_DL_4_1_a_dl_findings_cite_the_dl_clause(world):
    team, _ = make_leading_team(world.p1, size=2)
    meeting = make_meeting(world.p1, kind=MeetingKind.DEMOCRATIC_LIFE, leading_team=team)
    item = make_item(meeting, status=ItemStatus.DRAFT, goal="")
    assert {f.clause_ids for f in services.four_clear_findings(item)} == {("DL-4.1.a",)}


def test_other_members_cannot_create_items_for_organization_problems(world):
    problem = make_problem(make_meeting(world.b1))
    for user in (world.member, world.committee_member, world.outsider, world.reviewer):
        with pytest.raises(PermissionDenied):
            services.create_item(problem, actor=user, goal="g")


def test_item_events_are_append_only(world):
    item = make_item(make_meeting(world.b1))
    event = ItemEvent.objects.create(item=item, kind=EventKind.PROGRESS, note="n")
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        ItemEvent.objects.filter(pk=event.pk).update(note="改写")
    with pytest.raises(PermissionError):
        ItemEvent.objects.filter(pk=event.pk).delete()


def test_draft_item_form_keeps_input_and_lists_missing_parts(world, client):
    problem = make_problem(make_meeting(world.b1))
    client.force_login(world.secretary)
    response = client.post(reverse("rectification:item_create", args=[problem.pk]), {"goal": "只写了目标", "finalize": "1"}, follow=True)
    item = problem.items.get()
    assert item.status == ItemStatus.DRAFT and item.goal == "只写了目标"
    body = response.content.decode()
    assert "整改事项缺少“途径”" in body and "OL-4.1.c" in body


def test_personal_items_are_in_the_owners_task_list_and_my_page(world, client):
    from core.home import home_context

    meeting = make_meeting(world.b1)
    mine = make_item(meeting, responsible_member=world.member_member, goal="坚持每天学习")
    make_item(meeting, goal="组织的事项")
    client.force_login(world.member)
    response = client.get(reverse("rectification:mine"))
    assert "坚持每天学习" in response.content.decode() and "组织的事项" not in response.content.decode()

    class Request:
        user = world.member

    tasks = home_context(Request())["tasks"]
    assert [t.url for t in tasks if "整改" in t.title] == [reverse("rectification:item", args=[mine.pk])]
    assert client.get(reverse("rectification:item", args=[mine.pk])).status_code == 200
    other = make_item(meeting, responsible_member=world.committee_member_member)
    assert client.get(reverse("rectification:item", args=[other.pk])).status_code == 404


def test_OL_4_1_c_item_form_starts_from_what_is_already_on_record(world, client):
    """Found by the year-end walkthrough: the secretary retyped measures the records held —
    the 改进意见 given with a criticism, the 整改措施 of the team's 对照检查材料 against an
    opinion (OL-2.5.d) — and chose the branch itself as responsible for each of its problems.
    The form now starts from them; a problem with nothing on record starts empty."""
    from meetings.choices import CriticismKind, OpinionChannel, SelfExamKind
    from meetings.models import Criticism, Opinion, SelfExamination

    meeting = make_meeting(world.b1)
    sitting = meeting.sittings.get()
    criticism = Criticism.objects.create(
        sitting=sitting, seq=1, kind=CriticismKind.MUTUAL, speaker=world.member_member, about_team=True, content="活动都在白天", suggestion="每季度一次周末活动"
    )
    opinion = Opinion.objects.create(meeting=meeting, channel=OpinionChannel.FORUM, target="team", content="活动通知不及时", received_on=timezone.localdate())
    SelfExamination.objects.create(
        meeting=meeting,
        doc_kind=SelfExamKind.CHECK,
        structured_items=[{"problem": "活动通知不及时", "cause": "重视不够", "measure": "每月10日前公布活动安排", "opinion_ids": [opinion.pk]}],
    )
    from_criticism = Problem.objects.create(
        meeting=meeting, organization=world.b1, source=ProblemSource.CRITICISM, scope="organization", criticism=criticism, description="甲"
    )
    from_opinion = Problem.objects.create(
        meeting=meeting, organization=world.b1, source=ProblemSource.OPINION, scope="organization", opinion=opinion, description="乙"
    )
    bare = make_problem(meeting)
    client.force_login(world.secretary)

    def measures(problem):
        body = client.get(reverse("rectification:item_create", args=[problem.pk])).content.decode()
        return body.split('name="measures"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0].strip()

    body = client.get(reverse("rectification:item_create", args=[bare.pk])).content.decode()
    assert f'<option value="{world.b1.pk}" selected>' in body  # the organization answers for its own problem
    personal = make_problem(meeting, scope=ProblemScope.PERSONAL, owner_member=world.member_member)
    body = client.get(reverse("rectification:item_create", args=[personal.pk])).content.decode()
    assert f'<option value="{world.member_member.pk}" selected>' in body and f'<option value="{world.b1.pk}" selected>' not in body
    assert measures(from_criticism) == "每季度一次周末活动"
    assert measures(from_opinion) == "每月10日前公布活动安排"
    assert measures(bare) == ""
