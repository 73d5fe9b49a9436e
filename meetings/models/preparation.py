"""会前准备: notice, study, opinions, talks, self-examination (OL-2.*, DL-2.*)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ..choices import (
    DocStatus,
    FeedbackKind,
    FeedbackMode,
    NoticeKind,
    OpinionChannel,
    OpinionTarget,
    ParticipationMode,
    ReviewDecision,
    ReviewLevel,
    SelfExamKind,
    StudyForm,
    TalkFlagKind,
    TalkForm,
    TalkKind,
)
from .meeting import Meeting


class PublicNotice(models.Model):
    """公告/公示: published to members or the public (DL-2.3, OL-2.5.e, OL-4.1.d)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notices", verbose_name="会议")
    kind = models.CharField("类型", max_length=20, choices=NoticeKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    meeting_time_text = models.CharField("会议时间", max_length=100, blank=True)
    opinion_channels = models.TextField("征求意见方式", blank=True)  # DL-2.3.b
    opinion_deadline = models.DateField("意见截止日期", null=True, blank=True)
    form = models.CharField("公布形式", max_length=100, blank=True)  # DL-2.3.c 书面通知/公示栏/内网…
    scope = models.CharField("公布范围", max_length=200, blank=True)
    is_public = models.BooleanField("在公开页面发布", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="发布人")
    display_until = models.DateField("公示截止", null=True, blank=True)

    class Meta:
        verbose_name = "公告/公示"
        verbose_name_plural = "公告/公示"
        ordering = ["meeting", "kind", "-published_at"]


class Reading(models.Model):
    """必读篇目 (OL-2.2.a, DL-2.4.a)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="readings", verbose_name="会议")
    title = models.CharField("篇目", max_length=300)
    source = models.CharField("出处/链接", max_length=300, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "必读篇目"
        verbose_name_plural = "必读篇目"
        ordering = ["meeting", "order", "pk"]


class StudySession(models.Model):
    """A study session (concentrated) or a self-study period (OL-2.2.c/d, DL-2.4.c/d)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="study_sessions", verbose_name="会议")
    form = models.CharField("形式", max_length=20, choices=StudyForm.choices)
    title = models.CharField("内容", max_length=200)
    date = models.DateField("日期")
    hours = models.DecimalField("时长（小时）", max_digits=4, decimal_places=1)
    place = models.CharField("地点", max_length=100, blank=True)
    note = models.TextField("学习交流情况", blank=True)

    class Meta:
        verbose_name = "学习安排"
        verbose_name_plural = "学习安排"
        ordering = ["meeting", "date", "pk"]


class StudyAttendance(models.Model):
    """Who took part in a session, and how (home visits and remote study count: OL-1.3.d/e)."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="attendance", verbose_name="学习")
    member = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, related_name="study_attendance", verbose_name="党员")
    mode = models.CharField("参加方式", max_length=20, choices=ParticipationMode.choices, default=ParticipationMode.IN_PERSON)
    hours = models.DecimalField("学时（小时）", max_digits=4, decimal_places=1, null=True, blank=True)  # defaults to the session's
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "学习参加情况"
        verbose_name_plural = "学习参加情况"
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="study_attendance_unique")]


class Opinion(models.Model):
    """意见建议 about the team or a named person (OL-2.3, DL-2.5). From the public link,
    the giver may stay anonymous; the source person is never required."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="opinions", verbose_name="会议")
    channel = models.CharField("征求方式", max_length=20, choices=OpinionChannel.choices)
    target = models.CharField("意见对象", max_length=10, choices=OpinionTarget.choices)
    target_member = models.ForeignKey(
        "organizations.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="opinions_received", verbose_name="涉及个人"
    )
    content = models.TextField("意见内容")
    category = models.CharField("类别", max_length=50, blank=True)
    giver_name = models.CharField("提出人", max_length=50, blank=True)
    giver_kind = models.CharField("提出人身份", max_length=50, blank=True)  # 党员/群众/服务对象/下级单位…
    is_anonymous = models.BooleanField("匿名", default=False)
    received_on = models.DateField("收到日期")
    is_vague = models.BooleanField("缺少具体对象或事实（空对空提示）", default=False)  # OL-2.3.f, warning only
    strong_public_concern = models.BooleanField("群众反映强烈", default=False)  # OL-3.1.f
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged", verbose_name="合并到")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "意见建议"
        verbose_name_plural = "意见建议"
        ordering = ["meeting", "target", "target_member", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target=OpinionTarget.TEAM, target_member__isnull=True) | Q(target=OpinionTarget.PERSON, target_member__isnull=False),
                name="opinion_target_consistent",
            )
        ]


class OpinionSummary(models.Model):
    """征求意见汇总 (OL-2.3.c): frozen versions; `none_received` lists people for whom the
    secretary explicitly recorded that no opinion came in (OL-2.3.b)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="opinion_summaries", verbose_name="会议")
    number = models.PositiveIntegerField("版本号")
    content = models.JSONField("内容")
    intro = models.TextField("情况说明", blank=True)
    none_received = models.JSONField("未收到意见的对象", default=list, blank=True)
    frozen_at = models.DateTimeField("定稿时间", auto_now_add=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="定稿人")

    class Meta:
        verbose_name = "征求意见汇总"
        verbose_name_plural = "征求意见汇总"
        ordering = ["meeting", "-number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="opinion_summary_version_unique")]


class Feedback(models.Model):
    """通报/反馈 of opinions to committee members (OL-2.3.d/e), or of criticisms to an
    absent leader (DL-3.3.j: a task with a deadline)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback", verbose_name="会议")
    kind = models.CharField("类型", max_length=20, choices=FeedbackKind.choices)
    recipient = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, related_name="feedback_received", verbose_name="反馈对象")
    mode = models.CharField("方式", max_length=20, choices=FeedbackMode.choices, blank=True)
    content = models.TextField("反馈内容", blank=True)
    opinions = models.ManyToManyField(Opinion, blank=True, related_name="feedback", verbose_name="涉及意见")
    due_on = models.DateField("应于", null=True, blank=True)
    delivered_on = models.DateField("反馈日期", null=True, blank=True)
    acknowledged_on = models.DateField("本人签收日期", null=True, blank=True)
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="反馈人")

    class Meta:
        verbose_name = "意见反馈"
        verbose_name_plural = "意见反馈"


