"""Materials services: idempotent creation with prefill, optimistic locking, who may write,
see and review, the stage gate, similarity warnings, diffs, the snapshot contribution, home tasks."""

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import ConcurrentEditError, DomainError
from meetings import similarity
from meetings.choices import DocStatus, ReviewDecision, SelfExamKind, Stage
from meetings.models import SelfExamination
from meetings.services import materials as services

from .factories_materials import make_dl, make_material, make_meeting, make_opinion

pytestmark = pytest.mark.django_db

TEXT_A = (
    "一是理论学习不够系统深入，满足于读原文、记笔记，联系实际思考不够。二是服务群众不够主动，"
    "深入网格走访的次数偏少，对困难群众的急难愁盼问题掌握不全面。三是工作作风不够扎实，抓落实的韧劲不足。"
)
TEXT_B = "在担当作为方面，面对信访积案存在畏难情绪，推一推才动一动；在廉洁自律方面，对身边同志提醒不够，执行公务接待标准把关不严。"


def test_create_materials_is_idempotent_and_prefills_opinions(world):
    meeting = make_meeting(world.b1)
    make_opinion(meeting, "书记走访群众少", member=world.secretary_member)
    make_opinion(meeting, "支部活动形式单一")
    first = services.create_materials(meeting, actor=world.secretary)
    assert len(first) == 2
    assert services.create_materials(meeting, actor=world.secretary) == []
    assert SelfExamination.objects.filter(meeting=meeting).count() == 2
    personal = SelfExamination.objects.get(meeting=meeting, member=world.secretary_member)
    team = SelfExamination.objects.get(meeting=meeting, member=None)
    assert [i["problem"] for i in personal.structured_items] == ["书记走访群众少"]
    assert [i["problem"] for i in team.structured_items] == ["支部活动形式单一"]


def test_preparation_waits_for_the_plan_approval(world):
    """OL-2.1.c: nothing is written before the plan is approved (the meeting is still planning)."""
    meeting = make_meeting(world.b1, stage=Stage.PLANNING)
    with pytest.raises(DomainError, match="阶段"):
        services.create_materials(meeting, actor=world.secretary)
    assert not SelfExamination.objects.filter(meeting=meeting).exists()


def test_stale_version_is_refused_and_nothing_changes(world):
    meeting = make_meeting(world.b1)
    se = make_material(meeting, world.secretary_member, problems="原文")
    stale = se.version
    services.save_draft(se, {"problems": "第一次修改"}, actor=world.secretary, version=stale)
    with pytest.raises(ConcurrentEditError):
        services.save_draft(se, {"problems": "覆盖别人的修改"}, actor=world.secretary, version=stale)
    with pytest.raises(ConcurrentEditError):
        services.submit(se, actor=world.secretary, version=stale)
    se.refresh_from_db()
    assert se.problems == "第一次修改" and se.status == DocStatus.DRAFT


def test_only_the_author_writes_a_personal_material(world):
    meeting = make_meeting(world.b1)
    se = make_material(meeting, world.committee_member_member)
    for intruder in (world.secretary, world.member, world.reviewer):
        with pytest.raises(PermissionDenied):
            services.save_draft(se, {"problems": "代写"}, actor=intruder, version=se.version)
    services.save_draft(se, {"problems": "本人写"}, actor=world.committee_member, version=se.version)


def test_team_material_is_the_secretarys(world):
    meeting = make_meeting(world.b1)
    se = make_material(meeting, None)
    with pytest.raises(PermissionDenied):
        services.save_draft(se, {"problems": "x"}, actor=world.committee_member, version=se.version)
    services.save_draft(se, {"problems": "班子问题"}, actor=world.secretary, version=se.version)


