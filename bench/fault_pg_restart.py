"""Fault test (issue 11 item 3): restart PostgreSQL while the app takes writes.

Gunicorn serves the project (bench/benchsite.py) against a scratch database; client threads
POST opinions, talk records (each with its audit entry, in one transaction) and rectification
progress notes (`rectification.services.report_progress`) for `SECONDS`; after `RESTART_AT`
seconds the cluster is restarted with `pg_ctlcluster --skip-systemctl-redirect <ver> <name>
restart`. Afterwards: every write the client saw acknowledged (HTTP 200 with the new id) must be
in the database, none half-written (every row has its audit entry and every audit entry its
row), the app must answer again without being restarted (CONN_HEALTH_CHECKS), and the audit
chain must verify. Reports acknowledged / found / lost (goal: 0 lost).

The cluster: FAULT_PG_CLUSTER="15 main" with FAULT_DATABASE_URL to use an existing one; by
default a dedicated loopback-only cluster `15 shhfault` on port 5433 is created once, so the
restart does not disturb other users of the main cluster. Bounded: ~40 s.

Run standalone: `python bench/fault_pg_restart.py`; `make bench DB=postgres` runs it too.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = 20
RESTART_AT = 6
THREADS = 6
KINDS = ("opinion", "talk", "progress")


def _cluster() -> tuple[str, str, str]:
    """(version, name, database URL) — creating the dedicated cluster when needed."""
    spec = os.environ.get("FAULT_PG_CLUSTER")
    if spec:
        version, name = spec.split()
        return version, name, os.environ.get("FAULT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shh_fault")
    version, name, port = "15", "shhfault", "5433"
    listed = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
    if not any(line.split()[:2] == [version, name] for line in listed.splitlines()):
        subprocess.run(["pg_createcluster", version, name, "-p", port, "--", "--auth-host=trust", "--auth-local=trust"], check=True, capture_output=True)
        conf = Path(f"/etc/postgresql/{version}/{name}/postgresql.conf")
        conf.write_text(conf.read_text() + "\nlisten_addresses = '127.0.0.1'\n")
    if not any(
        line.split()[:2] == [version, name] and "online" in line
        for line in subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout.splitlines()
    ):
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"], check=True)
    return version, name, f"postgres://postgres@127.0.0.1:{port}/shh_fault"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child() -> dict:
    """Runs with DATABASE_URL pointing at the scratch database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime

    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    from accounts.models import User
    from audit.models import AuditEntry
    from audit.services import verify_chain
    from meetings.models import Meeting, Opinion, Talk
    from organizations.models import Member, Organization, Position
    from rectification.models import ItemEvent, Problem, RectificationItem

    run_id = str(int(time.time()))
    root = Organization.objects.add_root({"name": "故障测试区委", "code": f"FAULT-D-{run_id}", "kind": "district_committee"})
    branch = Organization.objects.add_child(Organization.objects.get(pk=root.pk), {"name": "故障测试支部", "code": f"FAULT-B-{run_id}", "kind": "branch"})
    user = User.objects.create(username=f"fault-{run_id}", display_name="故障测试书记")
    members = [
        Member.objects.create(
            organization=branch,
            name=f"故障测试{i}",
            id_number_ciphertext=b"",
            id_number_index=f"fault-{run_id}-{i}",
            id_number_masked="*" * 14,
            user=user if i == 0 else None,
        )
        for i in range(2)
    ]
    Position.objects.create(organization=branch, member=members[0], kind="secretary", started_on=datetime.date(2020, 1, 1))
    today = datetime.date.today()
    meeting = Meeting.objects.create(
        organization=branch,
        kind="org_life",
        year=today.year,
        half="",
        special=True,
        title="故障测试会议",
        scheduled_date=today,
        stage="rectifying",
        rulebook_slug="district-2024",
        rulebook_version="1",
    )
    problem = Problem.objects.create(meeting=meeting, organization=branch, source="opinion", scope="organization", description="故障测试问题")
    item = RectificationItem.objects.create(
        problem=problem,
        meeting=meeting,
        organization=branch,
        goal="目标",
        measures="措施",
        responsible_organization=branch,
        deadline=today + datetime.timedelta(days=30),
        status="open",
    )
    connection.close()

    port = _free_port()
    env = {
        **os.environ,
        "BENCH_WRITE_ENDPOINTS": "1",
        "BENCH_WRITE_USER": str(user.pk),
        "BENCH_WRITE_MEETING": str(meeting.pk),
        "BENCH_WRITE_ITEM": str(item.pk),
    }
    log = open(ROOT / "var" / "fault-gunicorn.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--chdir", str(ROOT / "bench"), "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "60", "benchsite:application"],
        env=env,
        stdout=log,
        stderr=log,
    )
    acked: dict[str, list[tuple[str, int, float]]] = {k: [] for k in KINDS}
    failed = [0]
    lock = threading.Lock()
    started = time.monotonic()
    restart = {}
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/bench-minimal/", headers={"Host": "127.0.0.1"})
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        started = time.monotonic()
        stop = started + SECONDS

        def writer(n):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            i = 0
            while time.monotonic() < stop:
                kind = KINDS[(n + i) % len(KINDS)]
                marker = f"fault-{run_id}-{n}-{i}"
                i += 1
                body = urllib.parse.urlencode({"marker": marker})
                try:
                    conn.request("POST", f"/bench-write/{kind}/", body=body, headers={"Host": "127.0.0.1", "Content-Type": "application/x-www-form-urlencoded"})
                    response = conn.getresponse()
                    data = response.read()
                    if response.status == 200:
                        with lock:
                            acked[kind].append((marker, json.loads(data)["id"], time.monotonic() - started))
                        continue
                except (OSError, http.client.HTTPException, ValueError):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    failed[0] += 1
                time.sleep(0.05)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
        for t in threads:
            t.start()
        time.sleep(RESTART_AT)
        t0 = time.monotonic()
        version, name = os.environ["FAULT_CLUSTER_VERSION"], os.environ["FAULT_CLUSTER_NAME"]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"], check=True, capture_output=True)
        restart = {"at_s": round(t0 - started, 1), "took_s": round(time.monotonic() - t0, 1)}
        for t in threads:
            t.join()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    connection.close()
    prefix = f"fault-{run_id}-"
    found = {
        "opinion": set(Opinion.objects.filter(content__startswith=prefix).values_list("content", flat=True)),
        "talk": set(Talk.objects.filter(key_points__startswith=prefix).values_list("key_points", flat=True)),
        "progress": set(ItemEvent.objects.filter(item=item, kind="progress", note__startswith=prefix).values_list("note", flat=True)),
    }
    lost = {k: sorted(m for m, _pk, _t in acked[k] if m not in found[k]) for k in KINDS}
    # Half-written: a row without its audit entry or an audit entry without its row.
    audit_opinions = set(AuditEntry.objects.filter(action="bench.opinion", data__marker__startswith=prefix).values_list("object_id", flat=True))
    audit_talks = set(AuditEntry.objects.filter(action="bench.talk", data__marker__startswith=prefix).values_list("object_id", flat=True))
    opinion_ids = {str(pk) for pk in Opinion.objects.filter(content__startswith=prefix).values_list("pk", flat=True)}
    talk_ids = {str(pk) for pk in Talk.objects.filter(key_points__startswith=prefix).values_list("pk", flat=True)}
    progress_rows = ItemEvent.objects.filter(item=item, kind="progress").count()
    progress_audit = AuditEntry.objects.filter(action="item.progress", object_id=str(item.pk)).count()
    half = len(audit_opinions ^ opinion_ids) + len(audit_talks ^ talk_ids) + abs(progress_rows - progress_audit)
    after = [t for k in KINDS for _m, _pk, t in acked[k] if t > restart.get("at_s", 0) + restart.get("took_s", 0)]
    ok, bad_seq, checked = verify_chain()
    total_acked = sum(len(v) for v in acked.values())
    return {
        "acknowledged": total_acked,
        "found": sum(len(found[k] & {m for m, _pk, _t in acked[k]}) for k in KINDS),
        "lost": sum(len(v) for v in lost.values()),
        "lost_markers": {k: v[:5] for k, v in lost.items() if v},
        "committed_not_acknowledged": sum(len(found[k] - {m for m, _pk, _t in acked[k]}) for k in KINDS),
        "failed_requests": failed[0],
        "half_written": half,
        "acknowledged_after_restart": len(after),
        "restart": restart,
        "audit_chain_ok": ok,
        "audit_entries_checked": checked,
        "by_kind": {k: len(acked[k]) for k in KINDS},
    }


