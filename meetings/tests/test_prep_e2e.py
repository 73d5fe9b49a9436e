"""End to end through the views (Django test client): a year-end 组织生活会 of a community branch
with a 支委会 from the opinions to the problem list, and one of a branch without 支委会."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from meetings.choices import FeedbackKind, SittingKind, SittingStatus, Stage
from meetings.models import Feedback, Meeting, Opinion, OpinionSummary, Sitting, Talk
from rectification.choices import ProblemScope, ProblemSource
from rectification.models import Problem
from tests.factories import make_member

from .factories_prep import days_ago, make_ol_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_gates(monkeypatch):
    """The gates of other parts (study, self-examination…) are tested by their owners."""
    from rulebook import engine

    monkeypatch.setattr(engine, "blockers", lambda *a, **k: [])


def ok(client, url, data=None, *, status=302):
    response = client.post(url, data or {})
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert response.status_code == status, (response.status_code, errors)
    assert not errors, errors
    _consume(client, response)
    return response


def _consume(client, response):
    """Follow the redirect so this request's messages are shown (and gone) before the next one."""
    if response.status_code == 302 and response["Location"].startswith("/"):
        client.get(response["Location"])


def refused(client, url, data, needle):
    response = client.post(url, data)
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert any(needle in e for e in errors), errors
    _consume(client, response)
    return response


def batch(meeting, channel, rows):
    data = {"channel": channel, "received_on": days_ago(1).isoformat()}
    for i in range(len(rows)):
        target, content, strong = rows[i]
        data |= {f"r{i}-target": target, f"r{i}-content": content, f"r{i}-giver_kind": "群众"}
        if strong:
            data[f"r{i}-strong_public_concern"] = "on"
    return data


def statement(kind, speaker, content, *, target="", suggestion="", answers=()):
    return {"kind": kind, "speaker": speaker.pk, "target": target, "content": content, "suggestion": suggestion, "answers": [o.pk for o in answers]}


def from_plan_draft(org, secretary, reviewer, client):
    """A year-end meeting created by the secretary; nothing opens before the superior approves
    the plan (OL-2.1.c); then the plan is completed, submitted and approved (ol-core services)."""
    from django.utils import timezone

    from meetings.services import plan as plan_services
    from meetings.services.meeting import create_meeting

    from .factories_core import FULL_PLAN

    meeting = create_meeting(org, kind="org_life", year=timezone.localdate().year, half="year_end", actor=secretary)
    client.force_login(secretary)
    refused(
        client, reverse("meetings:opinions_add", args=[meeting.pk]), batch(meeting, "forum", [("team", "活动室周末不开放，建议周六开放。", False)]), "OL-2.1.c"
    )
    a, b = org.members.order_by("pk")[:2]
    talk = {"action": "record", "member_a": a.pk, "member_b": b.pk, "kind": "regular", "held_on": days_ago(1).isoformat()}
    refused(client, reverse("meetings:talk_add", args=[meeting.pk]), talk, "OL-2.1.c")
    assert not Opinion.objects.filter(meeting=meeting).exists()
    plan = meeting.plan
    plan_services.save_plan(plan, dict(FULL_PLAN, scheduled_date=days_ago(-10)), actor=secretary, version=plan.version)
    plan_services.submit_plan(plan, actor=secretary)
    plan_services.approve_plan(plan, actor=reviewer)
    meeting.refresh_from_db()
    assert meeting.stage == Stage.PREPARING
    return meeting


