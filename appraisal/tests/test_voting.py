"""The 民主测评: rights, one ballot per voter, quorum, results hidden until closing, paper mode."""

import datetime

import pytest
from django.utils import timezone

from appraisal import results, services
from appraisal.choices import Grade, PaperStatus, RightChannel, VotingMode
from appraisal.models import Appraisee, Ballot, Tally, VotingRight
from core.errors import DomainError
from organizations.models import Member

from .factories import all_grades, open_appraisal, year_end_meeting

pytestmark = pytest.mark.django_db


def _voters(world):
    return [m.user for m in Member.objects.filter(organization=world.b1, is_probationary=False).exclude(user=None).order_by("pk")]


def test_a_vote_consumes_the_right_and_stores_one_anonymous_ballot(world):
    appraisal = open_appraisal(world)
    services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal))
    assert Ballot.objects.filter(appraisal=appraisal).count() == 1
    assert Ballot.objects.get(appraisal=appraisal).grades == "QQQ"  # one letter per appraised member, roster order
    assert not Tally.objects.exists()  # counted only when voting closes
    right = VotingRight.objects.get(appraisal=appraisal, member=world.member_member)
    assert right.used and right.channel == RightChannel.ONLINE


def test_double_submission_yields_exactly_one_ballot(world):
    appraisal = open_appraisal(world)
    services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal))
    with pytest.raises(DomainError, match="已经投过票"):
        services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal, Grade.EXCELLENT))
    assert Ballot.objects.filter(appraisal=appraisal).count() == 1
    assert "E" not in Ballot.objects.get().grades


def test_double_post_through_the_view_yields_one_ballot(world, client):
    appraisal = open_appraisal(world)
    client.force_login(world.member)
    data = {f"g{pk}": g for pk, g in all_grades(appraisal).items()}
    url = f"/appraisal/{appraisal.pk}/ballot/"
    assert client.post(url, data).status_code == 302
    response = client.post(url, data, follow=True)
    assert "已经投过票" in response.content.decode()
    assert Ballot.objects.filter(appraisal=appraisal).count() == 1


def test_param_appraisal_probationary_votes_default_no_right_but_appraised(world):
    """parameters.md `appraisal_probationary_votes` (default false): appraised, not voting."""
    appraisal = open_appraisal(world, probationary=1)
    probationary = Member.objects.get(organization=world.b1, is_probationary=True)
    assert Appraisee.objects.filter(appraisal=appraisal, member=probationary, is_probationary=True).exists()
    assert not VotingRight.objects.filter(appraisal=appraisal, member=probationary).exists()
    assert appraisal.eligible_voters == 3
    with pytest.raises(DomainError, match="没有本次民主测评的表决权"):
        services.cast_ballot(appraisal, actor=probationary.user, grades=all_grades(appraisal))
    assert not Ballot.objects.exists()


def test_param_appraisal_probationary_votes_true_gives_them_a_right(world, monkeypatch):
    from rulebook import engine

    rb = engine.load("district-2024").with_params(appraisal_probationary_votes=True)
    monkeypatch.setattr(services, "rulebook_of", lambda meeting: rb)
    appraisal = open_appraisal(world, probationary=1)
    probationary = Member.objects.get(organization=world.b1, is_probationary=True)
    assert appraisal.eligible_voters == 4
    services.cast_ballot(appraisal, actor=probationary.user, grades=all_grades(appraisal))
    assert Ballot.objects.count() == 1


def test_voter_without_the_right_is_refused(world):
    """An outsider (another branch) and a member added after opening have no right."""
    appraisal = open_appraisal(world)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.cast_ballot(appraisal, actor=world.outsider, grades=all_grades(appraisal))
    from tests.factories import make_member

    late = make_member(world.b1, user=True, name="后转入党员")
    with pytest.raises(DomainError, match="没有本次民主测评的表决权"):
        services.cast_ballot(appraisal, actor=late.user, grades=all_grades(appraisal))
    assert not Ballot.objects.exists()


def test_a_ballot_must_grade_everyone_including_oneself(world):
    """A ballot that skips its own voter would name them: every ballot has the same shape."""
    appraisal = open_appraisal(world)
    grades = all_grades(appraisal)
    mine = Appraisee.objects.get(appraisal=appraisal, member=world.member_member)
    del grades[mine.pk]
    with pytest.raises(DomainError, match="包括您本人"):
        services.cast_ballot(appraisal, actor=world.member, grades=grades)
    with pytest.raises(DomainError, match="等次无效"):
        services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal, "best"))
    assert not VotingRight.objects.filter(used=True).exists()


