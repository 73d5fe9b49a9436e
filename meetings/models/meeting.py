import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.scoping import ScopedQuerySet, scoped_queryset

from ..choices import ApprovalMode, Half, MeetingKind, PlanStatus, Stage


class Campaign(models.Model):
    """A superior's launch of a round of meetings for its subtree (OL-1.2), or the
    inspectors' annual 民主生活会 deployment with topic and window (DL-1.2.b, DL-2.1.a)."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="campaigns", verbose_name="部署组织")
    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    half = models.CharField("年中/年底", max_length=10, choices=Half.choices, blank=True, default="")
    year = models.PositiveSmallIntegerField("年度")
    theme = models.CharField("主题", max_length=200)
    requirements = models.TextField("工作要求", blank=True)
    readings = models.JSONField("必读篇目", default=list, blank=True)
    window_start = models.DateField("时间窗口起")
    window_end = models.DateField("时间窗口止")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="部署人")
    created_at = models.DateTimeField("部署时间", auto_now_add=True)

    objects = scoped_queryset("organization", "meeting.view").as_manager()

    class Meta:
        verbose_name = "部署"
        verbose_name_plural = "部署"
        ordering = ["-year", "-created_at"]

    def __str__(self):
        return f"{self.year}年{self.get_half_display() if self.half else ''}{self.get_kind_display()}：{self.theme}"


class MeetingQuerySet(ScopedQuerySet):
    org_field = "organization"
    view_permission = "meeting.view"

    def org_life(self):
        return self.filter(kind=MeetingKind.ORG_LIFE)

    def democratic_life(self):
        return self.filter(kind=MeetingKind.DEMOCRATIC_LIFE)

    def open(self):
        return self.exclude(stage=Stage.CLOSED)


class Meeting(models.Model):
    """One 组织生活会 of a branch or one 民主生活会 of a leading team.

    It pins the rulebook version it was created under, so later rulebook changes never
    change its findings. Its stage moves only through `meetings.lifecycle`.
    """

    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="meetings", verbose_name="党组织")
    leading_team = models.ForeignKey(
        "organizations.LeadingTeam", on_delete=models.PROTECT, null=True, blank=True, related_name="meetings", verbose_name="领导班子"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings", verbose_name="所属部署")
    kind = models.CharField("会议类型", max_length=20, choices=MeetingKind.choices)
    half = models.CharField("年中/年底", max_length=10, choices=Half.choices, blank=True, default="")
    special = models.BooleanField("专题民主生活会", default=False)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("会议名称", max_length=200)
    theme = models.CharField("主题", max_length=200, blank=True)
    scheduled_date = models.DateField("召开日期", null=True, blank=True)
    stage = models.CharField("阶段", max_length=20, choices=Stage.choices, default=Stage.PLANNING)
    rulebook_slug = models.CharField("规则库", max_length=50)
    rulebook_version = models.CharField("规则库版本", max_length=20)
    opinion_token = models.CharField("公开征求意见链接标识", max_length=43, unique=True, default=secrets.token_urlsafe, editable=False)
    opinion_link_open = models.BooleanField("公开征求意见链接开放", default=False)
    public_token = models.CharField("公开页面标识", max_length=43, unique=True, default=secrets.token_urlsafe, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    stage_changed_at = models.DateTimeField("阶段变更时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = ["-year", "organization__path"]
        indexes = [
            models.Index(fields=["organization", "kind", "year"], name="meeting_org_kind_year"),
            models.Index(fields=["kind", "year", "stage"], name="meeting_kind_year_stage"),
        ]
        constraints = [
            # One regular meeting per organization, kind, year and half; 专题 meetings are extra (DL-1.2.c).
            models.UniqueConstraint(fields=["organization", "kind", "year", "half"], condition=Q(special=False), name="one_regular_meeting_per_slot"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_org_life(self) -> bool:
        return self.kind == MeetingKind.ORG_LIFE

    @property
    def is_democratic_life(self) -> bool:
        return self.kind == MeetingKind.DEMOCRATIC_LIFE


class StageChange(models.Model):
    """The meeting's own stage history (who moved it, when, with which overrides)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="stage_changes", verbose_name="会议")
    from_stage = models.CharField("原阶段", max_length=20, choices=Stage.choices)
    to_stage = models.CharField("新阶段", max_length=20, choices=Stage.choices)
    at = models.DateTimeField("时间", auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="操作人")
    findings = models.JSONField("当时的提示", default=list, blank=True)

    class Meta:
        verbose_name = "阶段变更"
        verbose_name_plural = "阶段变更"
        ordering = ["at", "pk"]


