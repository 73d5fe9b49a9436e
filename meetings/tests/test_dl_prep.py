"""民主生活会 preparation through the opinion and talk services (issue 6): DL-2.5.a (binding: the
征求意见表 and the summary before READY), the GAP proposals P-DL-2.5.b–d and P-DL-2.6.a–d
(warnings/info only, proposals layer), a leader's own talks, the 分管 relation, and DL-0.3 in
the campaign launch. OL behaviour is covered by test_prep_opinions / test_prep_talks."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from conftest import login
from core.errors import DomainError
from meetings import snapshot
from meetings.choices import FeedbackKind, FeedbackMode, OpinionChannel, Stage
from meetings.models import Meeting, Opinion, Talk
from meetings.services import dl
from meetings.services import opinions as ops
from meetings.services import talks as svc
from organizations.choices import PositionKind
from organizations.models import LeadingTeamMembership, overseen_heads
from rulebook import engine
from tests.factories import make_leading_team, make_member, make_org, make_position

from .factories_dl import THEME, make_dl_meeting

pytestmark = pytest.mark.django_db
BOOKS = ["district-2024", "national-baseline"]


def _today():
    return timezone.localdate()


def _prep(world, rulebook="district-2024", size=3):
    """A 民主生活会 of P1's team in PREPARING (plan decided); leaders[0] is the main leader."""
    team, leaders = make_leading_team(world.p1, size=size)
    return make_dl_meeting(world, team=team, leaders=leaders, stage=Stage.PREPARING, rulebook=rulebook)


def _findings(meeting):
    meeting.refresh_from_db()
    return {f.rule_id: f for f in engine.check(snapshot.build(meeting), dl.rulebook_of(meeting))}


def _seat(ctx, member):
    return LeadingTeamMembership.objects.get(team=ctx.team, member=member)


# -- opinions --------------------------------------------------------------------------------------
@pytest.mark.parametrize("rulebook", BOOKS)
def test_DL_2_5_a_opinions_and_the_summary_serve_a_leading_team(world, rulebook):
    """DL-2.5.a (binding): opinions are gathered and the summary exists before READY (blocker until then)."""
    ctx = _prep(world, rulebook)
    main, second = ctx.leaders[0], ctx.leaders[1]
    assert _findings(ctx.meeting)["DL-2.5.a"].severity == "blocker"
    created = ops.record_opinions(
        ctx.meeting,
        actor=main.user,
        channel=OpinionChannel.FORM,
        received_on=_today(),
        entries=[
            ops.Entry(content="班子到社区调研偏少，3月以来只开过一次现场办公会。"),
            ops.Entry(content="分管领域整改督办不够及时，台账更新滞后。", target_member=second),
        ],
    )
    assert [o.target for o in created] == ["team", "person"] and created[1].target_member == second
    summary = ops.freeze_summary(ctx.meeting, actor=main.user, none_received=[f"m{ctx.leaders[2].pk}"], expected_number=0)
    assert {p["name"] for p in summary.content["people"]} == {m.name for m in ctx.leaders}
    assert "DL-2.5.a" not in _findings(ctx.meeting)


def test_DL_2_5_a_opinion_subject_must_be_the_team_or_one_of_its_leaders(world):
    ctx = _prep(world)
    with pytest.raises(DomainError) as exc:
        ops.record_opinions(
            ctx.meeting,
            actor=ctx.main.user,
            channel=OpinionChannel.FORUM,
            received_on=_today(),
            entries=[ops.Entry(content="意见内容具体到3月的会议。", target_member=world.secretary_member)],
        )
    assert "班子成员" in exc.value.message and not Opinion.objects.filter(meeting=ctx.meeting).exists()


def test_DL_2_5_a_a_leader_cannot_record_opinions_for_the_team_but_may_give_one(world):
    ctx = _prep(world)
    other = ctx.leaders[1]
    with pytest.raises(PermissionDenied):
        ops.record_opinions(ctx.meeting, actor=other.user, channel=OpinionChannel.FORUM, received_on=_today(), entries=[ops.Entry(content="x" * 20)])
    given = ops.give_opinion(
        ctx.meeting, actor=other.user, member=other, entries=[ops.Entry(content="建议班子每月到联系社区蹲点一次。", target_member=ctx.main)]
    )
    assert given[0].channel == OpinionChannel.FORM and given[0].target_member == ctx.main


