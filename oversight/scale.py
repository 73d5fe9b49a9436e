"""Synthetic data at district, city and province scale (issue 11 item 1).

The tree looks like a real one: (province →) cities → districts → party committees → general
branches → branches, ~1,500 branches a district, ~50 a committee, a third of them under 党总支.
Every branch has this year's 组织生活会 in a stage that cycles through all seven and last
year's closed one; every party committee a 民主生活会 (this year's, any stage). Meetings carry
plans, sittings, talks, opinions, self-examinations, problems with items open / overdue / closed,
reports (some late, some returned) and the computed obligations; finally the rollups are built.

Rows are written with COPY on PostgreSQL (psycopg `cursor.copy`) and `bulk_create` on SQLite,
with explicit primary keys so foreign keys need no lookups; treebeard's materialized paths are
computed directly (`Organization._get_path`). Members get synthetic, non-personal identifiers
(no encryption per row: the blind index is a unique placeholder and the ciphertext empty).
"""

from __future__ import annotations

import datetime
import math
import random
import time
from collections.abc import Callable

from django.db import connection, models, transaction
from django.utils import timezone

PRESETS = {"district": (1_500, 20), "city": (30_000, 20), "province": (300_000, 20)}
BRANCHES_PER_DISTRICT = 1_500
DISTRICTS_PER_CITY = 15
BRANCHES_PER_COMMITTEE = 50
STAGES = ("planning", "preparing", "ready", "held", "rectifying", "reported", "closed")


class Writer:
    """Buffers rows per model and writes them in bulk; ids are assigned here."""

    def __init__(self, log: Callable[[str], None] = print, batch: int = 50_000):
        self.rows: dict[type[models.Model], list[tuple]] = {}
        self.next_id: dict[type[models.Model], int] = {}
        self.columns: dict[type[models.Model], list] = {}
        self.counts: dict[str, int] = {}
        self.batch = batch
        self.log = log
        self.now = timezone.now()
        self.pg = connection.vendor == "postgresql"

    def _fields(self, model):
        if model not in self.columns:
            self.columns[model] = [f for f in model._meta.concrete_fields]
            self.next_id[model] = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
            self.rows[model] = []
        return self.columns[model]

    def add(self, model, **values) -> int:
        fields = self._fields(model)
        pk = self.next_id[model]
        self.next_id[model] += 1
        values["id"] = pk
        row = []
        for f in fields:
            if f.attname in values:
                row.append(values[f.attname])
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                row.append(self.now)
            elif f.has_default():
                row.append(f.get_default())
            elif f.null:
                row.append(None)
            else:
                row.append("")
        self.rows[model].append(tuple(row))
        if len(self.rows[model]) >= self.batch:
            self.flush(model)
        return pk

    def flush(self, model=None):
        for m in [model] if model else list(self.rows):
            rows = self.rows[m]
            if not rows:
                continue
            fields = self.columns[m]
            if self.pg:
                cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
                with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {m._meta.db_table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row([_pg(v) for v in row])
            else:
                objs = []
                for row in rows:
                    obj = m.__new__(m)
                    obj.__dict__.update({f.attname: v for f, v in zip(fields, row, strict=True)})
                    obj._state = models.base.ModelState()
                    objs.append(obj)
                m.objects.bulk_create(objs, batch_size=500)
            self.counts[m._meta.label] = self.counts.get(m._meta.label, 0) + len(rows)
            self.rows[m] = []

    def finish(self):
        self.flush()
        if self.pg:
            with connection.cursor() as cursor:
                for m in self.columns:
                    table = m._meta.db_table
                    # Table names come from the models, never from input.
                    sql = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table)}))"  # noqa: S608
                    cursor.execute(sql, [table])


def _pg(value):
    import json

    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def shape_of(preset: str, branches: int | None = None) -> tuple[int, int, int]:
    """(branches, members per branch, branches per district) of `preset`; with `branches`, the
    preset's tree shape (its number of districts, hence cities and the province root) with that
    many branches spread over it — a small run of the province's code paths (province root →
    cities → districts) without building 300,000 branches."""
    full, members = PRESETS[preset]
    if not branches:
        return full, members, BRANCHES_PER_DISTRICT
    districts = math.ceil(full / BRANCHES_PER_DISTRICT)
    return branches, members, max(1, math.ceil(branches / districts))


