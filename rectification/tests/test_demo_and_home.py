"""The demo step fills the ledger and the public page; home tasks for superiors."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.home import home_context
from rectification.choices import ItemStatus
from rectification.models import RectificationItem

from .factories import make_item, make_meeting

pytestmark = pytest.mark.django_db


class _Request:
    def __init__(self, user):
        self.user = user


def test_demo_step_adds_items_in_every_state_and_is_idempotent(client):
    from core.demo import STEPS
    from organizations import demo

    cache.clear()
    context = demo.build()
    step = next(func for _order, name, func in STEPS if name == "整改事项、台账与公开页面")
    step(context)
    step(context)
    statuses = set(RectificationItem.objects.values_list("status", flat=True))
    assert statuses == {ItemStatus.DRAFT, ItemStatus.OPEN, ItemStatus.CLOSURE_REQUESTED, ItemStatus.CLOSED}
    assert RectificationItem.objects.overdue().count() == 1
    assert RectificationItem.objects.count() == 6
    board = context["orgs"]["DEMO-B04"].public_board
    body = client.get(reverse("rectification:public", args=[board.token])).content.decode()
    assert "党员志愿服务活动每月预告制度" in body and "希望周末活动再多一些" in body
    client.force_login(context["users"]["shenhe"])
    assert "待确认销号的整改事项 1 项" in client.get(reverse("core:home")).content.decode()


def test_home_tasks_for_reviewer_and_inspector(world):
    meeting = make_meeting(world.b1)
    make_item(meeting, status=ItemStatus.CLOSURE_REQUESTED)
    titles = [t.title for t in home_context(_Request(world.reviewer))["tasks"]]
    assert "待确认销号的整改事项 1 项" in titles
    assert not any("销号" in t.title for t in home_context(_Request(world.inspector))["tasks"])  # OL items are the reviewer's
    assert any("报送会议材料" in t.title for t in home_context(_Request(world.secretary))["tasks"])