def test_submitted_material_is_locked_until_returned(world):
    meeting = make_meeting(world.b1)
    se = make_material(meeting, world.secretary_member)
    services.submit(se, actor=world.secretary, version=se.version)
    se.refresh_from_db()
    with pytest.raises(DomainError, match="退回后"):
        services.save_draft(se, {"problems": "改"}, actor=world.secretary, version=se.version)
    with pytest.raises(DomainError):
        services.submit(se, actor=world.secretary, version=se.version)


def test_empty_material_cannot_be_submitted(world):
    meeting = make_meeting(world.b1)
    se = make_material(meeting, world.secretary_member, problems="", causes="", measures="")
    with pytest.raises(DomainError, match="空"):
        services.submit(se, actor=world.secretary, version=se.version)


def test_review_refuses_a_draft_and_a_second_decision(world):
    meeting = make_meeting(world.b1)
    se = make_material(meeting, world.secretary_member)
    with pytest.raises(DomainError, match="没有待审核"):
        services.review(se, actor=world.reviewer, decision=ReviewDecision.APPROVED)
    services.submit(se, actor=world.secretary, version=se.version)
    services.review(se, actor=world.reviewer, decision=ReviewDecision.APPROVED)
    with pytest.raises(DomainError):
        services.review(se, actor=world.reviewer, decision=ReviewDecision.APPROVED)


def test_a_member_never_sees_another_members_material(world):
    meeting = make_meeting(world.b1)
    own = make_material(meeting, world.member_member)
    other = make_material(meeting, world.committee_member_member)
    team = make_material(meeting, None)
    assert services.can_view(world.member, own) and services.can_view(world.member, team)
    assert not services.can_view(world.member, other)
    assert set(services.visible_materials(world.member, meeting)) == {own, team}
    for superior in (world.secretary, world.reviewer, world.inspector, world.operator):
        assert services.can_view(superior, other)
    assert not services.can_view(world.outsider, team)


def test_dl_leaders_see_own_and_team_main_leader_sees_all(world):
    meeting, leaders, superior = make_dl(world)
    a, b = make_material(meeting, leaders[1]), make_material(meeting, leaders[2])
    assert services.can_view(leaders[1].user, a) and not services.can_view(leaders[1].user, b)
    assert services.can_view(leaders[0].user, b) and services.can_view(superior, b)


def test_similar_text_of_another_person_is_warned_with_passages(world):
    meeting = make_meeting(world.b3)
    a = make_material(meeting, None, problems=TEXT_A, doc_kind=SelfExamKind.BRIEF_CHECK)
    b = make_material(meeting, world.b3_secretary.member, problems=TEXT_A.replace("一是", "首先"), doc_kind=SelfExamKind.BRIEF_CHECK)
    c = make_material(make_meeting(world.b1), world.secretary_member, problems=TEXT_B)
    warning = next(w for w in services.warnings_for(b) if w.code == "similar_other")
    assert warning.matches[0].percent >= 90
    assert any("服务群众不够主动" in p for p in warning.matches[0].passages)
    assert "similar_other" in {w.code for w in services.warnings_for(a)}
    assert "similar_other" not in {w.code for w in services.warnings_for(c)}
    info = {x.author: x for x in services.contribute(meeting)["self_exams"]}
    assert info["team"].max_similarity >= 0.9


def test_same_opinion_quoted_by_two_people_is_not_copying(world):
    meeting = make_meeting(world.b1)
    quote = "社区支部组织活动形式单一，党员参与积极性不高，群众反映办事要跑多次"
    make_opinion(meeting, quote)
    a = make_material(meeting, world.secretary_member, problems=quote + "。" + TEXT_A)
    make_material(meeting, world.committee_member_member, problems=quote + "。" + TEXT_B)
    assert "similar_other" not in {w.code for w in services.warnings_for(a)}


