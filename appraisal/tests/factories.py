"""Year-end meetings and appraisals in any state, built directly with the models (cheap enough
for the permission matrix) or through the services (for behaviour tests)."""

import datetime

from django.utils import timezone

from appraisal import services
from appraisal.choices import Grade, RatingStatus, VotingMode, VotingStatus
from appraisal.models import Appraisal, Appraisee, Rating, VotingRight
from meetings.models import Meeting
from rulebook import engine
from tests.factories import make_member


def year_end_meeting(org, *, stage="preparing", year=None, half="year_end", title=None) -> Meeting:
    year = year or timezone.localdate().year
    special = Meeting.objects.filter(organization=org, kind="org_life", year=year, half=half, special=False).exists()
    return Meeting.objects.create(
        organization=org,
        kind="org_life",
        half=half,
        year=year,
        special=special,
        title=title or f"{org.name}{year}年度组织生活会",
        scheduled_date=datetime.date(year, 12, 20),
        stage=stage,
        rulebook_slug="district-2024",
        rulebook_version=engine.load("district-2024").version,
    )


def make_appraisal(org, *, status=VotingStatus.NOT_OPENED, creator=None, members=None) -> Appraisal:
    """An appraisal straight from the models; the roster is the org's members (one is added if none)."""
    from organizations.models import Member

    meeting = year_end_meeting(org)
    roster = list(members or Member.objects.filter(organization=org, is_active=True).order_by("name", "pk"))
    if not roster:
        roster = [make_member(org, name="补充党员")]
    creator = creator or roster[0].user or _any_user()
    appraisal = Appraisal.objects.create(
        meeting=meeting,
        organization=org,
        quorum_ratio="0.6667",
        excellent_max_ratio="0.3333",
        min_ballots_for_person_results=5,
        created_by=creator,
    )
    if status != VotingStatus.NOT_OPENED:
        Appraisee.objects.bulk_create(
            [Appraisee(appraisal=appraisal, member=m, name=m.name, is_probationary=m.is_probationary, position=i) for i, m in enumerate(roster, 1)]
        )
        VotingRight.objects.bulk_create([VotingRight(appraisal=appraisal, member=m) for m in roster if not m.is_probationary])
        appraisal.voting_status = status
        appraisal.voting_mode = VotingMode.WINDOW
        appraisal.window_end = timezone.now() + datetime.timedelta(days=3)
        appraisal.opened_at = timezone.now()
        appraisal.eligible_voters = len([m for m in roster if not m.is_probationary])
        if status == VotingStatus.CLOSED:
            appraisal.closed_at = timezone.now()
            appraisal.quorum_met = True
        appraisal.save()
    return appraisal


def make_rating(appraisal, *, grade=Grade.UNQUALIFIED, status=RatingStatus.PROPOSED, with_resolution=False) -> Rating:
    appraisee = Appraisee.objects.filter(appraisal=appraisal).order_by("-position").first()
    values = {}
    if with_resolution:
        values = {"resolution_body": "committee", "resolution_date": timezone.localdate(), "resolution_text": "经支委会研究，拟评定为不合格。"}
    return Rating.objects.create(appraisee=appraisee, grade=grade, status=status, proposed_by=appraisal.created_by, proposed_at=timezone.now(), **values)


def _any_user():
    from tests.factories import UserFactory

    return UserFactory()


def open_appraisal(world, *, extra=0, probationary=0, mode=VotingMode.WINDOW):
    """Through the services: b1 (3 members from `world`) plus `extra` members with accounts and
    `probationary` probationary members; voting open in a 3-day window."""
    for i in range(extra):
        make_member(world.b1, user=True, name=f"党员{i:02d}")
    for i in range(probationary):
        make_member(world.b1, user=True, name=f"预备{i:02d}", is_probationary=True)
    meeting = year_end_meeting(world.b1)
    appraisal = services.start(meeting, actor=world.secretary)
    return services.open_voting(appraisal, actor=world.secretary, mode=mode, window_end=timezone.now() + datetime.timedelta(days=3))


def all_grades(appraisal, grade=Grade.QUALIFIED, overrides=None) -> dict:
    grades = {a.pk: grade for a in Appraisee.objects.filter(appraisal=appraisal)}
    grades.update(overrides or {})
    return grades