@pytest.mark.parametrize("rulebook", BOOKS)
def test_P_DL_2_5_b_only_the_form_is_info_and_the_public_link_is_online(world, rulebook):
    """P-DL-2.5.b (proposal, info): only 征求意见表 → info; 网上征求 through the public link."""
    ctx = _prep(world, rulebook)
    ops.record_opinions(
        ctx.meeting, actor=ctx.main.user, channel=OpinionChannel.FORM, received_on=_today(), entries=[ops.Entry(content="调研不深入，3月只去过一次社区。")]
    )
    finding = _findings(ctx.meeting)["P-DL-2.5.b"]
    assert finding.severity == "info" and finding.proposal
    with pytest.raises(DomainError):
        ops.submit_public(ctx.meeting, entries=[ops.Entry(content="链接未开放时不能提交。")])
    ops.set_link(ctx.meeting, actor=ctx.main.user, open=True)
    ops.submit_public(ctx.meeting, entries=[ops.Entry(content="建议公开办事流程，周末也安排值班。", target_member=ctx.leaders[1])])
    assert Opinion.objects.get(meeting=ctx.meeting, channel=OpinionChannel.ONLINE).target_member == ctx.leaders[1]
    assert "P-DL-2.5.b" not in _findings(ctx.meeting)


@pytest.mark.parametrize("rulebook", BOOKS)
def test_P_DL_2_5_c_each_leader_has_opinions_or_none_received(world, rulebook):
    ctx = _prep(world, rulebook)
    ops.record_opinions(
        ctx.meeting, actor=ctx.main.user, channel=OpinionChannel.FORUM, received_on=_today(), entries=[ops.Entry(content="班子调研不够，3月只去了一次。")]
    )
    finding = _findings(ctx.meeting)["P-DL-2.5.c"]
    assert finding.severity == "info" and finding.proposal and not finding.blocks
    ops.freeze_summary(ctx.meeting, actor=ctx.main.user, none_received=[f"m{m.pk}" for m in ctx.leaders], expected_number=0)
    assert "P-DL-2.5.c" not in _findings(ctx.meeting)


@pytest.mark.parametrize("rulebook", BOOKS)
def test_P_DL_2_5_d_main_leader_feeds_back_and_the_superior_feeds_back_to_the_main_leader(world, rulebook):
    ctx = _prep(world, rulebook)
    main, second = ctx.main, ctx.leaders[1]
    ops.record_opinions(
        ctx.meeting,
        actor=main.user,
        channel=OpinionChannel.INDIVIDUAL_TALK,
        received_on=_today(),
        entries=[
            ops.Entry(content="班子落实整改不够，3月台账未更新。"),
            ops.Entry(content="对分管社区走访少，一季度只去过一次。", target_member=second),
            ops.Entry(content="主要负责人听取基层汇报多，到窗口现场少。", target_member=main),
        ],
    )
    assert _findings(ctx.meeting)["P-DL-2.5.d"].severity == "warning"
    rows = ops.notify_team(ctx.meeting, actor=main.user, mode=FeedbackMode.MEETING, delivered_on=_today())
    assert {f.recipient_id for f in rows} == {m.pk for m in ctx.leaders}
    assert "P-DL-2.5.d" not in _findings(ctx.meeting)
    fb = ops.record_feedback(ctx.meeting, actor=main.user, kind=FeedbackKind.PERSONAL, recipient=second, mode=FeedbackMode.IN_PERSON, delivered_on=_today())
    assert "一季度只去过一次" in fb.content
    with pytest.raises((DomainError, PermissionDenied)):
        ops.record_feedback(ctx.meeting, actor=main.user, kind=FeedbackKind.PERSONAL, recipient=main, mode=FeedbackMode.IN_PERSON, delivered_on=_today())
    ops.record_feedback(ctx.meeting, actor=world.inspector, kind=FeedbackKind.PERSONAL, recipient=main, mode=FeedbackMode.IN_PERSON, delivered_on=_today())
    assert "P-DL-2.5.d.personal" not in _findings(ctx.meeting)


def test_DL_2_5_a_opinions_wait_for_the_decided_plan(world):
    ctx = make_dl_meeting(world)  # PLANNING: plan not yet decided
    with pytest.raises(DomainError):
        ops.record_opinions(ctx.meeting, actor=ctx.main.user, channel=OpinionChannel.FORUM, received_on=_today(), entries=[ops.Entry(content="x" * 20)])


