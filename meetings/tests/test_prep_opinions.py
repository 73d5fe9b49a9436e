"""征求意见 (OL-2.3): services, rules named by clause."""

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import ConcurrentEditError, DomainError
from meetings.choices import FeedbackKind, FeedbackMode, OpinionChannel, Stage
from meetings.models import Feedback, Opinion, OpinionSummary
from meetings.services import opinions as svc

from .factories_prep import days_ago, make_ol_meeting, make_opinion

pytestmark = pytest.mark.django_db

SPECIFIC = "社区党员活动室周末不开放，上班的党员无法参加活动，建议周六上午开放。"


def entry(content=SPECIFIC, **kw):
    return svc.Entry(content=content, **kw)


@pytest.mark.parametrize("stage", [Stage.PLANNING])
def test_OL_2_1_c_opinions_refused_before_plan_approval(world, stage):
    meeting = make_ol_meeting(world.b1, stage=stage)
    with pytest.raises(DomainError) as exc:
        svc.record_opinions(meeting, actor=world.secretary, channel=OpinionChannel.FORUM, received_on=days_ago(1), entries=[entry()])
    assert "制定方案" in exc.value.message
    with pytest.raises(DomainError):
        svc.set_link(meeting, actor=world.secretary, open=True)
    assert not Opinion.objects.exists()


def test_OL_2_3_a_several_opinions_at_once_by_channel(world):
    meeting = make_ol_meeting(world.b1)
    created = svc.record_opinions(
        meeting,
        actor=world.committee_member,
        channel=OpinionChannel.HOME_VISIT,
        received_on=days_ago(2),
        entries=[entry(), entry("钱委员去年负责的网格走访只去过两次，独居老人反映联系不上。", target_member=world.committee_member_member), entry("   ")],
    )
    assert len(created) == 2
    assert {o.channel for o in created} == {OpinionChannel.HOME_VISIT}
    assert created[1].target == "person" and created[1].target_member == world.committee_member_member


def test_OL_2_3_b_opinion_about_a_non_committee_member_refused_and_batch_kept_atomic(world):
    meeting = make_ol_meeting(world.b1)
    with pytest.raises(DomainError) as exc:
        svc.record_opinions(
            meeting, actor=world.secretary, channel=OpinionChannel.PHONE, received_on=days_ago(1), entries=[entry(), entry(target_member=world.member_member)]
        )
    assert "支部委员" in exc.value.message
    assert not Opinion.objects.exists()


def test_opinion_in_the_future_or_without_date_refused(world):
    meeting = make_ol_meeting(world.b1)
    for day in (None, days_ago(-2)):
        with pytest.raises(DomainError):
            svc.record_opinions(meeting, actor=world.secretary, channel=OpinionChannel.PHONE, received_on=day, entries=[entry()])


def test_member_cannot_record_for_others_but_can_give_own(world):
    meeting = make_ol_meeting(world.b1)
    with pytest.raises(PermissionDenied):
        svc.record_opinions(meeting, actor=world.member, channel=OpinionChannel.PHONE, received_on=days_ago(1), entries=[entry()])
    given = svc.give_opinion(meeting, actor=world.member, member=world.member_member, entries=[entry(is_anonymous=True), entry()])
    assert given[0].giver_name == "" and given[0].is_anonymous
    assert given[1].giver_name == world.member_member.name and given[1].channel == OpinionChannel.FORM


@pytest.mark.parametrize(
    "text,vague",
    [
        ("希望加强学习", True),
        ("没有意见", True),
        ("希望班子进一步加强学习，提高认识，改进作风，继续努力", True),
        (SPECIFIC, False),
        ("书记今年3月起没有参加过党小组学习，两次主题党日都请假", False),
    ],
)
def test_OL_2_3_f_vague_heuristic(text, vague):
    assert svc.is_vague_text(text) is vague


def test_OL_2_3_f_vague_opinion_is_flagged_never_rejected_and_can_be_cleared(world):
    meeting = make_ol_meeting(world.b1)
    [o] = svc.record_opinions(meeting, actor=world.secretary, channel=OpinionChannel.FORUM, received_on=days_ago(1), entries=[entry("希望加强学习")])
    assert o.is_vague
    svc.set_vague(o, actor=world.secretary, vague=False)
    o.refresh_from_db()
    assert not o.is_vague


def test_public_link_open_close_and_submission(world):
    meeting = make_ol_meeting(world.b1)
    with pytest.raises(DomainError):
        svc.submit_public(meeting, entries=[entry()])
    with pytest.raises(PermissionDenied):
        svc.set_link(meeting, actor=world.committee_member, open=True)
    svc.set_link(meeting, actor=world.secretary, open=True)
    [o] = svc.submit_public(meeting, entries=[entry(giver_kind=svc.SUPERIOR_GIVER, strong_public_concern=True)])
    assert o.channel == OpinionChannel.ONLINE and o.recorded_by is None
    assert o.giver_kind != svc.SUPERIOR_GIVER and not o.strong_public_concern  # the public cannot self-tag
    svc.set_link(meeting, actor=world.secretary, open=False)
    with pytest.raises(DomainError) as exc:
        svc.submit_public(meeting, entries=[entry()])
    assert "已结束" in exc.value.message
    with pytest.raises(DomainError):
        svc.set_link(meeting, actor=world.secretary, open=False)


