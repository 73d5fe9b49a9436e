"""The security pages in a real browser (desktop and phone): TOTP enrolment and verification,
the three administrators' pages, the API token page and the API docs. Screenshots go to
test-artifacts/screenshots/security-*.png."""

import pytest

from accounts.choices import Role
from api.tokens import create_token
from audit.services import record
from tests.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, log_in
from tests.factories import make_role_user, totp_now

from .conftest import enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _verify(page, live_server, device):
    page.fill("#id_token", totp_now(device))
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_enrolment_and_admin_pages(page, live_server, world, artifacts, settings):
    settings.OTP_ENFORCED = True
    page.set_viewport_size(PHONE)
    log_in(page, live_server, world.reviewer.username)
    assert "/accounts/otp/setup/" in page.url
    assert page.locator("img[alt=动态口令二维码]").is_visible()
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "security-otp-setup-phone.png"), full_page=True)

    sysadmin = make_role_user(Role.SYSADMIN, world.district, display_name="系统管理员甲")
    secadmin = make_role_user(Role.SECADMIN, world.district, display_name="安全管理员乙")
    auditadmin = make_role_user(Role.AUDITADMIN, world.district, display_name="审计管理员丙")
    for _ in range(3):
        record(world.secretary, world.b1, world.b1, "auth.login")
    page.set_viewport_size(DESKTOP)
    for user, path, name in (
        (sysadmin, "/accounts/admin/users/", "security-admin-users"),
        (secadmin, "/accounts/security/policy/", "security-policy"),
        (auditadmin, "/accounts/audit/?verify=1", "security-audit-log"),
    ):
        page.context.clear_cookies()
        device = enrol(user)
        log_in(page, live_server, user.username)
        assert "/accounts/otp/verify/" in page.url
        if name == "security-admin-users":
            page.screenshot(path=str(artifacts / "security-otp-verify.png"), full_page=True)
        _verify(page, live_server, device)
        page.goto(live_server.url + path)
        assert path.split("?")[0] in page.url
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.reload()
        assert_no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / f"{name}-phone.png"), full_page=True)
        page.set_viewport_size(DESKTOP)


def test_token_page_and_api_docs(page, live_server, world, artifacts):
    create_token(world.secretary, name="区委数据看板", read_only=True)
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, world.secretary.username)
    page.goto(live_server.url + "/api/tokens/")
    page.fill("#id_name", "档案系统对接")
    page.click("form[action$='/create/'] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("code.token-value").inner_text().startswith("shh_")
    page.screenshot(path=str(artifacts / "security-tokens.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.locator("code.token-value").count() == 0  # shown once
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / "security-tokens-phone.png"), full_page=True)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)
    page.screenshot(path=str(artifacts / "security-api-docs.png"))
    assert not [e for e in errors if "Content Security Policy" in e]
