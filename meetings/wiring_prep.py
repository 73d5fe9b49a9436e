"""Registrations of this part of the meetings app (permissions, audit codes, steps, home tasks, demo)."""

from audit import registry
from core import home

from . import steps
from .choices import Stage

registry.register(
    {
        "opinion.recorded": "录入征求到的意见",
        "opinion.given": "党员提出意见建议",
        "opinion.public_received": "收到群众网上意见",
        "opinion.link_opened": "开放公开征求意见链接",
        "opinion.link_closed": "关闭公开征求意见链接",
        "opinion.updated": "修改意见",
        "opinion.vague_set": "处理空对空提示",
        "opinion.merged": "合并重复意见",
        "opinion.unmerged": "取消合并意见",
        "opinion.summary_frozen": "征求意见汇总定稿",
        "opinion.feedback": "通报/反馈意见",
        "opinion.feedback_acknowledged": "签收意见反馈",
        "talk.scheduled": "安排谈心谈话",
        "talk.recorded": "记录谈心谈话",
        "talk.updated": "修改谈话记录",
        "talk.unscheduled": "取消谈话安排",
        "talk.flagged": "标记约谈调解对象",
        "talk.unflagged": "取消约谈调解标记",
        "sitting.opened": "开始会议",
        "sitting.saved": "修改会议信息",
        "sitting.guide": "上级同志到会指导",
        "sitting.attendance": "记录出席情况",
        "sitting.statement": "记录批评与自我批评",
        "sitting.response": "记录对批评的回应",
        "sitting.answers": "记录对问题的回应",
        "sitting.statement_removed": "删除错误的发言记录",
        "sitting.closed": "结束会议",
        "sitting.commentary": "上级点评",
        "sitting.closing": "书记小结",
        "problems.generated": "生成问题清单",
    }
)


def _org_life(meeting) -> bool:
    return meeting.is_org_life


steps.register(steps.Step("opinions", "征求意见", "meetings:opinions", 30, kinds=frozenset({"org_life"})))
steps.register(steps.Step("talks", "谈心谈话", "meetings:talks", 40, kinds=frozenset({"org_life"})))
steps.register(steps.Step("sittings", "召开会议", "meetings:sittings", 60, kinds=frozenset({"org_life"})))
steps.register(steps.Step("problems", "问题清单", "meetings:problems", 70, kinds=frozenset({"org_life"})))


@home.register
def prep_tasks(user) -> list:
    """A member's own tasks: give an opinion while the branch collects them, and talks still to hold."""
    from django.db.models import Q
    from django.urls import reverse

    from accounts.grants import member_of

    from .models import Meeting, Opinion, Talk

    member = member_of(user)
    if member is None:
        return []
    meetings = list(
        Meeting.objects.filter(organization_id=member.organization_id, kind="org_life", stage__in=(Stage.PREPARING, Stage.READY)).order_by("-year")[:3]
    )
    if not meetings:
        return []
    tasks = []
    gave = set(Opinion.objects.filter(meeting__in=meetings, recorded_by=user).values_list("meeting_id", flat=True))
    pending = {}
    mine = Q(member_a=member) | Q(member_b=member)
    for t in Talk.objects.filter(mine, meeting__in=meetings, held_on__isnull=True).select_related("member_a", "member_b"):
        pending.setdefault(t.meeting_id, []).append(t)
    for m in meetings:
        if m.stage == Stage.PREPARING and m.pk not in gave:
            tasks.append(
                home.Task(title=f"对支部班子和支部委员提意见建议：{m.title}", url=reverse("meetings:opinion_give", args=[m.pk]), kind="todo", tags=["征求意见"])
            )
        talks = pending.get(m.pk, [])
        if talks:
            names = "、".join(
                sorted({(t.member_b.name if t.member_a_id == member.pk else (t.member_a.name if t.member_a_id else "上级党组织负责同志")) for t in talks})
            )
            due = min((t.scheduled_on for t in talks if t.scheduled_on), default=None)
            tasks.append(home.Task(title=f"谈心谈话：还要与{names}谈心", url=reverse("meetings:talks", args=[m.pk]), due=due, kind="todo", tags=["谈心谈话"]))
    return tasks


from . import demo_prep  # noqa: E402,F401
