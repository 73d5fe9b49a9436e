"""Registrations of this part of the meetings app (permissions, audit codes, steps, home tasks, demo)."""

from audit import registry
from core import home, navigation

from . import steps
from .steps import Step

DL = frozenset({"democratic_life"})

registry.register(
    {
        "dl.topic_published": "发布民主生活会主题",
        "dl.special_added": "增开专题民主生活会",
        "dl.plan_saved": "编辑民主生活会方案",
        "dl.plan_decided": "审定民主生活会方案",
        "dl.plan_filed": "方案报上级纪委和组织部门",
        "dl.plan_filing_received": "查收方案报备",
        "dl.gate_overridden": "豁免规则阻断",
        "dl.notice_saved": "编辑民主生活会公告",
        "dl.notice_published": "发布民主生活会公告",
        "dl.sitting_opened": "开始民主生活会记录",
        "dl.statement_recorded": "记录批评与自我批评",
        "dl.agenda_completed": "完成议程",
        "dl.attendance_set": "登记出席情况",
        "dl.observer_added": "登记列席人员",
        "dl.commentary_recorded": "记录上级领导点评",
        "dl.closing_recorded": "记录主要负责人小结",
        "dl.sitting_closed": "结束民主生活会记录",
        "dl.relay_recorded": "向缺席同志转达批评意见",
        "team.overseen_set": "设置班子成员分管单位",
    }
)

steps.register(Step("dl_plan", "方案审定与报备", "meetings:dl_plan", 11, kinds=DL))
steps.register(Step("dl_notice", "会议公告", "meetings:dl_notice", 15, kinds=DL))
steps.register(Step("dl_study", "学习情况（班子成员）", "meetings:dl_study", 21, kinds=DL))
# Opinions and talks use the shared pages (DL-2.5.a, P-DL-2.5.b–d, P-DL-2.6.a–d).
steps.register(Step("dl_opinions", "征求意见（征求意见表、座谈、网上征求）", "meetings:opinions", 30, kinds=DL))
steps.register(Step("dl_talks", "谈心谈话（班子成员、分管单位负责人）", "meetings:talks", 40, kinds=DL))
steps.register(Step("dl_sitting", "召开会议（议程①—⑦）", "meetings:dl_sitting", 61, kinds=DL))
steps.register(Step("dl_after", "会后整改、报告和通报", "meetings:dl_after", 81, kinds=DL))

navigation.register("民主生活会部署", "meetings:dl_topics", "campaign.launch", order=22)
navigation.register("方案报备", "meetings:dl_filings", "plan.receive_filing", order=23)


def _home_tasks(user):
    """Main leader: decide and file the plan; inspector: filings to receive; relay tasks (DL-3.3.j)."""
    from django.db.models import Exists, OuterRef, Q
    from django.urls import reverse
    from django.utils import timezone

    from accounts.choices import Role
    from accounts.grants import load_grants
    from accounts.permissions import scope_q

    from .choices import FeedbackKind, ParticipationMode, PlanStatus, Stage
    from .models import Attendance, Feedback, Meeting, PlanFiling

    grants = load_grants(user)
    roles = {g.role for g in grants}
    tasks = []
    if Role.MAIN_LEADER in roles:
        mine = Meeting.objects.democratic_life().filter(scope_q(user, "meeting.manage")).exclude(stage=Stage.CLOSED).select_related("plan")
        for meeting in mine.filter(plan__status__in=[PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.APPROVED])[:20]:
            decided = meeting.plan.status == PlanStatus.APPROVED
            tasks.append(
                home.Task(
                    title=f"{meeting.title}：{'将方案报上级纪委和组织部门' if decided else '审定方案并报备'}",
                    url=reverse("meetings:dl_plan", args=[meeting.pk]),
                    detail="方案须在召开15日前同时报纪委和组织部门（DL-2.2.c）。",
                )
            )
    if Role.MAIN_LEADER in roles or Role.LEADER in roles:
        tasks += _my_talk_tasks(user)
        # DL-3.3.j: the main leader records the relay; the colleague who read the outline (the
        # proxy) sees the same task, since it usually falls to them to pass the criticism on.
        as_proxy = Attendance.objects.filter(
            sitting__meeting=OuterRef("meeting"), member=OuterRef("recipient"), proxy__user=user, mode=ParticipationMode.ABSENT
        )
        relays = Feedback.objects.filter(kind=FeedbackKind.ABSENT_CRITICISM, delivered_on__isnull=True).filter(
            scope_q(user, "meeting.record", "meeting__organization") | Q(Exists(as_proxy))
        )
        for fb in relays.select_related("recipient", "meeting")[:20]:
            tasks.append(
                home.Task(
                    title=f"向{fb.recipient.name}同志转达民主生活会上的批评意见",
                    url=reverse("meetings:dl_sitting", args=[fb.meeting_id]),
                    due=fb.due_on,
                    detail="缺席同志的批评意见会后要及时转达本人（DL-3.3.j）。",
                    kind="overdue" if fb.due_on and fb.due_on < timezone.localdate() else "todo",
                )
            )
    offices = {g.office for g in grants if g.role == Role.INSPECTOR}
    if offices:
        pending = PlanFiling.objects.filter(received_at__isnull=True, office__in=offices).filter(
            scope_q(user, "plan.receive_filing", "plan__meeting__organization")
        )
        count = pending.count()
        if count:
            tasks.append(home.Task(title=f"待查收的民主生活会方案报备 {count} 份", url=reverse("meetings:dl_filings"), kind="review"))
    return tasks


def _my_talk_tasks(user) -> list:
    """A leader's talks still to hold before their team's 民主生活会 (P-DL-2.6.a–c), like a
    member's talk task in a 组织生活会; the link opens "我的谈心谈话"."""
    from django.urls import reverse

    from accounts.grants import member_of

    from .choices import Stage
    from .models import Meeting
    from .services import talks

    me = member_of(user)
    if me is None:
        return []
    meetings = Meeting.objects.democratic_life().filter(
        stage__in=(Stage.PREPARING, Stage.READY), leading_team__memberships__member=me, leading_team__memberships__ended_on__isnull=True
    )
    tasks = []
    for meeting in meetings.distinct().select_related("organization")[:3]:
        todo = [row for row in talks.my_talks(meeting, me) if not row.done and row.partner is not None]
        if todo:
            names = "、".join(row.partner.name for row in todo[:5]) + ("等" if len(todo) > 5 else "")
            tasks.append(
                home.Task(
                    title=f"谈心谈话：还要与{names}谈心（{len(todo)}次）",
                    url=reverse("meetings:talks_mine", args=[meeting.pk]),
                    detail=f"{meeting.title}；提议 P-DL-2.6，非本地制度原文。",
                    kind="todo",
                    tags=["谈心谈话"],
                )
            )
    return tasks


home.register(_home_tasks)

from . import demo_dl  # noqa: E402,F401