def test_voting_is_refused_before_opening_after_the_window_and_after_closing(world):
    meeting = year_end_meeting(world.b1)
    appraisal = services.start(meeting, actor=world.secretary)
    with pytest.raises(DomainError, match="尚未开始"):
        services.cast_ballot(appraisal, actor=world.member, grades={})
    appraisal = services.open_voting(appraisal, actor=world.secretary, mode=VotingMode.WINDOW, window_end=timezone.now() + datetime.timedelta(hours=1))
    appraisal.window_end = timezone.now() - datetime.timedelta(minutes=1)
    appraisal.save(update_fields=["window_end"])
    with pytest.raises(DomainError, match="截止"):
        services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal))
    appraisal = services.close_voting(appraisal, actor=world.secretary)
    with pytest.raises(DomainError, match="已经结束"):
        services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal))


def test_voting_opens_at_a_sitting(world):
    from meetings.models import Sitting

    meeting = year_end_meeting(world.b1)
    sitting = Sitting.objects.create(meeting=meeting, kind="general", order=2, date=timezone.localdate())
    appraisal = services.start(meeting, actor=world.secretary)
    appraisal = services.open_voting(appraisal, actor=world.secretary, mode=VotingMode.SITTING, sitting=sitting)
    assert appraisal.sitting == sitting and appraisal.window_end is None
    services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal))
    assert Ballot.objects.count() == 1


def test_results_are_invisible_before_closing(world, client):
    appraisal = open_appraisal(world)
    services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal, Grade.EXCELLENT))
    with pytest.raises(DomainError):
        results.tallies(appraisal)
    with pytest.raises(DomainError):
        results.own_result(appraisal, world.member_member)
    client.force_login(world.secretary)
    page = client.get(f"/appraisal/{appraisal.pk}/results/").content.decode()
    assert "测评结束后才能查看" in page and "优秀</th>" not in page
    assert client.get(f"/appraisal/{appraisal.pk}/results.xlsx").status_code == 302
    client.force_login(world.member)
    assert "民主测评结束后才能查看" in client.get(f"/appraisal/{appraisal.pk}/mine/").content.decode()
    client.force_login(world.reviewer)
    assert "测评结束后才能查看" in client.get(f"/appraisal/{appraisal.pk}/results/").content.decode()


def test_OL_4_1_a_quorum_met_at_exactly_two_thirds(world):
    """parameters.md `appraisal_quorum_ratio` 0.6667 means ⅔: 4 of 6 voters is enough."""
    appraisal = open_appraisal(world, extra=3)
    for user in _voters(world)[:4]:
        services.cast_ballot(appraisal, actor=user, grades=all_grades(appraisal))
    appraisal = services.close_voting(appraisal, actor=world.secretary)
    assert (appraisal.eligible_voters, appraisal.ballots_cast, appraisal.quorum_met) == (6, 4, True)
    assert results.voting_findings(appraisal) == []


def test_OL_4_1_a_closed_vote_below_quorum_is_flagged(world):
    appraisal = open_appraisal(world, extra=3)
    for user in _voters(world)[:3]:
        services.cast_ballot(appraisal, actor=user, grades=all_grades(appraisal))
    appraisal = services.close_voting(appraisal, actor=world.secretary)
    assert appraisal.quorum_met is False
    [finding] = results.voting_findings(appraisal)
    assert finding.rule_id == "appraisal.quorum" and finding.severity == "warning" and "OL-4.1.a" in finding.clause_ids
    assert "未达到规定的有效参与人数（4名）" in finding.message


def test_tallies_count_online_and_confirmed_paper_ballots(world):
    appraisal = open_appraisal(world, extra=2)
    member_row = Appraisee.objects.get(appraisal=appraisal, member=world.member_member)
    services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal, overrides={member_row.pk: Grade.EXCELLENT}))
    services.cast_ballot(appraisal, actor=world.committee_member, grades=all_grades(appraisal))
    paper_voters = list(Member.objects.filter(organization=world.b1, name__startswith="党员"))
    services.record_paper(
        appraisal, actor=world.secretary, voters=paper_voters, ballots=2, tallies={(member_row.pk, Grade.EXCELLENT): 1, (member_row.pk, Grade.QUALIFIED): 1}
    )
    with pytest.raises(DomainError, match="另一名支部委员"):
        services.close_voting(appraisal, actor=world.secretary)
    with pytest.raises(DomainError, match="录入人以外"):
        services.confirm_paper(appraisal, actor=world.secretary)
    paper = services.confirm_paper(appraisal, actor=world.committee_member)
    assert paper.status == PaperStatus.CONFIRMED
    appraisal = services.close_voting(appraisal, actor=world.secretary)
    assert appraisal.ballots_cast == 4
    row = next(r for r in results.tallies(appraisal) if r.appraisee.pk == member_row.pk)
    assert row.counts == {Grade.EXCELLENT: 2, Grade.QUALIFIED: 2}


