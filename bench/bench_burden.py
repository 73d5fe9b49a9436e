"""The secretary's burden (issue 12): runs the year-end walkthrough in the browser and reports
the form fields typed by hand and the documents produced without typing."""

import json
import os
import subprocess
import sys

BURDEN_FILE = "test-artifacts/burden.json"


def run(ctx):
    path = ctx.root / BURDEN_FILE
    if path.exists():
        path.unlink()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-m", "browser", "tests/test_walkthrough_org_life.py"],
        cwd=ctx.root,
        env=env,
        check=True,
        capture_output=True,
        timeout=900,
    )
    data = json.loads(path.read_text())
    return [
        {
            "name": "burden.fields_typed",
            "value": data["fields_typed"],
            "unit": "fields",
            "goal": None,
            "goal_op": None,
            "note": "form fields the secretary fills by hand in the year-end walkthrough",
        },
        {
            "name": "burden.documents_generated",
            "value": data["documents_generated"],
            "unit": "documents",
            "goal": None,
            "goal_op": None,
            "note": ", ".join(data["documents"]),
        },
    ]
