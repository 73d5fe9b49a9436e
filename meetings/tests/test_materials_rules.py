"""Clause tests for the self-examination materials: OL-2.5.a–i, the GAP-DL-2.7 derived rule and
its proposals P-DL-2.7.a–d (marked as proposals), DL-3.3.a/b. Each test drives the services and
then asks the pinned rulebook's checker, so a mismatch between what the app asks people to write
and what the checker expects fails here. Both shipped rulebooks carry the same OL-2.5 / DL rules
(they differ only in parameters), so the requirement tests run on both."""

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import DomainError
from meetings.choices import DocStatus, MeetingKind, ReviewDecision, SelfExamKind
from meetings.models import SelfExamination
from meetings.services import materials as services
from organizations.choices import Sector
from rulebook.snapshot import TEAM

from .factories_materials import make_branch, make_dl, make_material, make_meeting, make_opinion, rule_findings

RULEBOOKS = ["district-2024", "national-baseline"]
pytestmark = pytest.mark.django_db


def _kinds(meeting):
    return {services.key_of(se.member_id): se.doc_kind for se in SelfExamination.objects.filter(meeting=meeting)}


@pytest.mark.parametrize("slug", RULEBOOKS)
@pytest.mark.parametrize("sector", [Sector.DISTRICT_ORGAN, Sector.PUBLIC_INSTITUTION])
def test_OL_2_5_a_heads_in_district_organs_write_brief_checks(world, slug, sector):
    org, secretary, committee, plain = make_branch(world.p1, sector, committee=2)
    meeting = make_meeting(org, slug=slug)
    assert "OL-2.5.a" in rule_findings(meeting)
    services.create_materials(meeting, actor=secretary.user)
    kinds = _kinds(meeting)
    assert kinds == {f"m{m.pk}": SelfExamKind.BRIEF_CHECK for m in [secretary, *committee]}  # no team material, no ordinary member
    assert f"m{plain[0].pk}" not in kinds and TEAM not in kinds
    assert "OL-2.5.a" not in rule_findings(meeting)


@pytest.mark.parametrize("slug", RULEBOOKS)
@pytest.mark.parametrize("sector", [Sector.SUBDISTRICT, Sector.STATION, Sector.SCHOOL])
def test_OL_2_5_b_heads_in_subdistricts_stations_schools_write_brief_checks(world, slug, sector):
    org, secretary, committee, _plain = make_branch(world.p1, sector)
    meeting = make_meeting(org, slug=slug)
    assert "OL-2.5.b" in rule_findings(meeting)
    services.create_materials(meeting, actor=secretary.user)
    assert set(_kinds(meeting).values()) == {SelfExamKind.BRIEF_CHECK}
    assert len(_kinds(meeting)) == 2
    assert "OL-2.5.b" not in rule_findings(meeting)


@pytest.mark.parametrize("slug", RULEBOOKS)
def test_OL_2_5_c_community_team_and_secretary_write_check_materials(world, slug):
    meeting = make_meeting(world.b1, slug=slug)
    assert "OL-2.5.c" in rule_findings(meeting)
    services.create_materials(meeting, actor=world.secretary)
    assert _kinds(meeting) == {TEAM: SelfExamKind.CHECK, f"m{world.secretary_member.pk}": SelfExamKind.CHECK}
    assert "OL-2.5.c" not in rule_findings(meeting)


def test_OL_2_5_c_community_without_committee_still_has_team_and_secretary(world):
    meeting = make_meeting(world.b2)
    services.create_materials(meeting, actor=world.outsider)
    assert set(_kinds(meeting)) == {TEAM, f"m{world.outsider_member.pk}"}


