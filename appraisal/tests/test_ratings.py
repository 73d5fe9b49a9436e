"""组织评定: the ⅓ ceiling warning, 不合格 only with a resolution and the superior's approval,
then the 组织处置 as tracked steps."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from appraisal import results, services
from appraisal.choices import DispositionKind, Grade, RatingStatus
from appraisal.models import Appraisee, Rating
from appraisal.snapshot import contribute
from core.errors import DomainError
from rulebook import engine

from .factories import all_grades, open_appraisal

pytestmark = pytest.mark.django_db


def _closed(world, extra=3):
    appraisal = open_appraisal(world, extra=extra)
    for user in (world.secretary, world.committee_member, world.member):
        services.cast_ballot(appraisal, actor=user, grades=all_grades(appraisal))
    return services.close_voting(appraisal, actor=world.secretary)


def _propose(world, appraisal, grades: dict):
    rows = {a.member_id: a.pk for a in Appraisee.objects.filter(appraisal=appraisal)}
    proposals = {pk: (Grade.QUALIFIED, "") for pk in rows.values()}
    for member, grade in grades.items():
        proposals[rows[member.pk]] = (grade, "")
    services.propose_ratings(appraisal, actor=world.secretary, proposals=proposals)


def test_ratings_wait_for_the_vote_to_close(world):
    appraisal = open_appraisal(world)
    with pytest.raises(DomainError, match="测评结束后"):
        services.propose_ratings(appraisal, actor=world.secretary, proposals={})
    with pytest.raises(DomainError, match="测评结束后"):
        services.finalize_ratings(appraisal, actor=world.secretary)


def test_param_appraisal_excellent_max_ratio_warns_above_one_third_but_does_not_block(world):
    """parameters.md `appraisal_excellent_max_ratio` 0.3333: a ceiling, never a quota."""
    appraisal = _closed(world, extra=3)  # 6 appraised → at most 2 优秀
    two = {world.secretary_member: Grade.EXCELLENT, world.committee_member_member: Grade.EXCELLENT}
    _propose(world, appraisal, two)
    assert [f.rule_id for f in results.rating_findings(appraisal)] == []
    _propose(world, appraisal, {**two, world.member_member: Grade.EXCELLENT})
    [finding] = results.rating_findings(appraisal)
    assert finding.rule_id == "appraisal.excellent_ratio" and finding.severity == "warning" and "最多2名" in finding.message
    findings = services.finalize_ratings(appraisal, actor=world.secretary)
    assert [f.rule_id for f in findings] == ["appraisal.excellent_ratio"]
    appraisal.refresh_from_db()
    assert appraisal.ratings_final_at is not None


def test_no_quota_nobody_excellent_is_fine(world):
    appraisal = _closed(world)
    _propose(world, appraisal, {})
    assert results.rating_findings(appraisal) == []


def test_every_member_needs_a_rating_before_finalizing(world):
    appraisal = _closed(world)
    first = Appraisee.objects.filter(appraisal=appraisal).first()
    services.propose_ratings(appraisal, actor=world.secretary, proposals={first.pk: (Grade.QUALIFIED, "")})
    with pytest.raises(DomainError, match="还有5名党员"):
        services.finalize_ratings(appraisal, actor=world.secretary)


def test_OL_1_2_b_unqualified_cannot_be_final_without_resolution_and_superior_approval(world):
    appraisal = _closed(world)
    _propose(world, appraisal, {world.member_member: Grade.UNQUALIFIED})
    services.finalize_ratings(appraisal, actor=world.secretary)
    rating = Rating.objects.get(appraisee__member=world.member_member)
    assert rating.status == RatingStatus.PROPOSED
    appraisal.refresh_from_db()
    assert appraisal.ratings_final_at is None
    info = contribute(appraisal.meeting)["appraisal"]
    assert info.ratings_final is False and info.unqualified_pending_approval == 1
    # The rulebook's OL-1.2.b check keeps the meeting from closing meanwhile.
    assert engine.load("district-2024").param("ol_yearend_combined_with_appraisal") is True
    # Without a resolution the superior has nothing to approve.
    with pytest.raises(DomainError, match="不在待审批状态"):
        services.approve_unqualified(rating, actor=world.reviewer)
    with pytest.raises(DomainError, match="决议"):
        services.submit_unqualified(rating, actor=world.secretary, body="committee", resolution_date=timezone.localdate(), text=" ")
    services.submit_unqualified(rating, actor=world.secretary, body="committee", resolution_date=timezone.localdate(), text="支委会研究，拟评定为不合格。")
    # Neither the branch itself nor a sibling's reviewer may approve.
    with pytest.raises(PermissionDenied):
        services.approve_unqualified(rating, actor=world.secretary)
    with pytest.raises(PermissionDenied):
        services.approve_unqualified(rating, actor=world.reviewer2)
    services.approve_unqualified(rating, actor=world.reviewer, comment="同意")
    rating.refresh_from_db()
    appraisal.refresh_from_db()
    assert rating.status == RatingStatus.FINAL and rating.decided_by == world.reviewer
    assert appraisal.ratings_final_at is not None
    assert contribute(appraisal.meeting)["appraisal"].ratings_final is True


def test_a_returned_unqualified_rating_can_be_changed_by_the_branch(world):
    appraisal = _closed(world)
    _propose(world, appraisal, {world.member_member: Grade.UNQUALIFIED})
    rating = Rating.objects.get(appraisee__member=world.member_member)
    services.submit_unqualified(rating, actor=world.secretary, body="committee", resolution_date=timezone.localdate(), text="拟评定为不合格。")
    with pytest.raises(DomainError, match="退回理由"):
        services.return_unqualified(rating, actor=world.reviewer, comment="")
    services.return_unqualified(rating, actor=world.reviewer, comment="事实依据不足，请重新研究。")
    _propose(world, appraisal, {world.member_member: Grade.BASICALLY_QUALIFIED})
    services.finalize_ratings(appraisal, actor=world.secretary)
    rating.refresh_from_db()
    assert (rating.grade, rating.status) == (Grade.BASICALLY_QUALIFIED, RatingStatus.FINAL)


def test_disposition_opens_only_after_approval_with_tracked_steps(world):
    appraisal = _closed(world)
    _propose(world, appraisal, {world.member_member: Grade.UNQUALIFIED})
    rating = Rating.objects.get(appraisee__member=world.member_member)
    decided = timezone.localdate()
    with pytest.raises(DomainError, match="经上级批准"):
        services.open_disposition(rating, actor=world.secretary, kind=DispositionKind.CORRECTION, decided_on=decided)
    services.submit_unqualified(rating, actor=world.secretary, body="committee", resolution_date=decided, text="拟评定为不合格。")
    services.approve_unqualified(rating, actor=world.reviewer)
    disposition = services.open_disposition(rating, actor=world.secretary, kind=DispositionKind.CORRECTION, decided_on=decided)
    assert disposition.period_end == services._add_months(decided, 6)
    steps = list(disposition.steps.all())
    assert [s.key for s in steps] == ["notify", "help", "review", "conclude"]
    assert steps[2].due == disposition.period_end and steps[0].due == decided + datetime.timedelta(days=7)
    services.complete_step(steps[0], actor=world.secretary, done_on=decided, note="已谈话")
    with pytest.raises(DomainError, match="已经办结"):
        services.complete_step(steps[0], actor=world.secretary, done_on=decided)
    with pytest.raises(DomainError, match="已经启动"):
        services.open_disposition(rating, actor=world.secretary, kind=DispositionKind.REMOVE, decided_on=decided)


def test_OL_3_1_d_branch_without_committee_rates_at_the_general_meeting(world, client):
    """Without a committee the 党员大会 makes the rating; the page says so."""
    from appraisal.tests.factories import make_appraisal

    appraisal = make_appraisal(world.b2, status="closed")
    client.force_login(world.outsider)  # secretary of B2 (no committee)
    page = client.get(f"/appraisal/{appraisal.pk}/ratings/").content.decode()
    assert "党员大会根据测评情况" in page


def test_the_ratings_page_offers_save_and_confirm_only_while_a_rating_can_change(world, client):
    """Once every rating is final or with the superior the page says so instead of offering
    buttons that could change nothing."""
    appraisal = _closed(world)
    client.force_login(world.secretary)
    url = f"/appraisal/{appraisal.pk}/ratings/"

    def page():
        return client.get(url).content.decode()

    _propose(world, appraisal, {world.member_member: Grade.UNQUALIFIED})
    assert "保存拟定等次</button>" in page() and "确定评定结果</button>" in page()
    services.finalize_ratings(appraisal, actor=world.secretary)
    assert "确定评定结果</button>" in page()  # the 不合格 rating still needs its resolution
    rating = Rating.objects.get(appraisee__member=world.member_member)
    services.submit_unqualified(rating, actor=world.secretary, body="committee", resolution_date=timezone.localdate(), text="拟评定为不合格。")
    waiting = page()
    assert "</button>" not in waiting.split("<h1>组织评定</h1>")[1] and "正待上级党组织审批" in waiting
    services.approve_unqualified(rating, actor=world.reviewer, comment="同意")
    done = page()
    assert "保存拟定等次</button>" not in done and "评定结果已于" in done


def test_suggested_grade_is_the_most_voted_with_ties_going_down():
    from appraisal.results import Row

    assert Row(None, {Grade.EXCELLENT: 3, Grade.QUALIFIED: 3}).suggested == Grade.QUALIFIED
    assert Row(None, {Grade.EXCELLENT: 4, Grade.QUALIFIED: 3}).suggested == Grade.EXCELLENT
    assert Row(None, {}).suggested == ""
