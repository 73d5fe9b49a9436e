"""民主评议党员: self-assessment, peer comments, anonymous ballots, paper tallies, ratings.

Anonymity lives in the schema (docs/anonymity.md):
- `VotingRight` says *who* may vote and whether they did; it has no link to any ballot,
  no timestamp of use and no ordering column.
- `Ballot` says *what* was voted; it has a random UUID key, no timestamp, no user and no
  member: only the appraisal and one grade letter per appraised member, in roster order.
- The two are written in one transaction (the right is consumed by a conditional UPDATE) and
  re-written in a shuffled batch when voting closes, so neither the physical order nor the
  transaction ids (`xmin`) tie a ballot to a right afterwards.
`appraisal/tests/test_anonymity.py` fails if a model or column that links them is added.
"""

import uuid

from django.conf import settings
from django.db import models

from accounts.scoping import scoped_queryset

from .choices import (
    DispositionKind,
    Grade,
    PaperStatus,
    RatingStatus,
    ResolutionBody,
    RightChannel,
    VotingMode,
    VotingStatus,
)


class Appraisal(models.Model):
    """The 民主评议党员 of one year-end 组织生活会 (OL-1.2.b, OL-3.1.d, OL-4.1.a).

    The parameters are copied from the meeting's pinned rulebook when voting opens, so a
    later rulebook change never changes a vote that is under way.
    """

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="appraisal", verbose_name="会议")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="党支部")
    voting_status = models.CharField("测评状态", max_length=20, choices=VotingStatus.choices, default=VotingStatus.NOT_OPENED)
    voting_mode = models.CharField("测评方式", max_length=20, choices=VotingMode.choices, blank=True, default="")
    sitting = models.ForeignKey("meetings.Sitting", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="测评所在会议")
    window_end = models.DateTimeField("网上测评截止时间", null=True, blank=True)
    opened_at = models.DateTimeField("开始测评时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束测评时间", null=True, blank=True)
    # frozen from the pinned rulebook at opening
    quorum_ratio = models.DecimalField("有效参与比例", max_digits=5, decimal_places=4, null=True, blank=True)
    probationary_votes = models.BooleanField("预备党员参加投票", default=False)
    excellent_max_ratio = models.DecimalField("优秀比例上限", max_digits=5, decimal_places=4, null=True, blank=True)
    min_ballots_for_person_results = models.PositiveSmallIntegerField("显示个人结果的最少票数", default=0)
    # frozen at closing
    eligible_voters = models.PositiveIntegerField("有表决权人数", default=0)
    ballots_cast = models.PositiveIntegerField("收回票数", default=0)
    quorum_met = models.BooleanField("达到有效参与比例", default=False)
    ratings_final_at = models.DateTimeField("评定结果确定时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="发起人")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    version = models.PositiveIntegerField("版本", default=1)

    objects = scoped_queryset("organization", "appraisal.view").as_manager()

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议"

    def __str__(self):
        return f"{self.meeting}·民主评议"

    @property
    def is_open(self) -> bool:
        return self.voting_status == VotingStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.voting_status == VotingStatus.CLOSED


class Appraisee(models.Model):
    """A member being appraised: the roster frozen when voting opens, probationary members
    included (they are appraised even where they do not vote)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="appraisees", verbose_name="民主评议")
    member = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, related_name="+", verbose_name="党员")
    name = models.CharField("姓名", max_length=50)
    is_probationary = models.BooleanField("预备党员", default=False)
    position = models.PositiveIntegerField("排序")

    class Meta:
        verbose_name = "参评党员"
        verbose_name_plural = "参评党员"
        ordering = ["appraisal", "position"]
        constraints = [models.UniqueConstraint(fields=["appraisal", "member"], name="appraisee_unique")]

    def __str__(self):
        return self.name


class VotingRight(models.Model):
    """Participation, stored apart from the ballots: the one-time right of an eligible voter.

    Consumed by a conditional UPDATE (`used=False` → `True`) in the transaction that writes the
    ballot. Deliberately without a timestamp, a ballot reference or an ordering column.
    """

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="rights", verbose_name="民主评议")
    member = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, related_name="+", verbose_name="党员")
    used = models.BooleanField("已投票", default=False)
    channel = models.CharField("投票方式", max_length=10, choices=RightChannel.choices, blank=True, default="")

    class Meta:
        verbose_name = "表决权"
        verbose_name_plural = "表决权"
        constraints = [models.UniqueConstraint(fields=["appraisal", "member"], name="voting_right_unique")]


class Ballot(models.Model):
    """One anonymous online ballot: random id, no timestamp, no voter (see the module docstring).

    `grades` holds one letter per appraised member in the frozen roster order (`GRADE_CODES`);
    every ballot grades everyone, the voter included, so its shape names nobody. Counting
    happens once, when voting closes, into `Tally`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="ballots", verbose_name="民主评议")
    grades = models.TextField("各参评党员等次（按名单顺序）")

    class Meta:
        verbose_name = "测评票"
        verbose_name_plural = "测评票"