def test_year_end_meeting_of_a_community_branch_with_committee(world, client, no_gates):
    sec, com, mem = world.secretary_member, world.committee_member_member, world.member_member
    old = make_member(world.b1, name="高大爷", is_elderly_or_infirm=True)
    mobile = make_member(world.b1, name="外出党员", is_mobile=True, flow_direction="out", flow_organization_name="深圳市某街道党工委")
    meeting = from_plan_draft(world.b1, world.secretary, world.reviewer, client)
    pk = meeting.pk
    client.force_login(world.secretary)
    assert client.get(reverse("meetings:opinions", args=[pk])).status_code == 200

    # OL-2.3.a: several opinions at once, about the team and a committee member
    ok(
        client,
        reverse("meetings:opinions_add", args=[pk]),
        batch(
            meeting,
            "home_visit",
            [
                ("team", "社区党员活动室周末不开放，上班的党员无法参加活动，建议周六上午开放。", True),
                (f"m{com.pk}", "钱委员负责的网格今年只走访过两次，独居老人反映联系不上。", False),
                ("team", "希望加强学习", False),
            ],
        ),
    )
    ok(
        client,
        reverse("meetings:opinions_add", args=[pk]),
        batch(meeting, "phone", [("team", "活动室周末不开放，上班族参加不了活动，建议调整开放时间。", False)]),
    )
    strong, personal, vague, dup = Opinion.objects.filter(meeting=meeting).order_by("pk")
    assert vague.is_vague and not strong.is_vague  # OL-2.3.f: flagged, not rejected
    # bad input keeps the user's rows
    response = client.post(reverse("meetings:opinions_add", args=[pk]), batch(meeting, "phone", [(f"m{mem.pk}", "对普通党员的意见", False)]))
    assert response.status_code == 200 and "对普通党员的意见" in response.content.decode()
    assert Opinion.objects.filter(meeting=meeting).count() == 4
    # the secretary marks the personal one as strongly raised (edit with the loaded fingerprint)
    from meetings.services.opinions import fingerprint

    edit = reverse("meetings:opinion_edit", args=[personal.pk])
    assert client.get(edit).status_code == 200
    seen = fingerprint(personal)
    ok(client, edit, {"target": f"m{com.pk}", "content": personal.content, "strong_public_concern": "on", "expected": seen})
    stale = client.post(edit, {"target": "team", "content": "另一人的旧页面", "expected": seen})
    assert stale.status_code == 200 and "另一人的旧页面" in stale.content.decode()
    personal.refresh_from_db()
    assert personal.strong_public_concern and personal.target_member == com

    # the public link: open, submit anonymously with CSRF enforced, thanks page, close
    ok(client, reverse("meetings:opinion_link", args=[pk]), {"open": "1"})
    public = Client(enforce_csrf_checks=True)
    url = reverse("meetings:opinion_public", args=[Meeting.objects.get(pk=pk).opinion_token])
    page = public.get(url)
    assert page.status_code == 200 and "提交意见" in page.content.decode()
    assert public.post(url, {"target": "team", "content": "没有令牌"}).status_code == 403
    token = public.cookies["csrftoken"].value
    done = public.post(url, {"target": "team", "content": "居民议事会一年只开了一次，很多事没有商量就定了。", "csrfmiddlewaretoken": token})
    assert done.status_code == 302 and "thanks" in done["Location"]
    assert "感谢" in public.get(done["Location"]).content.decode()
    online = Opinion.objects.get(meeting=meeting, channel="online")
    assert online.is_anonymous and online.recorded_by is None
    ok(client, reverse("meetings:opinion_link", args=[pk]), {"open": "0"})
    assert "已经结束" in public.get(url).content.decode()

    # merge the duplicate, confirm the vague one after adding facts
    ok(client, reverse("meetings:opinions_merge", args=[pk]), {"ids": [strong.pk, dup.pk], "keep": strong.pk})
    dup.refresh_from_db()
    assert dup.merged_into_id == strong.pk
    ok(client, reverse("meetings:opinion_vague", args=[vague.pk]), {"vague": "0"})

    # OL-2.3.c: the frozen summary; a stale second freeze is refused
    assert client.get(reverse("meetings:opinion_summary", args=[pk])).status_code == 200
    ok(client, reverse("meetings:opinion_summary_freeze", args=[pk]), {"expected_number": 0, "intro": "走访居民30户", "none_received": [f"m{sec.pk}"]})
    refused(client, reverse("meetings:opinion_summary_freeze", args=[pk]), {"expected_number": 0}, "已由他人定稿")
    assert OpinionSummary.objects.get(meeting=meeting).number == 1

    # OL-2.3.d/e: team opinions to every committee member, personal ones to the person
    ok(client, reverse("meetings:feedback_notify", args=[pk]), {"mode": "meeting", "delivered_on": days_ago(1).isoformat()})
    ok(client, reverse("meetings:feedback_personal", args=[pk]), {"recipient": com.pk, "mode": "in_person", "delivered_on": days_ago(1).isoformat()})
    assert Feedback.objects.filter(meeting=meeting, kind=FeedbackKind.TEAM).count() == 2
    client.force_login(world.committee_member)
    assert personal.content in client.get(reverse("meetings:opinions", args=[pk])).content.decode()
    ok(client, reverse("meetings:feedback_ack", args=[Feedback.objects.get(kind=FeedbackKind.PERSONAL).pk]))
    assert client.get(reverse("meetings:opinion_feedback", args=[pk])).status_code == 404  # confidential

    # OL-2.4: talks, including a care talk and the superior's talk with the secretary
    client.force_login(world.secretary)
    talks_url = reverse("meetings:talk_add", args=[pk])
    for a, b, kind in [
        (sec, com, "regular"),
        (sec, mem, "regular"),
        (sec, old, "care"),
        (sec, mobile, "care"),
        (com, mem, "regular"),
        (old, mobile, "regular"),
    ]:
        ok(client, talks_url, {"action": "record", "member_a": a.pk, "member_b": b.pk, "kind": kind, "held_on": days_ago(3).isoformat(), "form": "face"})
    for a in (old, mobile):
        ok(client, talks_url, {"action": "record", "member_a": sec.pk, "member_b": a.pk, "kind": "regular", "held_on": days_ago(3).isoformat()})
    client.force_login(world.reviewer)
    ok(client, talks_url, {"action": "record", "member_a": "superior", "member_b": sec.pk, "kind": "regular", "held_on": days_ago(4).isoformat()})
    page = client.get(reverse("meetings:talks", args=[pk])).content.decode()
    assert "100%" in page
    assert Talk.objects.filter(meeting=meeting).count() == 9

    # preparation complete: the meeting page's button moves it to READY (ol-core's gate)
    client.force_login(world.secretary)
    ok(client, reverse("meetings:advance", args=[pk]), {"to": Stage.READY})
    assert Meeting.objects.get(pk=pk).stage == Stage.READY

    # OL-3.1.a: the 党员大会 before the 支委会 is refused with a clear message, nothing changes
    client.force_login(world.secretary)
    refused(client, reverse("meetings:sitting_open", args=[pk]), {"kind": "general", "date": days_ago(1).isoformat()}, "先召开支委会")
    assert not Sitting.objects.filter(meeting=meeting).exists()
    ok(client, reverse("meetings:sitting_open", args=[pk]), {"kind": "committee", "date": days_ago(2).isoformat(), "place": "党群服务中心"})
    committee = Sitting.objects.get(meeting=meeting, kind=SittingKind.COMMITTEE)
    add = reverse("meetings:statement_add", args=[committee.pk])
    ok(client, add, statement("self", sec, "本人联系群众不够，全年只走访12户。"))
    ok(client, add, statement("mutual", sec, "网格只走访过两次。", target=com.pk, suggestion="每月走访一次。"))
    ok(client, add, statement("self", com, "网格走访少，独居老人联系不上。", answers=[personal]))
    ok(client, add, statement("mutual", com, "主题党日形式单一。", target=sec.pk, suggestion="请党员轮流主持。"))
    crit = committee.criticisms.get(seq=4)
    ok(client, reverse("meetings:statement_respond", args=[crit.pk]), {"response": "虚心接受"})
    committee.refresh_from_db()
    ok(client, reverse("meetings:sitting_close", args=[committee.pk]), {"version": committee.version})

    ok(client, reverse("meetings:sitting_open", args=[pk]), {"kind": "general", "date": days_ago(1).isoformat()})
    general = Sitting.objects.get(meeting=meeting, kind=SittingKind.GENERAL)
    general.refresh_from_db()
    att = {"version": general.version}
    for m in (sec, com, mem):
        att[f"mode_{m.pk}"] = "in_person"
    att |= {f"mode_{old.pk}": "home_visit", f"mode_{mobile.pk}": "at_flow_org", f"flow_{mobile.pk}": "深圳市某街道党工委"}
    ok(client, reverse("meetings:sitting_attendance", args=[general.pk]), att)
    bad = dict(att, version=general.version + 1, **{f"mode_{mem.pk}": "absent"})
    bad["version"] = Sitting.objects.get(pk=general.pk).version
    response = client.post(reverse("meetings:sitting_attendance", args=[general.pk]), bad)
    assert response.status_code == 200 and "缺席原因" in response.content.decode()
    add = reverse("meetings:statement_add", args=[general.pk])
    ok(client, add, statement("report", sec, "通报支部班子对照检查情况：查摆问题5条。"))
    ok(client, add, statement("mutual", mem, "开会通知太晚。", target="team", suggestion="提前三天通知。"))
    ok(client, add, statement("self", mem, "参加活动不积极。"))
    general.refresh_from_db()
    refused(client, reverse("meetings:sitting_close", args=[general.pk]), {"version": general.version}, "OL-3.1.f")  # the strong one is unanswered
    ok(client, add, statement("self", sec, "活动室周末不开放，是我考虑上班党员不够。", answers=[strong]))

    # OL-3.2 / OL-3.3
    client.force_login(world.reviewer)
    assert client.get(reverse("meetings:commentary", args=[pk])).status_code == 200
    ok(
        client,
        reverse("meetings:commentary", args=[pk]),
        {
            "on_preparation": "准备充分",
            "on_criticism": "批评直奔问题",
            "on_effect": "达到效果",
            "guidance": "加强流动党员管理\n规范三会一课记录",
            "expected": "",
        },
    )
    client.force_login(world.secretary)
    general.refresh_from_db()
    refused(client, reverse("meetings:sitting_close", args=[general.pk]), {"version": general.version}, "OL-3.3.a")
    closing_page = client.get(reverse("meetings:closing", args=[pk]))
    assert "加强流动党员管理" in closing_page.content.decode()
    ok(
        client,
        reverse("meetings:closing", args=[pk]),
        {"expected": "", "guidance_0": "建立流动党员联系台账", "guidance_1": "指定专人记录", "opinions_response": "逐条落实", "commitment": "坚决整改"},
    )
    general.refresh_from_db()
    ok(client, reverse("meetings:sitting_close", args=[general.pk]), {"version": general.version})
    meeting.refresh_from_db()
    assert meeting.stage == Stage.HELD
    assert Sitting.objects.get(pk=general.pk).status == SittingStatus.CLOSED

    # OL-4.1: the problem list, classified, idempotent
    ok(client, reverse("meetings:problems_generate", args=[pk]))
    ok(client, reverse("meetings:problems_generate", args=[pk]))
    problems = Problem.objects.filter(meeting=meeting)
    sources = {p.source for p in problems}
    assert {ProblemSource.OPINION, ProblemSource.CRITICISM, ProblemSource.COMMENTARY} <= sources
    assert problems.count() == 4 + 7 + 2  # 4 opinions (one merged away), 7 self/mutual statements, 2 guidance points
    team_problem = problems.get(opinion=strong)
    ok(client, reverse("meetings:problem_classify", args=[team_problem.pk]), {"scope": "personal", "owner_member": sec.pk})
    team_problem.refresh_from_db()
    assert team_problem.scope == ProblemScope.PERSONAL and team_problem.owner_member == sec
    page = client.get(reverse("meetings:problems", args=[pk])).content.decode()
    assert "来自上级点评" in page and "规范三会一课记录" in page


