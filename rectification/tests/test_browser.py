"""The ledger, the public page and "我的整改" in a real browser at 1280 px and 390 px (issue 8)."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from rectification import services
from rectification.choices import CommentStatus, ItemStatus, ProblemScope, ProblemSource
from tests.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, log_in

from .factories import PNG, make_item, make_meeting, make_problem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill(world):
    meeting = make_meeting(world.b1, title="幸福社区党支部2026年度组织生活会")
    rows = [
        (
            "建立党员志愿服务活动每月预告制度，居民知晓率明显提高",
            "每月25日前在居民群和公示栏发布下月活动安排；设立线上报名渠道；季度末征求居民意见并改进。",
            40,
            ItemStatus.OPEN,
            None,
        ),
        ("“三会一课”记录完整规范，做到每会必记", "统一记录本和电子台账格式，指定专人记录，书记每月检查签字。", -12, ItemStatus.OPEN, None),
        ("流动党员每季度至少参加一次组织生活", "建立流动党员联系台账，支委分片包联，每月电话联系一次。", 8, ItemStatus.CLOSURE_REQUESTED, None),
        ("党员活动室周末半天开放", "调整值班安排，周六上午由党员志愿者轮值开放。", -3, ItemStatus.CLOSED, None),
        ("坚持每天学习，每季度撰写一篇学习体会", "制定个人学习计划，每周参加一次党小组学习交流。", 60, ItemStatus.OPEN, world.member_member),
    ]
    items = []
    for goal, measures, days, status, person in rows:
        problem = make_problem(
            meeting,
            scope=ProblemScope.PERSONAL if person else ProblemScope.ORGANIZATION,
            owner_member=person,
            source=ProblemSource.OPINION if not person else ProblemSource.SELF_EXAMINATION,
            description="群众反映：" + goal[:12] + "方面存在不足。",
        )
        items.append(
            make_item(
                problem=problem,
                goal=goal,
                measures=measures,
                responsible_member=person,
                deadline=timezone.localdate() + datetime.timedelta(days=days),
                status=status,
            )
        )
    services.report_progress(items[0], actor=world.secretary, note="已在居民群发布12月活动预告。", files=[services.Upload("预告截图.png", PNG)])
    make_item(make_meeting(world.b2), goal="平安社区：完善网格员联系群众制度", deadline=timezone.localdate() + datetime.timedelta(days=20))
    services.publish_rectification(meeting, actor=world.secretary, form="网上公开页面、社区公示栏", scope="社区党员群众")
    board = services.board_for(world.b1)
    services.update_board(
        board,
        actor=world.secretary,
        version=board.version,
        show_responsible_names=False,
        comments_open=True,
        supervision_contact="社区党群服务中心 010-0000 0000",
    )
    comment = services.submit_comment(board, content="活动预告发到小区群里很方便，希望周末活动再多一些。", signature="幸福小区居民")
    services.moderate_comment(comment, actor=world.secretary, status=CommentStatus.APPROVED, reply="感谢建议，12月起每月增加一次周末活动。")
    return meeting, items, board


def test_ledger_public_page_and_my_items_at_desktop_and_phone(world, live_server, browser, artifacts):
    cache.clear()
    meeting, items, board = _fill(world)
    for viewport, label in ((DESKTOP, "1280"), (PHONE, "390")):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, world.reviewer.username)
        page.goto(f"{live_server.url}/rectification/ledger/")
        assert page.locator("h1").inner_text() == "整改台账"
        assert page.get_by_text("平安社区：完善网格员联系群众制度").is_visible()
        assert page.locator("tr.row-overdue").count() == 1
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"issue8_ledger_{label}.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("button", name="导出Excel").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        context.close()

        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{live_server.url}/rectification/p/{board.token}/")
        assert page.locator("h1").inner_text() == world.b1.name
        assert page.get_by_text("整改措施公示").first.is_visible()
        assert world.member_member.name not in page.content()
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"issue8_public_{label}.png"), full_page=True)
        context.close()

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, world.member.username)
    page.goto(f"{live_server.url}/rectification/mine/")
    page.get_by_text("坚持每天学习").click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_note", "本周完成两次学习交流。")
    page.set_input_files("#id_files", files=[{"name": "学习笔记.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="提交进展").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("已记录整改进展").is_visible()
    assert page.get_by_text("学习笔记.png").is_visible()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "issue8_my_item_390.png"), full_page=True)
    context.close()


def test_public_comment_from_a_phone(world, live_server, browser, artifacts):
    cache.clear()
    _meeting, _items, board = _fill(world)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/rectification/p/{board.token}/")
    page.fill("#id_content", "希望活动室晚上也能开放一段时间。")
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("留言已收到，经审核后公开").is_visible()
    assert not page.get_by_text("希望活动室晚上也能开放").count()
    context.close()
