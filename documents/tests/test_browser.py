"""The documents page, the template page and the batch page in a real browser (issue 9)."""

import pytest

from documents import services, templates
from documents.tasks import run_batch
from tests.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, log_in, small_tap_targets

from .factories import full_meeting
from .test_templates import GOOD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_documents_templates_and_batch_pages(world, live_server, browser, artifacts):
    meeting, _ = full_meeting(world)
    meeting.half = "year_end"  # with the 民主评议 forms: three per-person columns
    meeting.save(update_fields=["half"])
    templates.upload(world.district, "situation_report", GOOD, actor=world.operator, name="区委格式.docx")
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, world.secretary.username)
        page.goto(f"{live_server.url}/documents/meeting/{meeting.pk}/")
        assert page.locator("h1").inner_text() == "文书下载"
        assert page.get_by_text("测试区委模板第1版").is_visible()
        assert page.get_by_role("link", name="下载孙党员的党员自评表").count() == 1
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"issue9_documents_{label}.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("button", name="下载报送材料包（ZIP）").click()
        assert download.value.suggested_filename == "幸福社区党支部2026年度组织生活会报送材料.zip"
        context.close()

        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, world.operator.username)
        page.goto(f"{live_server.url}/documents/templates/org/{world.district.pk}/")
        assert page.get_by_text("本级第1版").first.is_visible()
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"issue9_templates_{label}.png"), full_page=True)
        context.close()

    job = services.start_batch(world.p1, meeting_kind="org_life", year=2026, actor=world.reviewer)
    run_batch(job.pk)
    services.start_batch(world.p1, meeting_kind="democratic_life", year=2026, actor=world.reviewer)  # still queued
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, world.reviewer.username)
    page.goto(f"{live_server.url}/documents/batch/")
    assert page.get_by_text("已生成 1 / 1 份").is_visible()
    assert page.locator("[hx-get]").count() == 1  # the queued job polls
    assert not small_tap_targets(page)
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "issue9_batch_phone.png"), full_page=True)
    context.close()