def test_year_end_meeting_of_a_branch_without_committee(world, client, no_gates):
    sec = world.outsider_member
    m2 = make_member(world.b2, name="吴党员", user=True)
    meeting = from_plan_draft(world.b2, world.outsider, world.reviewer, client)
    pk = meeting.pk
    client.force_login(world.outsider)
    ok(client, reverse("meetings:opinions_add", args=[pk]), batch(meeting, "forum", [("team", "支部今年组织活动少，上半年只开过一次主题党日。", True)]))
    client.force_login(m2.user)
    give = client.post(reverse("meetings:opinion_give", args=[pk]), {"g0-target": "team", "g0-content": "党员学习资料发放不及时，11月的资料12月才收到。"})
    assert give.status_code == 302
    client.force_login(world.outsider)
    ok(client, reverse("meetings:opinion_summary_freeze", args=[pk]), {"expected_number": 0})
    ok(
        client,
        reverse("meetings:talk_add", args=[pk]),
        {"action": "record", "member_a": sec.pk, "member_b": m2.pk, "kind": "regular", "held_on": days_ago(2).isoformat()},
    )
    ok(client, reverse("meetings:advance", args=[pk]), {"to": Stage.READY})
    refused(client, reverse("meetings:sitting_open", args=[pk]), {"kind": "committee", "date": days_ago(1).isoformat()}, "直接召开党员大会")
    ok(client, reverse("meetings:sitting_open", args=[pk]), {"kind": "general", "date": days_ago(1).isoformat()})
    general = Sitting.objects.get(meeting=meeting)
    assert general.kind == SittingKind.GENERAL and general.order == 1
    strong = Opinion.objects.get(meeting=meeting, strong_public_concern=True)
    add = reverse("meetings:statement_add", args=[general.pk])
    ok(client, add, statement("self", sec, "组织活动少，是我抓得不紧。", answers=[strong]))
    ok(client, add, statement("self", m2, "学习不主动。"))
    ok(client, add, statement("mutual", m2, "书记布置工作不够具体。", target=sec.pk, suggestion="分工到人"))
    ok(client, reverse("meetings:closing", args=[pk]), {"expected": "", "opinions_response": "逐条落实", "commitment": "抓好整改"})
    general.refresh_from_db()
    ok(client, reverse("meetings:sitting_close", args=[general.pk]), {"version": general.version})
    assert Meeting.objects.get(pk=pk).stage == Stage.HELD
    ok(client, reverse("meetings:problems_generate", args=[pk]))
    assert Problem.objects.filter(meeting=meeting).count() == 2 + 3
    assert client.get(reverse("meetings:problems", args=[pk])).status_code == 200


def test_outsider_gets_404_on_every_page(world, client):
    meeting = make_ol_meeting(world.b1)
    client.force_login(world.outsider)
    for name in ("opinions", "talks", "sittings", "problems", "opinion_summary", "opinion_feedback"):
        assert client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 404, name


def test_public_form_is_throttled_and_keeps_the_text(world, client, settings):
    from django.core.cache import cache

    cache.clear()
    meeting = make_ol_meeting(world.b1)
    meeting.opinion_link_open = True
    meeting.save()
    url = reverse("meetings:opinion_public", args=[meeting.opinion_token])
    for i in range(5):
        assert client.post(url, {"target": "team", "content": f"第{i}条：楼道灯坏了三个月没人修。"}).status_code == 302
    response = client.post(url, {"target": "team", "content": "第六条意见的内容"})
    assert response.status_code == 429 and "第六条意见的内容" in response.content.decode()
    assert Opinion.objects.filter(meeting=meeting).count() == 5
    cache.clear()
