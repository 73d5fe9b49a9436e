"""The edit page (a leader's 民主生活会 material and a community secretary's itemized list) and the
review page with warnings and the diff, in a real browser at 1280 px and 390 px."""

import pytest
from django.core.cache import cache

from meetings.choices import DocStatus, SelfExamKind
from meetings.models import SelfExamination
from meetings.services import materials as services
from tests.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, log_in, small_tap_targets

from .factories_materials import make_dl, make_meeting, make_opinion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _community(world):
    meeting = make_meeting(world.b1)
    make_opinion(meeting, "书记到居民家中走访少，有的居民不认识书记", member=world.secretary_member)
    make_opinion(meeting, "支部活动形式单一，年轻党员参与少")
    services.create_materials(meeting, actor=world.secretary)
    se = SelfExamination.objects.get(meeting=meeting, member=world.secretary_member)
    items = [
        dict(se.structured_items[0], cause="宗旨意识有所淡化，习惯在办公室处理事务", measure="每月走访网格不少于8户，建立走访台账"),
        {"problem": "理论学习满足于读原文、记笔记，联系社区实际不够", "cause": "学用结合的意识不强", "measure": "每季度结合社区治理写一篇学习体会"},
    ]
    se = services.save_draft(se, {"structured_items": items, "problems": "见条目式问题清单。"}, actor=world.secretary, version=se.version)
    services.submit(se, actor=world.secretary, version=se.version)
    se.refresh_from_db()
    from meetings.choices import ReviewDecision

    services.review(se, actor=world.reviewer, decision=ReviewDecision.RETURNED, comment="第二条措施要写明完成时限。")
    se.refresh_from_db()
    items[1]["measure"] = "每季度结合社区治理写一篇学习体会，12月底前完成第一篇"
    se = services.save_draft(se, {"structured_items": items}, actor=world.secretary, version=se.version)
    services.submit(se, actor=world.secretary, version=se.version)
    return meeting, se


def _dl(world):
    meeting, leaders, superior = make_dl(world, size=3)
    make_opinion(meeting, "到分管单位调研少，听汇报多", member=leaders[1])
    services.create_materials(meeting, actor=leaders[0].user)
    se = SelfExamination.objects.get(meeting=meeting, member=leaders[1])
    text = "今年推进重点项目落实，完成各项工作任务，开展业务培训，工作取得显著成效，圆满完成全年指标。"
    se = services.save_draft(se, {"problems": text, "causes": "工作任务重", "measures": "加快推进工作"}, actor=leaders[1].user, version=se.version)
    return meeting, leaders, se


def test_edit_and_review_pages_at_desktop_and_phone(world, live_server, browser, artifacts):
    cache.clear()
    _meeting, community = _community(world)
    _dl_meeting, leaders, leader_se = _dl(world)
    for viewport, label in ((DESKTOP, "1280"), (PHONE, "390")):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, leaders[1].user.username)
        page.goto(f"{live_server.url}/meetings/materials/{leader_se.pk}/edit/")
        assert page.get_by_text("只谈工作不谈思想").first.is_visible()
        assert page.get_by_text("只讲成绩不讲问题").first.is_visible()
        assert page.get_by_text("只讲集体不讲个人").first.is_visible()
        assert_no_horizontal_scroll(page)
        if label == "390":
            assert small_tap_targets(page) == []
        page.screenshot(path=str(artifacts / f"materials_edit_dl_{label}.png"), full_page=True)
        if label == "390":  # last round: answer one warning and see it go
            page.fill("#id_thought_section", "理想信念有所弱化，党性修养上放松了要求。")
            page.get_by_role("button", name="保存草稿").click()
            page.wait_for_load_state("networkidle")
            assert page.get_by_text("已保存草稿").is_visible()
            assert not page.get_by_text("只谈工作不谈思想").count()
        context.close()

        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, world.reviewer.username)
        page.goto(f"{live_server.url}/meetings/materials/{community.pk}/")
        assert page.get_by_text("版本对比").is_visible()
        assert page.locator(".diff-side ins").first.is_visible()
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"materials_review_{label}.png"), full_page=True)
        context.close()

        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, world.secretary.username)
        team = SelfExamination.objects.get(meeting=community.meeting, member=None)
        page.goto(f"{live_server.url}/meetings/materials/{team.pk}/edit/")
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"materials_edit_community_{label}.png"), full_page=True)
        page.goto(f"{live_server.url}/meetings/{community.meeting_id}/materials/")
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"materials_list_{label}.png"), full_page=True)
        context.close()

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, world.reviewer.username)
    page.goto(f"{live_server.url}/meetings/materials/{community.pk}/")
    page.get_by_label("通过").check()
    page.get_by_role("button", name="提交审核结果").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("已审核通过").is_visible()
    community.refresh_from_db()
    assert community.status == DocStatus.APPROVED
    context.close()
    assert community.doc_kind == SelfExamKind.CHECK
