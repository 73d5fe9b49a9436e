"""Requests per second of the meeting page under gunicorn on loopback, against a minimal Django
view on the same server (issue 11 item 2; goal ≥ 0.35×). Bounded: gunicorn with one sync worker
per core, a Python keep-alive client with 8 connections, 8 s per URL after 1 s of warm-up."""

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

from common import ROOT, bench_secretary, dataset  # noqa: E402

NEEDS = {"dataset"}
SECONDS = 8
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
        results = {}
        for label, url in (("minimal", "/bench-minimal/"), ("meeting", page)):
            _load(port, url, cookie, 1)
            ok, errors = _load(port, url, cookie, SECONDS)
            if errors and not ok:
                raise RuntimeError(f"{url}: every request failed")
            results[label] = (ok / SECONDS, errors)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    meeting_rps, minimal_rps = results["meeting"][0], results["minimal"][0]
    note = f"gunicorn {workers} sync workers, {CONNECTIONS} keep-alive connections, {SECONDS} s each, loopback, client on the same machine"
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
            "note": f"{page_name}; baseline: minimal Django view on the same server; errors {results['meeting'][1]}/{results['minimal'][1]}; {note}",
        },
    ]
