"""This app's part of the rule-check snapshot: `rulebook.snapshot.AppraisalInfo` (read by the
OL-1.2.b check `ol_yearend_appraisal`)."""

from __future__ import annotations

from django.db.models import Count, Q

from meetings.snapshot import record_of
from rulebook.snapshot import AppraisalInfo

from .choices import Grade, RatingStatus


def contribute(meeting, today=None, snapshot=None) -> dict:
    """`{"appraisal": AppraisalInfo | None}` in at most two queries (none for most meetings: the
    snapshot's `load` reads the appraisal with the meeting, `with_meeting`)."""
    from .models import Appraisee, SelfAssessment

    appraisal = record_of(meeting, "appraisal")
    if appraisal is None:  # most meetings
        return {"appraisal": None}
    done = SelfAssessment.objects.filter(appraisal=appraisal, submitted_at__isnull=False).count()
    counts = Appraisee.objects.filter(appraisal=appraisal).aggregate(
        appraised=Count("pk"),
        final=Count("pk", filter=Q(rating__status=RatingStatus.FINAL)),
        excellent=Count("pk", filter=Q(rating__grade=Grade.EXCELLENT)),
        pending=Count("pk", filter=Q(rating__grade=Grade.UNQUALIFIED) & ~Q(rating__status=RatingStatus.FINAL)),
    )
    appraised = counts["appraised"]
    return {
        "appraisal": AppraisalInfo(
            exists=True,
            self_assessments_done=done,
            appraised_count=appraised,
            voting_closed=appraisal.is_closed,
            quorum_met=appraisal.is_closed and appraisal.quorum_met,
            eligible_voters=appraisal.eligible_voters,
            ballots_cast=appraisal.ballots_cast if appraisal.is_closed else 0,
            ratings_final=appraisal.is_closed and appraised > 0 and counts["final"] == appraised,
            excellent_count=counts["excellent"],
            unqualified_pending_approval=counts["pending"],
        )
    }
