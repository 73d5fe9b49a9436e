"""督导看板 at scale (issue 11 item 2): p95 of the dashboard for a district root and for the
dataset's top root (the province, or the city for `SCALE=city`), counted live from the base
tables and read from the rollups, each against the best hand-written SQL answering the same
question on the same database (ratio goal ≤ 1.3×), plus the full page (absolute goals:
district ≤ 100 ms, top ≤ 500 ms).

On a shared machine wall times measure the other jobs as much as the page, so the run also gives
the process CPU time of the same requests (the page's p95 CPU; on SQLite, where the database
works inside the process, CPU-time p95 ratios against the hand-written SQL too) and the machine
yardstick before and after."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_user, dataset, median, p95, paired_ms, ratio, times_ms, wall_and_cpu_ms, yardstick_ms  # noqa: E402

NEEDS = {"dataset"}

LIVE_SQL = [
    # meetings per stage and kind, plans awaiting approval
    """SELECT substr(o.path, 1, %(L)s) AS g, m.kind, m.stage, COUNT(*),
              SUM(CASE WHEN p.status = 'submitted' THEN 1 ELSE 0 END)
       FROM meetings_meeting m JOIN organizations_organization o ON o.id = m.organization_id
       LEFT JOIN meetings_plan p ON p.meeting_id = m.id
       WHERE o.path LIKE %(P)s GROUP BY 1, 2, 3""",
    """SELECT substr(o.path, 1, %(L)s), COUNT(*) FROM meetings_selfexamination s
       JOIN meetings_meeting m ON m.id = s.meeting_id JOIN organizations_organization o ON o.id = m.organization_id
       WHERE s.status = 'submitted' AND o.path LIKE %(P)s GROUP BY 1""",
    """SELECT substr(o.path, 1, %(L)s), b.kind, SUM(CASE WHEN b.done_on IS NULL THEN 1 ELSE 0 END),
              SUM(CASE WHEN b.done_on > b.due_on THEN 1 ELSE 0 END)
       FROM oversight_obligation b JOIN organizations_organization o ON o.id = b.organization_id
       WHERE ((b.done_on IS NULL AND b.due_on < %(T)s) OR (b.kind = 'report' AND b.done_on > b.due_on)) AND o.path LIKE %(P)s
       GROUP BY 1, 2""",
    """SELECT substr(o.path, 1, %(L)s),
              SUM(CASE WHEN i.status IN ('open', 'closure_requested') THEN 1 ELSE 0 END),
              SUM(CASE WHEN i.status IN ('open', 'closure_requested') AND i.deadline < %(T)s THEN 1 ELSE 0 END),
              SUM(CASE WHEN i.status = 'closed' THEN 1 ELSE 0 END)
       FROM rectification_rectificationitem i JOIN organizations_organization o ON o.id = i.organization_id
       WHERE i.status <> 'draft' AND o.path LIKE %(P)s GROUP BY 1""",
    """SELECT substr(o.path, 1, %(L)s), COUNT(*)
       FROM rectification_report r JOIN organizations_organization o ON o.id = r.organization_id
       WHERE r.status = 'returned' AND o.path LIKE %(P)s GROUP BY 1""",
]
ROLLUP_SQL = "SELECT * FROM oversight_orgrollup WHERE organization_id = %(ID)s OR (path LIKE %(P)s AND depth = %(D)s)"


def _hand_written(sqls, org, today):
    from django.db import connection

    params = {"L": len(org.path) + org.steplen, "P": org.path + "%", "T": today, "ID": org.pk, "D": org.depth + 1}

    def run():
        with connection.cursor() as cursor:
            for sql in sqls:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def run(ctx):
    import time

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from accounts.choices import Role
    from organizations.models import Organization
    from oversight import counts, rollups

    info = dataset(ctx)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.OTP_ENFORCED = False  # in-process only: the inspector's TOTP step is not what is measured
    today = timezone.localdate()
    top = Organization.objects.get(pk=info["root_id"])
    district = Organization.objects.get(pk=info["district_id"])
    if not counts.from_rollups(top) or counts.from_rollups(top)[2] != today:
        rollups.rebuild(today)
    user = bench_user(Role.INSPECTOR, top, "bench-inspector")
    client = Client()
    client.force_login(user)
    figures = []
    sqlite = ctx.db == "sqlite"
    yardsticks = [yardstick_ms()]
    places = [("district", district, 100, 40)] + ([] if top.pk == district.pk else [("top", top, 500, 10)])
    branches = Organization.objects.filter(kind="branch").count()
    for label, org, goal, runs in places:
        subtree = Organization.objects.filter(path__startswith=org.path, kind="branch").count()
        note = f"{subtree:,} branches under the root; {runs} runs"
        live, live_sql = paired_ms(lambda org=org: counts.live(org, today), _hand_written(LIVE_SQL, org, today), runs)
        roll, roll_sql = paired_ms(lambda org=org: counts.from_rollups(org), _hand_written([ROLLUP_SQL], org, today), 200)
        page_live = times_ms(lambda org=org: client.get(reverse("oversight:dashboard_org", args=[org.pk]) + "?source=live"), runs, warmup=2)
        page, page_cpu = wall_and_cpu_ms(lambda org=org: client.get(reverse("oversight:dashboard_org", args=[org.pk])), runs * 2)
        if sqlite:
            live_cpu, live_sql_cpu = paired_ms(lambda org=org: counts.live(org, today), _hand_written(LIVE_SQL, org, today), runs, clock=time.process_time)
            roll_cpu, roll_sql_cpu = paired_ms(lambda org=org: counts.from_rollups(org), _hand_written([ROLLUP_SQL], org, today), 200, clock=time.process_time)
        figures += [
            {
                "name": f"dashboard_{label}_page_p95_ms",
                "value": p95(page),
                "unit": "ms",
                "goal": goal,
                "goal_op": "<=",
                "note": f"full page (rollups, in-process client, template rendered), wall time; median {median(page)} ms; process CPU p95 {p95(page_cpu)} ms; "
                + note,
            },
            {
                "name": f"dashboard_{label}_page_cpu_p95_ms",
                "value": p95(page_cpu),
                "unit": "ms",
                "goal": goal,
                "goal_op": "<=",
                "note": f"the same requests' process CPU time (user + system{', SQLite inside the process' if sqlite else ''}); median {median(page_cpu)} ms; "
                "what the page costs whatever else runs on the machine",
            },
            {
                "name": f"dashboard_{label}_page_live_p95_ms",
                "value": p95(page_live),
                "unit": "ms",
                "note": "full page counting base rows on the request (?source=live); " + note,
            },
            {
                "name": f"dashboard_{label}_rollup_counts_p95_ms",
                "value": p95(roll),
                "unit": "ms",
                "baseline": p95(roll_sql),
                "ratio": ratio(p95(roll), p95(roll_sql)),
                "goal": 1.3,
                "goal_op": "<=",
                "goal_on": "ratio",
                "note": f"figures read from the rollups (the app's query) vs the same SELECT by hand, 200 paired runs; median {round(roll[len(roll) // 2], 2)} vs {round(roll_sql[len(roll_sql) // 2], 2)} ms; goal on the ratio",
            },
            {
                "name": f"dashboard_{label}_live_counts_p95_ms",
                "value": p95(live),
                "unit": "ms",
                "baseline": p95(live_sql),
                "ratio": ratio(p95(live), p95(live_sql)),
                "goal": 1.3,
                "goal_op": "<=",
                "goal_on": "ratio",
                "note": f"five grouped aggregates over the base tables (ORM) vs the same five by hand, {runs} paired runs; median {round(live[len(live) // 2], 1)} vs {round(live_sql[len(live_sql) // 2], 1)} ms; goal on the ratio",
            },
        ]
        if sqlite:
            figures += [
                {
                    "name": f"dashboard_{label}_rollup_counts_cpu_p95_ms",
                    "value": p95(roll_cpu),
                    "unit": "ms",
                    "baseline": p95(roll_sql_cpu),
                    "ratio": ratio(p95(roll_cpu), p95(roll_sql_cpu)),
                    "goal": 1.3,
                    "goal_op": "<=",
                    "goal_on": "ratio",
                    "note": f"as dashboard_{label}_rollup_counts_p95_ms in process CPU time (SQLite works inside the process); medians {median(roll_cpu)} vs {median(roll_sql_cpu)} ms",
                },
                {
                    "name": f"dashboard_{label}_live_counts_cpu_p95_ms",
                    "value": p95(live_cpu),
                    "unit": "ms",
                    "baseline": p95(live_sql_cpu),
                    "ratio": ratio(p95(live_cpu), p95(live_sql_cpu)),
                    "goal": 1.3,
                    "goal_op": "<=",
                    "goal_on": "ratio",
                    "note": f"as dashboard_{label}_live_counts_p95_ms in process CPU time; medians {median(live_cpu)} vs {median(live_sql_cpu)} ms",
                },
            ]
    yardsticks.append(yardstick_ms())
    figures.append(
        {
            "name": "machine_yardstick_oversight_ms",
            "value": max(yardsticks),
            "unit": "ms",
            "note": f"sum(range(10**6)) before / after: {yardsticks[0]} / {yardsticks[1]} ms; ~15 ms idle",
        }
    )
    figures.append({"name": "dataset_branches", "value": branches, "unit": "branches", "note": f"preset {ctx.scale}; generated in {info.get('seconds')} s"})
    return figures
