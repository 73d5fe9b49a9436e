from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.scoping import ScopedQuerySet

from ..choices import OPEN_STATUSES, EventKind, ItemStatus, ProblemScope, ProblemSource


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
    # Which row of its source a generated problem came from (e.g. "se12:3", the 4th row of material
    # 12; "appraisee45"), so regeneration never creates it twice (meetings.services.problems).
    source_ref = models.CharField("来源条目", max_length=40, blank=True, default="")
    # From a self-examination row (OL-2.5.g): its 原因剖析 and 整改措施 prefill the rectification item.
    cause = models.TextField("原因剖析", blank=True, default="")
    proposed_measure = models.TextField("拟定整改措施", blank=True, default="")
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
            ),
            models.UniqueConstraint(fields=["meeting", "source_ref"], condition=~Q(source_ref=""), name="problem_source_ref_once"),
        ]

    def __str__(self):
        return self.description[:40]


class ItemQuerySet(ScopedQuerySet):
    org_field = "organization"
    view_permission = "meeting.view"

    def open(self):
        return self.filter(status__in=(ItemStatus.OPEN, ItemStatus.CLOSURE_REQUESTED))

    def overdue(self, today=None):
        """Open items whose deadline has passed: flagged from the day after the deadline (OL-4.3.c)."""
        return self.open().filter(deadline__lt=today or timezone.localdate())

    def reachable_by(self, user, perm: str = "rectification.ledger"):
        """Items the user may open: their organizations' ledger, plus items they answer for
        themselves (a personal item belongs to its person, OL-4.1.b / DL-4.1.b)."""
        from accounts.permissions import scope_q

        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(scope_q(user, perm, self.org_field) | Q(responsible_member__user=user) | Q(problem__owner_member__user=user))


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
    # Added by the rectification app (issue 8); all have defaults.
    closure_requested_at = models.DateTimeField("申请销号时间", null=True, blank=True)
    overdue_since = models.DateField("逾期标记日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

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

    @property
    def is_final(self) -> bool:
        return self.status != ItemStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        """OL-4.3.c / DL-4.4.c: open after its deadline, counted from the day after."""
        return self.is_open and self.deadline is not None and self.deadline < (today or timezone.localdate())

    def responsible_display(self) -> str:
        if self.responsible_member_id:
            return self.responsible_member.name
        if self.responsible_organization_id:
            return self.responsible_organization.name
        return ""

    def is_owned_by(self, user) -> bool:
        """The person who answers for the item (personal items and named responsible members)."""
        if not getattr(user, "is_authenticated", False):
            return False
        if self.responsible_member_id and self.responsible_member.user_id == user.pk:
            return True
        problem = self.problem
        return problem.scope == ProblemScope.PERSONAL and problem.owner_member_id is not None and problem.owner_member.user_id == user.pk

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


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("整改台账记录只能追加，不能修改")

    def delete(self):
        raise PermissionError("整改台账记录只能追加，不能删除")


class ItemEvent(models.Model):
    """One entry in an item's history: finalization, progress, closure request, 销号, return,
    reopening, overdue flag (OL-4.3.b, DL-4.4.b). Append-only, so a returned or reopened item
    keeps everything that happened before; each entry is also in the audit chain."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="events", verbose_name="整改事项")
    kind = models.CharField("事件", max_length=20, choices=EventKind.choices)
    at = models.DateTimeField("时间", default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="操作人")
    role = models.CharField("角色", max_length=20, blank=True)
    status_from = models.CharField("原状态", max_length=20, choices=ItemStatus.choices, blank=True)
    status_to = models.CharField("新状态", max_length=20, choices=ItemStatus.choices, blank=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("内容", default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "整改记录"
        verbose_name_plural = "整改记录"
        ordering = ["item", "at", "pk"]
        indexes = [models.Index(fields=["item", "kind", "at"], name="item_event_kind_at")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("整改台账记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("整改台账记录只能追加，不能删除")


class EvidenceQuerySet(ScopedQuerySet):
    org_field = "organization"
    view_permission = "rectification.ledger"


class Evidence(models.Model):
    """佐证材料: a file attached to a progress update. Sniffed by content, stored outside the
    web root under a random name (core.uploads), downloaded only by those who may see the item."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="evidence", verbose_name="整改事项")
    event = models.ForeignKey(ItemEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence", verbose_name="进展记录")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="党组织")
    path = models.CharField("存储位置", max_length=200, editable=False)
    kind = models.CharField("文件类型", max_length=10, editable=False)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("摘要", max_length=64, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["item", "uploaded_at", "pk"]

    def __str__(self):
        return self.name
