"""The DL demo step (idempotent) and the home tasks it produces; the pages render for the demo."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from meetings.choices import FeedbackKind, Stage
from meetings.models import Feedback, Meeting

pytestmark = pytest.mark.django_db


def test_demo_step_builds_a_planned_and_a_held_meeting_and_is_idempotent(client):
    from core.demo import STEPS
    from organizations import demo

    cache.clear()
    context = demo.build()
    step = next(func for _order, name, func in STEPS if name == "民主生活会（东城街道党工委领导班子）")
    step(context)
    step(context)
    team = context["team"]
    regular = Meeting.objects.get(leading_team=team, special=False)
    special = Meeting.objects.get(leading_team=team, special=True)
    assert regular.plan.status == "filed" and regular.notices.filter(published_at__isnull=False).exists()
    assert special.stage == Stage.HELD and special.sittings.get().agenda.filter(completed_at__isnull=True).count() == 0
    assert Feedback.objects.filter(meeting=special, kind=FeedbackKind.ABSENT_CRITICISM).count() == 1

    users = context["users"]
    client.force_login(users["lingdao"])
    home = client.get(reverse("core:home")).content.decode()
    assert "转达民主生活会上的批评意见" in home
    for name in ("dl_plan", "dl_notice", "dl_study", "dl_sitting", "dl_after"):
        assert client.get(reverse(f"meetings:{name}", args=[special.pk])).status_code == 200
    client.force_login(users["banzi"])  # the proxy who read the absent leader's outline
    assert "转达民主生活会上的批评意见" in client.get(reverse("core:home")).content.decode()
    client.force_login(users["zuzhibu"])
    assert "待查收的民主生活会方案报备 2 份" in client.get(reverse("core:home")).content.decode()
    client.force_login(users["jiwei"])
    assert "待查收的民主生活会方案报备 1 份" in client.get(reverse("core:home")).content.decode()
    page = client.get(reverse("meetings:dl_filings")).content.decode()
    assert regular.title in page and special.title in page
    client.logout()
    assert "意见箱" in client.get(reverse("meetings:dl_public", args=[regular.public_token])).content.decode()


def test_sitting_page_queries_do_not_grow_with_statements(client, django_assert_max_num_queries):
    from core.demo import STEPS
    from organizations import demo

    cache.clear()
    context = demo.build()
    next(func for _order, name, func in STEPS if name == "民主生活会（东城街道党工委领导班子）")(context)
    special = Meeting.objects.get(leading_team=context["team"], special=True)
    client.force_login(context["users"]["lingdao"])
    url = reverse("meetings:dl_sitting", args=[special.pk])
    client.get(url)
    with django_assert_max_num_queries(60):
        assert client.get(url).status_code == 200
