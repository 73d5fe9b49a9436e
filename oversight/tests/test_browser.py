"""督导看板 and the reminder list in a real browser at 1280 px and 390 px (issue 8 items 6–7)."""

import pytest
from django.core.cache import cache

from oversight import reminders
from tests.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, log_in

from .test_dashboard import _fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_and_drill_down_at_desktop_and_phone(world, live_server, browser, artifacts):
    cache.clear()
    _fill(world)
    for viewport, label in ((DESKTOP, "1280"), (PHONE, "390")):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, world.inspector.username)
        page.goto(f"{live_server.url}/oversight/")
        assert page.locator("h1").inner_text() == f"督导看板：{world.district.name}"
        assert page.get_by_text("方案报备逾期").is_visible()
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"issue8_dashboard_{label}.png"), full_page=True)
        page.get_by_role("link", name=world.p1.name).first.click()
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == f"督导看板：{world.p1.name}"
        page.get_by_role("link", name=world.b2.name).first.click()
        page.wait_for_load_state("networkidle")
        assert page.get_by_text("本组织的会议").is_visible()
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"issue8_dashboard_branch_{label}.png"), full_page=True)
        context.close()


def test_notifications_on_a_phone(world, live_server, browser, artifacts):
    cache.clear()
    _fill(world)
    reminders.run()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, world.reviewer.username)
    page.goto(f"{live_server.url}/oversight/notifications/")
    assert page.get_by_text("今日督导摘要").is_visible()
    page.get_by_role("button", name="生成订阅链接").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text(".ics").first.is_visible()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "issue8_notifications_390.png"), full_page=True)
    context.close()
