"""召开会议: sittings, attendance, agenda, criticism, commentary, closing (OL-3.*, DL-3.*)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..choices import CriticismKind, DLSlot, ObserverCategory, ParticipationMode, SittingKind, SittingStatus
from .meeting import Meeting


class Sitting(models.Model):
    """One sitting: 支委会 then 党员大会 (OL-3.1.a), or the 民主生活会 itself (held on its own, DL-1.3)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sittings", verbose_name="会议")
    kind = models.CharField("会议", max_length=20, choices=SittingKind.choices)
    order = models.PositiveSmallIntegerField("顺序", default=1)
    status = models.CharField("状态", max_length=10, choices=SittingStatus.choices, default=SittingStatus.PLANNED)
    date = models.DateField("日期", null=True, blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    place = models.CharField("地点", max_length=200, blank=True)
    host = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="主持人")
    recorder = models.CharField("记录人", max_length=50, blank=True)
    guide = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="上级指导同志"
    )  # OL-3.2.a, DL-3.4.a
    guide_name = models.CharField("指导同志姓名职务", max_length=100, blank=True)
    minutes_scan = models.FileField("原始记录扫描件", upload_to="minutes/", blank=True)  # OL-4.2.a
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "会议场次"
        verbose_name_plural = "会议场次"
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "kind"], name="one_sitting_per_kind")]


class Attendance(models.Model):
    """Attendance per person with reasons and flexible forms (OL-1.3.b–e, DL-3.3.i)."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="attendance", verbose_name="会议场次")
    member = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, related_name="+", verbose_name="党员")
    mode = models.CharField("参加方式", max_length=20, choices=ParticipationMode.choices, default=ParticipationMode.IN_PERSON)
    absence_reason = models.CharField("缺席原因", max_length=200, blank=True)
    flow_organization_name = models.CharField("参加组织生活的流入/流出地党组织", max_length=100, blank=True)  # OL-1.3.e
    as_ordinary_member = models.BooleanField("以普通党员身份参加", default=False)  # OL-1.3.c
    proxy = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="代读人")  # DL-3.3.i

    class Meta:
        verbose_name = "出席情况"
        verbose_name_plural = "出席情况"
        constraints = [models.UniqueConstraint(fields=["sitting", "member"], name="attendance_unique")]


class Observer(models.Model):
    """列席人员 (DL-1.4.a): kept apart from participants; may criticise (DL-1.4.b)."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="observers", verbose_name="会议场次")
    name = models.CharField("姓名", max_length=50)
    category = models.CharField("类别", max_length=30, choices=ObserverCategory.choices)
    affiliation = models.CharField("单位/身份", max_length=100, blank=True)

    class Meta:
        verbose_name = "列席人员"
        verbose_name_plural = "列席人员"


class AgendaItem(models.Model):
    """A step of the sitting's agenda. For a 民主生活会 only the fixed slots ①–⑦ exist (DL-1.3,
    DL-3.2); slot ⑤ has one item per other leader, in the plan's order (DL-3.3.d)."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="agenda", verbose_name="会议场次")
    order = models.PositiveSmallIntegerField("顺序")
    slot = models.PositiveSmallIntegerField("议程", choices=DLSlot.choices, null=True, blank=True)
    title = models.CharField("议程", max_length=200)
    subject = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="对照检查人")
    started_at = models.DateTimeField("开始", null=True, blank=True)
    completed_at = models.DateTimeField("完成", null=True, blank=True)
    notes = models.TextField("记录", blank=True)

    class Meta:
        verbose_name = "议程"
        verbose_name_plural = "议程"
        ordering = ["sitting", "order"]
        constraints = [models.UniqueConstraint(fields=["sitting", "order"], name="agenda_order_unique")]


class Criticism(models.Model):
    """One recorded statement: self-criticism, criticism of someone (or of the team), or a
    response. `seq` is the order in the sitting; the record checks order rules (OL-3.1.e,
    DL-3.3.c–f). Targets are a member, the team (target null, kind mutual) or self."""

    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="criticisms", verbose_name="会议场次")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="criticisms", verbose_name="议程")
    seq = models.PositiveIntegerField("顺序")
    kind = models.CharField("类型", max_length=20, choices=CriticismKind.choices)
    speaker = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="发言人")
    speaker_observer = models.ForeignKey(Observer, on_delete=models.PROTECT, null=True, blank=True, related_name="criticisms", verbose_name="列席人发言")
    speaker_guide = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="上级同志发言")
    target = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="批评对象")
    about_team = models.BooleanField("针对班子", default=False)
    content = models.TextField("问题（事实）")  # OL-3.1.g/h: concrete problem, facts
    suggestion = models.TextField("改进意见", blank=True)
    response = models.TextField("回应", blank=True)
    answers_opinions = models.ManyToManyField("meetings.Opinion", blank=True, related_name="answered_by_statements", verbose_name="回应的意见")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="记录人")

    class Meta:
        verbose_name = "批评与自我批评"
        verbose_name_plural = "批评与自我批评"
        ordering = ["sitting", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["sitting", "seq"], name="criticism_seq_unique"),
            models.CheckConstraint(
                condition=Q(speaker__isnull=False) | Q(speaker_observer__isnull=False) | Q(speaker_guide__isnull=False),
                name="criticism_has_speaker",
            ),
        ]


class Commentary(models.Model):
    """上级点评 (OL-3.2, DL-3.4.a/b): three assessments and a list of guidance points."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="commentary", verbose_name="会议")
    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="会议场次")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="点评人")
    on_preparation = models.TextField("准备情况", blank=True)
    on_criticism = models.TextField("批评与自我批评情况", blank=True)
    on_effect = models.TextField("会议效果", blank=True)
    guidance = models.JSONField("指导意见", default=list, blank=True)  # ["…", "…"] each may become a Problem
    recorded_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "点评"
        verbose_name_plural = "点评"


class Closing(models.Model):
    """小结 (OL-3.3, DL-3.4.c): commitments on every guidance point and on the opinions."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="closing", verbose_name="会议")
    author = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, related_name="+", verbose_name="小结人")
    shortcomings = models.TextField("不足", blank=True)
    rectification_opinions = models.TextField("整改意见", blank=True)
    commitment = models.TextField("表态", blank=True)
    guidance_responses = models.JSONField("对指导意见的落实表态", default=list, blank=True)  # parallel to Commentary.guidance
    opinions_response = models.TextField("对党员群众意见的落实表态", blank=True)
    recorded_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "小结"
        verbose_name_plural = "小结"