def run(ctx=None):
    version, name, url = _cluster()
    env = {**os.environ, "DATABASE_URL": url, "FAULT_CLUSTER_VERSION": version, "FAULT_CLUSTER_NAME": name}
    db = urllib.parse.urlparse(url)
    subprocess.run(
        [
            "psql",
            "-h",
            db.hostname,
            "-p",
            str(db.port or 5432),
            "-U",
            db.username or "postgres",
            "-d",
            "postgres",
            "-c",
            f"CREATE DATABASE {db.path.lstrip('/')}",
        ],
        capture_output=True,
    )
    out = subprocess.run([sys.executable, __file__, "--child"], env=env, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    r = json.loads(out.stdout.strip().splitlines()[-1])
    note = (
        f"cluster {version}/{name} restarted at {r['restart'].get('at_s')} s (took {r['restart'].get('took_s')} s) of {SECONDS} s; "
        f"acknowledged {r['acknowledged']} {r['by_kind']}, found {r['found']}, lost {r['lost']}; "
        f"committed but not acknowledged {r['committed_not_acknowledged']}; failed requests {r['failed_requests']}; "
        f"acknowledged after the restart {r['acknowledged_after_restart']} (no app restart); audit chain {'verifies' if r['audit_chain_ok'] else 'BROKEN'} ({r['audit_entries_checked']} entries)"
    )
    return [
        {"name": "fault_pg_restart_lost_writes", "value": r["lost"], "unit": "writes", "goal": 0, "goal_op": "<=", "note": note},
        {
            "name": "fault_pg_restart_half_written",
            "value": r["half_written"],
            "unit": "writes",
            "goal": 0,
            "goal_op": "<=",
            "note": "rows without their audit entry or audit entries without their row",
        },
        {"name": "fault_pg_restart_acknowledged", "value": r["acknowledged"], "unit": "writes", "note": f"found {r['found']}"},
        {
            "name": "fault_pg_restart_recovered_writes",
            "value": r["acknowledged_after_restart"],
            "unit": "writes",
            "goal": 1,
            "goal_op": ">=",
            "note": "writes acknowledged after the restart by the same gunicorn workers",
        },
        {"name": "fault_pg_restart_audit_chain_ok", "value": 1 if r["audit_chain_ok"] else 0, "unit": "bool", "goal": 1, "goal_op": ">="},
    ]


if __name__ == "__main__":
    if "--child" in sys.argv:
        print(json.dumps(child(), ensure_ascii=False))
    else:
        for figure in run():
            print(f"{figure['name']}: {figure['value']} {figure.get('unit', '')}  {figure.get('note', '')}")