def test_merge_duplicates_keeps_all_and_counts_times_raised(world):
    meeting = make_ol_meeting(world.b1)
    a, b, c = (make_opinion(meeting) for _ in range(3))
    person = make_opinion(meeting, target_member=world.committee_member_member)
    with pytest.raises(DomainError):
        svc.merge_opinions(a, [person], actor=world.secretary)
    b.strong_public_concern = True
    b.save()
    svc.merge_opinions(a, [b, c], actor=world.secretary)
    a.refresh_from_db()
    assert a.strong_public_concern
    assert set(Opinion.objects.filter(merged_into=a).values_list("pk", flat=True)) == {b.pk, c.pk}
    content = svc.summary_content(meeting)
    assert content["total"] == 2 and content["team"][0]["times_raised"] == 3
    with pytest.raises(DomainError):
        svc.merge_opinions(b, [a], actor=world.secretary)
    svc.unmerge(c, actor=world.secretary)
    assert svc.summary_content(meeting)["total"] == 3


def test_update_with_stale_fingerprint_never_overwrites(world):
    meeting = make_ol_meeting(world.b1)
    o = make_opinion(meeting)
    seen = svc.fingerprint(o)
    svc.update_opinion(o, actor=world.secretary, expected=seen, content=SPECIFIC + "（一）", strong_public_concern=True)
    with pytest.raises(ConcurrentEditError):
        svc.update_opinion(o, actor=world.committee_member, expected=seen, content="别人的修改", strong_public_concern=False)
    o.refresh_from_db()
    assert o.content.endswith("（一）") and o.strong_public_concern


def test_OL_2_3_c_summary_frozen_in_versions_grouped_by_team_and_person(world):
    meeting = make_ol_meeting(world.b1)
    make_opinion(meeting)
    make_opinion(meeting, target_member=world.committee_member_member, channel=OpinionChannel.PHONE)
    s1 = svc.freeze_summary(meeting, actor=world.secretary, intro="共走访12户", none_received=[f"m{world.secretary_member.pk}"], expected_number=0)
    assert s1.number == 1 and s1.content["total"] == 2 and len(s1.content["team"]) == 1
    people = {p["name"]: len(p["opinions"]) for p in s1.content["people"]}
    assert people == {world.secretary_member.name: 0, world.committee_member_member.name: 1}
    assert s1.content["channels"] == {"个别谈话": 1, "电话交流": 1}
    make_opinion(meeting)
    with pytest.raises(ConcurrentEditError):
        svc.freeze_summary(meeting, actor=world.secretary, expected_number=0)
    s2 = svc.freeze_summary(meeting, actor=world.secretary, expected_number=1)
    assert s2.number == 2 and s2.content["total"] == 3
    s1.refresh_from_db()
    assert s1.content["total"] == 2  # the frozen version never changes
    with pytest.raises(PermissionDenied):
        svc.freeze_summary(meeting, actor=world.committee_member, expected_number=2)


def test_OL_2_3_b_none_received_cannot_contradict_opinions(world):
    meeting = make_ol_meeting(world.b1)
    with pytest.raises(DomainError):
        svc.freeze_summary(meeting, actor=world.secretary, expected_number=0)
    make_opinion(meeting)
    with pytest.raises(DomainError):
        svc.freeze_summary(meeting, actor=world.secretary, none_received=["team"], expected_number=0)
    assert not OpinionSummary.objects.exists()


def test_OL_2_3_d_team_opinions_notified_to_every_committee_member(world):
    meeting = make_ol_meeting(world.b1)
    make_opinion(meeting)
    with pytest.raises(DomainError) as exc:
        svc.notify_team(meeting, actor=world.secretary, mode=FeedbackMode.IN_PERSON, delivered_on=days_ago(1))
    assert "召开会议或书面送达" in exc.value.message
    rows = svc.notify_team(meeting, actor=world.secretary, mode=FeedbackMode.WRITTEN, delivered_on=days_ago(1))
    assert {f.recipient for f in rows} == {world.secretary_member, world.committee_member_member}
    assert all(f.kind == FeedbackKind.TEAM and f.opinions.count() == 1 and f.delivered_on == days_ago(1) for f in rows)
    with pytest.raises(DomainError):
        svc.notify_team(meeting, actor=world.secretary, mode=FeedbackMode.WRITTEN, delivered_on=days_ago(1))


def test_OL_2_3_e_personal_feedback_by_the_secretary_unedited(world):
    meeting = make_ol_meeting(world.b1)
    o = make_opinion(meeting, target_member=world.committee_member_member)
    with pytest.raises(PermissionDenied):
        svc.record_feedback(
            meeting,
            actor=world.committee_member,
            kind=FeedbackKind.PERSONAL,
            recipient=world.committee_member_member,
            mode=FeedbackMode.IN_PERSON,
            delivered_on=days_ago(1),
        )
    fb = svc.record_feedback(
        meeting,
        actor=world.secretary,
        kind=FeedbackKind.PERSONAL,
        recipient=world.committee_member_member,
        mode=FeedbackMode.IN_PERSON,
        delivered_on=days_ago(1),
    )
    assert o.content in fb.content and list(fb.opinions.all()) == [o]
    svc.acknowledge(fb, actor=world.committee_member, on=days_ago(0))
    fb.refresh_from_db()
    assert fb.acknowledged_on == days_ago(0)


def test_OL_2_3_e_secretarys_own_opinions_fed_back_by_the_superior(world):
    meeting = make_ol_meeting(world.b1)
    make_opinion(meeting, target_member=world.secretary_member)
    kwargs = {"kind": FeedbackKind.PERSONAL, "recipient": world.secretary_member, "mode": FeedbackMode.IN_PERSON, "delivered_on": days_ago(1)}
    with pytest.raises(PermissionDenied):
        svc.record_feedback(meeting, actor=world.secretary, **kwargs)
    with pytest.raises(DomainError):
        svc.record_feedback(meeting, actor=world.inspector, **kwargs)
    fb = svc.record_feedback(meeting, actor=world.reviewer, **kwargs)
    assert fb.delivered_by == world.reviewer
    assert Feedback.objects.count() == 1
