"""The demo step: an open appraisal with some ballots and a closed one with results."""

import pytest
from django.core.cache import cache

from appraisal.choices import RatingStatus, VotingStatus
from appraisal.models import Appraisal, Ballot, Rating

pytestmark = pytest.mark.django_db


def test_demo_step_is_idempotent_and_shows_both_states(client):
    from core.demo import STEPS
    from organizations import demo

    cache.clear()
    context = demo.build()
    step = next(func for _order, name, func in STEPS if name.startswith("民主评议党员"))
    step(context)
    step(context)
    open_one = Appraisal.objects.get(voting_status=VotingStatus.OPEN)
    closed = Appraisal.objects.get(voting_status=VotingStatus.CLOSED)
    assert Ballot.objects.filter(appraisal=open_one).count() == 9
    assert closed.quorum_met and closed.ballots_cast == closed.eligible_voters == 23
    assert closed.ratings_final_at is not None
    assert not Rating.objects.filter(appraisee__appraisal=closed).exclude(status=RatingStatus.FINAL).exists()
    client.force_login(context["users"]["dangyuan"])
    page = client.get(f"/appraisal/{open_one.pk}/ballot/").content.decode()
    assert "匿名提交测评票" in page
    client.force_login(context["users"]["shenhe"])
    assert "收回测评票 <strong>23</strong> 张" in client.get(f"/appraisal/{closed.pk}/results/").content.decode()
