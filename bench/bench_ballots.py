"""Loopback load on the anonymous ballot (issue 7): 500 voters of one branch submit at the same
time against gunicorn + PostgreSQL; 50 of them submit twice at once. Reports ballots expected
vs stored (must be equal), duplicates (must be 0), and the p95 latency of the submission.

Needs PostgreSQL (`make bench DB=postgres`): SQLite serializes every writer, so a concurrent
load says nothing there; on SQLite the module reports that it was skipped.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

VOTERS = 500
DOUBLE = 50  # voters who press "submit" twice at the same moment
SEQUENTIAL = 20  # voters who submit one after another first (the unqueued service time)
WORKERS, THREADS = 3, 8
ORG_CODE = "BENCH-BALLOTS"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _skip(reason: str) -> list[dict]:
    return [{"name": "ballots_load_skipped", "value": None, "unit": "", "note": reason}]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _id_number(i: int) -> str:
    from organizations import idnumber

    body = f"{120100 + i // 1000:06d}19660606{i % 1000:03d}"
    return body + idnumber.check_digit(body)


def _prepare():
    """A branch of 500 members with accounts and sessions, and an open appraisal on a fresh
    year-end meeting. Members and users are reused between runs."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from appraisal import services
    from meetings.models import Meeting
    from organizations.choices import OrgKind, PositionKind, Sector
    from organizations.models import Member, Organization, Position

    org = Organization.objects.filter(code=ORG_CODE).first()
    if org is None:
        root = Organization.objects.add_root({"name": "压测区委", "code": ORG_CODE + "-D", "kind": OrgKind.DISTRICT_COMMITTEE})
        parent = Organization.objects.add_child(root, {"name": "压测党委", "code": ORG_CODE + "-P", "kind": OrgKind.PARTY_COMMITTEE})
        org = Organization.objects.add_child(parent, {"name": "压测党支部", "code": ORG_CODE, "kind": OrgKind.BRANCH, "sector": Sector.OTHER})
    User = get_user_model()
    members = list(Member.objects.filter(organization=org).order_by("pk"))
    if len(members) < VOTERS:
        new = []
        for i in range(len(members), VOTERS):
            user = User(username=f"bench-voter-{i:03d}", display_name=f"压测党员{i:03d}")
            user.set_unusable_password()
            user.save()
            member = Member(organization=org, name=f"压测党员{i:03d}", user=user)
            member.set_id_number(_id_number(i))
            new.append(member)
        Member.objects.bulk_create(new)
        members = list(Member.objects.filter(organization=org).order_by("pk"))
    if not Position.objects.filter(organization=org, kind=PositionKind.SECRETARY, ended_on__isnull=True).exists():
        Position.objects.create(organization=org, member=members[0], kind=PositionKind.SECRETARY, started_on=datetime.date(2024, 1, 1))
    year = timezone.localdate().year
    Meeting.objects.filter(organization=org).delete()
    meeting = Meeting.objects.create(
        organization=org,
        kind="org_life",
        half="year_end",
        year=year,
        title=f"压测党支部{year}年度组织生活会",
        stage="ready",
        rulebook_slug="district-2024",
        rulebook_version="1",
    )
    secretary = members[0].user
    appraisal = services.start(meeting, actor=secretary)
    appraisal = services.open_voting(appraisal, actor=secretary, mode="window", window_end=timezone.now() + datetime.timedelta(hours=2))
    backend = next((b for b in settings.AUTHENTICATION_BACKENDS if b.endswith("ModelBackend")), settings.AUTHENTICATION_BACKENDS[-1])
    sessions = []
    for member in members:
        user = member.user
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY], store[HASH_SESSION_KEY] = str(user.pk), backend, user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    return appraisal, sessions


def _start_gunicorn(port: int, root: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_HTTPS": "false", "DJANGO_DEBUG": "false", "DB_CONN_MAX_AGE": "60"}
    cmd = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}"]
    cmd += ["-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS), "--backlog", "2048", "--timeout", "120", "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited: " + proc.stderr.read().decode(errors="replace")[-2000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not start within 60 s")


async def _open_page(client, base, appraisal_id, session_key, gate):
    """Phase 1: a voter opens the ballot page (the CSRF token comes with it). People open the
    page over some minutes, not in the same second, so this phase is throttled."""
    cookies = {"sessionid": session_key}
    url = f"{base}/appraisal/{appraisal_id}/ballot/"
    async with gate:
        page = await client.get(url, cookies=cookies)
    match = TOKEN.search(page.text)
    if page.status_code != 200 or match is None:
        return None
    cookies["csrftoken"] = page.cookies.get("csrftoken") or ""
    return url, cookies, match.group(1)


async def _submit(client, form, grades_form, times, outcomes):
    url, cookies, token = form
    started = time.perf_counter()
    try:
        response = await client.post(url, data={"csrfmiddlewaretoken": token, **grades_form}, cookies=cookies, headers={"Referer": url})
    except Exception as exc:  # noqa: BLE001 - counted as an error figure
        outcomes.append(f"POST {type(exc).__name__}")
        return
    times.append((time.perf_counter() - started) * 1000)
    if response.status_code == 302:
        outcomes.append("stored")
    elif "已经投过票" in response.text:
        outcomes.append("refused_duplicate")
    else:
        outcomes.append(f"POST {response.status_code}")


