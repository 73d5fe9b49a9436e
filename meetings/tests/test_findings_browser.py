"""The meeting page's findings with names, and the problem list with materials and 测评 problems,
in a real browser at 1280 px and 390 px (screenshots test-artifacts/screenshots/olp_*.png)."""

import pytest
from django.core.cache import cache

from meetings.choices import TalkFlagKind
from meetings.services import talks
from tests.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, log_in

from .factories_prep import make_ol_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_OL_2_4_f_meeting_page_names_at_desktop_and_phone(world, live_server, browser, artifacts):
    cache.clear()
    meeting = make_ol_meeting(world.b1)
    talks.add_flag(meeting, actor=world.secretary, kind=TalkFlagKind.CONFLICT, member_a=world.member_member, member_b=world.committee_member_member)
    for viewport, label in ((DESKTOP, "1280"), (PHONE, "390")):
        for user, who in ((world.secretary, "secretary"), (world.committee_member, "committee")):
            context = browser.new_context(viewport=viewport, locale="zh-CN")
            page = context.new_page()
            log_in(page, live_server, user.username)
            page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
            mediation = page.locator("[data-rule='OL-2.4.f']")
            assert mediation.is_visible()
            text = mediation.inner_text()
            assert ("孙党员" in text) is (who == "secretary") and ("保密" in text) is (who != "secretary")
            assert_no_horizontal_scroll(page)
            page.screenshot(path=str(artifacts / f"olp_meeting_{who}_{label}.png"), full_page=True)
            mediation.screenshot(path=str(artifacts / f"olp_finding_{who}_{label}.png"))
            context.close()