def test_OL_2_5_d_community_material_must_be_itemized(world):
    meeting = make_meeting(world.b1)
    se = make_material(meeting, None, problems="问题一", causes="原因", measures="措施")
    warnings = {w.code for w in services.warnings_for(se)}
    assert "not_itemized" in warnings
    assert "OL-2.5.d" in rule_findings(meeting)
    services.save_draft(
        se, {"structured_items": [{"problem": "服务群众不主动", "cause": "宗旨意识淡薄", "measure": "每月走访"}]}, actor=world.secretary, version=se.version
    )
    se.refresh_from_db()
    assert "not_itemized" not in {w.code for w in services.warnings_for(se)}
    assert "OL-2.5.d" not in rule_findings(meeting)


def test_OL_2_5_d_item_without_measure_is_not_an_itemized_list(world):
    meeting = make_meeting(world.b1)
    se = make_material(meeting, None, structured_items=[{"problem": "服务群众不主动", "cause": "宗旨意识淡薄", "measure": ""}])
    codes = {w.code for w in services.warnings_for(se)}
    assert {"not_itemized", "item_incomplete"} <= codes
    assert "OL-2.5.d" in rule_findings(meeting)


@pytest.mark.parametrize("slug", RULEBOOKS)
def test_OL_2_5_f_other_organizations_write_outlines(world, slug):
    org, secretary, committee, plain = make_branch(world.p1, Sector.OTHER)
    meeting = make_meeting(org, slug=slug)
    assert "OL-2.5.f" in rule_findings(meeting)
    services.create_materials(meeting, actor=secretary.user)
    assert _kinds(meeting) == {TEAM: SelfExamKind.OUTLINE, f"m{secretary.pk}": SelfExamKind.OUTLINE, f"m{committee[0].pk}": SelfExamKind.OUTLINE}
    assert "OL-2.5.f" not in rule_findings(meeting)


def test_OL_2_5_f_without_committee_only_the_secretary_writes(world):
    org, secretary, _c, _plain = make_branch(world.p1, Sector.OTHER, has_committee=False)
    meeting = make_meeting(org)
    services.create_materials(meeting, actor=secretary.user)
    assert _kinds(meeting) == {f"m{secretary.pk}": SelfExamKind.OUTLINE}


def test_OL_2_5_f_outline_answers_the_opinions_raised(world):
    org, secretary, committee, _plain = make_branch(world.p1, Sector.OTHER)
    meeting = make_meeting(org)
    opinion = make_opinion(meeting, "开会多、调研少", member=secretary)
    services.create_materials(meeting, actor=secretary.user)
    se = SelfExamination.objects.get(meeting=meeting, member=secretary)
    # Prefilled: the opinion addressed to this person is an item, not yet answered (no measure).
    assert se.structured_items[0]["opinion_ids"] == [opinion.pk]
    assert "opinion_unanswered" in {w.code for w in services.warnings_for(se)}
    assert f"m{secretary.pk}" in rule_findings(meeting)["OL-2.5.f.opinions"].objects
    items = [dict(se.structured_items[0], cause="调研制度没有落实", measure="每月到一线调研两次")]
    services.save_draft(se, {"structured_items": items}, actor=secretary.user, version=se.version)
    se.refresh_from_db()
    assert "opinion_unanswered" not in {w.code for w in services.warnings_for(se)}
    finding = rule_findings(meeting).get("OL-2.5.f.opinions")
    assert finding is None or f"m{secretary.pk}" not in finding.objects


def test_OL_2_5_g_problem_without_cause_or_measure_is_flagged(world):
    meeting = make_meeting(world.b1)
    se = make_material(meeting, world.secretary_member, problems="学习不深入", causes="", measures="")
    warning = next(w for w in services.warnings_for(se) if w.code == "item_incomplete")
    assert "原因剖析" in warning.message and "整改措施" in warning.message
    assert "OL-2.5.g" in rule_findings(meeting)
    empty = make_material(make_meeting(world.b1), world.secretary_member, problems="", causes="", measures="")
    assert "no_problems" in {w.code for w in services.warnings_for(empty)}


