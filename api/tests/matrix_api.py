"""API operations × personas × places (the API half of the permission matrix).

Each case creates an object in the given organization and says how to reach it:
- `kind="object"`: the path addresses the object; allowed = 2xx (or 422: past the permission
  check, refused by a domain rule), denied = 403/404;
- `kind="list"`: allowed = the object appears in the (scoped) list;
- `kind="none"`: no object (the caller's own data); allowed = 2xx.
Expected allow-sets come from `tests.matrix.EXPECTED` (written from the regulations' roles).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from meetings.choices import Stage
from rectification.choices import ItemStatus
from rectification.models import Evidence, ItemEvent, Report
from rectification.tests.factories import PNG, make_item, make_meeting
from tests.factories import make_member
from tests.matrix import ALL, BRANCH_READERS_AND_SUPERIORS, allow, expect

MEETING_RECORD = allow(secretary={"b1"}, committee_member={"b1"}, outsider={"b2"})
LEDGER = allow(
    secretary={"b1"},
    committee_member={"b1"},
    outsider={"b2"},
    reviewer={"b1", "b2", "p1"},
    inspector={"b1", "b2", "p1", "b3"},
    operator={"b1", "b2", "p1", "b3"},
)
MANAGE = allow(secretary={"b1"}, outsider={"b2"})
OL_REVIEWER_ONLY = allow(reviewer={"b1", "b2"})

expect("meeting.view", BRANCH_READERS_AND_SUPERIORS)
expect("meeting.record", MEETING_RECORD)


@dataclass
class ApiCase:
    make: Callable  # (world, org) -> dict: path kwargs, plus "_find" for list cases
    kind: str = "object"
    body: dict | None = None
    perm: str | None = None
    expected: set | None = None
    find: Callable | None = None  # (json, made) -> bool, for list cases
    fresh: bool = False  # a new object for every persona (state-changing operations)


def _in_results(key, attr="id"):
    return lambda data, made: any(str(row[attr]) == str(made[key]) for row in data["results"])


def _meeting(world, org):
    return {"meeting_id": make_meeting(org).pk}


def _item(world, org):
    return {"item_id": make_item(make_meeting(org)).pk}


def _item_with_evidence(world, org):
    item = make_item(make_meeting(org))
    event = ItemEvent.objects.create(item=item, kind="progress", note="进展", status_from=item.status, status_to=item.status)
    Evidence.objects.create(
        item=item,
        event=event,
        organization=org,
        path="test-matrix/api.png",
        kind="png",
        name="照片.png",
        size=len(PNG),
        sha256="0" * 64,
        uploaded_by=world.secretary,
    )
    return {"item_id": item.pk}


def _requested(world, org):
    return {"item_id": make_item(make_meeting(org), status=ItemStatus.CLOSURE_REQUESTED).pk}


def _report(world, org):
    meeting = make_meeting(org)
    return {"report_id": Report.objects.create(meeting=meeting, organization=org, due_on=timezone.localdate()).pk}


API_CASES: dict[tuple[str, str], ApiCase] = {
    ("GET", "/organizations"): ApiCase(lambda w, o: {"_find": o.pk}, kind="list", find=_in_results("_find")),
    ("GET", "/organizations/{org_id}"): ApiCase(lambda w, o: {"org_id": o.pk}),
    ("GET", "/members"): ApiCase(lambda w, o: {"_find": make_member(o).uid}, kind="list", find=_in_results("_find", "uid")),
    ("GET", "/members/{uid}"): ApiCase(lambda w, o: {"uid": make_member(o).uid}),
    ("GET", "/meetings"): ApiCase(lambda w, o: {"_find": make_meeting(o).pk}, kind="list", find=_in_results("_find")),
    ("GET", "/meetings/{meeting_id}"): ApiCase(_meeting),
    ("GET", "/meetings/{meeting_id}/talks"): ApiCase(_meeting),
    ("GET", "/meetings/{meeting_id}/opinions"): ApiCase(_meeting),
    ("POST", "/meetings/{meeting_id}/opinions"): ApiCase(
        lambda w, o: {"meeting_id": make_meeting(o, stage=Stage.PREPARING).pk},
        body={"channel": "individual_talk", "received_on": "2026-01-05", "entries": [{"content": "希望支部多组织志愿服务活动，比如每月一次社区清洁"}]},
        expected=MEETING_RECORD,
    ),
    ("GET", "/items"): ApiCase(lambda w, o: {"_find": make_item(make_meeting(o)).pk}, kind="list", find=_in_results("_find"), expected=LEDGER),
    ("GET", "/items/{item_id}"): ApiCase(_item, expected=LEDGER),
    ("POST", "/items/{item_id}/progress"): ApiCase(_item, body={"note": "已完成制度建设"}, fresh=True, expected=MANAGE),
    ("POST", "/items/{item_id}/request-closure"): ApiCase(_item_with_evidence, body={"note": ""}, fresh=True, expected=MANAGE),
    ("POST", "/items/{item_id}/close"): ApiCase(_requested, body={"note": "已核实"}, fresh=True, expected=OL_REVIEWER_ONLY),
    ("POST", "/items/{item_id}/return"): ApiCase(_requested, body={"reason": "佐证不足"}, fresh=True, expected=OL_REVIEWER_ONLY),
    ("GET", "/reports"): ApiCase(lambda w, o: {"_find": _report(w, o)["report_id"]}, kind="list", find=_in_results("_find")),
    ("GET", "/reports/{report_id}"): ApiCase(_report),
    ("GET", "/me"): ApiCase(lambda w, o: {}, kind="none", expected=ALL),
}
