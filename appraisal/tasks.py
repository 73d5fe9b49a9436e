"""Home to-do entries: vote, write the self-assessment, confirm paper tallies, rate, approve."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from core.home import Task

MAX_TASKS = 20


@task()
def close_expired_votes() -> int:
    """Periodic: close online votes whose window has passed (the oversight app's daily run, or
    any scheduler, enqueues or calls this; running it twice closes nothing twice)."""
    from .services import close_expired

    return close_expired()


def home_tasks(user) -> list[Task]:
    from accounts.grants import member_of
    from accounts.permissions import has_perm_anywhere, scope_q

    from .choices import PaperStatus, RatingStatus, VotingStatus
    from .models import Appraisal, DispositionStep, PaperCount, Rating, SelfAssessment, VotingRight

    if not getattr(user, "is_authenticated", False):
        return []
    tasks: list[Task] = []
    member = member_of(user)
    if member is not None and has_perm_anywhere(user, "appraisal.take_part"):
        live = Appraisal.objects.filter(organization_id=member.organization_id).exclude(voting_status=VotingStatus.CLOSED).select_related("meeting")
        for appraisal in live[:3]:
            if appraisal.is_open and VotingRight.objects.filter(appraisal=appraisal, member=member, used=False).exists():
                due = timezone.localdate(appraisal.window_end) if appraisal.window_end else None
                tasks.append(
                    Task(
                        f"民主测评：{appraisal.meeting.title}",
                        reverse("appraisal:ballot", args=[appraisal.pk]),
                        due=due,
                        detail="请为每名参评党员选择评价等次，匿名提交。",
                        tags=["投票"],
                    )
                )
            if not SelfAssessment.objects.filter(appraisal=appraisal, member=member, submitted_at__isnull=False).exists():
                tasks.append(
                    Task(
                        f"个人自评：{appraisal.meeting.title}",
                        reverse("appraisal:self_assessment", args=[appraisal.pk]),
                        detail="对照党员标准写出个人自评。",
                        tags=["自评"],
                    )
                )
    if has_perm_anywhere(user, "appraisal.manage"):
        mine = Appraisal.objects.filter(scope_q(user, "appraisal.manage")).select_related("meeting")
        now = timezone.now()
        for appraisal in mine.filter(voting_status=VotingStatus.OPEN, window_end__lt=now)[:5]:
            tasks.append(
                Task(
                    f"结束民主测评：{appraisal.meeting.title}",
                    reverse("appraisal:meeting", args=[appraisal.meeting_id]),
                    detail="网上测评已过截止时间。",
                    tags=["测评"],
                )
            )
        for appraisal in mine.filter(voting_status=VotingStatus.CLOSED, ratings_final_at__isnull=True)[:5]:
            tasks.append(
                Task(
                    f"组织评定：{appraisal.meeting.title}",
                    reverse("appraisal:ratings", args=[appraisal.pk]),
                    detail="根据测评情况拟定并确定每名党员的评定等次。",
                    tags=["评定"],
                )
            )
        steps = DispositionStep.objects.filter(scope_q(user, "appraisal.manage", "disposition__organization"), done_on__isnull=True).select_related(
            "disposition__rating__appraisee"
        )
        for step in steps.order_by("due")[:5]:
            appraisee = step.disposition.rating.appraisee
            tasks.append(
                Task(
                    f"组织处置：{appraisee.name} {step.title}",
                    reverse("appraisal:disposition", args=[step.disposition_id]),
                    due=step.due,
                    tags=[step.disposition.get_kind_display()],
                )
            )
    if has_perm_anywhere(user, "appraisal.confirm_paper"):
        papers = PaperCount.objects.filter(scope_q(user, "appraisal.confirm_paper", "appraisal__organization"), status=PaperStatus.DRAFT).exclude(
            entered_by=user
        )
        for paper in papers.select_related("appraisal__meeting")[:5]:
            tasks.append(Task(f"确认纸质票统计：{paper.appraisal.meeting.title}", reverse("appraisal:paper", args=[paper.appraisal_id]), tags=["测评"]))
    if has_perm_anywhere(user, "appraisal.approve"):
        waiting = Rating.objects.filter(scope_q(user, "appraisal.approve", "appraisee__appraisal__organization"), status=RatingStatus.AWAITING_APPROVAL)
        for rating in waiting.select_related("appraisee__appraisal__organization")[:MAX_TASKS]:
            org = rating.appraisee.appraisal.organization
            tasks.append(
                Task(f"审批不合格评定：{org.name} {rating.appraisee.name}", reverse("appraisal:rating", args=[rating.pk]), kind="review", tags=["审批"])
            )
    return tasks