def test_OL_2_5_h_no_length_rule_and_no_fixed_template(world):
    """OL-2.5.h (negative requirement): a one-line material is complete; nothing counts characters."""
    meeting = make_meeting(world.b3)
    se = make_material(meeting, None, doc_kind=SelfExamKind.BRIEF_CHECK, problems="学习少。", causes="懈怠。", measures="多学。")
    assert services.warnings_for(se) == []
    long = make_material(make_meeting(world.b3), None, doc_kind=SelfExamKind.BRIEF_CHECK, problems="问题" * 3000, causes="原因", measures="措施")
    assert [w.code for w in services.warnings_for(long)] == []
    assert all("字数" not in w.message for w in services.warnings_for(se))


def test_OL_2_5_i_superior_head_reviews_and_can_return_with_comments(world):
    meeting = make_meeting(world.b1)
    services.create_materials(meeting, actor=world.secretary)
    se = SelfExamination.objects.get(meeting=meeting, member=world.secretary_member)
    items = [{"problem": "服务群众不主动", "cause": "宗旨意识淡薄", "measure": "每月走访"}]
    se = services.save_draft(se, {"structured_items": items, "problems": "见清单"}, actor=world.secretary, version=se.version)
    services.submit(se, actor=world.secretary, version=se.version)
    se.refresh_from_db()
    assert f"m{world.secretary_member.pk}" in rule_findings(meeting)["OL-2.5.i"].objects
    with pytest.raises(PermissionDenied):
        services.review(se, actor=world.secretary, decision=ReviewDecision.APPROVED)  # not the superior
    with pytest.raises(PermissionDenied):
        services.review(se, actor=world.reviewer2, decision=ReviewDecision.APPROVED)  # another committee's reviewer
    with pytest.raises(DomainError, match="审核意见"):
        services.review(se, actor=world.reviewer, decision=ReviewDecision.RETURNED, comment=" ")
    services.review(se, actor=world.reviewer, decision=ReviewDecision.RETURNED, comment="原因剖析要深挖思想根源")
    se.refresh_from_db()
    assert se.status == DocStatus.RETURNED
    se = services.save_draft(se, {"causes": "宗旨意识淡薄，群众观点树得不牢"}, actor=world.secretary, version=se.version)
    services.submit(se, actor=world.secretary, version=se.version)
    se.refresh_from_db()
    services.review(se, actor=world.reviewer, decision=ReviewDecision.APPROVED)
    se.refresh_from_db()
    assert se.status == DocStatus.APPROVED
    assert [v.number for v in se.versions.all()] == [1, 2]
    finding = rule_findings(meeting).get("OL-2.5.i")
    assert finding is None or f"m{world.secretary_member.pk}" not in finding.objects


# -- 民主生活会 -------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", RULEBOOKS)
def test_DL_3_2_c_team_and_every_leader_have_a_check_material(world, slug):
    """GAP-DL-2.7: derived from DL-3.2.c/d (the agenda needs the materials), not a proposal."""
    meeting, leaders, _sup = make_dl(world, slug=slug)
    assert "DL-3.2.c.materials" in rule_findings(meeting)
    services.create_materials(meeting, actor=leaders[0].user)
    assert _kinds(meeting) == {TEAM: SelfExamKind.CHECK, **{f"m{m.pk}": SelfExamKind.CHECK for m in leaders}}
    assert "DL-3.2.c.materials" not in rule_findings(meeting)


def test_DL_3_2_c_only_the_main_leader_generates_the_materials(world):
    meeting, leaders, _sup = make_dl(world)
    with pytest.raises(PermissionDenied):
        services.create_materials(meeting, actor=leaders[1].user)
    created = services.create_materials(meeting, actor=leaders[1].user, only_member_id=leaders[1].pk)
    assert [se.member_id for se in created] == [leaders[1].pk]


