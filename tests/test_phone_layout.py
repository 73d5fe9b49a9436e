"""Every page a member uses works on a 390 × 844 phone (issue 12 item 4): no horizontal scroll,
tap targets of at least 44 px, and the page's main form can be filled and sent.

The state is the full demo (`load_demo`): 幸福社区第一党支部 (DEMO-B04) has this year's meeting
ready with voting open (the member `dangyuan` has not voted yet) and last year's appraisal
closed with results. Screenshots: test-artifacts/screenshots/phone-*.png.
"""

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.browser import PHONE, assert_no_horizontal_scroll, log_in, small_tap_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Shh@2026demo"

FILL_FORM = """(form) => {
    const today = new Date().toISOString().slice(0, 10);
    const radios = new Set();
    for (const el of form.querySelectorAll('input, textarea, select')) {
        if (el.disabled || el.type === 'hidden' || el.type === 'file') continue;
        if (el.type === 'radio') {
            if (!radios.has(el.name)) { radios.add(el.name);
                if (!form.querySelector(`input[type=radio][name="${el.name}"]:checked`)) el.checked = true; }
        } else if (el.type === 'checkbox') {
            /* leave as the page set them */
        } else if (el.tagName === 'SELECT') {
            if (!el.value) { const o = [...el.options].find(o => o.value); if (o) el.value = o.value; }
        } else if (el.type === 'date') {
            if (!el.value) el.value = today;
        } else if (el.type === 'number') {
            if (!el.value) el.value = '1';
        } else if (!el.value && el.type !== 'submit') {
            el.value = '在手机上填写的内容：联系群众不够经常，建议每月走访一次。';
        }
    }
}"""


# What the page says once its main form is accepted.
EXPECT = {
    "study": ("已登记自学",),
    "opinion-give": ("感谢", "已提交", "已录入"),
    "ballot": ("您的测评票已匿名提交",),
    "opinion-public": ("感谢",),
    "material-mine": ("已生成材料草稿",),
    "material-edit": ("已保存草稿", "已提交审核"),
    "rectification-item": ("已记录整改进展",),
}


def _pages(ctx):
    """(name, url, form selector or None) for every member page, from the demo's objects."""
    from django.urls import reverse

    from appraisal.models import Appraisal
    from meetings.models import Meeting

    b04 = ctx["orgs"]["DEMO-B04"]
    year = timezone.localdate().year
    current = Meeting.objects.get(organization=b04, kind="org_life", year=year, half="year_end", special=False)
    voting = Appraisal.objects.get(meeting=current)
    closed = Appraisal.objects.filter(meeting__organization=b04, meeting__year=year - 1).first()
    # Preparation still open (self-study can be marked, the public opinion link is open).
    from decimal import Decimal

    from meetings.choices import StudyForm
    from meetings.models import StudySession

    current.stage = "preparing"
    current.opinion_token = current.opinion_token or "phone-layout-token"
    current.opinion_link_open = True
    current.save(update_fields=["stage", "opinion_token", "opinion_link_open"])
    StudySession.objects.create(meeting=current, form=StudyForm.SELF, title="个人自学《中国共产党章程》", date=timezone.localdate(), hours=Decimal(6))
    from rectification.models import RectificationItem

    own_item = RectificationItem.objects.get(problem__owner_member__user__username="dangyuan", status="open")
    pages = [
        ("home", reverse("core:home"), None),
        ("study", reverse("meetings:study", args=[current.pk]), "main form[method=post]"),
        ("opinion-give", reverse("meetings:opinion_give", args=[current.pk]), "main form[method=post]"),
        ("ballot", reverse("appraisal:ballot", args=[voting.pk]), "main form[method=post]"),
        ("rectification-mine", reverse("rectification:mine"), None),
        # The member's own item, where progress is reported from the phone (OL-4.3.b).
        ("rectification-item", reverse("rectification:item", args=[own_item.pk]), "main form[action$='/progress/']"),
    ]
    committee = [("material-mine", reverse("meetings:material_mine", args=[current.pk]), "main form[method=post]")]
    if closed is not None:
        pages.insert(6, ("appraisal-mine", reverse("appraisal:mine", args=[closed.pk]), None))
    public = ("opinion-public", reverse("meetings:opinion_public", args=[current.opinion_token]), "main form[method=post]")
    return pages, committee, public


def _check(page, name, url, form, artifacts, problems, base):
    page.goto(base + url)
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    if "Traceback" in body or "Server Error" in body:
        problems.append(f"{name}: server error")
        return
    page.screenshot(path=str(artifacts / f"phone-{name}.png"), full_page=True)
    try:
        assert_no_horizontal_scroll(page)
    except AssertionError as exc:
        problems.append(f"{name}: {exc}")
    small = small_tap_targets(page)
    if small:
        problems.append(f"{name}: tap targets under 44 px: {small}")
    if form is None:
        return
    forms = page.locator(form)
    if not forms.count():
        problems.append(f"{name}: no form on the page ({body[:120]!r})")
        return
    target = forms.last if name == "study" else forms.first
    target.evaluate(FILL_FORM)
    button = target.locator("button[type=submit], button:not([type]), input[type=submit]").last
    if button.get_attribute("data-confirm"):
        page.once("dialog", lambda d: d.accept())
    button.click()
    page.wait_for_load_state("networkidle")
    after = page.inner_text("body")
    page.screenshot(path=str(artifacts / f"phone-{name}-sent.png"), full_page=True)
    if "Traceback" in after or "Server Error" in after or not any(e in after for e in EXPECT[name]):
        problems.append(f"{name}: form not accepted: {after[:300]!r}")
    try:
        assert_no_horizontal_scroll(page)
    except AssertionError as exc:
        problems.append(f"{name} (after sending): {exc}")


def test_member_pages_on_a_phone(browser, live_server, artifacts):
    from organizations import demo

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    ctx = demo.build()
    pages, committee, public = _pages(ctx)
    problems: list[str] = []

    # An ordinary member; the secretary for the material (the rulebook asks none of ordinary members here).
    for username, todo in (("dangyuan", pages), ("shuji", committee)):
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, username, PASSWORD)
        for name, url, form in todo:
            _check(page, name, url, form, artifacts, problems, live_server.url)
            if name == "material-mine" and "/materials/" in page.url:
                # The editor the start button led to: write and save the draft on the phone.
                _check(page, "material-edit", page.url.removeprefix(live_server.url), "main form[method=post][enctype]", artifacts, problems, live_server.url)
        context.close()

    anonymous = browser.new_context(viewport=PHONE, locale="zh-CN")
    _check(anonymous.new_page(), *public, artifacts, problems, live_server.url)
    anonymous.close()
    assert not problems, "\n".join(problems)
