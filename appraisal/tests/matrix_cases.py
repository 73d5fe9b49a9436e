"""Every appraisal view × persona × place (see tests/matrix.py).

Expected allow-sets, written from the roles in the regulations and the issue:
- the branch's members take part (self-assessment, peer comments, the ballot, their own result);
- the secretary runs the appraisal; a second committee member confirms paper tallies;
- per-member tallies and ratings: the secretary and the superior (reviewer, 纪委/组织部);
- 不合格 is approved by the reviewer of the superior organization only.
"""

import datetime

from django.utils import timezone

from appraisal.choices import DispositionKind, RatingStatus, VotingStatus
from appraisal.models import Disposition, DispositionStep, PaperCount
from tests.matrix import PLACES, allow, case, expect

from .factories import make_appraisal, make_rating, year_end_meeting

VIEW = allow(
    secretary={"b1"},
    committee_member={"b1"},
    member={"b1"},
    outsider={"b2"},
    reviewer={"b1", "b2", "p1"},
    inspector=set(PLACES),
    operator=set(PLACES),
)
TAKE_PART = allow(secretary={"b1"}, committee_member={"b1"}, member={"b1"}, outsider={"b2"})
MANAGE = allow(secretary={"b1"}, outsider={"b2"})
CONFIRM_PAPER = allow(secretary={"b1"}, committee_member={"b1"}, outsider={"b2"})
RESULTS = allow(secretary={"b1"}, outsider={"b2"}, reviewer={"b1", "b2", "p1"}, inspector=set(PLACES))
APPROVE = allow(reviewer={"b1", "b2"})

expect("appraisal.view", VIEW)
expect("appraisal.take_part", TAKE_PART)
expect("appraisal.manage", MANAGE)
expect("appraisal.confirm_paper", CONFIRM_PAPER)
expect("appraisal.results", RESULTS)
expect("appraisal.approve", APPROVE)


@case("appraisal:meeting")
@case("appraisal:start", method="POST")
def _meeting(world, org):
    return {"pk": year_end_meeting(org).pk}


@case(
    "appraisal:open",
    method="POST",
    data=lambda w, kw: {"mode": "window", "window_end": (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
)
@case("appraisal:sheet")
def _not_opened(world, org):
    return {"pk": make_appraisal(org).pk}


@case("appraisal:close", method="POST")
@case("appraisal:self_assessment")
@case("appraisal:peer")
@case("appraisal:ballot")
@case("appraisal:paper")
def _open(world, org):
    return {"pk": make_appraisal(org, status=VotingStatus.OPEN).pk}


@case("appraisal:paper_confirm", method="POST")
def _paper(world, org):
    appraisal = make_appraisal(org, status=VotingStatus.OPEN)
    PaperCount.objects.create(appraisal=appraisal, ballots=0, entered_by=appraisal.created_by, entered_at=timezone.now())
    return {"pk": appraisal.pk}


@case("appraisal:results")
@case("appraisal:results_export")
@case("appraisal:mine")
@case("appraisal:ratings")
@case("appraisal:ratings_finalize", method="POST")
def _closed(world, org):
    return {"pk": make_appraisal(org, status=VotingStatus.CLOSED).pk}


@case("appraisal:rating")
@case(
    "appraisal:rating_submit",
    method="POST",
    data=lambda w, kw: {"body": "committee", "resolution_date": timezone.localdate().isoformat(), "text": "经支委会研究，拟评定为不合格。"},
)
def _proposed(world, org):
    return {"pk": make_rating(make_appraisal(org, status=VotingStatus.CLOSED)).pk}


@case("appraisal:rating_approve", method="POST")
@case("appraisal:rating_return", method="POST", data=lambda w, kw: {"comment": "事实依据不足"})
def _awaiting(world, org):
    return {"pk": make_rating(make_appraisal(org, status=VotingStatus.CLOSED), status=RatingStatus.AWAITING_APPROVAL, with_resolution=True).pk}


@case(
    "appraisal:disposition_open",
    method="POST",
    data=lambda w, kw: {"kind": DispositionKind.CORRECTION, "decided_on": timezone.localdate().isoformat()},
)
def _final(world, org):
    return {"pk": make_rating(make_appraisal(org, status=VotingStatus.CLOSED), status=RatingStatus.FINAL, with_resolution=True).pk}


def _disposition(org):
    rating = make_rating(make_appraisal(org, status=VotingStatus.CLOSED), status=RatingStatus.FINAL, with_resolution=True)
    disposition = Disposition.objects.create(
        rating=rating, organization=org, kind=DispositionKind.PERSUADE, decided_on=timezone.localdate(), created_by=rating.proposed_by
    )
    step = DispositionStep.objects.create(disposition=disposition, key="talk", title="谈话", order=1, due=timezone.localdate())
    return disposition, step


@case("appraisal:disposition")
def _disposition_page(world, org):
    return {"pk": _disposition(org)[0].pk}


@case("appraisal:step_done", method="POST", data=lambda w, kw: {"done_on": timezone.localdate().isoformat()})
def _step(world, org):
    return {"pk": _disposition(org)[1].pk}