class Tally(models.Model):
    """Online votes per appraised member and grade, counted when voting closes (no rows before:
    results cannot be shown early because they do not exist)."""

    appraisee = models.ForeignKey(Appraisee, on_delete=models.CASCADE, related_name="tallies", verbose_name="参评党员")
    grade = models.CharField("等次", max_length=20, choices=Grade.choices)
    count = models.PositiveIntegerField("票数")

    class Meta:
        verbose_name = "测评票统计"
        verbose_name_plural = "测评票统计"
        constraints = [models.UniqueConstraint(fields=["appraisee", "grade"], name="tally_unique")]


class PaperCount(models.Model):
    """Paper ballots (members who cannot vote online): tallies entered by the secretary and
    confirmed by a second committee member; they count only once confirmed."""

    appraisal = models.OneToOneField(Appraisal, on_delete=models.CASCADE, related_name="paper", verbose_name="民主评议")
    ballots = models.PositiveIntegerField("收回纸质票数", default=0)
    status = models.CharField("状态", max_length=20, choices=PaperStatus.choices, default=PaperStatus.DRAFT)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="录入人")
    entered_at = models.DateTimeField("录入时间")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="确认人")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "纸质票统计"
        verbose_name_plural = "纸质票统计"


class PaperTally(models.Model):
    paper = models.ForeignKey(PaperCount, on_delete=models.CASCADE, related_name="tallies", verbose_name="纸质票统计")
    appraisee = models.ForeignKey(Appraisee, on_delete=models.CASCADE, related_name="paper_tallies", verbose_name="参评党员")
    grade = models.CharField("等次", max_length=20, choices=Grade.choices)
    count = models.PositiveIntegerField("票数", default=0)

    class Meta:
        verbose_name = "纸质票计数"
        verbose_name_plural = "纸质票计数"
        constraints = [models.UniqueConstraint(fields=["paper", "appraisee", "grade"], name="paper_tally_unique")]


class SelfAssessment(models.Model):
    """个人自评: saved as a draft, then submitted."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="self_assessments", verbose_name="民主评议")
    member = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, related_name="+", verbose_name="党员")
    text = models.TextField("自评内容")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "个人自评"
        verbose_name_plural = "个人自评"
        constraints = [models.UniqueConstraint(fields=["appraisal", "member"], name="self_assessment_unique")]


class PeerComment(models.Model):
    """党员互评: an opinion of one member about another. Named, unless the rulebook's
    `appraisal_peer_review_anonymous` says otherwise (then `author` stays empty)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="peer_comments", verbose_name="民主评议")
    author = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="评议人")
    subject = models.ForeignKey("organizations.Member", on_delete=models.PROTECT, related_name="+", verbose_name="被评议人")
    text = models.TextField("评议意见")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "党员互评"
        verbose_name_plural = "党员互评"
        ordering = ["subject", "created_at"]


class Rating(models.Model):
    """组织评定: the committee's (or the 党员大会's) rating of one member from the tallies.

    不合格 becomes final only with the recorded resolution and the superior's approval; it then
    opens the 组织处置 procedure (`Disposition`)."""

    appraisee = models.OneToOneField(Appraisee, on_delete=models.CASCADE, related_name="rating", verbose_name="参评党员")
    grade = models.CharField("评定等次", max_length=20, choices=Grade.choices)
    status = models.CharField("状态", max_length=20, choices=RatingStatus.choices, default=RatingStatus.PROPOSED)
    remarks = models.TextField("评定意见", blank=True)
    resolution_body = models.CharField("决议机构", max_length=20, choices=ResolutionBody.choices, blank=True, default="")
    resolution_date = models.DateField("决议日期", null=True, blank=True)
    resolution_text = models.TextField("决议内容", blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="拟定人")
    proposed_at = models.DateTimeField("拟定时间")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审批人")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_comment = models.TextField("审批意见", blank=True)

    objects = scoped_queryset("appraisee__appraisal__organization", "appraisal.results").as_manager()

    class Meta:
        verbose_name = "组织评定"
        verbose_name_plural = "组织评定"


class Disposition(models.Model):
    """组织处置 of a member rated 不合格, with its tracked steps."""

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="disposition", verbose_name="组织评定")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="党支部")
    kind = models.CharField("处置方式", max_length=20, choices=DispositionKind.choices)
    decided_on = models.DateField("决定日期")
    period_end = models.DateField("改正期限", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人")

    objects = scoped_queryset("organization", "appraisal.results").as_manager()

    class Meta:
        verbose_name = "组织处置"
        verbose_name_plural = "组织处置"


class DispositionStep(models.Model):
    disposition = models.ForeignKey(Disposition, on_delete=models.CASCADE, related_name="steps", verbose_name="组织处置")
    key = models.CharField("步骤", max_length=20)
    title = models.CharField("内容", max_length=100)
    order = models.PositiveSmallIntegerField("顺序")
    due = models.DateField("期限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.TextField("情况说明", blank=True)

    objects = scoped_queryset("disposition__organization", "appraisal.results").as_manager()

    class Meta:
        verbose_name = "处置步骤"
        verbose_name_plural = "处置步骤"
        ordering = ["disposition", "order"]
        constraints = [models.UniqueConstraint(fields=["disposition", "key"], name="disposition_step_unique")]


__all__ = [
    "Appraisal",
    "Appraisee",
    "Ballot",
    "Disposition",
    "DispositionStep",
    "PaperCount",
    "PaperTally",
    "PeerComment",
    "Rating",
    "SelfAssessment",
    "Tally",
    "VotingRight",
]
