"""The burden of the people who run the meetings (issue 12): runs the year-end 组织生活会 walkthrough
and the 民主生活会 walkthrough in the browser, in one pytest process (one Django/chromium start
for both), and reports the form fields typed by hand and the documents produced without typing:
`burden.*` for the branch secretary (OL), `burden.dl.*` for the leading team's main leader (DL).

The DL walk takes about as long as the OL one (a 7-leader team instead of a 25-member branch),
so this module's time grows by roughly that much — not the whole bench's. If the DL walk fails,
the OL figures are still reported and the DL ones are left out with the reason."""

import json
import os
import subprocess
import sys
import time

BURDEN_FILE = "test-artifacts/burden.json"
BURDEN_DL_FILE = "test-artifacts/burden-dl.json"
WALKS = ("tests/test_walkthrough_org_life.py", "tests/test_walkthrough_democratic_life.py")


def _figures(prefix: str, data: dict, who: str, seconds: float | None) -> list[dict]:
    took = f"; walk {seconds:.0f} s" if seconds is not None else ""
    return [
        {
            "name": f"{prefix}.fields_typed",
            "value": data["fields_typed"],
            "unit": "fields",
            "goal": None,
            "goal_op": None,
            "note": f"form fields typed by hand by {who} in the walkthrough{took}",
        },
        {
            "name": f"{prefix}.documents_generated",
            "value": data["documents_generated"],
            "unit": "documents",
            "goal": None,
            "goal_op": None,
            "note": ", ".join(data["documents"]),
        },
    ]


def run(ctx):
    paths = {name: ctx.root / name for name in (BURDEN_FILE, BURDEN_DL_FILE)}
    for path in paths.values():
        if path.exists():
            path.unlink()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-m", "browser", "--durations=0", *WALKS],
        cwd=ctx.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    total = time.perf_counter() - started
    durations = _durations(done.stdout)
    if not paths[BURDEN_FILE].exists():
        raise RuntimeError(f"the 组织生活会 walkthrough did not finish (rc {done.returncode}):\n{done.stdout[-3000:]}")
    figures = _figures("burden", json.loads(paths[BURDEN_FILE].read_text()), "the secretary", durations.get("org_life"))
    if paths[BURDEN_DL_FILE].exists():
        figures += _figures("burden.dl", json.loads(paths[BURDEN_DL_FILE].read_text()), "the main leader and the organizers", durations.get("democratic_life"))
    else:
        print(f"burden.dl left out: the 民主生活会 walkthrough did not finish (rc {done.returncode})", file=sys.stderr)
    figures.append(
        {"name": "burden.walks_seconds", "value": round(total, 1), "unit": "s", "goal": None, "goal_op": None, "note": "both walkthroughs, one pytest run"}
    )
    return figures


def _durations(stdout: str) -> dict[str, float]:
    """Seconds per walkthrough from pytest's `--durations` table ("12.34s call tests/...")."""
    found = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "call" and parts[0].endswith("s"):
            for key in ("org_life", "democratic_life"):
                if f"test_walkthrough_{key}" in parts[2]:
                    try:
                        found[key] = float(parts[0][:-1])
                    except ValueError:
                        pass
    return found