def test_P_DL_2_7_d_PROPOSAL_member_material_reviewed_by_main_leader_then_superior(world):
    """P-DL-2.7.d (proposal for GAP-DL-2.7): two-level review; a warning, never a blocker."""
    meeting, leaders, superior = make_dl(world)
    main, other = leaders[0], leaders[1]
    se = make_material(meeting, other, status=DocStatus.SUBMITTED, thought_section="理想信念", personal_section="本人责任")
    with pytest.raises(PermissionDenied, match="主要负责人"):
        services.review(se, actor=superior, decision=ReviewDecision.APPROVED)
    with pytest.raises(PermissionDenied):
        services.review(se, actor=leaders[2].user, decision=ReviewDecision.APPROVED)  # an ordinary leader
    services.review(se, actor=main.user, decision=ReviewDecision.APPROVED)
    se.refresh_from_db()
    assert se.status == DocStatus.SUBMITTED and services.pending_level(se) == "superior"
    with pytest.raises(PermissionDenied):
        services.review(se, actor=main.user, decision=ReviewDecision.APPROVED)
    services.review(se, actor=superior, decision=ReviewDecision.APPROVED)
    se.refresh_from_db()
    assert se.status == DocStatus.APPROVED
    finding = rule_findings(meeting).get("P-DL-2.7.d")
    assert finding is None or all(o[0] != f"m{other.pk}" for o in finding.objects)


def test_P_DL_2_7_d_PROPOSAL_main_leaders_own_material_goes_to_the_superior(world):
    meeting, leaders, superior = make_dl(world)
    main = leaders[0]
    se = make_material(meeting, main, status=DocStatus.SUBMITTED)
    assert services.review_chain(se) == ("superior",)
    with pytest.raises(PermissionDenied):
        services.review(se, actor=main.user, decision=ReviewDecision.APPROVED)  # never one's own
    rule = rule_findings(meeting)["P-DL-2.7.d"]
    assert rule.severity == "warning" and rule.proposal
    services.review(se, actor=superior, decision=ReviewDecision.APPROVED)
    se.refresh_from_db()
    assert se.status == DocStatus.APPROVED


def test_P_DL_2_7_a_PROPOSAL_team_material_discussed_under_the_main_leader(world):
    meeting, leaders, superior = make_dl(world)
    se = make_material(meeting, None, status=DocStatus.SUBMITTED)
    assert "P-DL-2.7.a" in rule_findings(meeting)
    services.review(se, actor=leaders[0].user, decision=ReviewDecision.APPROVED)
    assert "P-DL-2.7.a" not in rule_findings(meeting)
    assert rule_findings(meeting).get("P-DL-2.7.a") is None


def test_P_DL_2_7_b_PROPOSAL_written_personally_is_a_declaration_only_the_author_makes(world):
    meeting, leaders, _sup = make_dl(world)
    services.create_materials(meeting, actor=leaders[0].user)
    se = SelfExamination.objects.get(meeting=meeting, member=leaders[1])
    assert f"m{leaders[1].pk}" in rule_findings(meeting)["P-DL-2.7.b"].objects
    with pytest.raises(PermissionDenied):
        services.save_draft(se, {"written_personally": True}, actor=leaders[0].user, version=se.version)  # not even the main leader
    services.save_draft(se, {"written_personally": True}, actor=leaders[1].user, version=se.version)
    assert f"m{leaders[1].pk}" not in rule_findings(meeting)["P-DL-2.7.b"].objects


def test_P_DL_2_7_c_PROPOSAL_previous_measures_are_prefilled(world):
    from rectification.tests.factories import make_item
    from rectification.tests.factories import make_meeting as make_held

    meeting, leaders, _sup = make_dl(world)
    last = make_held(world.p1, kind=MeetingKind.DEMOCRATIC_LIFE, year=meeting.year - 1, leading_team=meeting.leading_team)
    make_item(last, responsible_member=leaders[1], measures="每季度到基层蹲点一周")
    services.create_materials(meeting, actor=leaders[0].user)
    se = SelfExamination.objects.get(meeting=meeting, member=leaders[1])
    assert "每季度到基层蹲点一周" in se.last_rectification
    other = SelfExamination.objects.get(meeting=meeting, member=leaders[2])
    assert other.last_rectification == ""