def build(
    branches: int,
    members_per_branch: int,
    *,
    seed: int = 7,
    log: Callable[[str], None] = print,
    year: int | None = None,
    branches_per_district: int = BRANCHES_PER_DISTRICT,
) -> dict:
    from meetings.models import Meeting, Opinion, Plan, SelfExamination, Sitting, Talk
    from organizations.models import Member, Organization
    from oversight import obligations, rollups
    from oversight.models import Obligation
    from rectification.models import Problem, RectificationItem, Report

    started = time.perf_counter()
    rnd = random.Random(seed)
    today = timezone.localdate()
    year = year or today.year
    w = Writer(log)
    Org = Organization
    run = Org.objects.count() + 1  # keeps codes unique when generating twice
    params = obligations.params("district-2024", "1")

    def org(parent_path, depth, pos, name, kind, sector="other", has_committee=False, numchild=0):
        path = Org._get_path(parent_path, depth, pos)
        pk = w.add(
            Org,
            path=path,
            depth=depth,
            numchild=numchild,
            name=name,
            short_name=name[-12:],
            code=f"G{run}-{path}",
            kind=kind,
            sector=sector,
            has_committee=has_committee,
            is_active=True,
        )
        return pk, path

    n_districts = max(1, math.ceil(branches / branches_per_district))
    n_cities = math.ceil(n_districts / DISTRICTS_PER_CITY) if n_districts > 1 else 0
    root_pos = Org.objects.get_root_nodes().count() + 1
    with transaction.atomic():
        # -- the tree ---------------------------------------------------------------------
        districts = []  # (pk, path, branch count)
        per_district = [branches // n_districts + (1 if i < branches % n_districts else 0) for i in range(n_districts)]
        if n_cities == 0:
            pk, path = org(None, 1, root_pos, "模拟区委", "district_committee", numchild=0)
            districts.append((pk, path, per_district[0], 1))
            root = (pk, path)
        else:
            multi_city = n_cities > 1
            if multi_city:
                root = org(None, 1, root_pos, "模拟省委", "district_committee", numchild=n_cities)
                city_parent, city_depth = root[1], 2
            else:
                city_parent, city_depth = None, 1
            d_index = 0
            for c in range(n_cities):
                n_here = min(DISTRICTS_PER_CITY, n_districts - d_index)
                city = org(city_parent, city_depth, c + 1 if multi_city else root_pos, f"模拟市委{c + 1}", "district_committee", numchild=n_here)
                if not multi_city:
                    root = city
                for d in range(n_here):
                    pk, path = org(city[1], city_depth + 1, d + 1, f"模拟市{c + 1}区委{d + 1}", "district_committee")
                    districts.append((pk, path, per_district[d_index], city_depth + 1))
                    d_index += 1
        committees, branch_rows = [], []  # (pk, path, depth), (pk, path, depth, sector)
        sectors = ("community", "school", "district_organ", "public_institution", "station", "other")
        child_counts = {}
        for dpk, dpath, n_branches, ddepth in districts:
            n_comm = max(1, math.ceil(n_branches / BRANCHES_PER_COMMITTEE))
            child_counts[dpk] = n_comm
            left = n_branches
            for ci in range(n_comm):
                here = min(BRANCHES_PER_COMMITTEE, left)
                left -= here
                under_general = here // 3
                direct = here - under_general
                n_general = 2 if under_general >= 2 else (1 if under_general else 0)
                cpk, cpath = org(dpath, ddepth + 1, ci + 1, f"{dpath[-4:]}第{ci + 1}党委", "party_committee", has_committee=True, numchild=direct + n_general)
                committees.append((cpk, cpath, ddepth + 1))
                pos = 0
                for _ in range(direct):
                    pos += 1
                    sector = sectors[rnd.randrange(len(sectors))]
                    bpk, bpath = org(cpath, ddepth + 2, pos, f"{cpath[-8:]}支部{pos}", "branch", sector=sector, has_committee=members_per_branch >= 7)
                    branch_rows.append((bpk, bpath, sector))
                for g in range(n_general):
                    pos += 1
                    size = under_general // n_general + (1 if g < under_general % n_general else 0)
                    gpk, gpath = org(cpath, ddepth + 2, pos, f"{cpath[-8:]}总支{g + 1}", "general_branch", has_committee=True, numchild=size)
                    for b in range(size):
                        sector = sectors[rnd.randrange(len(sectors))]
                        bpk, bpath = org(gpath, ddepth + 3, b + 1, f"{gpath[-8:]}支部{b + 1}", "branch", sector=sector, has_committee=members_per_branch >= 7)
                        branch_rows.append((bpk, bpath, sector))
        w.flush(Org)
        for dpk, n in child_counts.items():
            Org.objects.filter(pk=dpk).update(numchild=n)
        log(f"tree: {len(districts)} districts, {len(committees)} committees, {len(branch_rows)} branches ({time.perf_counter() - started:.0f} s)")

        # -- members ----------------------------------------------------------------------
        members_of = {}
        serial = Member.objects.count()
        for bpk, _bpath, _sector in branch_rows:
            ids = []
            for _ in range(members_per_branch):
                serial += 1
                ids.append(
                    w.add(
                        Member,
                        organization_id=bpk,
                        name=f"党员{serial}",
                        gender="male" if serial % 2 else "female",
                        id_number_ciphertext=b"",
                        id_number_index=f"gen-{run}-{serial}",
                        id_number_masked="**************",
                        phone_ciphertext=None,
                        joined_on=datetime.date(1990 + serial % 30, 1 + serial % 12, 1),
                        is_probationary=serial % 25 == 0,
                        is_elderly_or_infirm=serial % 40 == 0,
                        is_active=True,
                    )
                )
            members_of[bpk] = ids
        w.flush(Member)
        log(f"members: {serial} ({time.perf_counter() - started:.0f} s)")

        # -- meetings ---------------------------------------------------------------------
        def meeting(org_pk, sector, kind, stage, m_year, half, day, members):
            title = f"{m_year}年{'组织生活会' if kind == 'org_life' else '民主生活会'}"
            mid = w.add(
                Meeting,
                organization_id=org_pk,
                kind=kind,
                half=half,
                special=False,
                year=m_year,
                title=title,
                scheduled_date=day,
                stage=stage,
                rulebook_slug="district-2024",
                rulebook_version="1",
                opinion_link_open=False,
            )
            si = STAGES.index(stage)
            plan_status = "draft" if si == 0 and rnd.random() < 0.5 else ("submitted" if si == 0 else ("filed" if kind == "democratic_life" else "approved"))
            w.add(Plan, meeting_id=mid, status=plan_status, theme=title, scheduled_date=day, approval_mode="", filed_at=None)
            held = si >= 3
            sitting_kind = "general" if kind == "org_life" else "democratic_life"
            if si >= 2:
                w.add(Sitting, meeting_id=mid, kind=sitting_kind, order=1, status="closed" if held else "planned", date=day)
            for k in range(3 if si >= 1 else 0):
                w.add(
                    Opinion,
                    meeting_id=mid,
                    channel="form",
                    target="team",
                    content=f"意见{k + 1}：联系群众还不够",
                    received_on=day - datetime.timedelta(days=20 - k),
                )
            if si >= 1 and members:
                for k in range(min(len(members) // 2, 10)):
                    a, b = members[k], members[-1 - k]
                    w.add(
                        Talk,
                        meeting_id=mid,
                        kind="regular",
                        member_a_id=a,
                        member_b_id=b,
                        held_on=day - datetime.timedelta(days=10 + k) if si >= 2 or k % 2 else None,
                        form="face",
                    )
                status = "approved" if si >= 2 else ("submitted" if rnd.random() < 0.5 else "draft")
                w.add(SelfExamination, meeting_id=mid, member_id=None, doc_kind="brief_check" if kind == "org_life" else "check", status=status)
            filed_on = notice_on = reported_on = circular_on = None
            if held:
                for k in range(2):
                    pid = w.add(Problem, meeting_id=mid, organization_id=org_pk, source="opinion", scope="organization", description=f"问题{k + 1}")
                    r = rnd.random()
                    status = "closed" if stage == "closed" or r < 0.35 else ("closure_requested" if r < 0.45 else "open")
                    deadline = today + datetime.timedelta(days=rnd.randrange(-60, 90))
                    w.add(
                        RectificationItem,
                        problem_id=pid,
                        meeting_id=mid,
                        organization_id=org_pk,
                        goal=f"整改目标{k + 1}",
                        measures="制定措施，按月推进",
                        responsible_organization_id=org_pk,
                        deadline=deadline,
                        status=status,
                        is_public=k == 0,
                        finalized_at=w.now,
                        closed_at=w.now if status == "closed" else None,
                    )
            if si >= 5 or (si == 4 and rnd.random() < 0.5):
                due = obligations.dates.days_after(day, params["ol_report_within_days" if kind == "org_life" else "dl_report_within_days"])
                late = rnd.random() < 0.1
                reported_on = due + datetime.timedelta(days=3) if late else due - datetime.timedelta(days=2)
                status = "returned" if rnd.random() < 0.05 else ("accepted" if si >= 5 else "submitted")
                sub_at = datetime.datetime.combine(reported_on, datetime.time(10), tzinfo=datetime.UTC)
                w.add(
                    Report,
                    meeting_id=mid,
                    organization_id=org_pk,
                    status=status,
                    sections={},
                    due_on=due,
                    first_submitted_at=sub_at,
                    submitted_at=sub_at,
                    current_number=1,
                )
            if kind == "democratic_life" and si >= 1:
                filed_on = day - datetime.timedelta(days=16 if rnd.random() < 0.9 else 5)
                notice_on = filed_on
            if kind == "democratic_life" and stage == "closed":
                circular_on = day + datetime.timedelta(days=20)
            for d in obligations.compute(
                kind=kind,
                sector=sector,
                meeting_day=day,
                ended_on=day if held else None,
                filed_on=filed_on,
                notice_on=notice_on if kind == "democratic_life" or si >= 3 else None,
                reported_on=reported_on,
                circular_on=circular_on,
                p=params,
                half=half,
                year=m_year,
            ):
                w.add(Obligation, meeting_id=mid, organization_id=org_pk, kind=d.kind, clause=d.clause, due_on=d.due_on, done_on=d.done_on, role=d.role)
            return mid

        for i, (bpk, _bpath, sector) in enumerate(branch_rows):
            stage = STAGES[i % len(STAGES)]
            si = STAGES.index(stage)
            # the later the stage, the earlier the meeting day
            day = today + datetime.timedelta(days=30 - si * 15 + rnd.randrange(-3, 4))
            meeting(bpk, sector, "org_life", stage, year, "mid_year", day, members_of[bpk])
            meeting(bpk, sector, "org_life", "closed", year - 1, "year_end", datetime.date(year - 1, 12, 20), members_of[bpk])
            if i % 5000 == 0 and i:
                log(f"  meetings of {i} branches ({time.perf_counter() - started:.0f} s)")
        for i, (cpk, _cpath, _d) in enumerate(committees):
            stage = STAGES[(i * 3) % len(STAGES)]
            si = STAGES.index(stage)
            day = today + datetime.timedelta(days=30 - si * 15)
            meeting(cpk, "other", "democratic_life", stage, year, "", day, [])
        w.finish()
    log(f"meetings written ({time.perf_counter() - started:.0f} s)")
    rolled = rollups.rebuild(today)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    log(f"rollups: {rolled} organizations; total {elapsed:.0f} s")
    return {"root_id": root[0], "root_path": root[1], "district_id": districts[0][0], "seconds": round(elapsed, 1), "rows": dict(w.counts)}
