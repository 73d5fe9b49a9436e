"""Helpers shared by the benchmark modules (not a benchmark itself: no `bench_` prefix)."""

from __future__ import annotations

import gc
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def times_ms(fn, runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    gc.collect()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    out.sort()
    return out


def p95(values: list[float]) -> float:
    return round(values[min(len(values) - 1, int(len(values) * 0.95))], 2)


def ratio(value: float, baseline: float) -> float:
    return round(value / baseline, 2) if baseline else None


def _marker(ctx) -> Path:
    from django.db import connection

    name = Path(str(connection.settings_dict["NAME"])).name
    return ROOT / "var" / f"bench-dataset-{ctx.scale}-{ctx.db}-{name}.json"


def dataset(ctx) -> dict:
    """The preset's generated dataset: migrate, then reuse the one recorded in var/ if its root
    is still in the database, else generate it (`oversight.scale.build`)."""
    from django.core.management import call_command

    from organizations.models import Organization
    from oversight import scale

    cached = getattr(ctx, "_dataset", None)
    if cached:
        return cached
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    marker = _marker(ctx)
    if marker.exists():
        info = json.loads(marker.read_text())
        if Organization.objects.filter(pk=info["root_id"], path=info["root_path"]).exists():
            ctx._dataset = info
            return info
    branches, members = scale.PRESETS[ctx.scale]
    info = scale.build(branches, members, log=lambda s: print("   " + s, flush=True))
    info["preset"] = ctx.scale
    ctx.built_dataset = True
    marker.write_text(json.dumps(info, ensure_ascii=False, indent=1))
    ctx._dataset = info
    return info


def bench_user(role: str, organization, name: str):
    """A user holding `role` at `organization` (created once, reused)."""
    import datetime

    from accounts.models import RoleAssignment, User

    user, _ = User.objects.get_or_create(username=name, defaults={"display_name": name})
    if getattr(user, "must_change_password", False):
        User.objects.filter(pk=user.pk).update(must_change_password=False)
    RoleAssignment.objects.get_or_create(user=user, role=role, organization=organization, defaults={"started_on": datetime.date(2020, 1, 1)})
    return user


def paired_ms(fn_a, fn_b, runs: int, warmup: int = 2, clock=time.perf_counter) -> tuple[list[float], list[float]]:
    """Time two ways of answering the same question alternately, run after run, so that load
    from other processes on a shared machine hits both alike (the ratio is what matters).
    `clock=time.process_time` times the process's CPU instead of wall time (on SQLite the
    database works inside the process, so that is the whole cost, minus the waits for a core)."""
    for _ in range(warmup):
        fn_a()
        fn_b()
    gc.collect()
    a, b = [], []
    for i in range(runs):
        order = ((fn_a, a), (fn_b, b)) if i % 2 == 0 else ((fn_b, b), (fn_a, a))
        for fn, out in order:
            started = clock()
            fn()
            out.append((clock() - started) * 1000)
    a.sort()
    b.sort()
    return a, b


def bench_secretary(branch, name: str):
    """The secretary of `branch` (a roster member with a login and the office), created once.
    Secretaries need no second factor, so the user reaches pages under gunicorn without TOTP."""
    import datetime

    from accounts.models import User
    from organizations.models import Member, Position

    user, _ = User.objects.get_or_create(username=name, defaults={"display_name": name})
    if getattr(user, "must_change_password", False):
        User.objects.filter(pk=user.pk).update(must_change_password=False)
    member = Member.objects.filter(user=user).first()
    if member is None:
        member = Member.objects.create(
            organization=branch,
            user=user,
            name=name,
            id_number_ciphertext=b"",
            id_number_index=f"bench-{name}",
            id_number_masked="*" * 14,
            joined_on=datetime.date(2000, 1, 1),
        )
    elif member.organization_id != branch.pk:  # left over from another dataset in the same database
        Position.objects.filter(member=member).delete()
        Member.objects.filter(pk=member.pk).update(organization=branch, is_active=True)
    if not Position.objects.filter(organization=branch, member=member, kind="secretary", ended_on__isnull=True).exists():
        Position.objects.filter(organization=branch, kind="secretary", ended_on__isnull=True).update(ended_on=datetime.date(2020, 1, 1))
        Position.objects.create(organization=branch, member=member, kind="secretary", started_on=datetime.date(2020, 1, 2))
    return user


def yardstick_ms() -> float:
    """A machine yardstick: the best of 5 runs of a fixed pure-Python loop (`sum(range(10**6))`,
    ~15 ms on an idle modern core). Report it with the figures of the same run: when it is 3 ×
    that, every wall time of the run is inflated by the other jobs on the machine."""
    best = None
    for _ in range(5):
        started = time.perf_counter()
        sum(range(1_000_000))
        took = (time.perf_counter() - started) * 1000
        best = took if best is None else min(best, took)
    return round(best, 1)


def wall_and_cpu_ms(fn, runs: int, warmup: int = 2) -> tuple[list[float], list[float]]:
    """Wall time and process CPU time (user + system) of each of `runs` calls, each sorted: CPU
    time does not count the time the process waited for a core the other jobs held."""
    for _ in range(warmup):
        fn()
    gc.collect()
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    wall.sort()
    cpu.sort()
    return wall, cpu


def median(values: list[float]) -> float:
    return round(sorted(values)[len(values) // 2], 2)


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by process `pid` and its live children (Linux /proc;
    for the gunicorn master and its workers)."""
    import os

    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total