# -- talks -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rulebook", BOOKS)
def test_P_DL_2_6_a_b_leaders_record_their_own_talks_and_coverage_follows(world, rulebook):
    ctx = _prep(world, rulebook)
    main, second, third = ctx.leaders
    view = svc.plan_view(ctx.meeting)
    assert view.coverage.part("P-DL-2.6.a").required == 2 and view.coverage.part("P-DL-2.6.b").required == 1
    assert all(p.proposal for p in view.coverage.parts)
    assert _findings(ctx.meeting)["P-DL-2.6.a"].severity == "info"
    svc.record_talk(ctx.meeting, actor=second.user, member_a=second, member_b=third, held_on=_today(), key_points="交流了分管工作中的问题")
    with pytest.raises(DomainError) as exc:
        svc.record_talk(ctx.meeting, actor=second.user, member_a=main, member_b=third, held_on=_today())
    assert "本人参加" in exc.value.message
    svc.record_talk(ctx.meeting, actor=main.user, member_a=main, member_b=second, held_on=_today())
    svc.record_talk(ctx.meeting, actor=third.user, member_a=third, member_b=main, held_on=_today())
    view = svc.plan_view(ctx.meeting)
    assert view.coverage.part("P-DL-2.6.a").complete and view.coverage.part("P-DL-2.6.b").complete
    found = _findings(ctx.meeting)
    assert "P-DL-2.6.a" not in found and "P-DL-2.6.b" not in found


def test_P_DL_2_6_a_talk_partners_must_be_leaders_and_talks_are_regular(world):
    ctx = _prep(world)
    with pytest.raises(DomainError):
        svc.record_talk(ctx.meeting, actor=ctx.main.user, member_a=ctx.main, member_b=world.member_member, held_on=_today())
    with pytest.raises(DomainError):
        svc.record_talk(ctx.meeting, actor=ctx.main.user, member_a=ctx.main, member_b=ctx.leaders[1], held_on=_today(), kind="care")
    assert not Talk.objects.filter(meeting=ctx.meeting).exists()


def test_P_DL_2_6_d_the_superior_records_own_talk_with_the_main_leader(world):
    ctx = _prep(world)
    assert not svc.plan_view(ctx.meeting).coverage.part("P-DL-2.6.d").complete
    with pytest.raises(PermissionDenied):
        svc.record_talk(ctx.meeting, actor=ctx.main.user, user_a=ctx.main.user, member_b=ctx.main, held_on=_today())
    svc.record_talk(ctx.meeting, actor=world.inspector, user_a=world.inspector, member_b=ctx.main, held_on=_today())
    assert svc.plan_view(ctx.meeting).coverage.part("P-DL-2.6.d").complete
    mine = svc.my_talks(ctx.meeting, ctx.main)
    assert [r.done for r in mine if r.clause == "P-DL-2.6.d"] == [True]


@pytest.mark.parametrize("rulebook", BOOKS)
def test_P_DL_2_6_c_overseen_heads_become_talk_partners(world, rulebook):
    """分管: the head of each overseen unit (its secretary) talks with the leader who oversees it."""
    ctx = _prep(world, rulebook)
    second = ctx.leaders[1]
    dl.set_overseen_units(_seat(ctx, second), actor=ctx.main.user, organizations=[world.b1, world.b2])
    assert overseen_heads(ctx.team.pk) == {second.pk: [world.secretary_member.pk, world.outsider_member.pk]}
    person = next(p for p in snapshot.build(ctx.meeting).roster if p.key == f"m{second.pk}")
    assert person.overseen_heads == (f"m{world.secretary_member.pk}", f"m{world.outsider_member.pk}")
    part = svc.plan_view(ctx.meeting).coverage.part("P-DL-2.6.c")
    assert part.required == 2 and part.proposal
    assert _findings(ctx.meeting)["P-DL-2.6.c"].severity == "info"
    with pytest.raises(DomainError):  # not a head this leader oversees
        svc.record_talk(ctx.meeting, actor=ctx.main.user, member_a=ctx.main, member_b=world.secretary_member, held_on=_today())
    svc.record_talk(ctx.meeting, actor=second.user, member_a=second, member_b=world.secretary_member, held_on=_today())
    svc.record_talk(ctx.meeting, actor=second.user, member_a=world.outsider_member, member_b=second, held_on=_today())
    assert svc.plan_view(ctx.meeting).coverage.part("P-DL-2.6.c").complete
    assert "P-DL-2.6.c" not in _findings(ctx.meeting)


