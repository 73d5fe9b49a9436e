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
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from tests.factories import totp_now

        device = TOTPDevice.objects.filter(user__username=username).order_by("-pk").first()
        page.fill("input[name=token]", totp_now(device))
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

    def dump(self):
        for name, page in self.pages.items():
            page.screenshot(path=str(self.artifacts / f"walkthrough-ol-failed-{name}.png"), full_page=True)

    def no_error(self, page):
        text = page.inner_text("body")
        assert "Traceback" not in text and "Server Error" not in text


def _today():
    return timezone.localdate()


def _meeting_id(page):
    return int(re.search(r"/meetings/(\d+)/", page.url).group(1))


def test_year_end_org_life_walkthrough(browser, live_server, artifacts):
    from meetings.models import Meeting, StudyAttendance
    from meetings.services.study import roster_members
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
    b04_members = len(list(roster_members(meeting)))
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
    # Everyone is prefilled as present: the secretary saves without choosing 25 times.
    assert StudyAttendance.objects.filter(session__meeting=meeting).count() == b04_members
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

    try:
        _talks_to_full_coverage(walk, sec, meeting)
        _materials_with_one_returned(walk, sec, rev, meeting)
        walk.go(sec, f"/meetings/{meeting.pk}/materials/")
        walk.click(sec, "公示问题清单")
        _advance(walk, sec, meeting, "ready")
        _committee_sitting(walk, sec, meeting)
        sitting = _general_sitting_with_ballots(walk, sec, rev, meeting)
        _commentary_closing_held(walk, sec, rev, meeting, sitting)
        _problems_and_documents(walk, sec, meeting)
    except Exception:
        walk.dump()
        raise
    walk.burden.save(ROOT / "test-artifacts" / "burden.json")


def _advance(walk, page, meeting, stage):
    walk.go(page, f"/meetings/{meeting.pk}/")
    walk.click(page, next(t for t in page.get_by_role("button").all_inner_texts() if t.startswith("进入下一阶段")))
    meeting.refresh_from_db()
    assert meeting.stage == stage, page.inner_text("main")[:1500]
    walk.shot(page, f"stage-{stage}")


def _fill_material(walk, page, cause="", measure=""):
    """Fill cause and measure of every prefilled item (the problems came from the opinions)."""
    if not page.locator("textarea[name='item-0-problem']").input_value().strip():
        walk.burden.fill(page, "textarea[name='item-0-problem']", "联系流动党员不经常，对他们的思想和困难了解不够。")
    for i in range(20):
        problem = page.locator(f"textarea[name='item-{i}-problem']")
        if problem.count() == 0 or not problem.input_value().strip():
            break
        if not page.locator(f"textarea[name='item-{i}-cause']").input_value().strip():
            walk.burden.fill(page, f"textarea[name='item-{i}-cause']", cause or "宗旨意识树得不牢，联系服务群众的办法不多。")
        if not page.locator(f"textarea[name='item-{i}-measure']").input_value().strip():
            walk.burden.fill(page, f"textarea[name='item-{i}-measure']", measure or "每月10日前公布活动安排，支委分片联系流动党员，每月至少通话一次。")


def _materials_with_one_returned(walk, sec, rev, meeting):
    """The team's and the secretary's 对照检查材料 (community: itemized, OL-2.5.d); the reviewer
    returns the team's once and approves the revision (OL-2.5.g)."""
    from meetings.models import SelfExamination

    walk.go(sec, f"/meetings/{meeting.pk}/materials/")
    walk.click(sec, next(t for t in sec.get_by_role("button").all_inner_texts() if t.startswith("生成应写材料")))
    materials = list(SelfExamination.objects.filter(meeting=meeting).order_by("member_id"))
    assert materials, sec.inner_text("main")[:800]
    for se in materials:
        walk.go(sec, f"/meetings/materials/{se.pk}/edit/")
        _fill_material(walk, sec)
        if se.member_id is None:
            walk.shot(sec, "material-team-draft")
        walk.click(sec, "保存并提交审核")
        walk.no_error(sec)
    team = next(se for se in materials if se.member_id is None)
    for se in materials:
        walk.go(rev, f"/meetings/materials/{se.pk}/")
        if se.pk == team.pk:
            rev.check("input[name=decision][value=returned]")
            rev.fill("textarea[name=comment]", "原因剖析要深入到思想根源，请结合理想信念、宗旨意识再作剖析。")
        else:
            rev.check("input[name=decision][value=approved]")
        walk.click(rev, "提交审核结果")
        walk.no_error(rev)
    team.refresh_from_db()
    assert team.status == "returned", rev.inner_text("main")[:800]
    walk.go(sec, f"/meetings/materials/{team.pk}/edit/")
    walk.burden.fill(sec, "textarea[name='item-0-cause']", "理想信念和宗旨意识有所弱化，群众观点树得不牢，满足于完成上级布置的任务。")
    walk.click(sec, "保存并提交审核")
    walk.go(rev, f"/meetings/materials/{team.pk}/")
    walk.shot(rev, "material-review-diff")
    rev.check("input[name=decision][value=approved]")
    walk.click(rev, "提交审核结果")
    assert all(se.status == "approved" for se in SelfExamination.objects.filter(meeting=meeting)), rev.inner_text("main")[:800]


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


