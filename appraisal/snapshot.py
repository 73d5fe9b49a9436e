"""This app's part of the rule-check snapshot: `rulebook.snapshot.AppraisalInfo` (read by the
OL-1.2.b check `ol_yearend_appraisal`)."""

from __future__ import annotations

from django.db.models import Count, Q

from core.prepared import Prepared
from rulebook.snapshot import AppraisalInfo

from .choices import Grade, RatingStatus


def _appraisal(meeting):
    from .models import Appraisal

    return Appraisal.objects.filter(meeting_id=meeting).order_by("pk").values("pk", "voting_status", "eligible_voters", "ballots_cast", "quorum_met")[:1]


_APPRAISAL = Prepared(_appraisal, meeting=int)


def contribute(meeting, today=None) -> dict:
    """`{"appraisal": AppraisalInfo | None}` in at most three queries."""
    from .models import Appraisal, Appraisee, SelfAssessment

    row = next(iter(_APPRAISAL.rows(meeting=meeting.pk)), None)
    if row is None:  # most meetings: one precompiled query (`core.prepared`), on every meeting page
        return {"appraisal": None}
    appraisal = Appraisal(**row)
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