def test_P_DL_2_6_c_overseen_units_lie_below_the_team_and_only_its_managers_set_them(world):
    ctx = _prep(world)
    seat = _seat(ctx, ctx.leaders[1])
    with pytest.raises(DomainError):
        dl.set_overseen_units(seat, actor=ctx.main.user, organizations=[world.b3])  # under another committee
    with pytest.raises(PermissionDenied):
        dl.set_overseen_units(seat, actor=ctx.leaders[1].user, organizations=[world.b1])
    assert not seat.overseen.exists()
    dl.set_overseen_units(seat, actor=ctx.main.user, organizations=[world.b1])
    assert list(seat.overseen.all()) == [world.b1]


def test_P_DL_2_6_c_a_unit_without_a_secretary_adds_no_pair_and_ended_seats_do_not_count(world):
    ctx = _prep(world)
    empty = make_org(world.p1, name="无书记支部")
    dl.set_overseen_units(_seat(ctx, ctx.leaders[1]), actor=ctx.main.user, organizations=[empty])
    assert overseen_heads(ctx.team.pk) == {}
    head = make_member(empty, name="新书记")
    make_position(empty, head, PositionKind.SECRETARY)
    assert overseen_heads(ctx.team.pk) == {ctx.leaders[1].pk: [head.pk]}
    LeadingTeamMembership.objects.filter(team=ctx.team, member=ctx.leaders[1]).update(ended_on=_today() - datetime.timedelta(days=1))
    assert overseen_heads(ctx.team.pk) == {}


