from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.scoping import ScopedQuerySet

from .choices import ItemStatus, ProblemScope, ProblemSource


class ProblemQuerySet(ScopedQuerySet):
    org_field = "organization"
    view_permission = "meeting.view"


class Problem(models.Model):
    """A problem found by the meeting, with its source and whose it is (OL-4.1.a/b, DL-4.1)."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="problems", verbose_name="会议")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="problems", verbose_name="党组织")
    source = models.CharField("来源", max_length=20, choices=ProblemSource.choices)
    scope = models.CharField("责任主体类型", max_length=20, choices=ProblemScope.choices, blank=True)
    owner_member = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="problems", verbose_name="责任人")
    description = models.TextField("问题表现")
    category = models.CharField("问题类别", max_length=50, blank=True)
    strong_public_concern = models.BooleanField("群众反映强烈", default=False)
    raised_by_superior = models.BooleanField("上级点明", default=False)
    opinion = models.ForeignKey("meetings.Opinion", on_delete=models.SET_NULL, null=True, blank=True, related_name="problems", verbose_name="来源意见")
    criticism = models.ForeignKey("meetings.Criticism", on_delete=models.SET_NULL, null=True, blank=True, related_name="problems", verbose_name="来源批评")
    self_examination = models.ForeignKey(
        "meetings.SelfExamination", on_delete=models.SET_NULL, null=True, blank=True, related_name="derived_problems", verbose_name="来源材料"
    )
    guidance_index = models.PositiveSmallIntegerField("点评意见序号", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题"
        ordering = ["meeting", "scope", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope=ProblemScope.PERSONAL) | Q(owner_member__isnull=False),
                name="personal_problem_has_owner",
                violation_error_message="个人问题须明确责任人",
            )
        ]

    def __str__(self):
        return self.description[:40]


class ItemQuerySet(ScopedQuerySet):
    org_field = "organization"
    view_permission = "meeting.view"

    def open(self):
        return self.filter(status__in=(ItemStatus.OPEN, ItemStatus.CLOSURE_REQUESTED))


class RectificationItem(models.Model):
    """整改事项: four-clear — 目标, 途径, 责任, 时限 — before it can be final (OL-4.1.c)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="items", verbose_name="问题")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="rectification_items", verbose_name="会议")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="rectification_items", verbose_name="党组织")
    goal = models.TextField("整改目标", blank=True)
    measures = models.TextField("整改措施（途径）", blank=True)
    responsible_member = models.ForeignKey(
        "organizations.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="rectification_items", verbose_name="责任人"
    )
    responsible_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="责任单位"
    )
    deadline = models.DateField("完成时限", null=True, blank=True)
    is_public = models.BooleanField("公示", default=False)
    status = models.CharField("状态", max_length=20, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    finalized_at = models.DateTimeField("确定时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="销号人")
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        ordering = ["meeting", "deadline", "pk"]
        indexes = [
            models.Index(fields=["organization", "status", "deadline"], name="item_org_status_deadline"),
            models.Index(fields=["status", "deadline"], name="item_status_deadline"),
        ]

    def __str__(self):
        return self.goal[:40] or f"整改事项{self.pk}"

    def missing_parts(self) -> list[str]:
        """Which of the four clear parts are missing (OL-4.1.c); empty when four-clear."""
        missing = []
        if not self.goal.strip():
            missing.append("目标")
        if not self.measures.strip():
            missing.append("途径")
        if self.responsible_member_id is None and self.responsible_organization_id is None:
            missing.append("责任")
        if self.deadline is None:
            missing.append("时限")
        return missing