class Talk(models.Model):
    """谈心谈话 between two people (OL-2.4). The first party is a member or, for the
    superior head's talk with the secretary (OL-2.4.a), a user of the superior organization."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="talks", verbose_name="会议")
    kind = models.CharField("类型", max_length=20, choices=TalkKind.choices, default=TalkKind.REGULAR)
    member_a = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="谈话人")
    user_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="谈话人（上级）")
    member_b = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, related_name="+", verbose_name="谈话对象")
    scheduled_on = models.DateField("计划日期", null=True, blank=True)
    held_on = models.DateField("谈话日期", null=True, blank=True)
    form = models.CharField("方式", max_length=10, choices=TalkForm.choices, blank=True)
    place = models.CharField("地点", max_length=100, blank=True)
    key_points = models.TextField("主要内容", blank=True)
    opinions_heard = models.TextField("对方意见建议", blank=True)
    follow_up = models.TextField("后续措施", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="记录人")

    class Meta:
        verbose_name = "谈心谈话"
        verbose_name_plural = "谈心谈话"
        indexes = [models.Index(fields=["meeting", "held_on"], name="talk_meeting_held")]
        constraints = [
            models.CheckConstraint(condition=Q(member_a__isnull=False) | Q(user_a__isnull=False), name="talk_has_first_party"),
        ]


class TalkFlag(models.Model):
    """OL-2.4.f: a member (or pair) needing an arranged talk or mediation. Confidential:
    visible to the secretary and the superior only."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="talk_flags", verbose_name="会议")
    kind = models.CharField("情形", max_length=20, choices=TalkFlagKind.choices)
    member_a = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, related_name="+", verbose_name="党员")
    member_b = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="另一方")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "约谈调解对象"
        verbose_name_plural = "约谈调解对象"


class SelfExamination(models.Model):
    """对照检查材料 / 发言提纲 of the team (member is null) or of one person (OL-2.5, DL-3.3.b,
    GAP-DL-2.7). Structured sections; a file may replace them (OL-2.5.h) except for the
    community problem list (OL-2.5.d)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="self_examinations", verbose_name="会议")
    member = models.ForeignKey(
        "organizations.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="self_examinations", verbose_name="本人（空为班子）"
    )
    doc_kind = models.CharField("材料类型", max_length=20, choices=SelfExamKind.choices)
    status = models.CharField("状态", max_length=20, choices=DocStatus.choices, default=DocStatus.DRAFT)
    preparation = models.TextField("会前准备情况", blank=True)
    last_rectification = models.TextField("上次整改落实情况", blank=True)
    problems = models.TextField("问题查摆", blank=True)
    causes = models.TextField("原因剖析", blank=True)
    measures = models.TextField("整改措施", blank=True)
    # DL-3.3.b: thought, problems, personal responsibility must each be addressed.
    thought_section = models.TextField("思想方面", blank=True)
    personal_section = models.TextField("个人责任", blank=True)
    structured_items = models.JSONField("条目式问题清单", default=list, blank=True)  # OL-2.5.d [{problem, cause, measure, opinion_ids}]
    answered_opinions = models.ManyToManyField(Opinion, blank=True, related_name="answered_in", verbose_name="回应的意见")
    upload = models.FileField("上传文件", upload_to="self_exams/", blank=True)
    written_personally = models.BooleanField("本人亲自撰写", default=False)  # P-DL-2.7.b declaration
    delivered_by_proxy = models.ForeignKey(
        "organizations.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="代为宣读人"
    )  # DL-3.3.i
    version = models.PositiveIntegerField("版本", default=1)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "对照检查材料"
        verbose_name_plural = "对照检查材料"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_self_exam_per_person"),
            models.UniqueConstraint(fields=["meeting"], condition=Q(member__isnull=True), name="one_team_self_exam"),
        ]

    CONTENT_FIELDS = ("preparation", "last_rectification", "problems", "causes", "measures", "thought_section", "personal_section", "structured_items")


class SelfExaminationVersion(models.Model):
    self_examination = models.ForeignKey(SelfExamination, on_delete=models.CASCADE, related_name="versions", verbose_name="材料")
    number = models.PositiveIntegerField("版本号")
    content = models.JSONField("内容")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提交人")

    class Meta:
        verbose_name = "材料版本"
        verbose_name_plural = "材料版本"
        ordering = ["self_examination", "number"]
        constraints = [models.UniqueConstraint(fields=["self_examination", "number"], name="self_exam_version_unique")]


class Review(models.Model):
    """审核 of a self-examination (OL-2.5.i; DL main leader then superior, P-DL-2.7.d)."""

    self_examination = models.ForeignKey(SelfExamination, on_delete=models.CASCADE, related_name="reviews", verbose_name="材料")
    version_number = models.PositiveIntegerField("审核的版本")
    level = models.CharField("审核层级", max_length=20, choices=ReviewLevel.choices)
    decision = models.CharField("结果", max_length=20, choices=ReviewDecision.choices)
    comment = models.TextField("审核意见", blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="审核人")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "材料审核"
        verbose_name_plural = "材料审核"
        ordering = ["self_examination", "at"]
