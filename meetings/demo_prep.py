"""Demo data of opinions, talks, sittings and problems (ol-prep). Deterministic and idempotent.

It runs after the steps that create the demo meetings (ol-core's campaign and stages, and the
rectification step's last year's meeting) and fills each 组织生活会 of the demo branches
according to its stage:
- in preparation (准备中/准备就绪): opinions from several channels (one through the public link,
  one 空对空, one strongly raised), the frozen summary, the team's opinions notified, talks
  (the secretary's and a care talk), and a confidential mediation flag;
- held or later: the same, plus the sittings (支委会 then 党员大会, or the 党员大会 alone) with
  attendance and criticism, the guide's 点评, the secretary's 小结, and the problem list.
Meetings that already have opinions are left alone.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.demo import register

from .choices import (
    CriticismKind,
    FeedbackKind,
    FeedbackMode,
    MeetingKind,
    OpinionChannel,
    OpinionTarget,
    ParticipationMode,
    SittingKind,
    SittingStatus,
    Stage,
    TalkFlagKind,
    TalkForm,
    TalkKind,
)

BRANCHES = ("DEMO-B04", "DEMO-B05", "DEMO-B07", "DEMO-B09", "DEMO-B01")
LATER = (Stage.HELD, Stage.RECTIFYING, Stage.REPORTED, Stage.CLOSED)

TEAM_OPINIONS = [
    (OpinionChannel.HOME_VISIT, "社区党员活动室周末不开放，上班的党员无法参加活动，建议周六上午开放。", True, "群众"),
    (OpinionChannel.FORUM, "主题党日活动形式比较单一，多是读文件，建议结合小区治理开展志愿服务。", False, "党员"),
    (OpinionChannel.PHONE, "希望加强学习", False, "党员"),
    (OpinionChannel.ONLINE, "居民议事会今年只开过一次，加装电梯等事情没有充分商量就定了。", False, "群众"),
]
PERSONAL_OPINION = (OpinionChannel.INDIVIDUAL_TALK, "负责的网格今年只走访过两次，独居老人反映有事联系不上。", False, "服务对象")
SUPERIOR_OPINION = (OpinionChannel.OTHER, "“三会一课”记录不全，2月、5月的支委会没有记录。", "上级党组织")


@register(75, "组织生活会：征求意见、谈心谈话、召开会议与问题清单")
def load(context: dict) -> None:
    from .models import Meeting, Opinion

    for code in BRANCHES:
        branch = context["orgs"].get(code)
        if branch is None:
            continue
        meetings = Meeting.objects.filter(organization=branch, kind=MeetingKind.ORG_LIFE, stage__in=(Stage.PREPARING, Stage.READY, *LATER)).order_by(
            "year", "pk"
        )
        for meeting in meetings:
            if Opinion.objects.filter(meeting=meeting).exists():
                continue
            with transaction.atomic():
                _fill(meeting, context, code)


def _day(meeting, back: int) -> datetime.date:
    """A date `back` days before the meeting (or before today while in preparation)."""
    today = timezone.localdate()
    anchor = meeting.scheduled_date if meeting.stage in LATER and meeting.scheduled_date else today
    return min(anchor, today) - datetime.timedelta(days=back)


def _fill(meeting, context, code) -> None:
    from .models import Feedback, Opinion, OpinionSummary, Talk, TalkFlag
    from .services.opinions import is_vague_text, summary_content
    from .services.prep_common import committee_members, roster, secretary_of

    members = list(roster(meeting))
    committee = committee_members(meeting)
    secretary = secretary_of(meeting)
    if secretary is None or len(members) < 4:
        return
    user = secretary.user or context["users"].get("shuji")
    other = committee[1] if len(committee) > 1 else None

    opinions = []
    for i, (channel, content, strong, giver) in enumerate(TEAM_OPINIONS):
        opinions.append(
            Opinion(
                meeting=meeting,
                channel=channel,
                target=OpinionTarget.TEAM,
                content=content,
                giver_kind=giver,
                is_anonymous=channel == OpinionChannel.ONLINE,
                received_on=_day(meeting, 20 - i),
                is_vague=is_vague_text(content),
                strong_public_concern=strong,
                recorded_by=None if channel == OpinionChannel.ONLINE else user,
            )
        )
    if other is not None:
        channel, content, strong, giver = PERSONAL_OPINION
        opinions.append(
            Opinion(
                meeting=meeting,
                channel=channel,
                target=OpinionTarget.PERSON,
                target_member=other,
                content=content,
                giver_kind=giver,
                received_on=_day(meeting, 18),
                strong_public_concern=True,
                recorded_by=user,
            )
        )
    channel, content, giver = SUPERIOR_OPINION
    opinions.append(
        Opinion(meeting=meeting, channel=channel, target=OpinionTarget.TEAM, content=content, giver_kind=giver, received_on=_day(meeting, 17), recorded_by=user)
    )
    Opinion.objects.bulk_create(opinions)
    saved = list(Opinion.objects.filter(meeting=meeting).order_by("pk"))

    number = (OpinionSummary.objects.filter(meeting=meeting).aggregate(n=Max("number"))["n"] or 0) + 1
    none = [f"m{secretary.pk}"]
    OpinionSummary.objects.create(
        meeting=meeting, number=number, content=summary_content(meeting), intro="走访居民30户，召开座谈会1次。", none_received=none, frozen_by=user
    )
    team = [o for o in saved if o.target == OpinionTarget.TEAM]
    for m in committee:
        fb = Feedback.objects.create(
            meeting=meeting,
            kind=FeedbackKind.TEAM,
            recipient=m,
            mode=FeedbackMode.MEETING,
            content="\n".join(o.content for o in team),
            delivered_on=_day(meeting, 12),
            delivered_by=user,
        )
        fb.opinions.set(team)
    if other is not None:
        personal = [o for o in saved if o.target_member_id == other.pk]
        fb = Feedback.objects.create(
            meeting=meeting,
            kind=FeedbackKind.PERSONAL,
            recipient=other,
            mode=FeedbackMode.IN_PERSON,
            content="\n".join(o.content for o in personal),
            delivered_on=_day(meeting, 12),
            acknowledged_on=_day(meeting, 11),
            delivered_by=user,
        )
        fb.opinions.set(personal)

    talks = [
        Talk(
            meeting=meeting, member_a=secretary, member_b=m, held_on=_day(meeting, 10), form=TalkForm.FACE, key_points="交流思想，听取意见。", recorded_by=user
        )
        for m in members[1:6]
    ]
    for m in members:
        if m.needs_special_care:
            talks.append(
                Talk(
                    meeting=meeting,
                    kind=TalkKind.CARE,
                    member_a=secretary,
                    member_b=m,
                    held_on=_day(meeting, 9),
                    form=TalkForm.PHONE if m.is_mobile else TalkForm.HOME,
                    recorded_by=user,
                )
            )
    talks.append(Talk(meeting=meeting, member_a=secretary, member_b=members[-1], scheduled_on=_day(meeting, -2), recorded_by=user))
    Talk.objects.bulk_create(talks)
    TalkFlag.objects.create(meeting=meeting, kind=TalkFlagKind.CONFLICT, member_a=members[-2], member_b=members[-3], note="因楼道堆物有过争执")

    if meeting.stage in LATER:
        _sittings(meeting, context, secretary, committee, members, saved, user)


def _sittings(meeting, context, secretary, committee, members, opinions, user) -> None:
    from rectification.models import Problem

    from .models import Attendance, Closing, Commentary, Criticism, Sitting
    from .services import problems as problem_services

    held = meeting.scheduled_date or _day(meeting, 0)
    reviewer = context["users"].get("shenhe")
    kinds = [SittingKind.COMMITTEE, SittingKind.GENERAL] if meeting.organization.has_committee else [SittingKind.GENERAL]
    concerns = [o for o in opinions if o.strong_public_concern or o.giver_kind == "上级党组织"]
    for order, kind in enumerate(kinds, start=1):
        sitting, _ = Sitting.objects.get_or_create(
            meeting=meeting,
            kind=kind,
            defaults={
                "order": order,
                "status": SittingStatus.CLOSED,
                "date": held - datetime.timedelta(days=len(kinds) - order),
                "place": "党群服务中心",
                "host": secretary,
                "recorder": committee[-1].name if committee else "",
                "guide": reviewer if kind == kinds[-1] else None,
                "guide_name": str(reviewer) if reviewer and kind == kinds[-1] else "",
            },
        )
        people = committee if kind == SittingKind.COMMITTEE else members
        rows = []
        for m in people:
            mode, reason, flow = ParticipationMode.IN_PERSON, "", ""
            if m.is_mobile:
                mode, flow = ParticipationMode.AT_FLOW_ORG, m.flow_organization_name or "流入地党组织"
            elif m.is_elderly_or_infirm:
                mode = ParticipationMode.HOME_VISIT
            rows.append(
                Attendance(sitting=sitting, member=m, mode=mode, absence_reason=reason, flow_organization_name=flow, as_ordinary_member=m.is_leading_cadre)
            )
        Attendance.objects.bulk_create(rows, ignore_conflicts=True)
        seq = 0

        def say(kind_, speaker, content, target=None, about_team=False, suggestion="", response="", answers=(), sitting=sitting):
            nonlocal seq
            seq += 1
            st = Criticism.objects.create(
                sitting=sitting,
                seq=seq,
                kind=kind_,
                speaker=speaker,
                target=target,
                about_team=about_team,
                content=content,
                suggestion=suggestion,
                response=response,
                recorded_by=user,
            )
            if answers:
                st.answers_opinions.set(answers)

        if kind == SittingKind.COMMITTEE:
            for i, m in enumerate(committee):
                mine = [o for o in concerns if o.target_member_id == m.pk]
                say(
                    CriticismKind.SELF,
                    m,
                    "对照党章党规，查摆自身在联系群众、履职尽责方面的不足。" if i else "带头查摆：联系群众不够深入，全年走访居民不足20户。",
                    answers=mine,
                )
            for m in committee:
                for t in committee:
                    if t.pk != m.pk:
                        say(
                            CriticismKind.MUTUAL,
                            m,
                            f"{t.name}同志分管工作抓落实不够，个别事项拖延。",
                            target=t,
                            suggestion="建立工作台账，按月对账销号。",
                            response="虚心接受，立即整改。",
                        )
        else:
            if meeting.organization.has_committee:
                say(
                    CriticismKind.REPORT,
                    secretary,
                    "代表支部班子通报对照检查情况：查摆问题4条，剖析原因，提出整改措施。",
                    about_team=True,
                    answers=[o for o in concerns if o.target_member_id is None],
                )
            else:
                say(CriticismKind.SELF, secretary, "带头查摆：组织活动少，抓支部建设不够。", answers=concerns)
            for m in members[3:6]:
                say(CriticismKind.MUTUAL, m, "支部开会通知比较晚，上班的党员不好安排。", about_team=True, suggestion="提前三天通知，并在群里提醒。")
                say(CriticismKind.SELF, m, "参加组织生活不够积极，学习不够主动。")
    guidance = ["加强流动党员、老年党员的日常联系", "规范“三会一课”记录，做到每会必记"]
    if reviewer is not None:
        Commentary.objects.get_or_create(
            meeting=meeting,
            defaults={
                "author": reviewer,
                "sitting": Sitting.objects.filter(meeting=meeting, kind=kinds[-1]).first(),
                "on_preparation": "会前学习、征求意见、谈心谈话扎实。",
                "on_criticism": "批评和自我批评直奔问题，点到具体人具体事。",
                "on_effect": "达到了红脸出汗、增进团结的效果。",
                "guidance": guidance,
            },
        )
    Closing.objects.get_or_create(
        meeting=meeting,
        defaults={
            "author": secretary,
            "shortcomings": "个别同志批评还不够直接。",
            "rectification_opinions": "对查摆的问题逐条建立整改台账。",
            "commitment": "支部班子将以此次会议为新起点，抓好整改落实。",
            "guidance_responses": ["建立流动党员、老年党员联系台账，支委分片包联", "指定专人记录，书记每月检查"],
            "opinions_response": "对党员群众提出的意见逐条研究，整改情况向群众公示。",
        },
    )
    if user is not None and not Problem.objects.filter(meeting=meeting).exists():
        # The generator checks the stage and the acting secretary like a real run would.
        from contextlib import suppress

        from django.core.exceptions import PermissionDenied

        from core.errors import DomainError

        with suppress(DomainError, PermissionDenied):  # e.g. the demo secretary has no account
            problem_services.generate(meeting, actor=user)
