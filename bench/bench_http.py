"""Requests per second of the meeting page under gunicorn on loopback, against a minimal Django
view on the same server (issue 11 item 2; goal ≥ 0.35×). Bounded: gunicorn with one sync worker
per core, a Python keep-alive client with 8 connections, 1 s of warm-up per URL, then four rounds
of 2 s per URL, alternating which URL goes first, so that a burst of load from other jobs on a
shared machine hits both sides alike.

Besides requests per second, the run measures the CPU time each request costs: the gunicorn
master and workers' CPU (from /proc) and the client's, per successful request. On a saturated
machine throughput is CPU per request, so `meeting_page_cpu_ratio` (minimal view's CPU per
request / meeting page's) is what the requests/s ratio converges to when nothing else runs —
the load-independent form of the same figure. The machine yardstick is taken in the same run."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, bench_secretary, dataset, tree_cpu_s, yardstick_ms  # noqa: E402

NEEDS = {"dataset"}
ROUNDS = 4
SECONDS = 2  # per URL and round
CONNECTIONS = 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load(port: int, url: str, cookie: str, seconds: float) -> tuple[int, int]:
    done, errors = [0], [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = e = 0
        while time.monotonic() < stop:
            try:
                conn.request("GET", url, headers={"Cookie": cookie, "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    n += 1
                else:
                    e += 1
            except (OSError, http.client.HTTPException):
                e += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with lock:
            done[0] += n
            errors[0] += e

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0], errors[0]


def _meeting_url(meeting) -> tuple[str, str]:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("meetings:detail", args=[meeting.pk]), "meetings:detail"
    except NoReverseMatch:
        return reverse("rectification:meeting", args=[meeting.pk]), "rectification:meeting (meetings:detail not routed yet)"


def run(ctx):
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from meetings.models import Meeting
    from organizations.models import Organization

    info = dataset(ctx)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    district = Organization.objects.get(pk=info["district_id"])
    meeting = Meeting.objects.filter(organization__path__startswith=district.path, kind="org_life", stage="rectifying").order_by("pk").first()
    user = bench_secretary(meeting.organization, "bench-http-secretary")
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    page, page_name = _meeting_url(meeting)
    connection.close()

    workers = os.cpu_count() or 2
    port = _free_port()
    env = {**os.environ, "DJANGO_DEBUG": "false"}
    log = open(ROOT / "var" / "bench-gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--chdir",
            str(ROOT / "bench"),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "benchsite:application",
        ],
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/bench-minimal/", headers={"Host": "127.0.0.1"})
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError("gunicorn did not start; see var/bench-gunicorn.log")
        urls = {"minimal": "/bench-minimal/", "meeting": page}
        totals = {label: {"ok": 0, "errors": 0, "wall": 0.0, "server_cpu": 0.0, "client_cpu": 0.0} for label in urls}
        yardsticks = [yardstick_ms()]
        for url in urls.values():
            _load(port, url, cookie, 1)
        for i in range(ROUNDS):
            order = list(urls.items()) if i % 2 == 0 else list(reversed(urls.items()))
            for label, url in order:
                server0, client0, wall0 = tree_cpu_s(server.pid), time.process_time(), time.perf_counter()
                ok, errors = _load(port, url, cookie, SECONDS)
                t = totals[label]
                t["wall"] += time.perf_counter() - wall0
                t["server_cpu"] += tree_cpu_s(server.pid) - server0
                t["client_cpu"] += time.process_time() - client0
                t["ok"] += ok
                t["errors"] += errors
        yardsticks.append(yardstick_ms())
        for label, t in totals.items():
            if t["errors"] and not t["ok"]:
                raise RuntimeError(f"{urls[label]}: every request failed")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    def rps(label):
        return totals[label]["ok"] / (ROUNDS * SECONDS)

    def per_request_ms(label, *parts):
        t = totals[label]
        return sum(t[p] for p in parts) * 1000 / max(t["ok"], 1)

    meeting_rps, minimal_rps = rps("meeting"), rps("minimal")
    cpu = {label: per_request_ms(label, "server_cpu", "client_cpu") for label in totals}
    server = {label: per_request_ms(label, "server_cpu") for label in totals}
    note = (
        f"gunicorn {workers} sync workers, {CONNECTIONS} keep-alive connections, {ROUNDS} alternating rounds of {SECONDS} s per URL, loopback, "
        f"client on the same machine; machine yardstick {yardsticks[0]} / {yardsticks[1]} ms before / after (~15 ms idle)"
    )
    return [
        {
            "name": "meeting_page_rps",
            "value": round(meeting_rps, 1),
            "unit": "req/s",
            "baseline": round(minimal_rps, 1),
            "ratio": round(meeting_rps / minimal_rps, 2) if minimal_rps else None,
            "goal": 0.35,
            "goal_op": ">=",
            "goal_on": "ratio",
            "note": f"{page_name}; baseline: minimal Django view on the same server; errors {totals['meeting']['errors']}/{totals['minimal']['errors']}; {note}",
        },
        {
            "name": "meeting_page_cpu_ms_per_request",
            "value": round(cpu["meeting"], 2),
            "unit": "ms",
            "baseline": round(cpu["minimal"], 2),
            "ratio": round(cpu["minimal"] / cpu["meeting"], 2) if cpu["meeting"] else None,
            "goal": 0.35,
            "goal_op": ">=",
            "goal_on": "ratio",
            "note": (
                "CPU per successful request, gunicorn master + workers (/proc) + the client, meeting page vs minimal view; ratio = minimal / meeting "
                f"(what the requests/s ratio is on an otherwise idle machine); server alone {server['meeting']:.2f} vs {server['minimal']:.2f} ms"
            ),
        },
        {
            "name": "machine_yardstick_http_ms",
            "value": max(yardsticks),
            "unit": "ms",
            "note": "sum(range(10**6)) before and after the load, the slower; ~15 ms idle",
        },
    ]
