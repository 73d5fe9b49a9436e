"""The core demo step: a district campaign and branches in several stages; idempotent."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from meetings.choices import PlanStatus, Stage
from meetings.models import Campaign, Meeting, StudyAttendance

pytestmark = pytest.mark.django_db


def _step(name):
    from core.demo import STEPS

    return next(func for _order, n, func in STEPS if n == name)


def test_demo_core_step_is_idempotent_and_feeds_rectification(client):
    from organizations import demo

    cache.clear()
    context = demo.build()
    step = _step("组织生活会：部署、方案与学习")
    step(context)
    counts = (Meeting.objects.count(), StudyAttendance.objects.count())
    step(context)
    assert (Meeting.objects.count(), StudyAttendance.objects.count()) == counts
    assert Campaign.objects.count() == 1
    orgs = context["orgs"]
    by = {(m.organization_id, m.year): m for m in Meeting.objects.select_related("plan")}
    year = Campaign.objects.get().year
    assert by[(orgs["DEMO-B04"].pk, year)].stage == Stage.PREPARING
    assert by[(orgs["DEMO-B05"].pk, year)].plan.status == PlanStatus.SUBMITTED
    assert by[(orgs["DEMO-B09"].pk, year)].plan.status == PlanStatus.DRAFT
    assert by[(orgs["DEMO-B07"].pk, year - 1)].stage == Stage.CLOSED
    last = by[(orgs["DEMO-B04"].pk, year - 1)]
    assert last.stage == Stage.RECTIFYING
    _step("整改事项、台账与公开页面")(context)
    assert last.rectification_items.count() == 6  # the rectification demo used the same meeting
    client.force_login(context["users"]["shenhe"])
    home = client.get(reverse("core:home")).content.decode()
    assert "审核工作方案" in home
    client.force_login(context["users"]["shuji3"])
    assert "起草并报审工作方案" in client.get(reverse("core:home")).content.decode()
