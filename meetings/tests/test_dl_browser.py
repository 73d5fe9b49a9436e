"""The public notice, the printable notice and the meeting record in a real browser (issue 6)."""

import pytest
from django.core.cache import cache

from meetings.services import dl
from tests.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, log_in

from .factories_dl import make_dl_meeting, ready_sitting, run_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held(world, monkeypatch):
    """A meeting with its notice published and its record complete (one absentee, two observers)."""
    from meetings import lifecycle

    monkeypatch.setattr(lifecycle, "findings", lambda *a, **k: [])  # preparation records are not the point here
    cache.clear()
    ctx = make_dl_meeting(world)
    from .factories_dl import decide_and_file

    decide_and_file(ctx)
    notice = dl.save_notice(
        ctx.meeting,
        actor=ctx.main.user,
        data={
            "title": "关于召开第一街道党工委2026年度民主生活会的公告",
            "meeting_time_text": f"{ctx.date:%Y年%-m月%-d日} 上午9:00",
            "body": dl.notice_default_body(ctx.meeting),
            "opinion_channels": "1. 街道一楼大厅意见箱；\n2. 电话：010-00000000（工作日）；\n3. 电子邮箱：jiedao@example.org。",
            "opinion_deadline": ctx.date,
            "form": "书面通知、街道公示栏、政务内网",
            "scope": "街道机关干部职工、辖区社区党组织和居民群众",
            "is_public": True,
        },
    )
    dl.publish_notice(notice, actor=ctx.main.user)
    absent, proxy = ctx.leaders[3], ctx.leaders[1]
    sitting, _ = ready_sitting(world, ctx, absent=absent, proxy=proxy, observers=[("张代表", "deputy"), ("刘大姐", "service_recipient")])
    run_meeting(world, sitting, ctx, present=[m for m in ctx.leaders if m != absent])
    dl.close_sitting(sitting, actor=ctx.main.user)
    return ctx


def test_public_notice_and_printable_notice(world, held, live_server, browser, artifacts):
    meeting = held.meeting
    for viewport, label in ((DESKTOP, "1280"), (PHONE, "390")):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{live_server.url}/meetings/dl/public/{meeting.public_token}/")
        assert "关于召开" in page.locator("h1").inner_text()
        assert page.get_by_text("街道一楼大厅意见箱").is_visible()
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"issue6_public_notice_{label}.png"), full_page=True)
        context.close()
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, held.main.user.username)
    page.goto(f"{live_server.url}/meetings/dl/{meeting.pk}/notice/print/")
    assert page.locator(".dl-paper").is_visible()
    page.screenshot(path=str(artifacts / "issue6_notice_print.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "issue6_notice_print_media.png"), full_page=True)
    context.close()


def test_meeting_record(world, held, live_server, browser, artifacts):
    meeting = held.meeting
    for viewport, label in ((DESKTOP, "1280"), (PHONE, "390")):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, held.main.user.username)
        page.goto(f"{live_server.url}/meetings/dl/{meeting.pk}/sitting/")
        assert page.locator("h1").inner_text() == "民主生活会记录"
        assert page.get_by_text("张代表 · 两代表一委员").is_visible()
        assert page.locator(".dl-item.is-done").count() == meeting.sittings.get().agenda.count()
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"issue6_meeting_record_{label}.png"), full_page=True)
        context.close()


def test_plan_and_inspector_filings_with_a_late_filing(world, live_server, browser, artifacts, monkeypatch):
    from meetings import lifecycle

    from .factories_dl import decide_and_file

    monkeypatch.setattr(lifecycle, "findings", lambda *a, **k: [])
    cache.clear()
    ctx = decide_and_file(make_dl_meeting(world), days_before=16)
    late = decide_and_file(make_dl_meeting(world, team=ctx.team, leaders=ctx.leaders), days_before=14)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, world.inspector.username)
    page.goto(f"{live_server.url}/meetings/dl/filings/")
    assert page.get_by_text("逾期1日").count() == 2
    page.screenshot(path=str(artifacts / "issue6_filings_1280.png"), full_page=True)
    page.goto(f"{live_server.url}/meetings/dl/{late.meeting.pk}/plan/")
    assert page.get_by_text("逾期报备的豁免").is_visible()
    page.screenshot(path=str(artifacts / "issue6_plan_late_1280.png"), full_page=True)
    context.close()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, world.inspector.username)
    page.goto(f"{live_server.url}/meetings/dl/filings/")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "issue6_filings_390.png"), full_page=True)
    context.close()
