"""Every rectification view × persona × place (see tests/matrix.py).

Expected allow-sets are written from the regulations' roles:
- the branch committee keeps the ledger, superiors (reviewer, 纪委/组织部, operator) read their subtree;
- the secretary (or main leader) sets measures, publishes, reports; members report on their own items;
- 销号 and receiving a 组织生活会 report: only the reviewer of the superior (OL-4.3.c, OL-4.2.a);
  the 纪委/组织部 may add supervision notes (DL-4.4.a).
"""

from pathlib import Path

from django.conf import settings
from django.utils import timezone

from rectification.choices import FilingStatus, ItemStatus, ReportStatus
from rectification.models import Evidence, ItemEvent, Report, ReportFiling, ReportVersion
from tests.matrix import ALL, PLACES, allow, case, expect

from .factories import PNG, make_item, make_meeting, make_problem, make_summary

LEDGER = allow(secretary={"b1"}, committee_member={"b1"}, outsider={"b2"}, reviewer={"b1", "b2", "p1"}, inspector=set(PLACES), operator=set(PLACES))
MANAGE = allow(secretary={"b1"}, outsider={"b2"})
PROGRESS = allow(secretary={"b1"}, committee_member={"b1"}, member={"b1"}, outsider={"b2"})
CLOSE = allow(reviewer={"b1", "b2"}, inspector=set(PLACES))
RECEIVE = allow(reviewer={"b1", "b2"}, inspector=set(PLACES))
OL_REVIEWER_ONLY = allow(reviewer={"b1", "b2"})

expect("rectification.ledger", LEDGER)
expect("rectification.manage", MANAGE)
expect("rectification.progress", PROGRESS)
expect("rectification.close", CLOSE)
expect("report.view", LEDGER)
expect("report.prepare", MANAGE)
expect("report.receive", RECEIVE)


def _holders(*personas):
    return {(p, place) for p, place in ALL if p in personas}


case("rectification:ledger", expected=_holders("secretary", "committee_member", "outsider", "reviewer", "inspector", "operator"))(lambda w, o: {})
case("rectification:ledger_export", expected=_holders("secretary", "committee_member", "outsider", "reviewer", "inspector", "operator"))(lambda w, o: {})
case("rectification:mine", expected=_holders("secretary", "committee_member", "member", "outsider"))(lambda w, o: {})
case("rectification:inbox", expected=_holders("reviewer", "inspector"))(lambda w, o: {})


@case("rectification:meeting")
@case("rectification:problem_create")
@case("rectification:report")
@case("rectification:circular")
def _meeting(world, org):
    return {"pk": make_meeting(org).pk}


@case("rectification:publish", method="POST")
@case("rectification:report_save", method="POST")
@case("rectification:report_scan", method="POST")
@case("rectification:report_submit", method="POST")
@case("rectification:circular_save", method="POST", data=lambda w, kw: {"title": "通报", "version": 1})
def _meeting_post(world, org):
    return {"pk": make_meeting(org).pk}


@case("rectification:problem_edit")
def _problem(world, org):
    return {"pk": make_problem(make_meeting(org)).pk}


@case("rectification:item_create", perm="rectification.manage")
def _problem_for_item(world, org):
    return {"pk": make_problem(make_meeting(org)).pk}


@case("rectification:item", perm="rectification.ledger")
@case("rectification:item_edit", perm="rectification.manage")
def _item(world, org):
    return {"pk": make_item(make_meeting(org)).pk}


@case("rectification:item_finalize", method="POST", perm="rectification.manage")
@case("rectification:item_delete", method="POST", perm="rectification.manage")
def _draft(world, org):
    return {"pk": make_item(make_meeting(org), status=ItemStatus.DRAFT, responsible_organization=org, deadline=timezone.localdate()).pk}


@case("rectification:item_progress", method="POST", perm="rectification.manage", data=lambda w, kw: {"note": "已完成制度建设"})
@case("rectification:item_request_closure", method="POST", perm="rectification.manage")
def _open(world, org):
    return {"pk": make_item(make_meeting(org)).pk}


@case("rectification:item_close", method="POST", expected=OL_REVIEWER_ONLY)
@case("rectification:item_return", method="POST", expected=OL_REVIEWER_ONLY, data=lambda w, kw: {"reason": "佐证材料不足"})
def _requested(world, org):
    return {"pk": make_item(make_meeting(org), status=ItemStatus.CLOSURE_REQUESTED).pk}


@case("rectification:item_reopen", method="POST", expected=OL_REVIEWER_ONLY, data=lambda w, kw: {"reason": "问题反弹"})
def _closed(world, org):
    return {"pk": make_item(make_meeting(org), status=ItemStatus.CLOSED).pk}


@case("rectification:item_note", method="POST", data=lambda w, kw: {"note": "请加快进度"})
def _noted(world, org):
    return {"pk": make_item(make_meeting(org)).pk}


def _fixed_file(name: str) -> str:
    """A small file at a fixed private path (rewritten, never accumulated) for download cases."""
    relative = f"test-matrix/{name}"
    path = Path(settings.PRIVATE_MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PNG)
    return relative


@case("rectification:evidence", perm="rectification.ledger")
def _evidence(world, org):
    item = make_item(make_meeting(org))
    event = ItemEvent.objects.create(item=item, kind="progress", note="进展", status_from=item.status, status_to=item.status)
    evidence = Evidence.objects.create(
        item=item,
        event=event,
        organization=org,
        path=_fixed_file("evidence.png"),
        kind="png",
        name="照片.png",
        size=len(PNG),
        sha256="0" * 64,
        uploaded_by=world.secretary,
    )
    return {"pk": evidence.pk}


def _submitted_report(world, org):
    meeting = make_meeting(org)
    report = Report.objects.create(
        meeting=meeting,
        organization=org,
        status=ReportStatus.SUBMITTED,
        minutes_scan_path=_fixed_file("scan.png"),
        minutes_scan_kind="png",
        minutes_scan_name="原始记录.png",
        current_number=1,
    )
    version = ReportVersion.objects.create(
        report=report,
        number=1,
        sections={"basic": "基本情况"},
        minutes_scan_path=report.minutes_scan_path,
        minutes_scan_kind="png",
        minutes_scan_name="原始记录.png",
        opinion_summary=make_summary(meeting, world.secretary),
        submitted_at=timezone.now(),
        submitted_by=world.secretary,
    )
    filing = ReportFiling.objects.create(report=report, report_version=version, office="", recipient_organization=org, status=FilingStatus.PENDING)
    return report, filing


@case("rectification:report_scan_download")
def _scan(world, org):
    report, _ = _submitted_report(world, org)
    return {"pk": report.pk}


@case("rectification:filing_receive", method="POST", expected=OL_REVIEWER_ONLY)
@case("rectification:filing_return", method="POST", expected=OL_REVIEWER_ONLY, data=lambda w, kw: {"reason": "缺少签字"})
def _filing(world, org):
    _, filing = _submitted_report(world, org)
    return {"pk": filing.pk}


@case("rectification:board")
def _board(world, org):
    return {"pk": org.pk}


@case("rectification:comment_moderate", method="POST", data=lambda w, kw: {"status": "approved"})
def _comment(world, org):
    from rectification.services import board_for, submit_comment

    return {"pk": submit_comment(board_for(org), content="希望多开展活动，方便居民参与").pk}
