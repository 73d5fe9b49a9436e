"""Personas shared by every test: a small district with two party committees.

    district (D)
    ├── committee P1 ── branch B1 (community, 支委会)  ← secretary, committee_member, member
    │               └── branch B2 (sibling)           ← outsider (secretary of B2)
    └── committee P2 ── branch B3
reviewer: at P1; inspector and operator: at D.
"""

import os
from types import SimpleNamespace

import pytest

from tests.factories import make_member, make_org, make_position, make_role_user

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db):
    from accounts.choices import Office, Role
    from organizations.choices import OrgKind, PositionKind, Sector

    d = make_org(kind=OrgKind.DISTRICT_COMMITTEE, name="测试区委")
    p1 = make_org(d, kind=OrgKind.PARTY_COMMITTEE, name="第一街道党工委")
    p2 = make_org(d, kind=OrgKind.PARTY_COMMITTEE, name="教育局党委")
    b1 = make_org(p1, sector=Sector.COMMUNITY, has_committee=True, name="幸福社区党支部")
    b2 = make_org(p1, sector=Sector.COMMUNITY, has_committee=False, name="平安社区党支部")
    b3 = make_org(p2, sector=Sector.SCHOOL, has_committee=True, name="一中党支部")

    sec_m = make_member(b1, user=True, name="赵书记")
    make_position(b1, sec_m, PositionKind.SECRETARY)
    com_m = make_member(b1, user=True, name="钱委员")
    make_position(b1, com_m, PositionKind.COMMITTEE_MEMBER)
    mem_m = make_member(b1, user=True, name="孙党员")
    out_m = make_member(b2, user=True, name="李书记")
    make_position(b2, out_m, PositionKind.SECRETARY)
    b3_sec = make_member(b3, user=True, name="周书记")
    make_position(b3, b3_sec, PositionKind.SECRETARY)

    return SimpleNamespace(
        district=d,
        p1=p1,
        p2=p2,
        b1=b1,
        b2=b2,
        b3=b3,
        secretary=sec_m.user,
        committee_member=com_m.user,
        member=mem_m.user,
        outsider=out_m.user,
        secretary_member=sec_m,
        committee_member_member=com_m,
        member_member=mem_m,
        outsider_member=out_m,
        b3_secretary=b3_sec.user,
        reviewer=make_role_user(Role.REVIEWER, p1, display_name="吴审核"),
        reviewer2=make_role_user(Role.REVIEWER, p2, display_name="郑审核"),
        inspector=make_role_user(Role.INSPECTOR, d, Office.DISCIPLINE, display_name="纪委王"),
        inspector_org=make_role_user(Role.INSPECTOR, d, Office.ORGANIZATION_DEPT, display_name="组织部冯"),
        operator=make_role_user(Role.OPERATOR, d, display_name="运维陈"),
    )


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is right for production and far too slow for thousands of test logins."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# -- browser tests (Playwright driving Debian's chromium; never `playwright install`) -------
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture
def artifacts():
    """Folder for screenshots a person looks at (kept by CI as test artifacts)."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def _audit_append_only(request):
    """Keep the append-only triggers on during every database test; drop them only so that
    a transactional test's teardown can flush its tables."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    transactional = bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in names or "live_server" in names
    if not (marker or transactional or "db" in names):
        yield
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    from audit.db import drop_triggers, install_triggers

    install_triggers(connection)
    yield
    if transactional:
        drop_triggers(connection)


# --- security-api: two-factor enforcement and the security-policy cache -------------------
# Production enforces TOTP for reviewers, inspectors, operators and administrators
# (accounts.middleware). Tests log personas in with `force_login`, which cannot present a
# second factor, so enforcement is off by default here; accounts/tests switch it back on
# with `settings.OTP_ENFORCED = True` where they test it. The policy is cached for the whole
# test (warmed here, so query-count assertions never see its one query).
@pytest.fixture(autouse=True)
def _security_policy_for_tests(request, settings):
    settings.OTP_ENFORCED = False
    settings.SECURITY_POLICY_TTL = None
    from accounts import policy

    policy.forget()
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    transactional = bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in names or "live_server" in names
    if marker or transactional or "db" in names:
        request.getfixturevalue("transactional_db" if transactional else "db")
        policy.current()
    yield
    policy.forget()


# --- end security-api ----------------------------------------------------------------------