async def _load(base, appraisal_id, sessions, grades_form):
    import httpx

    limits = httpx.Limits(max_connections=VOTERS + DOUBLE, max_keepalive_connections=0)
    times, outcomes = [], []
    async with httpx.AsyncClient(limits=limits, timeout=900, follow_redirects=False) as client:
        gate = asyncio.Semaphore(WORKERS * THREADS)
        forms = await asyncio.gather(*(_open_page(client, base, appraisal_id, key, gate) for key in sessions[:VOTERS]))
        missing = sum(1 for f in forms if f is None)
        outcomes.extend(["GET failed"] * missing)
        ready = [f for f in forms if f is not None]
        # Phase 2a: a few voters one after another (service time without queueing).
        sequential = []
        for f in ready[:SEQUENTIAL]:
            await _submit(client, f, grades_form, sequential, outcomes)
        # Phase 2b: every other voter submits at the same moment; DOUBLE of them press twice.
        rest = ready[SEQUENTIAL:]
        started = time.perf_counter()
        posts = [_submit(client, f, grades_form, times, outcomes) for f in rest]
        posts += [_submit(client, f, grades_form, times, outcomes) for f in rest[:DOUBLE]]
        await asyncio.gather(*posts)
        burst = time.perf_counter() - started
    return times, sequential, outcomes, burst


def _pct(values, p):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p))], 1) if values else None


def run(ctx):
    if ctx.db != "postgres":
        return _skip("skipped: needs PostgreSQL (run `make bench DB=postgres`); SQLite serializes writers, so a concurrent load proves nothing there")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from appraisal import services
    from appraisal.models import Appraisee, Ballot, VotingRight

    appraisal, sessions = _prepare()
    grades_form = {f"g{pk}": "qualified" for pk in Appraisee.objects.filter(appraisal=appraisal).values_list("pk", flat=True)}
    port = _free_port()
    proc = _start_gunicorn(port, ctx.root)
    try:
        started = time.perf_counter()
        times, sequential, outcomes, burst = asyncio.run(_load(f"http://127.0.0.1:{port}", appraisal.pk, sessions, grades_form))
        wall = time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    stored = Ballot.objects.filter(appraisal=appraisal).count()
    rights_used = VotingRight.objects.filter(appraisal=appraisal, used=True).count()
    secretary = appraisal.created_by
    closing = time.perf_counter()
    closed = services.close_voting(appraisal, actor=secretary)
    close_ms = round((time.perf_counter() - closing) * 1000)
    errors = [o for o in outcomes if o not in ("stored", "refused_duplicate")]
    note = (
        f"{VOTERS} voters (each GET then POST a ballot grading all {VOTERS} members): {SEQUENTIAL} submit one by one, then {VOTERS - SEQUENTIAL} at once, {DOUBLE} of them twice; "
        f"gunicorn {WORKERS}×{THREADS} gthread on {os.cpu_count()} CPUs (load average {os.getloadavg()[0]:.1f} at the end); pages opened first ({WORKERS * THREADS} at a time); "
        f"burst {burst:.1f} s, wall {wall:.1f} s; "
        f"outcomes: {outcomes.count('stored')} stored, {outcomes.count('refused_duplicate')} refused as duplicates, {len(errors)} errors {errors[:3]}"
    )
    return [
        {"name": "ballots_expected", "value": VOTERS, "unit": "ballots", "note": note},
        {"name": "ballots_stored", "value": stored, "unit": "ballots", "goal": VOTERS, "goal_op": ">="},
        {"name": "ballots_missing_or_extra", "value": abs(stored - VOTERS), "unit": "ballots", "goal": 0, "goal_op": "<="},
        {"name": "ballot_duplicates", "value": max(0, stored - rights_used) + max(0, stored - VOTERS), "unit": "ballots", "goal": 0, "goal_op": "<="},
        {"name": "ballot_double_submissions_refused", "value": outcomes.count("refused_duplicate"), "unit": "requests", "goal": DOUBLE, "goal_op": ">="},
        {"name": "ballot_request_errors", "value": len(errors), "unit": "requests", "goal": 0, "goal_op": "<="},
        {
            "name": "ballot_submit_sequential_p50_ms",
            "value": _pct(sequential, 0.5),
            "unit": "ms",
            "goal": 1000,
            "goal_op": "<=",
            "note": f"{SEQUENTIAL} submissions one after another: the service time without queueing",
        },
        {"name": "ballot_submit_p50_ms", "value": _pct(times, 0.5), "unit": "ms"},
        {
            "name": "ballot_submit_p95_ms",
            "value": _pct(times, 0.95),
            "unit": "ms",
            "goal": 5000,
            "goal_op": "<=",
            "note": "all submissions are sent at the same moment, so this includes queueing behind the others",
        },
        {
            "name": "ballot_close_ms",
            "value": close_ms,
            "unit": "ms",
            "note": f"count {closed.ballots_cast} ballots and re-write them in shuffled order, then count {stored}×{VOTERS} grades into tallies",
        },
    ]
