"""The ballot page on a phone (390 px) and the results page, in a real browser (issue 7)."""

import pytest
from django.core.cache import cache

from appraisal import services
from appraisal.choices import Grade
from appraisal.models import Appraisee, Ballot
from organizations.models import Member
from tests.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, log_in, small_tap_targets

from .factories import all_grades, open_appraisal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ["王建国", "李秀英", "张伟", "刘芳", "陈静", "杨洋"]


def _branch(world):
    appraisal = open_appraisal(world, extra=0)
    return appraisal


def test_ballot_page_on_a_phone_and_results_after_closing(world, live_server, browser, artifacts):
    cache.clear()
    from tests.factories import make_member

    for name in NAMES:
        make_member(world.b1, user=True, name=name)
    make_member(world.b1, user=True, name="赵预备", is_probationary=True)
    appraisal = _branch(world)
    appraisees = list(Appraisee.objects.filter(appraisal=appraisal).order_by("position"))

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, world.member.username)
    page.goto(f"{live_server.url}/appraisal/{appraisal.pk}/ballot/")
    assert page.locator("fieldset.ballot-row").count() == len(appraisees) == 10
    assert_no_horizontal_scroll(page)
    assert small_tap_targets(page) == []
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('.grade-option span')].map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])"
    )
    assert all(h >= 44 and w >= 44 for w, h in sizes), sizes
    for i, a in enumerate(appraisees):
        grade = Grade.EXCELLENT if i == 1 else Grade.QUALIFIED
        page.locator(f"input[name=g{a.pk}][value={grade}] + span").click()
    page.screenshot(path=str(artifacts / "issue7_ballot_390.png"), full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="匿名提交测评票").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("已匿名提交").first.is_visible()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "issue7_ballot_done_390.png"), full_page=True)
    context.close()
    assert Ballot.objects.filter(appraisal=appraisal).count() == 1

    voters = [m.user for m in Member.objects.filter(organization=world.b1, is_probationary=False).exclude(user=world.member)]
    for n, user in enumerate(voters):
        overrides = {appraisees[1].pk: Grade.EXCELLENT, appraisees[2].pk: Grade.EXCELLENT if n % 2 else Grade.QUALIFIED}
        if n == 0:
            overrides[appraisees[-1].pk] = Grade.BASICALLY_QUALIFIED
        services.cast_ballot(appraisal, actor=user, grades=all_grades(appraisal, overrides=overrides))
    services.close_voting(appraisal, actor=world.secretary)

    for viewport, label in ((DESKTOP, "1280"), (PHONE, "390")):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, world.secretary.username)
        page.goto(f"{live_server.url}/appraisal/{appraisal.pk}/results/")
        assert page.locator("h1").inner_text() == "民主测评结果"
        assert page.get_by_text("收回测评票").is_visible()
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"issue7_results_{label}.png"), full_page=True)
        if label == "1280":
            page.goto(f"{live_server.url}/appraisal/{appraisal.pk}/ratings/")
            page.screenshot(path=str(artifacts / "issue7_ratings_1280.png"), full_page=True)
            page.goto(f"{live_server.url}/appraisal/meeting/{appraisal.meeting_id}/")
            page.screenshot(path=str(artifacts / "issue7_meeting_1280.png"), full_page=True)
        context.close()

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, world.member.username)
    page.goto(f"{live_server.url}/appraisal/{appraisal.pk}/mine/")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "issue7_my_result_390.png"), full_page=True)
    context.close()
