"""Clause- and parameter-named checks that tie the appraisal to the regulations and to
parameters.md (the rest are in test_voting.py, test_ratings.py and test_pages.py)."""

import pytest

from appraisal import services
from appraisal.choices import GRADE_CODES, Grade
from rulebook import engine

from .factories import all_grades, year_end_meeting

pytestmark = pytest.mark.django_db

DISTRICT = engine.load("district-2024")


def test_param_appraisal_grades_are_the_four_grades_in_order():
    """parameters.md `appraisal_grades`: 优秀、合格、基本合格、不合格."""
    assert list(DISTRICT.param("appraisal_grades")) == [g.value for g in Grade]
    assert [g.label for g in Grade] == ["优秀", "合格", "基本合格", "不合格"]
    assert len(set(GRADE_CODES.values())) == 4


def test_param_appraisal_steps_each_step_has_its_place(world):
    """parameters.md `appraisal_steps` (2019 条例 art. 18): 个人自评 → 党员互评 → 民主测评 →
    支委会/党员大会提出评定意见 → 组织评定; each is a service here."""
    implemented = {
        "self_assessment": services.save_self_assessment,
        "peer_review": services.add_peer_comment,
        "ballot": services.cast_ballot,
        "committee_opinion": services.propose_ratings,
        "organizational_rating": services.finalize_ratings,
    }
    assert set(DISTRICT.param("appraisal_steps")) <= set(implemented)


def test_OL_1_2_b_year_end_meeting_gets_the_appraisal_with_the_pinned_parameters(world):
    meeting = year_end_meeting(world.b1)
    appraisal = services.start(meeting, actor=world.secretary)
    assert float(appraisal.quorum_ratio) == DISTRICT.param("appraisal_quorum_ratio")
    assert float(appraisal.excellent_max_ratio) == DISTRICT.param("appraisal_excellent_max_ratio")
    assert appraisal.probationary_votes is DISTRICT.param("appraisal_probationary_votes")
    assert appraisal.min_ballots_for_person_results == DISTRICT.param("appraisal_min_ballots_for_person_results")


def test_OL_3_1_d_voting_opens_at_the_general_meeting_sitting(world):
    """A branch without a committee holds only the 党员大会, combined with the appraisal: the
    vote can be opened at that sitting and closed there."""
    from django.utils import timezone

    from meetings.models import Sitting
    from tests.factories import make_member

    for i in range(2):
        make_member(world.b2, user=True, name=f"平安党员{i}")
    meeting = year_end_meeting(world.b2)
    sitting = Sitting.objects.create(meeting=meeting, kind="general", order=1, date=timezone.localdate())
    appraisal = services.start(meeting, actor=world.outsider)
    appraisal = services.open_voting(appraisal, actor=world.outsider, mode="sitting", sitting=sitting)
    services.cast_ballot(appraisal, actor=world.outsider, grades=all_grades(appraisal))
    closed = services.close_voting(appraisal, actor=world.outsider)
    assert closed.ballots_cast == 1 and closed.sitting == sitting


def test_OL_4_1_a_the_ballot_is_a_source_of_problems():
    """OL-4.1.a: problems come from the meeting, the democratic ballot and the public; the
    rectification app takes them with source 民主测评."""
    from rectification.choices import ProblemSource

    assert ProblemSource.APPRAISAL.label == "民主测评"


def test_OL_4_1_a_quorum_needs_the_share_of_voters_the_rulebook_sets():
    assert services.quorum_needed(3, "0.6667") == 2
    assert services.quorum_needed(6, "0.6667") == 4
    assert services.quorum_needed(7, "0.6667") == 5
    assert services.quorum_needed(10, None) == 0
    assert services.excellent_ceiling(6, "0.3333") == 2
    assert services.excellent_ceiling(7, "0.3333") == 2
    assert services.excellent_ceiling(7, None) is None


def test_voting_cannot_open_once_the_meeting_is_closed(world):
    from core.errors import DomainError

    meeting = year_end_meeting(world.b1)
    appraisal = services.start(meeting, actor=world.secretary)
    meeting.stage = "closed"
    meeting.save(update_fields=["stage"])
    with pytest.raises(DomainError, match="已完成"):
        services.open_voting(appraisal, actor=world.secretary, mode="window", window_end=None)
