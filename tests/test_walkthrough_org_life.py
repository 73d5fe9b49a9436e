"""The year-end 组织生活会 of the demo community branch with a 支委会, done in a real browser
from the plan to the dashboard (issue 12). Every stage leaves a screenshot in
test-artifacts/screenshots/walkthrough-ol-*.png, and the secretary's burden (fields typed by
hand, documents produced without typing) goes to test-artifacts/burden.json for `make bench`.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser import DESKTOP, PHONE, Burden

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Shh@2026demo"
ROOT = Path(__file__).resolve().parent.parent


class Walk:
    """One browser per person, with the shots and the burden of the whole walk."""

    def __init__(self, browser, live_server, artifacts):
        self.browser = browser
        self.url = live_server.url
        self.artifacts = artifacts
        self.pages = {}
        self.burden = Burden()
        self.step = 0

    def as_(self, username, viewport=DESKTOP):
        if username not in self.pages:
            context = self.browser.new_context(viewport=viewport, locale="zh-CN")
            page = context.new_page()
            page.goto(f"{self.url}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("form button[type=submit]")
            page.wait_for_load_state("networkidle")
            if "/accounts/otp/" in page.url:
                self._second_factor(page, username)
            self.pages[username] = page
        return self.pages[username]

    def _second_factor(self, page, username):
        """Reviewers must use TOTP (issue 10): enrol on first login, as a real reviewer would."""
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user__username=username).order_by("-pk").first()
        page.fill("input[name=token]", f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}")
        page.click("form button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert "/accounts/otp/" not in page.url, page.inner_text("main")[:300]

    def go(self, page, path):
        page.goto(self.url + path)
        page.wait_for_load_state("networkidle")
        return page

    def click(self, page, name, *, within=None):
        """Press a button by its text (confirm dialogs accepted, as the user would)."""
        page.once("dialog", lambda d: d.accept())
        scope = page.locator(within) if within else page
        scope.get_by_role("button", name=name, exact=True).first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(self.artifacts / "walkthrough-ol-last-click.png"), full_page=True)

    def shot(self, page, name):
        self.step += 1
        page.screenshot(path=str(self.artifacts / f"walkthrough-ol-{self.step:02d}-{name}.png"), full_page=True)

    def no_error(self, page):
        text = page.inner_text("body")
        assert "Traceback" not in text and "Server Error" not in text


def _today():
    return timezone.localdate()


def _meeting_id(page):
    return int(re.search(r"/meetings/(\d+)/", page.url).group(1))


def test_year_end_org_life_walkthrough(browser, live_server, artifacts):
    from meetings.models import Meeting
    from organizations import demo
    from organizations.models import Organization

    demo.build()
    walk = Walk(browser, live_server, artifacts)
    b04 = Organization.objects.get(code="DEMO-B04")
    today = _today()

    # 1. The secretary starts the year-end meeting and drafts the plan (OL-2.1).
    sec = walk.as_("shuji")
    walk.go(sec, "/meetings/new/")
    walk.burden.select(sec, "select[name=organization]", str(b04.pk))
    walk.burden.select(sec, "select[name=year]", str(today.year))
    walk.burden.select(sec, "select[name=half]", "year_end")
    walk.click(sec, "创建")
    walk.no_error(sec)
    assert "/plan/" in sec.url, sec.inner_text("main")[:800]
    meeting = Meeting.objects.get(pk=_meeting_id(sec))
    walk.go(sec, f"/meetings/{meeting.pk}/plan/")
    sitting_day = today + datetime.timedelta(days=20)
    walk.burden.fill(sec, "input[name=scheduled_date]", sitting_day.isoformat())
    walk.burden.fill(sec, "input[name=place]", "幸福社区党群服务中心二楼会议室")
    walk.shot(sec, "plan-draft")
    walk.click(sec, "保存并报审")
    walk.no_error(sec)
    meeting.plan.refresh_from_db()
    assert meeting.plan.status == "submitted", sec.inner_text("main")[:500]

    # 2. The reviewer of the 街道党工委 approves it; preparation opens.
    rev = walk.as_("shenhe")
    walk.go(rev, f"/meetings/{meeting.pk}/plan/")
    walk.click(rev, "同意")
    meeting.refresh_from_db()
    assert meeting.stage == "preparing", rev.inner_text("main")[:500]
    walk.shot(rev, "plan-approved")

    # 3. Study: the reading list came with the plan; one concentrated day for everyone (OL-2.2).
    walk.go(sec, f"/meetings/{meeting.pk}/study/")
    walk.burden.fill(sec, "form[action$='/readings/add/'] input[name=title]", "《中国共产党支部工作条例（试行）》")
    walk.click(sec, "添加篇目")
    sec.get_by_text("添加学习安排").click()
    add = "form[action$='/sessions/add/'] "
    walk.burden.select(sec, add + "select[name=form]", "concentrated")
    walk.burden.fill(sec, add + "input[name=title]", "集中学习党的二十届四中全会精神")
    walk.burden.fill(sec, add + "input[name=date]", (today - datetime.timedelta(days=1)).isoformat())
    walk.burden.fill(sec, add + "input[name=hours]", "8")
    walk.click(sec, "添加")
    walk.no_error(sec)
    assert meeting.study_sessions.count() == 1, sec.inner_text("main")[1200:2500]
    sec.locator("details summary", has_text="集中学习党的二十届四中全会精神").click()
    walk.click(sec, "保存参加情况")
    walk.no_error(sec)
    walk.shot(sec, "study")

    # 4. Opinions: the secretary opens the public link; a resident gives one without logging in.
    walk.go(sec, f"/meetings/{meeting.pk}/opinions/")
    sec.locator("form[action$='/opinions/link/'] button").click()
    sec.wait_for_load_state("networkidle")
    meeting.refresh_from_db()
    assert meeting.opinion_link_open
    resident = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    resident.goto(f"{walk.url}/meetings/o/{meeting.opinion_token}/")
    resident.fill("textarea[name=content]", "希望支部在每月10日前公布党员志愿服务活动安排，去年有三次活动居民临时才知道。")
    resident.click("form button[type=submit]")
    resident.wait_for_load_state("networkidle")
    assert "感谢" in resident.inner_text("body")
    resident.screenshot(path=str(artifacts / "walkthrough-ol-public-opinion-thanks.png"), full_page=True)
    walk.go(sec, f"/meetings/{meeting.pk}/opinions/")
    walk.burden.select(sec, "select[name=channel]", "forum")
    walk.burden.fill(sec, "textarea[name=r0-content]", "支部班子联系流动党员不够经常，有的流动党员半年没有接到支部电话。")
    walk.click(sec, "保存这些意见")
    walk.no_error(sec)
    assert meeting.opinions.count() == 2
    walk.shot(sec, "opinions")

    _talks_to_full_coverage(walk, sec, meeting)
    walk.burden.save(ROOT / "test-artifacts" / "burden.json")


def _talks_to_full_coverage(walk, sec, meeting):
    """Record every required talk through the talks form: date only, as the rule asks (OL-2.4)."""
    from meetings.services.talks import plan_view

    walk.go(sec, f"/meetings/{meeting.pk}/talks/")
    sec.screenshot(path=str(walk.artifacts / "walkthrough-ol-talks-start.png"), full_page=True)
    day = (_today() - datetime.timedelta(days=1)).isoformat()
    for _ in range(200):
        view = plan_view(meeting)
        if all(part.complete for part in view.coverage.parts):
            break
        part = next(p for p in view.coverage.parts if not p.complete)
        miss = part.missing[0]
        a, b = miss[0], miss[1]
        if b == "?superior" or (isinstance(b, str) and b.startswith("u")):
            a, b = b, a
        a = "u" if a == "?superior" else a
        care = "2.4.e" in part.clause
        if care:
            b, a = a, f"m{view.secretary.pk}"
        elif isinstance(b, int):
            talked = {frozenset((t.member_a_id, t.member_b_id)) for t in meeting.talks.all()}
            b = next(k for k in view.people if k != a and frozenset((int(a[1:]), int(k[1:]))) not in talked)
        add = "form[action$='/talks/add/'] "
        # The superior's head talks with the secretary himself and records it (OL-2.4.a).
        page = walk.go(walk.as_("shenhe"), f"/meetings/{meeting.pk}/talks/") if a.startswith("u") else sec
        burden = Burden() if page is not sec else walk.burden
        burden.select(page, add + "select[name=member_a]", "superior" if a.startswith("u") else a[1:])
        burden.select(page, add + "select[name=member_b]", b[1:])
        if care:
            burden.select(page, add + "select[name=kind]", "care")
        burden.fill(page, add + "input[name=held_on]", day)
        walk.click(page, "记录已谈")
        walk.no_error(page)
        if page is not sec:
            walk.go(sec, f"/meetings/{meeting.pk}/talks/")
    assert all(part.complete for part in plan_view(meeting).coverage.parts)
    walk.shot(sec, "talks-covered")