def _statement(walk, page, kind, speaker, content, target="", suggestion="", response=""):
    form = "form[action$='/statement/'] "
    walk.burden.select(page, form + "select[name=kind]", kind)
    walk.burden.select(page, form + "select[name=speaker]", str(speaker))
    if target:
        walk.burden.select(page, form + "select[name=target]", str(target))
    walk.burden.fill(page, form + "textarea[name=content]", content)
    if suggestion:
        walk.burden.fill(page, form + "textarea[name=suggestion]", suggestion)
    if response:
        walk.burden.fill(page, form + "textarea[name=response]", response)
    walk.click(page, "记录")
    walk.no_error(page)


def _open_sitting(walk, sec, meeting, label):
    walk.go(sec, f"/meetings/{meeting.pk}/sittings/")
    walk.click(sec, f"开始{label}")
    walk.no_error(sec)
    sec.get_by_role("button", name="记录会议").first.click() if sec.get_by_role("button", name="记录会议").count() else None
    sitting = meeting.sittings.get(kind="committee" if label == "支委会" else "general")
    walk.go(sec, f"/meetings/sittings/{sitting.pk}/")
    return sitting


def _committee_sitting(walk, sec, meeting):
    """支委会 first: the secretary's self-criticism, then each committee member's, and the
    secretary criticises each of them, who responds (OL-3.1.a/b/e)."""
    from meetings.services.prep_common import committee_members, secretary_of

    secretary = secretary_of(meeting)
    others = [m for m in committee_members(meeting) if m.pk != secretary.pk]
    sitting = _open_sitting(walk, sec, meeting, "支委会")
    _statement(walk, sec, "self", secretary.pk, "带头学习不够深入，对流动党员的联系和关心不够经常。")
    for m in others:
        _statement(walk, sec, "self", m.pk, "分管的志愿服务活动发动群众不够，活动安排公布不及时。")
        _statement(
            walk,
            sec,
            "mutual",
            secretary.pk,
            "组织活动前征求居民意见不够。",
            target=m.pk,
            suggestion="每月活动前到网格听取意见。",
            response="接受批评，下月起按月公布活动安排。",
        )
    walk.shot(sec, "committee-sitting")
    walk.click(sec, "结束支委会")
    sitting.refresh_from_db()
    assert sitting.status == "closed", sec.inner_text("main")[:1200]


