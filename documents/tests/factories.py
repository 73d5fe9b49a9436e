"""A fully recorded meeting for document tests: plan, notice, study, opinions, talks, materials,
the sittings with statements, commentary and closing, problems and items, and last year's items."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from meetings.choices import (
    CriticismKind,
    DocStatus,
    MeetingKind,
    NoticeKind,
    OpinionChannel,
    OpinionTarget,
    ParticipationMode,
    PlanStatus,
    SelfExamKind,
    SittingKind,
    SittingStatus,
    Stage,
    StudyForm,
    TalkForm,
)
from meetings.models import (
    AgendaItem,
    Attendance,
    Closing,
    Commentary,
    Criticism,
    Opinion,
    Plan,
    PublicNotice,
    Reading,
    SelfExamination,
    Sitting,
    StudyAttendance,
    StudySession,
    Talk,
)
from rectification.choices import ItemStatus, ProblemScope, ProblemSource
from rectification.tests.factories import make_item, make_meeting, make_problem

HELD = datetime.date(2026, 11, 20)


def full_meeting(world, *, org=None, held_on=HELD, stage=Stage.RECTIFYING):
    """B1's year-end 组织生活会 with everything recorded. Returns (meeting, facts)."""
    org = org or world.b1
    sec, com, mem = world.secretary_member, world.committee_member_member, world.member_member
    # last year's meeting with one team item and one personal item (for the drafts' section 2)
    last = make_meeting(org, year=held_on.year - 1, held_on=datetime.date(held_on.year - 1, 12, 10), stage=Stage.CLOSED, sitting=False)
    make_item(last, goal="建立党员联系户制度", measures="每名党员联系3户群众", status=ItemStatus.CLOSED)
    make_item(
        last,
        goal="提高理论学习质量",
        measures="每月读书笔记一篇",
        responsible_member=sec,
        status=ItemStatus.OPEN,
        deadline=datetime.date(held_on.year - 1, 12, 31),
    )

    meeting = make_meeting(org, year=held_on.year, held_on=held_on, stage=stage, sitting=False, title=f"{org.name}{held_on.year}年度组织生活会")
    meeting.theme = "学思想、强党性、重实践、建新功"
    meeting.save(update_fields=["theme"])
    Plan.objects.create(
        meeting=meeting,
        status=PlanStatus.APPROVED,
        theme=meeting.theme,
        scheduled_date=held_on,
        start_time=datetime.time(9, 0),
        place="社区党群服务中心三楼会议室",
        form="先召开支委会，再召开党员大会",
        agenda="书记通报上年度整改落实情况\n支委会对照检查\n党员逐一发言开展批评和自我批评\n民主评议党员\n上级点评\n书记小结",
        requirements="严肃认真开展批评和自我批评",
    )
    PublicNotice.objects.create(
        meeting=meeting,
        kind=NoticeKind.MEETING_NOTICE,
        title="关于召开2026年度组织生活会的通知",
        opinion_channels="在社区党群服务中心设置意见箱\n发送电子邮件至 dangjian@example.cn",
        opinion_deadline=held_on - datetime.timedelta(days=10),
        published_at=timezone.make_aware(datetime.datetime(held_on.year, 10, 30, 9)),
    )
    Reading.objects.create(meeting=meeting, title="中国共产党章程", order=1)
    Reading.objects.create(meeting=meeting, title="中国共产党纪律处分条例", order=2)
    s1 = StudySession.objects.create(
        meeting=meeting, form=StudyForm.CONCENTRATED, title="集中学习党章", date=held_on - datetime.timedelta(days=20), hours=Decimal("2.5"), place="党员活动室"
    )
    for m in (sec, com, mem):
        StudyAttendance.objects.create(session=s1, member=m)
    team_op = Opinion.objects.create(
        meeting=meeting,
        channel=OpinionChannel.FORM,
        target=OpinionTarget.TEAM,
        content="支部活动形式单一，吸引力不强",
        category="作风",
        received_on=held_on - datetime.timedelta(days=15),
    )
    sec_op = Opinion.objects.create(
        meeting=meeting,
        channel=OpinionChannel.INDIVIDUAL_TALK,
        target=OpinionTarget.PERSON,
        target_member=sec,
        content="赵书记入户走访次数偏少",
        category="作风",
        received_on=held_on - datetime.timedelta(days=14),
    )
    com_op = Opinion.objects.create(
        meeting=meeting,
        channel=OpinionChannel.FORUM,
        target=OpinionTarget.PERSON,
        target_member=com,
        content="钱委员学习笔记不够认真",
        received_on=held_on - datetime.timedelta(days=14),
    )
    Talk.objects.create(
        meeting=meeting,
        member_a=sec,
        member_b=com,
        scheduled_on=held_on - datetime.timedelta(days=12),
        held_on=held_on - datetime.timedelta(days=12),
        form=TalkForm.FACE,
        key_points="交流支部工作",
    )
    Talk.objects.create(meeting=meeting, member_a=sec, member_b=mem, scheduled_on=held_on - datetime.timedelta(days=11))
    SelfExamination.objects.create(
        meeting=meeting,
        member=sec,
        doc_kind=SelfExamKind.OUTLINE,
        status=DocStatus.APPROVED,
        problems="带头入户走访不够\n理论学习系统性不强",
        causes="宗旨意识有所淡化",
        measures="每月至少入户走访5户",
    )
    committee = Sitting.objects.create(
        meeting=meeting,
        kind=SittingKind.COMMITTEE,
        order=1,
        status=SittingStatus.CLOSED,
        date=held_on - datetime.timedelta(days=1),
        place="党员活动室",
        host=sec,
        recorder="钱委员",
    )
    general = Sitting.objects.create(
        meeting=meeting,
        kind=SittingKind.GENERAL,
        order=2,
        status=SittingStatus.CLOSED,
        date=held_on,
        place="社区党群服务中心三楼会议室",
        host=sec,
        recorder="钱委员",
        guide_name="街道党工委吴委员",
    )
    for s in (committee, general):
        Attendance.objects.create(sitting=s, member=sec)
        Attendance.objects.create(sitting=s, member=com)
    Attendance.objects.create(sitting=general, member=mem, mode=ParticipationMode.ABSENT, absence_reason="住院治疗")
    a1 = AgendaItem.objects.create(sitting=general, order=1, title="书记通报上年度整改落实情况")
    a2 = AgendaItem.objects.create(sitting=general, order=2, title="开展批评和自我批评")
    Criticism.objects.create(sitting=general, agenda_item=a2, seq=1, kind=CriticismKind.SELF, speaker=sec, content="本人带头入户走访不够")
    crit = Criticism.objects.create(
        sitting=general,
        agenda_item=a2,
        seq=2,
        kind=CriticismKind.MUTUAL,
        speaker=com,
        target=sec,
        content="赵书记开会多、下沉少",
        suggestion="每周安排半天走访",
    )
    Criticism.objects.create(
        sitting=general, agenda_item=a2, seq=3, kind=CriticismKind.RESPONSE, speaker=sec, content="诚恳接受钱委员的批评", response="立即整改，每周走访"
    )
    Commentary.objects.create(
        meeting=meeting,
        sitting=general,
        author=world.reviewer,
        on_preparation="会前准备扎实",
        on_criticism="批评直截了当",
        on_effect="达到了预期效果",
        guidance=["抓好问题整改"],
    )
    Closing.objects.create(meeting=meeting, author=sec, shortcomings="个别发言不够具体", commitment="立行立改", guidance_responses=["照单全收，抓好整改"])
    p1 = make_problem(meeting, description="支部活动形式单一，吸引力不强", source=ProblemSource.OPINION)
    p1.opinion = team_op
    p1.save(update_fields=["opinion"])
    public_item = make_item(
        problem=p1,
        goal="丰富支部活动形式",
        measures="每季度开展一次主题党日实践活动，邀请群众代表参加并当场听取意见，活动情况在社区公示栏公布",
        deadline=datetime.date(held_on.year + 1, 3, 31),
    )
    overdue_item = make_item(
        problem=make_problem(meeting, scope=ProblemScope.PERSONAL, owner_member=sec, description="开会多、下沉少", source=ProblemSource.CRITICISM),
        goal="增加走访",
        measures="每周走访半天",
        responsible_member=sec,
        deadline=held_on + datetime.timedelta(days=5),
    )
    hidden_item = make_item(meeting, goal="内部整改事项（不公示）", is_public=False)
    return meeting, {
        "last": last,
        "team_opinion": team_op,
        "sec_opinion": sec_op,
        "com_opinion": com_op,
        "criticism": crit,
        "public_item": public_item,
        "overdue_item": overdue_item,
        "hidden_item": hidden_item,
        "agenda": (a1, a2),
    }


def dl_meeting(world, org=None, held_on=HELD):
    """P1's 民主生活会 with a three-person team."""
    from tests.factories import make_leading_team

    org = org or world.p1
    team = make_leading_team(org, size=3)
    team = team[0] if isinstance(team, tuple) else team
    meeting = make_meeting(org, kind=MeetingKind.DEMOCRATIC_LIFE, year=held_on.year, held_on=held_on, leading_team=team)
    meeting.theme = "深入学习贯彻党的创新理论"
    meeting.save(update_fields=["theme"])
    Plan.objects.create(meeting=meeting, status=PlanStatus.FILED, theme=meeting.theme, scheduled_date=held_on, place="区委第一会议室")
    return meeting