def test_same_text_as_last_year_is_warned(world):
    last = make_meeting(world.b1, year=2000)
    make_material(last, world.secretary_member, problems=TEXT_A)
    meeting = make_meeting(world.b1, year=2001)
    se = make_material(meeting, world.secretary_member, problems=TEXT_A + "四是带头作用发挥不够。")
    warning = next(w for w in services.warnings_for(se) if w.code == "similar_last_year")
    assert warning.matches[0].percent >= 80
    fresh = make_material(meeting, world.committee_member_member, problems=TEXT_B)
    assert "similar_last_year" not in {w.code for w in services.warnings_for(fresh)}


def test_snapshot_contribution_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    meeting, leaders, _sup = make_dl(world, size=6)
    for leader in leaders:
        make_opinion(meeting, f"意见{leader.pk}", member=leader)
        make_material(meeting, leader, status=DocStatus.SUBMITTED, problems=f"{TEXT_A}{leader.pk}")
    make_material(meeting, None)
    meeting.refresh_from_db()
    with django_assert_max_num_queries(12):
        found = services.contribute(meeting)
    assert len(found["self_exams"]) == 7


def test_diff_marks_insertions_and_deletions_per_section():
    old = {"problems": "学习不够深入", "structured_items": [{"problem": "走访少", "cause": "", "measure": ""}]}
    new = {"problems": "理论学习不够系统深入", "structured_items": [{"problem": "走访少", "cause": "宗旨意识淡", "measure": "每月走访"}]}
    diff = {d.name: d for d in services.diff_contents(old, new)}
    assert ("insert", "理论") in diff["problems"].inline and ("insert", "系统") in diff["problems"].right
    assert diff["structured_items"].changed
    assert "".join(t for op, t in diff["problems"].left if op != "insert") == "学习不够深入"


def test_minhash_estimate_tracks_the_exact_jaccard():
    a, b = similarity.shingles(TEXT_A), similarity.shingles(TEXT_A[:60] + TEXT_B)
    exact = similarity.jaccard(a, b)
    est = similarity.estimate(similarity.signature(a), similarity.signature(b))
    assert abs(exact - est) < 0.2
    assert similarity.signature(a) == similarity.signature(similarity.shingles(TEXT_A))  # deterministic
    assert similarity.jaccard(a, a) == 1.0 and similarity.jaccard(a, frozenset()) == 0.0


def test_home_tasks_write_and_review(world):
    from meetings.wiring_materials import home_tasks

    meeting = make_meeting(world.b1)
    se = make_material(meeting, world.secretary_member)
    assert any("撰写" in t.title for t in home_tasks(world.secretary))
    assert not any(t.kind == "review" for t in home_tasks(world.reviewer))
    services.submit(se, actor=world.secretary, version=se.version)
    assert any(t.kind == "review" for t in home_tasks(world.reviewer))
    assert not any(t.kind == "review" for t in home_tasks(world.reviewer2))
    dl, leaders, superior = make_dl(world)
    other = make_material(dl, leaders[1], status=DocStatus.SUBMITTED)
    assert any(t.url.endswith(f"/{other.pk}/") for t in home_tasks(leaders[0].user))
    assert not any(t.url.endswith(f"/{other.pk}/") for t in home_tasks(superior))
    services.review(other, actor=leaders[0].user, decision=ReviewDecision.APPROVED)
    assert any(t.url.endswith(f"/{other.pk}/") for t in home_tasks(superior))
    own = make_material(dl, leaders[0], status=DocStatus.SUBMITTED)
    assert any(t.url.endswith(f"/{own.pk}/") for t in home_tasks(superior))
    assert not any(t.url.endswith(f"/{own.pk}/") for t in home_tasks(leaders[0].user))


def test_minhash_screening_keeps_the_near_duplicate_among_many():
    others = [similarity.Text(f"k{i}", f"第{i}份", TEXT_B[i % 20 :] + str(i) * 5) for i in range(40)]
    others.append(similarity.Text("dup", "雷同", TEXT_A.replace("一是", "首先")))
    found = similarity.compare(TEXT_A, others)
    assert [m.key for m in found] == ["dup"] and found[0].percent >= 90
