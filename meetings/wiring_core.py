"""Registrations of this part of the meetings app (permissions, audit codes, steps, home tasks, demo)."""

from audit import registry

AUDIT_ACTIONS = {
    "meeting.created": "创建会议",
    "meeting.stage_changed": "会议阶段变更",
    "gate.overridden": "豁免规则阻断",
    "campaign.launched": "部署组织生活会/民主生活会",
    "plan.saved": "编辑方案",
    "plan.submitted": "方案报审",
    "plan.approved": "方案审核同意",
    "plan.returned": "方案退回修改",
    "study.reading_saved": "编辑必读篇目",
    "study.session_saved": "编辑学习安排",
    "study.session_deleted": "删除学习安排",
    "study.attendance_saved": "登记学习参加情况",
}
registry.register(AUDIT_ACTIONS)

# -- steps on the meeting page, navigation, home tasks ---------------------------------------
from core import home, hooks, navigation  # noqa: E402

from . import steps  # noqa: E402

steps.register(steps.Step("plan", "工作方案", "meetings:plan", 10, kinds=frozenset({"org_life"})))
steps.register(steps.Step("study", "学习", "meetings:study", 20))
navigation.register("会议", "meetings:list", "meeting.view", order=20)
navigation.register("部署", "meetings:campaigns", "campaign.launch", order=21)


def home_tasks(user) -> list:
    """Secretary: draft/submit the plan; reviewer: plans awaiting approval; member: study."""
    from django.urls import reverse

    from accounts.grants import load_grants

    from .choices import PlanStatus, Stage, StudyForm
    from .models import Meeting, StudySession

    if not load_grants(user):
        return []
    tasks = []
    drafts = Meeting.objects.visible_to(user, "meeting.manage").filter(stage=Stage.PLANNING, plan__status__in=(PlanStatus.DRAFT, PlanStatus.RETURNED))
    for m in drafts.select_related("plan")[:20]:
        returned = m.plan.status == PlanStatus.RETURNED
        tasks.append(
            home.Task(
                title=f"{'修改并重新报审' if returned else '起草并报审'}工作方案：{m.title}",
                url=reverse("meetings:plan", args=[m.pk]),
                due=m.campaign.window_end if m.campaign_id else None,
                detail="方案已被退回，请按审核意见修改" if returned else "方案经上级党组织审核同意后才能开展会前准备（OL-2.1.c）",
                kind="todo",
            )
        )
    awaiting = Meeting.objects.visible_to(user, "plan.approve").filter(plan__status=PlanStatus.SUBMITTED).select_related("organization")
    for m in awaiting[:20]:
        tasks.append(home.Task(title=f"审核工作方案：{m.title}", url=reverse("meetings:plan", args=[m.pk]), detail=m.organization.name, kind="review"))
    member_meetings = Meeting.objects.visible_to(user, "meeting.participate").filter(stage=Stage.PREPARING)
    sessions = (
        StudySession.objects.filter(meeting__in=member_meetings, form=StudyForm.SELF)
        .exclude(attendance__member__user=user)
        .select_related("meeting")
        .order_by("date")[:10]
    )
    for s in sessions:
        tasks.append(home.Task(title=f"自学：{s.title}", url=reverse("meetings:study", args=[s.meeting_id]), due=s.date, detail=s.meeting.title, kind="todo"))
    return tasks


home.register(home_tasks)


def _auto_advance(meeting_id: int) -> None:
    from . import lifecycle

    lifecycle.auto_advance(meeting_id)


hooks.on_meeting_changed(_auto_advance)
from . import demo_core  # noqa: E402,F401