def test_paper_voters_cannot_vote_online_and_online_voters_cannot_be_paper_voters(world):
    appraisal = open_appraisal(world, extra=1)
    services.cast_ballot(appraisal, actor=world.committee_member, grades=all_grades(appraisal))
    with pytest.raises(DomainError, match="已经在网上投票"):
        services.record_paper(appraisal, actor=world.secretary, voters=[world.committee_member_member], ballots=1, tallies={})
    services.record_paper(appraisal, actor=world.secretary, voters=[world.member_member], ballots=1, tallies={})
    with pytest.raises(DomainError, match="已经投过票"):
        services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal))
    # Unticking releases the paper right again.
    services.record_paper(appraisal, actor=world.secretary, voters=[], ballots=0, tallies={})
    services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal))


def test_paper_tallies_cannot_exceed_the_ballots(world):
    appraisal = open_appraisal(world)
    first = Appraisee.objects.filter(appraisal=appraisal).first()
    with pytest.raises(DomainError, match="合计超过"):
        services.record_paper(
            appraisal, actor=world.secretary, voters=[world.member_member], ballots=1, tallies={(first.pk, Grade.QUALIFIED): 1, (first.pk, Grade.EXCELLENT): 1}
        )
    with pytest.raises(DomainError, match="不能多于"):
        services.record_paper(appraisal, actor=world.secretary, voters=[world.member_member], ballots=2, tallies={})


def test_OL_1_2_b_appraisal_only_for_year_end_org_life_meetings(world):
    mid = year_end_meeting(world.b1, half="mid_year")
    with pytest.raises(DomainError, match="OL-1.2.b"):
        services.start(mid, actor=world.secretary)


def test_OL_2_1_c_appraisal_waits_for_the_approved_plan(world):
    planning = year_end_meeting(world.b1, stage="planning")
    with pytest.raises(DomainError, match="OL-2.1.c"):
        services.start(planning, actor=world.secretary)


def test_param_appraisal_per_year_one_appraisal_per_meeting(world):
    """parameters.md `appraisal_per_year` = 1: starting again returns the same appraisal."""
    meeting = year_end_meeting(world.b1)
    assert services.start(meeting, actor=world.secretary).pk == services.start(meeting, actor=world.secretary).pk


def test_param_appraisal_min_ballots_for_person_results_hides_small_counts(world):
    appraisal = open_appraisal(world)
    services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal))
    appraisal = services.close_voting(appraisal, actor=world.secretary)
    row = results.own_result(appraisal, world.member_member)
    assert appraisal.min_ballots_for_person_results == 5 and row.counts == {}


def test_each_member_sees_only_their_own_result(world, client):
    appraisal = open_appraisal(world, extra=4)
    me = Appraisee.objects.get(appraisal=appraisal, member=world.member_member)
    other = Appraisee.objects.get(appraisal=appraisal, member=world.committee_member_member)
    for user in _voters(world):
        services.cast_ballot(appraisal, actor=user, grades=all_grades(appraisal, overrides={me.pk: Grade.BASICALLY_QUALIFIED, other.pk: Grade.EXCELLENT}))
    services.close_voting(appraisal, actor=world.secretary)
    client.force_login(world.member)
    page = client.get(f"/appraisal/{appraisal.pk}/mine/").content.decode()
    assert "7 票" in page and other.name not in page
    assert client.get(f"/appraisal/{appraisal.pk}/results/").status_code == 403


def test_a_passed_window_is_closed_by_the_system_once(world):
    appraisal = open_appraisal(world)
    services.cast_ballot(appraisal, actor=world.member, grades=all_grades(appraisal))
    assert services.close_expired() == 0  # window still open
    with pytest.raises(DomainError, match="截止时间"):
        services.close_voting(appraisal, actor=None)
    later = timezone.now() + datetime.timedelta(days=4)
    assert services.close_expired(now=later) == 0  # window_end is compared with the real clock inside
    appraisal.window_end = timezone.now() - datetime.timedelta(minutes=5)
    appraisal.save(update_fields=["window_end"])
    assert services.close_expired() == 1
    assert services.close_expired() == 0
    appraisal.refresh_from_db()
    assert appraisal.is_closed and appraisal.ballots_cast == 1
