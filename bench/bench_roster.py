"""Roster import of 10,000 rows (issue 11 item 2; goal ≤ 5 s): a generated .xlsx with valid ID
numbers into a scratch branch under the dataset's district, through `organizations.roster.
import_roster` (read, validate, encrypt, write, audit), in a transaction rolled back afterwards."""

from __future__ import annotations

import datetime
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import bench_user, dataset  # noqa: E402

NEEDS = {"dataset"}
ROWS = 10_000


class _Rollback(Exception):
    pass


def _id_number(serial: int) -> str:
    from organizations import idnumber

    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=serial % 18000)
    first17 = f"110105{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + idnumber.check_digit(first17)


def _workbook(branch_code: str, start: int) -> bytes:
    from openpyxl import Workbook

    from organizations.roster import COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员名册")
    ws.append([c.header for c in COLUMNS])
    seen = set()
    serial = start
    while len(seen) < ROWS:
        serial += 1
        number = _id_number(serial)
        if number in seen:
            continue
        seen.add(number)
        row = {
            "name": f"导入党员{serial}",
            "id_number": number,
            "phone": f"139{serial % 100_000_000:08d}",
            "branch_code": branch_code,
            "joined_on": "2010-07-01",
            "job_title": "职员",
        }
        ws.append([row.get(c.key, "否" if c.key.startswith("is_") else "") for c in COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(ctx):
    from django.db import transaction

    from accounts.choices import Role
    from organizations.models import Organization
    from organizations.roster import import_roster

    info = dataset(ctx)
    district = Organization.objects.get(pk=info["district_id"])
    seconds, created, errors = None, 0, []
    try:
        with transaction.atomic():
            parent = Organization.objects.get(pk=district.pk)
            code = f"BENCH-ROSTER-{int(time.time())}"
            branch = Organization.objects.add_child(parent, {"name": "导入测量支部", "code": code, "kind": "branch"})
            operator = bench_user(Role.OPERATOR, district, "bench-operator")
            data = _workbook(code, int(time.time()) % 100_000 * 100)
            started = time.perf_counter()
            result = import_roster(data, branch, actor=operator)
            seconds = time.perf_counter() - started
            created = getattr(result, "created", None)
            errors = list(getattr(result, "errors", []))[:3]
            raise _Rollback
    except _Rollback:
        pass
    if errors:
        raise RuntimeError(f"roster import refused the generated file: {errors}")
    return [
        {
            "name": "roster_import_10000_rows_s",
            "value": round(seconds, 2),
            "unit": "s",
            "goal": 5,
            "goal_op": "<=",
            "note": f"{ROWS:,} rows, .xlsx {len(data) // 1024} KB; created {created}; read + validate + encrypt + write + audit, rolled back",
        }
    ]