class GateOverride(models.Model):
    """A reviewer's (or, where the rulebook says so, an inspector's) written decision to
    let one blocker pass. Audited and shown on the meeting forever."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="overrides", verbose_name="会议")
    rule_id = models.CharField("规则", max_length=80)
    reason = models.TextField("理由")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="决定人")
    role = models.CharField("决定人角色", max_length=20)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "规则豁免"
        verbose_name_plural = "规则豁免"
        constraints = [models.UniqueConstraint(fields=["meeting", "rule_id"], name="one_override_per_rule")]


class Plan(models.Model):
    """方案 (OL-2.1, DL-2.2). Edited as a draft with optimistic locking; every submission
    freezes a `PlanVersion`."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="plan", verbose_name="会议")
    status = models.CharField("状态", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    theme = models.CharField("主题", max_length=200, blank=True)
    theme_rationale = models.TextField("主题确定依据", blank=True)  # DL-2.1.b
    scheduled_date = models.DateField("召开日期", null=True, blank=True)
    start_time = models.TimeField("开始时间", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    form = models.TextField("会议方式", blank=True)  # OL-2.1.b: 支委会 + 党员大会, or 党员大会 only
    participants = models.TextField("参加人员", blank=True)
    observers = models.TextField("列席人员", blank=True)
    agenda = models.TextField("会议议程", blank=True)
    preparation = models.TextField("会前准备安排", blank=True)
    requirements = models.TextField("工作要求", blank=True)
    approval_mode = models.CharField("审定方式", max_length=20, choices=ApprovalMode.choices, blank=True, default="")
    decision_minutes = models.FileField("会议讨论记录", upload_to="plans/", blank=True)  # DL-2.2.b collective decision
    submitted_at = models.DateTimeField("报审时间", null=True, blank=True)
    decided_at = models.DateTimeField("审定时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审定人")
    filed_at = models.DateTimeField("报备时间", null=True, blank=True)  # DL-2.2.c
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="最后编辑人")

    class Meta:
        verbose_name = "方案"
        verbose_name_plural = "方案"

    def __str__(self):
        return f"{self.meeting}方案"

    CONTENT_FIELDS = (
        "theme",
        "theme_rationale",
        "scheduled_date",
        "start_time",
        "place",
        "form",
        "participants",
        "observers",
        "agenda",
        "preparation",
        "requirements",
    )


class PlanVersion(models.Model):
    """A frozen copy of the plan at each submission, with the decision on it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions", verbose_name="方案")
    number = models.PositiveIntegerField("版本号")
    content = models.JSONField("内容")
    submitted_at = models.DateTimeField("报审时间", auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="报审人")
    decision = models.CharField("审核结果", max_length=20, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审核人")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    comment = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "方案版本"
        verbose_name_plural = "方案版本"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")]


class PlanFiling(models.Model):
    """DL-2.2.c: the plan is filed with both the 纪委 and the 组织部 (one row per recipient)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="filings", verbose_name="方案")
    office = models.CharField("报备机构", max_length=20)  # accounts.choices.Office
    recipient_organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="接收组织")
    filed_at = models.DateTimeField("报备时间")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="报备人")
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="方案版本")
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="查收人")
    received_at = models.DateTimeField("查收时间", null=True, blank=True)
    comment = models.TextField("意见", blank=True)

    class Meta:
        verbose_name = "方案报备"
        verbose_name_plural = "方案报备"
        ordering = ["plan", "office"]
