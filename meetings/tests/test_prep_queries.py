"""The pages' query counts do not grow with the number of opinions, talks or statements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.choices import CriticismKind, SittingKind
from meetings.models import Criticism, Talk
from tests.factories import make_member

from .factories_prep import days_ago, make_ol_meeting, make_opinion, make_sitting

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(meeting, world, n):
    members = [make_member(world.b1, name=f"党员{i}") for i in range(n)]
    for i in range(n):
        make_opinion(meeting, content=f"第{i}条：活动室周末不开放，上班的党员无法参加活动。")
        make_opinion(meeting, target_member=world.committee_member_member, strong_public_concern=True, content=f"第{i}条：网格走访少。")
        Talk.objects.create(meeting=meeting, member_a=world.secretary_member, member_b=members[i], held_on=days_ago(1))
    return members


@pytest.mark.parametrize("name", ["opinions", "talks", "sittings", "opinion_summary"])
def test_page_queries_do_not_grow(world, client, name, django_assert_max_num_queries):
    meeting = make_ol_meeting(world.b1)
    client.force_login(world.secretary)
    url = reverse(f"meetings:{name}", args=[meeting.pk])
    _grow(meeting, world, 3)
    small = _count(client, url)
    _grow(meeting, world, 12)
    with django_assert_max_num_queries(small + 2):
        client.get(url)


def test_sitting_page_queries_do_not_grow(world, client, django_assert_max_num_queries):
    meeting = make_ol_meeting(world.b1)
    sitting = make_sitting(meeting, SittingKind.GENERAL)
    client.force_login(world.secretary)
    url = reverse("meetings:sitting", args=[sitting.pk])

    def add(n, start):
        for i in range(n):
            Criticism.objects.create(sitting=sitting, seq=start + i, kind=CriticismKind.SELF, speaker=world.member_member, content="事实")

    add(3, 1)
    small = _count(client, url)
    add(15, 4)
    with django_assert_max_num_queries(small + 2):
        client.get(url)