def test_DL_3_3_a_opinions_addressed_to_a_leader_are_prefilled_and_flagged_until_answered(world):
    meeting, leaders, _sup = make_dl(world)
    op = make_opinion(meeting, "到分管单位调研少", member=leaders[1])
    make_opinion(meeting, "班子民主集中制执行不够")
    services.create_materials(meeting, actor=leaders[0].user)
    se = SelfExamination.objects.get(meeting=meeting, member=leaders[1])
    assert [i["problem"] for i in se.structured_items] == ["到分管单位调研少"]
    team = SelfExamination.objects.get(meeting=meeting, member=None)
    assert [i["problem"] for i in team.structured_items] == ["班子民主集中制执行不够"]
    assert "opinion_unanswered" in {w.code for w in services.warnings_for(se)}
    services.save_draft(se, {"answered_opinion_ids": [op.pk]}, actor=leaders[1].user, version=se.version)
    assert "opinion_unanswered" not in {w.code for w in services.warnings_for(se)}


WORK_ONLY = "今年推进重点项目落实，完成各项工作任务，开展业务培训，推进工作落实。存在的问题是工作推进不够快。"


def test_DL_3_3_b_only_work_no_thought_warns(world):
    meeting, leaders, _sup = make_dl(world)
    se = make_material(meeting, leaders[1], problems=WORK_ONLY, causes="工作任务重", measures="加快推进工作", personal_section="本人抓落实不够")
    codes = {w.code for w in services.warnings_for(se)}
    assert "only_work" in codes
    assert any(o[0] == f"m{leaders[1].pk}" and "thought" in o for o in rule_findings(meeting)["DL-3.3.b"].objects)
    services.save_draft(se, {"thought_section": "理想信念有所弱化，党性修养放松"}, actor=leaders[1].user, version=se.version)
    assert "only_work" not in {w.code for w in services.warnings_for(se)}


def test_DL_3_3_b_only_achievements_no_problems_warns(world):
    meeting, leaders, _sup = make_dl(world)
    praise = "一年来取得显著成效，圆满完成任务，工作成绩突出，荣获表彰，各项指标增长。"
    se = make_material(meeting, leaders[1], problems=praise, causes="", measures="", thought_section="思想", personal_section="本人")
    assert "only_achievements" in {w.code for w in services.warnings_for(se)}
    objects = rule_findings(meeting)["DL-3.3.b"].objects
    assert any(o[0] == f"m{leaders[1].pk}" and "only_achievements" in o for o in objects)
    balanced = make_material(
        meeting,
        leaders[2],
        problems="存在问题：调研不够、作风不实、担当不足，与要求有差距",
        causes="思想认识不到位",
        measures="改进",
        thought_section="思想",
        personal_section="本人",
    )
    assert "only_achievements" not in {w.code for w in services.warnings_for(balanced)}


def test_DL_3_3_b_only_collective_nothing_personal_warns(world):
    meeting, leaders, _sup = make_dl(world)
    text = "我们班子在民主集中制方面存在问题，班子成员之间交流不够，我们集体研究不充分。"
    se = make_material(meeting, leaders[1], problems=text, causes="班子思想认识不到位", measures="我们要加强", thought_section="理想信念")
    assert "only_collective" in {w.code for w in services.warnings_for(se)}
    assert any(o[0] == f"m{leaders[1].pk}" and "personal" in o for o in rule_findings(meeting)["DL-3.3.b"].objects)
    services.save_draft(se, {"personal_section": "我作为分管领导，本人对此负有直接责任"}, actor=leaders[1].user, version=se.version)
    assert "only_collective" not in {w.code for w in services.warnings_for(se)}


