"""The meeting page in every stage, the plan and the study pages at 1280 px and 390 px."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache

from meetings.choices import PlanStatus, Stage, StudyForm
from meetings.models import GateOverride, Reading, StageChange, StudyAttendance, StudySession
from meetings.tests.factories_core import FULL_PLAN, make_meeting
from tests.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, log_in, small_tap_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _meetings(world):
    out = {}
    for i, stage in enumerate(Stage.values):
        m = make_meeting(world.b1, stage=stage, year=2020 + i, plan_status=PlanStatus.SUBMITTED if stage == Stage.PLANNING else None, **FULL_PLAN)
        if stage != Stage.PLANNING:
            StageChange.objects.create(meeting=m, from_stage=Stage.PLANNING, to_stage=Stage.PREPARING, by=world.secretary)
            GateOverride.objects.create(meeting=m, rule_id="OL-1.2.a", reason="因疫情防控推迟召开，经党工委同意。", by=world.reviewer, role="reviewer")
        out[stage] = m
    prep = out[Stage.PREPARING]
    Reading.objects.create(meeting=prep, title="《中国共产党章程》")
    s = StudySession.objects.create(meeting=prep, form=StudyForm.PARTY_LECTURE, title="书记讲专题党课", date=datetime.date(2026, 12, 1), hours=Decimal("3"))
    StudyAttendance.objects.create(session=s, member=world.member_member)
    StudyAttendance.objects.create(session=s, member=world.committee_member_member, mode="home_visit")
    return out


def test_meeting_page_in_every_stage(world, live_server, browser, artifacts):
    cache.clear()
    meetings = _meetings(world)
    for viewport, label in ((DESKTOP, "1280"), (PHONE, "390")):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, world.secretary.username)
        for stage, m in meetings.items():
            page.goto(f"{live_server.url}/meetings/{m.pk}/")
            assert page.locator("h1").inner_text() == m.title
            assert page.locator(".stage-bar li.current").inner_text() == Stage(stage).label
            assert_no_horizontal_scroll(page)
            assert small_tap_targets(page) == []
            page.screenshot(path=str(artifacts / f"ol_core_meeting_{stage}_{label}.png"), full_page=True)
        page.goto(f"{live_server.url}/meetings/{meetings[Stage.PREPARING].pk}/study/")
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"ol_core_study_{label}.png"), full_page=True)
        # the button shows the blockers when refused
        page.goto(f"{live_server.url}/meetings/{meetings[Stage.PREPARING].pk}/")
        page.get_by_role("button", name="进入下一阶段：准备就绪").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("#refused").is_visible()
        page.screenshot(path=str(artifacts / f"ol_core_refused_{label}.png"), full_page=True)
        context.close()

        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, world.reviewer.username)
        page.goto(f"{live_server.url}/meetings/{meetings[Stage.PLANNING].pk}/plan/")
        assert page.get_by_role("button", name="同意").is_visible()
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"ol_core_plan_review_{label}.png"), full_page=True)
        context.close()
