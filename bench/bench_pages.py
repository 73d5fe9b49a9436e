"""Query counts of pages at 10 / 100 / 1,000 members (issue 11 item 2: must be equal).

Three scratch branches under the dataset's district get 10, 100 and 1,000 members, a held
组织生活会 with talks between members, opinions and rectification items; every page is requested
once per branch by an inspector and the queries are counted (in a transaction rolled back at the
end, so the dataset is unchanged). The figure is the spread (max − min) of the counts: goal 0, and
the module fails (AssertionError naming the differing statements) when any spread is not 0.

The security policy is pinned for the run (`SECURITY_POLICY_TTL = None`, as in the tests): the
middleware re-reads it at most once every 10 s per process (`accounts.policy`), so an unpinned
run adds one `accounts_securitypolicy` SELECT to whichever request happens to cross the 10 s mark
— that, not the database cache, was the off-by-one of the first runs (a time-based refresh, not a
query per member)."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_user, dataset  # noqa: E402

NEEDS = {"dataset"}
SIZES = (10, 100, 1_000)


class _Rollback(Exception):
    pass


def _branch(parent, n, serial):
    from django.utils import timezone

    from meetings.models import Meeting, Opinion, Plan, Sitting, Talk
    from organizations.models import Member, Organization, Position
    from rectification.models import Problem, RectificationItem

    parent = Organization.objects.get(pk=parent.pk)
    branch = Organization.objects.add_child(
        parent, {"name": f"测量支部{n}", "code": f"BENCH-PAGES-{n}-{serial}", "kind": "branch", "sector": "community", "has_committee": True}
    )
    members = Member.objects.bulk_create(
        Member(
            organization=branch,
            name=f"测量党员{i}",
            id_number_ciphertext=b"",
            id_number_index=f"bench-pages-{serial}-{n}-{i}",
            id_number_masked="*" * 14,
            joined_on=datetime.date(2000, 1, 1),
        )
        for i in range(n)
    )
    Position.objects.create(organization=branch, member=members[0], kind="secretary", started_on=datetime.date(2020, 1, 1))
    today = timezone.localdate()
    meeting = Meeting.objects.create(
        organization=branch,
        kind="org_life",
        year=today.year,
        half="mid_year",
        special=True,
        title="测量会议",
        scheduled_date=today,
        stage="rectifying",
        rulebook_slug="district-2024",
        rulebook_version="1",
    )
    Plan.objects.create(meeting=meeting, status="approved", scheduled_date=today)
    Sitting.objects.create(meeting=meeting, kind="general", order=1, status="closed", date=today)
    Talk.objects.bulk_create(Talk(meeting=meeting, member_a=members[i], member_b=members[-1 - i], held_on=today) for i in range(n // 2))
    Opinion.objects.bulk_create(
        Opinion(meeting=meeting, channel="form", target="person", target_member=m, content="意见", received_on=today) for m in members[: n // 2]
    )
    for m in members[: max(1, n // 10)]:
        problem = Problem.objects.create(meeting=meeting, organization=branch, source="opinion", scope="personal", owner_member=m, description="问题")
        RectificationItem.objects.create(
            problem=problem, meeting=meeting, organization=branch, goal="目标", measures="措施", responsible_member=m, deadline=today, status="open"
        )
    return branch, meeting


def _pages(branch, meeting):
    from django.urls import NoReverseMatch, reverse

    pages = {
        "organization_detail": ("organizations:detail", [branch.pk]),
        "member_list": ("organizations:member_list", [branch.pk]),
        "rectification_meeting": ("rectification:meeting", [meeting.pk]),
        "rectification_ledger": ("rectification:ledger", []),
        "oversight_dashboard_branch": ("oversight:dashboard_org", [branch.pk]),
        "meeting_detail": ("meetings:detail", [meeting.pk]),
    }
    out = {}
    for key, (name, args) in pages.items():
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            continue
        if name == "rectification:ledger":
            url += f"?org={branch.pk}"
        out[key] = url
    return out


def _tables(queries) -> list[str]:
    """The statements of one request, reduced to their verb and first table (for the diff)."""
    import re

    out = []
    for q in queries:
        sql = q["sql"]
        m = re.search(r'(?:FROM|UPDATE|INTO)\s+"?(\w+)"?', sql)
        out.append(f"{sql.split()[0]} {m.group(1) if m else ''}".strip())
    return out


def _differences(statements: dict[int, list[str]]) -> str:
    from collections import Counter

    sizes = sorted(statements)
    base = Counter(statements[sizes[0]])
    parts = []
    for n in sizes[1:]:
        other = Counter(statements[n])
        more, fewer = other - base, base - other
        if more or fewer:
            parts.append(f"{n:,} vs {sizes[0]:,} members: +{dict(more)} -{dict(fewer)}")
    return "; ".join(parts)


def run(ctx):
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.choices import Role
    from organizations.models import Organization

    info = dataset(ctx)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.OTP_ENFORCED = False  # in-process only: the inspector's TOTP step is not what is measured
    settings.SECURITY_POLICY_TTL = None  # read once, not again when 10 s have passed (see the docstring)
    from accounts import policy

    policy.forget()
    district = Organization.objects.get(pk=info["district_id"])
    counts: dict[str, dict[int, int]] = {}
    statements: dict[str, dict[int, list[str]]] = {}
    statuses: dict[str, set] = {}
    try:
        with transaction.atomic():
            user = bench_user(Role.INSPECTOR, district, "bench-pages-inspector")
            client = Client()
            client.force_login(user)
            import time

            serial = int(time.time())
            for n in SIZES:
                branch, meeting = _branch(district, n, serial)
                for key, url in _pages(branch, meeting).items():
                    client.get(url)  # warm caches (grants, rulebook)
                    with CaptureQueriesContext(connection) as ctx_q:
                        response = client.get(url)
                    counts.setdefault(key, {})[n] = len(ctx_q.captured_queries)
                    statements.setdefault(key, {})[n] = _tables(ctx_q.captured_queries)
                    statuses.setdefault(key, set()).add(response.status_code)
            raise _Rollback
    except _Rollback:
        pass
    figures, unequal = [], []
    for key, by_size in counts.items():
        spread = max(by_size.values()) - min(by_size.values())
        detail = ", ".join(f"{n:,} members: {q}" for n, q in sorted(by_size.items()))
        figures.append(
            {
                "name": f"queries_{key}_spread",
                "value": spread,
                "unit": "queries",
                "goal": 0,
                "goal_op": "<=",
                "note": f"{detail} (HTTP {'/'.join(map(str, sorted(statuses[key])))})",
            }
        )
        if spread:
            unequal.append(f"{key}: {detail}; {_differences(statements[key])}")
    if unequal:
        raise AssertionError("query counts differ with the number of members: " + " | ".join(unequal))
    return figures