def _general_sitting_with_ballots(walk, sec, rev, meeting):
    """党员大会: the secretary reports the team's self-examination, a member criticises, the
    民主测评 is cast on phones, the reviewer comments and the secretary sums up (OL-3.1.c, 3.2, 3.3)."""
    from meetings.services.prep_common import roster, secretary_of

    secretary = secretary_of(meeting)
    sitting = _open_sitting(walk, sec, meeting, "党员大会")
    _statement(walk, sec, "report", secretary.pk, "代表支部委员会通报对照检查情况：查摆问题3条，整改措施6项。")
    member = next(m for m in roster(meeting) if m.user_id and m.user.username == "dangyuan")
    _statement(
        walk,
        sec,
        "mutual",
        member.pk,
        "支部活动多在工作日白天，上班的党员参加不了。",
        target="team",
        suggestion="活动时间兼顾上班党员，可安排在晚上或周末。",
        response="采纳，明年起每季度至少一次周末活动。",
    )
    # 民主评议: the secretary opens the vote; members vote on their phones (OL-3.1, 民主评议党员).
    walk.go(sec, f"/appraisal/meeting/{meeting.pk}/")
    walk.click(sec, "开展民主评议")
    walk.burden.select(sec, "select[name=sitting]", str(sitting.pk))
    walk.click(sec, "开始民主测评")
    walk.no_error(sec)
    from appraisal.models import Appraisal

    appraisal = Appraisal.objects.get(meeting=meeting)
    assert appraisal.voting_status == "open", sec.inner_text("main")[:800]
    voters = [m.user.username for m in roster(meeting) if m.user_id and not m.is_probationary][:18]
    for username in voters:
        phone = walk.as_(username, PHONE)
        walk.go(phone, f"/appraisal/{appraisal.pk}/ballot/")
        for radio in phone.locator("input[type=radio][value=qualified]").all():
            radio.check()
        if username == voters[0]:
            walk.shot(phone, "ballot-phone")
            from tests.browser import assert_no_horizontal_scroll

            assert_no_horizontal_scroll(phone)
        walk.click(phone, "匿名提交测评票")
        walk.no_error(phone)
    walk.go(sec, f"/appraisal/meeting/{meeting.pk}/")
    walk.click(sec, "结束民主测评")
    walk.no_error(sec)
    walk.shot(sec, "appraisal-closed")
    return sitting


def _commentary_closing_held(walk, sec, rev, meeting, sitting):
    """The superior's guide comments with guidance points (OL-3.2), the secretary sums up and
    answers each point (OL-3.3); closing the 党员大会 makes the meeting 已召开."""
    walk.go(rev, f"/meetings/{meeting.pk}/commentary/")
    rev.fill("textarea[name=on_criticism]", "批评和自我批评开展得比较好，书记带头，委员之间能够红红脸、出出汗。")
    rev.fill("textarea[name=guidance]", "对照检查查摆的问题要逐条整改销号\n流动党员管理要建立常态化联系机制")
    walk.click(rev, "保存点评")
    walk.no_error(rev)
    walk.go(sec, f"/meetings/{meeting.pk}/closing/")
    walk.burden.fill(sec, "textarea[name=shortcomings]", "个别党员发言准备不够充分。")
    walk.burden.fill(sec, "textarea[name=rectification_opinions]", "会后一周内形成问题清单和整改措施，报街道党工委。")
    for i in range(2):
        walk.burden.fill(sec, f"textarea[name=guidance_{i}]", "坚决落实，明确责任人和时限，每月检查一次。")
    walk.burden.fill(sec, "textarea[name=opinions_response]", "对群众提出的两条意见逐条整改，整改情况在社区公示栏公开。")
    walk.burden.fill(sec, "textarea[name=commitment]", "支委会将带头整改，接受党员群众监督。")
    walk.click(sec, "保存小结")
    walk.no_error(sec)
    walk.go(sec, f"/meetings/sittings/{sitting.pk}/")
    walk.click(sec, "结束党员大会")
    meeting.refresh_from_db()
    assert meeting.stage == "held", sec.inner_text("main")[:1500]
    walk.go(sec, f"/meetings/{meeting.pk}/")
    walk.shot(sec, "meeting-held")


def _problems_and_documents(walk, sec, meeting):
    """Every problem raised becomes a ledger problem with its source (OL-4.1), and every paper
    of the meeting downloads from the data already entered (issue 9): each counts as a document
    the secretary did not type."""
    from rectification.models import Problem

    walk.go(sec, f"/meetings/{meeting.pk}/problems/")
    walk.click(sec, next(t for t in sec.get_by_role("button").all_inner_texts() if "生成" in t))
    walk.no_error(sec)
    assert Problem.objects.filter(meeting=meeting).count() >= 3, sec.inner_text("main")[:800]
    walk.shot(sec, "problems")
    walk.go(sec, f"/documents/meeting/{meeting.pk}/")
    walk.shot(sec, "documents")
    links = sec.locator("a[href*='/download/']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) >= 10
    for href in hrefs:
        response = sec.request.get(walk.url + href)
        assert response.ok, href
        disposition = response.headers.get("content-disposition", "")
        assert response.body()[:2] == b"PK", href  # .docx and .xlsx are zip files
        walk.burden.document(disposition.split("filename*=UTF-8''")[-1] or href)
