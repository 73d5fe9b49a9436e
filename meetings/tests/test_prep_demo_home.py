"""The ol-prep demo step (idempotent) and the members' home tasks."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.home import home_context
from meetings.choices import Half, SittingKind, Stage
from meetings.models import Opinion, Sitting, Talk
from meetings.services import talks as talk_services
from rectification.models import Problem

from .factories_prep import days_ago, make_ol_meeting

pytestmark = pytest.mark.django_db


class _Request:
    def __init__(self, user):
        self.user = user


def test_demo_step_fills_meetings_by_stage_and_is_idempotent(client):
    from core.demo import STEPS
    from organizations import demo

    cache.clear()
    context = demo.build()
    preparing = make_ol_meeting(context["orgs"]["DEMO-B04"])
    held = make_ol_meeting(context["orgs"]["DEMO-B05"], stage=Stage.HELD, year=2025, scheduled=datetime.date(2025, 12, 20))
    step = next(func for _order, name, func in STEPS if name.startswith("组织生活会：征求意见"))
    step(context)
    counts = (Opinion.objects.count(), Talk.objects.count(), Sitting.objects.count(), Problem.objects.count())
    step(context)
    assert counts == (Opinion.objects.count(), Talk.objects.count(), Sitting.objects.count(), Problem.objects.count())
    assert Opinion.objects.filter(meeting=preparing, channel="online").exists()
    assert Opinion.objects.filter(meeting=preparing, is_vague=True).exists()
    assert not Sitting.objects.filter(meeting=preparing).exists()
    assert list(Sitting.objects.filter(meeting=held).values_list("kind", flat=True)) == [SittingKind.GENERAL]  # no committee
    assert Problem.objects.filter(meeting=held).count() > 0
    client.force_login(context["users"]["shuji"])
    for name in ("opinions", "talks", "sittings", "problems", "opinion_summary", "opinion_feedback"):
        assert client.get(reverse(f"meetings:{name}", args=[preparing.pk])).status_code == 200, name
    client.force_login(context["users"]["shuji2"])
    assert client.get(reverse("meetings:sitting", args=[Sitting.objects.get(meeting=held).pk])).status_code == 200


def test_home_tasks_give_an_opinion_and_talks_to_hold(world):
    meeting = make_ol_meeting(world.b1, half=Half.YEAR_END)
    tasks = home_context(_Request(world.member))["tasks"]
    assert any("提意见建议" in t.title for t in tasks)
    talk_services.schedule_talk(meeting, actor=world.secretary, member_a=world.secretary_member, member_b=world.member_member, scheduled_on=days_ago(-2))
    tasks = home_context(_Request(world.member))["tasks"]
    talk = next(t for t in tasks if t.title.startswith("谈心谈话"))
    assert world.secretary_member.name in talk.title and talk.due == days_ago(-2)
    assert not [t for t in home_context(_Request(world.outsider))["tasks"] if "谈心谈话" in t.title]
    meeting.stage = Stage.PLANNING
    meeting.save()
    assert not [t for t in home_context(_Request(world.member))["tasks"] if "提意见建议" in t.title]


def test_demo_step_after_the_core_step(client):
    """With ol-core's demo (campaign, B04 in preparation, B07's last year closed) run first."""
    from core.demo import STEPS
    from meetings.models import Meeting
    from organizations import demo

    cache.clear()
    context = demo.build()
    steps = {name: func for _order, name, func in STEPS}
    core = steps.get("组织生活会：部署、方案与学习")
    if core is None:
        pytest.skip("ol-core demo step not present")
    core(context)
    mine = next(func for name, func in steps.items() if name.startswith("组织生活会：征求意见"))
    mine(context)
    mine(context)
    b04 = Meeting.objects.filter(organization=context["orgs"]["DEMO-B04"], stage=Stage.PREPARING).first()
    assert b04 is not None and Opinion.objects.filter(meeting=b04).exists() and Talk.objects.filter(meeting=b04).exists()
    b07 = Meeting.objects.filter(organization=context["orgs"]["DEMO-B07"], stage=Stage.CLOSED).first()
    assert b07 is not None
    assert list(Sitting.objects.filter(meeting=b07).order_by("order").values_list("kind", flat=True)) == [SittingKind.COMMITTEE, SittingKind.GENERAL]
