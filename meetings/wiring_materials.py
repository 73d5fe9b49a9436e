"""Registrations of the materials part (audit codes, the meeting step, home tasks, the snapshot
contributor). Imported once from `MeetingsConfig.ready`."""

from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse

from audit import registry
from core import home

from . import steps

AUDIT_ACTIONS = {
    "material.created": "生成对照检查材料",
    "material.saved": "保存对照检查材料",
    "material.submitted": "提交对照检查材料",
    "material.approved": "审核通过对照检查材料",
    "material.returned": "退回对照检查材料",
    "material.uploaded": "上传对照检查材料文件",
    "material.problem_list_published": "公示问题清单和整改措施",
}
MAX_TASKS = 20

registry.register(AUDIT_ACTIONS)
steps.register(steps.Step("materials", "对照检查材料", "meetings:materials", 50))


def home_tasks(user) -> list[home.Task]:
    """Write my material (draft or returned, meeting in preparation); review the materials
    waiting at my level (a superior's reviewer: 组织生活会 and the last 民主生活会 level; a
    main leader: the team's other materials)."""
    from accounts.choices import Role
    from accounts.grants import load_grants
    from accounts.permissions import scope_q
    from organizations.models import LeadingTeamMembership

    from .choices import DocStatus, MeetingKind, ReviewDecision, ReviewLevel, Stage
    from .models import Review, SelfExamination

    if not getattr(user, "is_authenticated", False):
        return []
    tasks = []
    grants = load_grants(user)
    editable = (DocStatus.DRAFT, DocStatus.RETURNED)
    own = SelfExamination.objects.filter(member__user=user, status__in=editable, meeting__stage=Stage.PREPARING).select_related("meeting")
    team = SelfExamination.objects.filter(
        scope_q(user, "meeting.manage", "meeting__organization"), member__isnull=True, status__in=editable, meeting__stage=Stage.PREPARING
    ).select_related("meeting")
    for se in [*own[:MAX_TASKS], *team[:MAX_TASKS]]:
        what = "班子对照检查材料" if se.member_id is None else se.get_doc_kind_display()
        returned = se.status == DocStatus.RETURNED
        tasks.append(
            home.Task(
                title=f"{'修改' if returned else '撰写'}{what}：{se.meeting.title}",
                url=reverse("meetings:material_edit", args=[se.pk]),
                due=se.meeting.scheduled_date,
                detail="审核退回，请按审核意见修改后重新提交。" if returned else "起草后提交审核。",
                kind="todo",
                tags=["对照检查"],
            )
        )
    roles = {g.role for g in grants}
    if not roles & {Role.REVIEWER, Role.MAIN_LEADER}:
        return tasks
    current = SelfExamination.objects.filter(pk=OuterRef("pk")).annotate(n=Max("versions__number")).values("n")[:1]

    def approved(level):
        return Exists(Review.objects.filter(self_examination=OuterRef("pk"), version_number=OuterRef("current"), level=level, decision=ReviewDecision.APPROVED))

    waiting = SelfExamination.objects.filter(status=DocStatus.SUBMITTED, meeting__stage=Stage.PREPARING).annotate(current=current)
    found = SelfExamination.objects.none()
    if Role.REVIEWER in roles:
        # A 民主生活会 material reaches the superior after the main leader (except the main leader's own).
        superior = waiting.filter(scope_q(user, "material.review", "meeting__organization")).exclude(approved(ReviewLevel.SUPERIOR))
        superior = superior.filter(
            Q(meeting__kind=MeetingKind.ORG_LIFE)
            | approved(ReviewLevel.MAIN_LEADER)
            | Exists(LeadingTeamMembership.objects.filter(team=OuterRef("meeting__leading_team"), member=OuterRef("member"), is_main_leader=True))
        )
        found = found | SelfExamination.objects.filter(pk__in=superior.values("pk"))
    if Role.MAIN_LEADER in roles:
        orgs = [g.organization_id for g in grants if g.role == Role.MAIN_LEADER]
        mine = waiting.filter(meeting__organization_id__in=orgs, meeting__kind=MeetingKind.DEMOCRATIC_LIFE).exclude(approved(ReviewLevel.MAIN_LEADER))
        mine = mine.exclude(member__user=user)
        found = found | SelfExamination.objects.filter(pk__in=mine.values("pk"))
    for se in found.select_related("meeting", "member").order_by("meeting__scheduled_date", "pk")[:MAX_TASKS]:
        who = se.member.name if se.member_id else "班子"
        tasks.append(
            home.Task(
                title=f"审核{who}的{se.get_doc_kind_display()}：{se.meeting.title}",
                url=reverse("meetings:material", args=[se.pk]),
                due=se.meeting.scheduled_date,
                detail="通过，或写明意见退回修改。",
                kind="review",
                tags=["对照检查"],
            )
        )
    return tasks


home.register(home_tasks)


def _register_snapshot() -> None:
    try:
        from . import snapshot
    except ImportError:
        return
    register = getattr(snapshot, "register_contributor", None)
    if register is None:
        return
    from .services.materials import SNAPSHOT_READS, contribute

    register("materials", contribute, provides=("self_exams",), reads=SNAPSHOT_READS)


_register_snapshot()