def test_DL_3_3_b_warnings_do_not_apply_to_the_team_material_or_org_life(world):
    meeting, leaders, _sup = make_dl(world)
    team = make_material(meeting, None, problems=WORK_ONLY)
    ol = make_material(make_meeting(world.b3), world.b3_secretary.member, problems=WORK_ONLY, doc_kind=SelfExamKind.BRIEF_CHECK)
    for se in (team, ol):
        assert not {"only_work", "only_achievements", "only_collective"} & {w.code for w in services.warnings_for(se)}


def _itemize(se, actor):
    items = [{"problem": "服务群众不主动", "cause": "宗旨意识淡薄", "measure": "每月走访网格不少于8户"}]
    return services.save_draft(se, {"structured_items": items}, actor=actor, version=se.version)


def test_OL_2_5_e_community_problem_list_is_displayed_to_the_public(client, world):
    from meetings.choices import NoticeKind
    from meetings.models import PublicNotice

    meeting = make_meeting(world.b1)
    assert "OL-2.5.e" in rule_findings(meeting)
    with pytest.raises(DomainError, match="条目式"):
        services.publish_problem_list(meeting, actor=world.secretary, form="社区公示栏")
    services.create_materials(meeting, actor=world.secretary)
    for se in SelfExamination.objects.filter(meeting=meeting):
        _itemize(se, world.secretary)
    with pytest.raises(DomainError, match="渠道"):
        services.publish_problem_list(meeting, actor=world.secretary, form=" ")
    with pytest.raises(PermissionDenied):
        services.publish_problem_list(meeting, actor=world.committee_member, form="社区公示栏")
    notice = services.publish_problem_list(meeting, actor=world.secretary, form="社区公示栏、居民微信群")
    assert notice.kind == NoticeKind.PROBLEM_LIST and notice.is_public
    assert "党组织班子问题清单" in notice.body and "每月走访网格不少于8户" in notice.body and "赵书记" in notice.body
    assert "OL-2.5.e" not in rule_findings(meeting)
    again = services.publish_problem_list(meeting, actor=world.secretary, form="社区公示栏")
    assert again.pk == notice.pk and again.published_at == notice.published_at
    assert PublicNotice.objects.filter(meeting=meeting).count() == 1
    page = client.get(f"/meetings/materials/public/{meeting.public_token}/")
    assert page.status_code == 200 and "每月走访网格不少于8户" in page.content.decode()


def test_OL_2_5_e_only_communities_publish_a_problem_list(client, world):
    meeting = make_meeting(world.b3)
    with pytest.raises(DomainError, match="社区"):
        services.publish_problem_list(meeting, actor=world.b3_secretary, form="公示栏")
    assert client.get(f"/meetings/materials/public/{meeting.public_token}/").status_code == 404


def test_OL_2_5_h_a_file_may_replace_the_sections_but_not_the_community_list(client, world):
    from .factories_materials import PDF

    meeting = make_meeting(world.b3)
    services.create_materials(meeting, actor=world.b3_secretary)
    se = SelfExamination.objects.get(meeting=meeting, member=world.b3_secretary.member)
    assert "OL-2.5.g" in rule_findings(meeting)
    with pytest.raises(DomainError):
        services.attach_upload(se, b"MZ\x90\x00 not a document", actor=world.b3_secretary, version=se.version)
    se = services.attach_upload(se, PDF, actor=world.b3_secretary, version=se.version)
    assert services.warnings_for(se) == []
    assert "OL-2.5.g" not in rule_findings(meeting)
    services.submit(se, actor=world.b3_secretary, version=se.version)
    client.force_login(world.reviewer2)
    response = client.get(f"/meetings/materials/{se.pk}/file/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    community = make_meeting(world.b1)
    team = make_material(community, None, problems="", causes="", measures="")
    team = services.attach_upload(team, PDF, actor=world.secretary, version=team.version)
    assert "not_itemized" in {w.code for w in services.warnings_for(team)}
    assert "OL-2.5.d" in rule_findings(community)
