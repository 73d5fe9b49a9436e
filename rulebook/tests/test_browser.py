"""The rules pages at phone and desktop widths; an inspector chooses a rulebook."""

import pytest

from tests.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, log_in, small_tap_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rules_pages_render_at_phone_and_desktop_widths(world, live_server, browser, artifacts):
    for viewport, label in ((DESKTOP, "1280"), (PHONE, "390")):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        log_in(page, live_server, world.inspector_org.username)
        page.goto(f"{live_server.url}/rules/")
        assert page.locator("h1").inner_text() == "制度规则"
        assert_no_horizontal_scroll(page)
        assert small_tap_targets(page) == []
        page.screenshot(path=str(artifacts / f"issue4_rules_index_{label}.png"), full_page=True)
        for kind in ("org_life", "democratic_life"):
            page.goto(f"{live_server.url}/rules/district-2024/v1/?kind={kind}")
            assert "本区生活会制度（2024）" in page.locator("h1").inner_text()
            assert_no_horizontal_scroll(page)
            page.screenshot(path=str(artifacts / f"issue4_rules_{kind}_{label}.png"), full_page=False)
            page.locator("#clauses").scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / f"issue4_rules_{kind}_clauses_{label}.png"), full_page=False)
        context.close()


def test_inspector_chooses_national_baseline(world, live_server, browser):
    page = browser.new_context(viewport=DESKTOP).new_page()
    log_in(page, live_server, world.inspector_org.username)
    page.goto(f"{live_server.url}/rules/")
    page.get_by_text("为本辖区选用规则库").click()
    page.locator("select[name=slug]").first.select_option("national-baseline")
    page.once("dialog", lambda d: d.accept())
    page.locator("form button[type=submit]", has_text="选用").first.click()
    page.wait_for_load_state("networkidle")
    assert "此后新建的会议将采用“全国党内法规基线”" in page.content()
