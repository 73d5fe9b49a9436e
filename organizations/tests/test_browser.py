"""Issue 3: a secretary logs in, sees their branch, is refused another branch; member list at phone and desktop widths."""

import pytest

from tests.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, log_in
from tests.factories import make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_sees_own_branch_and_is_refused_another(world, live_server, browser, artifacts):
    for i in range(30):
        make_member(world.b1, name=f"名册党员{i:02d}")
    for viewport, label in ((DESKTOP, "1280"), (PHONE, "390")):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        log_in(page, live_server, world.secretary.username)
        page.goto(f"{live_server.url}/org/{world.b1.pk}/members/")
        assert page.locator("h1").inner_text() == "党员名册"
        assert page.get_by_text("名册党员07").is_visible()
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"issue3_member_list_{label}.png"), full_page=True)
        response = page.goto(f"{live_server.url}/org/{world.b2.pk}/members/")
        assert response.status in (403, 404)
        assert "未找到" in page.content() or "无权" in page.content()
        context.close()