# -- a leader's own talks (views) ------------------------------------------------------------------
def test_P_DL_2_6_a_leader_sees_and_records_own_talks(client, world):
    ctx = _prep(world)
    main, second, third = ctx.leaders
    login(client, second.user)
    url = reverse("meetings:talks_mine", args=[ctx.meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    rows = page.context["items"]
    assert {r.partner.pk for r, _ in rows} == {main.pk, third.pk} and page.context["done"] == 0
    response = client.post(
        reverse("meetings:talks_mine_record", args=[ctx.meeting.pk]),
        {"partner": str(third.pk), f"p{third.pk}-member": str(second.pk), f"p{third.pk}-partner": str(third.pk), f"p{third.pk}-held_on": _today().isoformat()},
    )
    assert response.status_code == 302
    talk = Talk.objects.get(meeting=ctx.meeting)
    assert {talk.member_a_id, talk.member_b_id} == {second.pk, third.pk} and talk.recorded_by == second.user
    assert client.get(url).context["done"] == 1
    # Another leader's list: not for a leader; the main leader and the superior may see it.
    assert client.get(url + f"?member={third.pk}").status_code == 404
    login(client, main.user)
    assert client.get(url + f"?member={third.pk}").context["subject"] == third
    login(client, world.inspector)
    assert client.get(url + f"?member={third.pk}").status_code == 200
    login(client, world.secretary)
    assert client.get(url).status_code in (403, 404)


def test_P_DL_2_6_a_leader_cannot_record_a_pair_they_are_not_in_through_the_page(client, world):
    ctx = _prep(world)
    main, second, third = ctx.leaders
    login(client, second.user)
    client.post(
        reverse("meetings:talks_mine_record", args=[ctx.meeting.pk]) + f"?member={third.pk}",
        {"partner": str(main.pk), f"p{main.pk}-member": str(third.pk), f"p{main.pk}-partner": str(main.pk), f"p{main.pk}-held_on": _today().isoformat()},
    )
    assert not Talk.objects.filter(meeting=ctx.meeting).exists()


def test_DL_2_5_a_opinion_pages_speak_of_the_team_and_its_leaders(client, world):
    ctx = _prep(world)
    login(client, ctx.main.user)
    page = client.get(reverse("meetings:opinions", args=[ctx.meeting.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "领导班子" in body and "DL-2.5.a" in body and "征求意见表" in body
    assert (f"m{ctx.leaders[1].pk}", f"班子成员：{ctx.leaders[1].name}") in page.context["rows"][0].fields["target"].choices
    client.post(reverse("meetings:opinion_link", args=[ctx.meeting.pk]), {"open": "1"})
    ctx.meeting.refresh_from_db()
    client.logout()
    public = client.get(reverse("meetings:opinion_public", args=[ctx.meeting.opinion_token]))
    assert "领导班子" in public.content.decode()
    client.post(
        reverse("meetings:opinion_public", args=[ctx.meeting.opinion_token]), {"target": f"m{ctx.leaders[2].pk}", "content": "希望每周三下午到窗口接待群众。"}
    )
    assert Opinion.objects.get(meeting=ctx.meeting).target_member == ctx.leaders[2]


def test_P_DL_2_6_c_oversight_page_for_the_main_leader_only(client, world):
    ctx = _prep(world)
    seat = _seat(ctx, ctx.leaders[1])
    url = reverse("meetings:dl_team_oversight_save", args=[ctx.team.pk])
    login(client, ctx.leaders[1].user)
    assert client.get(reverse("meetings:dl_team_oversight", args=[ctx.team.pk])).status_code == 200
    assert client.post(url, {"membership": seat.pk, "units": [world.b1.pk]}).status_code in (403, 404)
    assert not seat.overseen.exists()
    login(client, ctx.main.user)
    client.post(url, {"membership": seat.pk, "units": [world.b1.pk]})
    assert list(seat.overseen.all()) == [world.b1]
    page = client.get(reverse("meetings:dl_team_oversight", args=[ctx.team.pk]))
    assert world.secretary_member.name in page.content.decode()


# -- campaign ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("rulebook", BOOKS)
def test_DL_0_3_campaign_skips_teams_out_of_scope(world, rulebook):
    from rulebook.models import RulebookChoice

    if rulebook != engine.DEFAULT_SLUG:
        RulebookChoice.objects.create(organization=world.district, slug=rulebook)
    team, _ = make_leading_team(world.p1, size=2)
    branch_team, _ = make_leading_team(world.b1, size=2)
    campaign = dl.publish_topic(
        world.district, actor=world.inspector, year=2027, theme=THEME, window_start=datetime.date(2027, 11, 1), window_end=datetime.date(2027, 12, 31)
    )
    assert list(campaign.meetings.values_list("leading_team_id", flat=True)) == [team.pk]
    assert not Meeting.objects.filter(leading_team=branch_team).exists()
    assert campaign.meetings.get().rulebook_slug == rulebook


def test_P_DL_2_6_a_leader_home_lists_talks_still_to_hold(client, world):
    ctx = _prep(world)
    main, second, third = ctx.leaders
    login(client, third.user)
    home = client.get(reverse("core:home")).content.decode()
    assert f"谈心谈话：还要与{main.name}、{second.name}谈心（2次）" in home
    assert reverse("meetings:talks_mine", args=[ctx.meeting.pk]) in home
    svc.record_talk(ctx.meeting, actor=third.user, member_a=third, member_b=main, held_on=_today())
    svc.record_talk(ctx.meeting, actor=third.user, member_a=third, member_b=second, held_on=_today())
    assert "谈心谈话：还要与" not in client.get(reverse("core:home")).content.decode()


def test_P_DL_2_6_c_missing_head_talks_name_the_leader_first(world):
    ctx = _prep(world)
    second = ctx.leaders[1]
    dl.set_overseen_units(_seat(ctx, second), actor=ctx.main.user, organizations=[world.b1])
    names = dict((p.clause, n) for p, n in svc.lacking(svc.plan_view(ctx.meeting)))
    assert names["P-DL-2.6.c"] == [f"{second.name} — {world.secretary_member.name}"]
    assert names["P-DL-2.6.d"] == [f"上级负责同志 — {ctx.main.name}"]


def test_P_DL_2_6_c_snapshot_reads_oversight_in_one_query_whatever_its_size(world, django_assert_num_queries):
    """The meeting snapshot fills `overseen_heads` with one query (the snapshot is built on every page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ctx = _prep(world)
    with CaptureQueriesContext(connection) as before:
        snapshot.build(ctx.meeting)
    units = [make_org(world.p1, name=f"分管单位{i}") for i in range(3)]
    for unit in units:
        make_position(unit, make_member(unit), PositionKind.SECRETARY)
    dl.set_overseen_units(_seat(ctx, ctx.leaders[1]), actor=ctx.main.user, organizations=[world.b1, *units])
    dl.set_overseen_units(_seat(ctx, ctx.leaders[2]), actor=ctx.main.user, organizations=[world.b2])
    with django_assert_num_queries(len(before.captured_queries)):
        snap = snapshot.build(ctx.meeting)
    assert sum(len(p.overseen_heads) for p in snap.roster) == 5
