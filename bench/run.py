"""`make bench`: run every `bench/bench_*.py` (and, on PostgreSQL, every `bench/fault_*.py`),
write bench/results/latest.json and latest.md (a Markdown table with the machine facts).

Each module defines `run(ctx) -> list[dict]` returning figures:
    {"name", "value", "unit", "goal", "goal_op": "<=" | ">=", "baseline"?, "ratio"?, "goal_on"?: "ratio", "note"?}
`goal_on: "ratio"` compares the goal with `ratio` (value / baseline) instead of `value`.
`ctx` carries the scale preset, the database kind and the Django settings already set up.
A module may define `NEEDS = {"dataset"}` to get the generated dataset of the preset first.
"""

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


@dataclass
class Context:
    scale: str
    db: str
    root: Path = ROOT
    only: str = ""


def machine() -> dict:
    facts = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        meminfo = Path("/proc/meminfo").read_text().split("\n")[0]
        facts["memory"] = meminfo.split(":")[1].strip()
        facts["cpu_model"] = next(line.split(":")[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    except (OSError, StopIteration, IndexError):
        pass
    try:
        facts["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        pass
    return facts


def ensure_database(url: str) -> None:
    """Create the benchmark database on a fresh PostgreSQL server (every module needs it, the first
    one before any builds the dataset)."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres", password=parts.password, dbname="postgres", autocommit=True
    ) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}", flush=True)


def meets(figure: dict) -> bool | None:
    goal, op, value = figure.get("goal"), figure.get("goal_op"), figure.get("value")
    if figure.get("goal_on") == "ratio":
        value = figure.get("ratio")
    if goal is None or op is None or value is None:
        return None
    return value <= goal if op == "<=" else value >= goal


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="district", choices=["district", "city", "province"])
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--only", default="", help="run only modules whose name contains this")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if args.db == "postgres":
        os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shh_bench")
        ensure_database(os.environ["DATABASE_URL"])
    else:
        os.environ["DATABASE_URL"] = "sqlite:///" + str(ROOT / "var" / f"bench-{args.scale}.sqlite3")
    (ROOT / "var").mkdir(exist_ok=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    ctx = Context(args.scale, args.db, only=args.only)
    run_started = time.perf_counter()
    started_at = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    figures, failures = [], []
    paths = sorted((ROOT / "bench").glob("bench_*.py"))
    if args.db == "postgres":
        paths += sorted((ROOT / "bench").glob("fault_*.py"))
    dataset_ready = False
    for path in paths:
        if args.only and args.only not in path.stem:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        started = time.perf_counter()
        print(f"== {path.stem}", flush=True)
        try:
            if "dataset" in getattr(module, "NEEDS", ()) and not dataset_ready:
                sys.path.insert(0, str(ROOT / "bench"))
                from common import dataset

                info = dataset(ctx)
                dataset_ready = True
                figures.append(
                    {
                        "name": "dataset_generation_s",
                        "value": info.get("seconds"),
                        "unit": "s",
                        "goal": 600 if args.scale == "city" and args.db == "postgres" else None,
                        "goal_op": "<=",
                        "module": "dataset",
                        "note": f"generate_scale --preset {args.scale} ({'built in this run' if getattr(ctx, 'built_dataset', False) else 'built earlier, reused'}); rows: "
                        + ", ".join(f"{k.split('.')[-1]} {v:,}" for k, v in sorted(info.get("rows", {}).items())),
                    }
                )
            for figure in module.run(ctx):
                figure.setdefault("module", path.stem)
                figures.append(figure)
                print(
                    f"   {figure['name']}: {figure['value']} {figure.get('unit', '')} (goal {figure.get('goal_op', '')} {figure.get('goal', '')})", flush=True
                )
        except Exception:  # a failing benchmark is reported, the others still run
            failures.append({"module": path.stem, "error": traceback.format_exc(limit=5)})
            print(traceback.format_exc(), file=sys.stderr)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    for figure in figures:
        figure["meets_goal"] = meets(figure)
    result = {
        "machine": machine(),
        "started": started_at,
        "seconds": round(time.perf_counter() - run_started, 1),
        "scale": args.scale,
        "db": args.db,
        "figures": figures,
        "failures": failures,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.only:  # a partial run does not replace the full results
        (RESULTS / f"latest-{args.only}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    else:
        (RESULTS / f"{args.scale}-{args.db}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    (RESULTS / "latest.json").write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    facts = result["machine"]
    lines = [f"# Benchmarks ({args.scale}, {args.db})", ""]
    lines += [f"- {k}: {v}" for k, v in facts.items()]
    lines += ["", "| figure | value | unit | goal | baseline | ratio | meets | note |", "|---|---|---|---|---|---|---|---|"]
    for f in figures:
        goal = f"{'ratio ' if f.get('goal_on') == 'ratio' else ''}{f.get('goal_op', '')} {f.get('goal', '')}" if f.get("goal") is not None else ""
        ok = {True: "yes", False: "**no**", None: ""}[f["meets_goal"]]
        lines.append(
            f"| {f['name']} | {f['value']} | {f.get('unit', '')} | {goal} | {f.get('baseline', '')} | {f.get('ratio', '')} | {ok} | {f.get('note', '').replace('|', '/')} |"
        )
    if failures:
        lines += ["", "Failed modules: " + ", ".join(x["module"] for x in failures)]
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n")
    if not args.only:
        (RESULTS / f"{args.scale}-{args.db}.md").write_text("\n".join(lines) + "\n")
    print((RESULTS / "latest.md").read_text())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
