"""What the rulebook checker sees of the records made here (through ol-core's snapshot builder),
on both rulebooks: a missing step shows up under its clause and disappears once recorded."""

import pytest
from django.urls import reverse

from meetings import lifecycle
from meetings.choices import CriticismKind, FeedbackKind, FeedbackMode, OpinionChannel, SittingKind, Stage
from meetings.services import opinions, sittings, talks

from .factories_prep import days_ago, make_ol_meeting

pytestmark = pytest.mark.django_db
BOOKS = ["district-2024", "national-baseline"]


def clauses(meeting) -> set[str]:
    return {c for f in lifecycle.findings(meeting) for c in f.clause_ids}


def clauses_once_held(meeting) -> set[str]:
    """The sitting rules are active from 已召开: look at the record as it would be then."""
    from meetings.models import Meeting

    stage = Meeting.objects.get(pk=meeting.pk).stage
    Meeting.objects.filter(pk=meeting.pk).update(stage=Stage.HELD)
    try:
        return clauses(meeting)
    finally:
        Meeting.objects.filter(pk=meeting.pk).update(stage=stage)


@pytest.mark.parametrize("slug", BOOKS)
def test_OL_2_3_b_c_d_e_opinion_findings_clear_when_recorded(world, slug):
    meeting = make_ol_meeting(world.b1, slug=slug)
    opinions.record_opinions(
        meeting,
        actor=world.secretary,
        channel=OpinionChannel.FORUM,
        received_on=days_ago(3),
        entries=[
            opinions.Entry("社区党员活动室周末不开放，上班的党员无法参加活动。"),
            opinions.Entry("钱委员负责的网格只走访过两次，独居老人联系不上。", target_member=world.committee_member_member),
        ],
    )
    found = clauses(meeting)
    assert {"OL-2.3.c", "OL-2.3.d", "OL-2.3.e"} <= found
    opinions.freeze_summary(meeting, actor=world.secretary, none_received=[f"m{world.secretary_member.pk}"], expected_number=0)
    opinions.notify_team(meeting, actor=world.secretary, mode=FeedbackMode.WRITTEN, delivered_on=days_ago(2))
    opinions.record_feedback(
        meeting,
        actor=world.secretary,
        kind=FeedbackKind.PERSONAL,
        recipient=world.committee_member_member,
        mode=FeedbackMode.IN_PERSON,
        delivered_on=days_ago(2),
    )
    found = clauses(meeting)
    assert not ({"OL-2.3.b", "OL-2.3.c", "OL-2.3.d", "OL-2.3.e"} & found), found


@pytest.mark.parametrize("slug", BOOKS)
def test_OL_2_4_talk_findings_follow_the_records(world, slug):
    meeting = make_ol_meeting(world.b1, slug=slug)
    assert {"OL-2.4.a", "OL-2.4.b"} <= clauses(meeting)
    talks.record_talk(meeting, actor=world.reviewer, user_a=world.reviewer, member_b=world.secretary_member, held_on=days_ago(2))
    for b in (world.committee_member_member, world.member_member):
        talks.record_talk(meeting, actor=world.secretary, member_a=world.secretary_member, member_b=b, held_on=days_ago(2))
    assert not ({"OL-2.4.a", "OL-2.4.b"} & clauses(meeting))


@pytest.mark.parametrize("slug", BOOKS)
def test_OL_3_1_sitting_findings_follow_the_record(world, slug, monkeypatch):
    from rulebook import engine

    monkeypatch.setattr(engine, "blockers", lambda *a, **k: [])
    meeting = make_ol_meeting(world.b1, slug=slug, stage=Stage.READY)
    sec, com, mem = world.secretary_member, world.committee_member_member, world.member_member
    c = sittings.open_sitting(meeting, actor=world.secretary, kind=SittingKind.COMMITTEE, date=days_ago(2))
    sittings.add_statement(c, actor=world.secretary, kind=CriticismKind.SELF, speaker=com, content="学习不够系统。")
    found = clauses_once_held(meeting)
    assert {"OL-3.1.b", "OL-3.1.e"} <= found
    sittings.add_statement(c, actor=world.secretary, kind=CriticismKind.SELF, speaker=sec, content="联系群众不够。")
    sittings.add_statement(c, actor=world.secretary, kind=CriticismKind.MUTUAL, speaker=sec, target=com, content="走访少。", suggestion="每月走访。")
    st = sittings.add_statement(c, actor=world.secretary, kind=CriticismKind.MUTUAL, speaker=com, target=sec, content="党日单一。", suggestion="轮流主持。")
    sittings.add_statement(c, actor=world.secretary, kind=CriticismKind.RESPONSE, speaker=sec, content="虚心接受。")
    assert st.pk
    assert "OL-3.1.b" not in clauses_once_held(meeting)
    c.refresh_from_db()
    sittings.close_sitting(c, actor=world.secretary, version=c.version)
    g = sittings.open_sitting(meeting, actor=world.secretary, kind=SittingKind.GENERAL, date=days_ago(1))
    sittings.add_statement(g, actor=world.secretary, kind=CriticismKind.REPORT, speaker=sec, content="通报班子对照检查情况。")
    sittings.add_statement(g, actor=world.secretary, kind=CriticismKind.MUTUAL, speaker=mem, about_team=True, content="通知晚。", suggestion="提前通知。")
    found = clauses_once_held(meeting)
    assert not ({"OL-3.1.b", "OL-3.1.c", "OL-3.1.g", "OL-3.1.h"} & found), sorted(c for c in found if c.startswith("OL-3"))
    assert "OL-3.1.e" in found  # the committee member spoke before the secretary: the warning stays (never a refusal)


def test_meeting_page_lists_these_steps(world, client):
    meeting = make_ol_meeting(world.b1)
    client.force_login(world.secretary)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    for url_name in ("opinions", "talks", "sittings", "problems"):
        assert reverse(f"meetings:{url_name}", args=[meeting.pk]) in page


def test_OL_3_3_a_closing_revised_after_the_commentary_comes_after_it(world):
    from meetings import snapshot

    meeting = make_ol_meeting(world.b2, stage=Stage.READY)
    sittings.open_sitting(meeting, actor=world.outsider, kind=SittingKind.GENERAL, date=days_ago(0))
    first = sittings.save_closing(meeting, actor=world.outsider, expected="", commitment="整改")
    sittings.save_commentary(meeting, actor=world.reviewer, expected="", on_preparation="", on_criticism="较好", on_effect="", guidance=["抓好整改"])
    assert snapshot.build(meeting).closing.after_commentary is False
    sittings.save_closing(meeting, actor=world.outsider, expected=sittings.fingerprint(first), commitment="整改", guidance_responses=["马上就办"])
    assert snapshot.build(meeting).closing.after_commentary is True
