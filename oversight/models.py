"""Oversight: computed obligations, per-organization rollups, notifications and calendar tokens."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.scoping import scoped_queryset

from .choices import ObligationKind

# Stage × kind counters and the other figures a rollup keeps for an organization's subtree.
STAGES = ("planning", "preparing", "ready", "held", "rectifying", "reported", "closed")
KIND_PREFIX = {"org_life": "ol", "democratic_life": "dl"}
STAGE_FIELDS = tuple(f"{p}_{s}" for p in ("ol", "dl") for s in STAGES)
OTHER_FIELDS = (
    "plans_awaiting",
    "materials_awaiting",
    "overdue_held",
    "overdue_plan_filing",
    "overdue_notice",
    "overdue_report",
    "overdue_circular",
    "items_open",
    "items_overdue",
    "items_closed",
    "reports_late",
    "reports_returned",
)
COUNTERS = STAGE_FIELDS + OTHER_FIELDS


class Obligation(models.Model):
    """A dated obligation of one meeting (plan filing, public notice, report, 通报), computed from
    the meeting's dates with `rulebook.dates` and its pinned rulebook's parameters. Kept as rows
    so a superior's dashboard can count the overdue ones across a subtree in one indexed query."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+", verbose_name="会议")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+", verbose_name="党组织")
    kind = models.CharField("事项", max_length=20, choices=ObligationKind.choices)
    clause = models.CharField("依据", max_length=20)
    due_on = models.DateField("截止日期")
    done_on = models.DateField("完成日期", null=True, blank=True)
    role = models.CharField("责任角色", max_length=20)

    objects = scoped_queryset("organization", "oversight.view").as_manager()

    class Meta:
        verbose_name = "期限事项"
        verbose_name_plural = "期限事项"
        constraints = [models.UniqueConstraint(fields=["meeting", "kind"], name="obligation_one_per_kind")]
        indexes = [
            models.Index(fields=["organization", "due_on"], condition=Q(done_on__isnull=True), name="obligation_open_due"),
            models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="obligation_open_by_due"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_on}"


def _counter_fields():
    return {name: models.IntegerField(default=0) for name in COUNTERS}


class OrgRollupBase(models.Model):
    organization = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE, related_name="rollup", verbose_name="党组织")
    path = models.CharField("路径", max_length=255, unique=True)
    depth = models.PositiveIntegerField("层级")
    own = models.JSONField("本组织自身的计数", default=dict)
    as_of = models.DateField("逾期计算日期")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


OrgRollup = type(
    "OrgRollup",
    (OrgRollupBase,),
    {
        "__module__": __name__,
        "__doc__": "Totals of an organization's whole subtree, kept up to date incrementally by the meeting hook "
        "and rebuilt by `rebuild_rollups` (and by the daily run, since overdue counts move with the date).",
        **_counter_fields(),
        "Meta": type(
            "Meta",
            (),
            {
                "verbose_name": "督导汇总",
                "verbose_name_plural": "督导汇总",
                "indexes": [models.Index(fields=["depth", "path"], name="rollup_depth_path", opclasses=["int4_ops", "varchar_pattern_ops"])],
            },
        ),
    },
)


class Notification(models.Model):
    """An in-app reminder. At most one per user, obligation and day (the unique constraint is the
    guard: the daily run inserts with ON CONFLICT DO NOTHING semantics, so running it twice adds nothing)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name="用户")
    key = models.CharField("事项标识", max_length=80)
    day = models.DateField("日期")
    kind = models.CharField("类型", max_length=20)  # due_soon | overdue | digest
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=200, blank=True)
    due_on = models.DateField("截止日期", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-day", "-pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key", "day"], name="notification_once_per_day")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return self.title


class EmailSent(models.Model):
    """One e-mail per user and day at most (the daily digest); inserting this row is the lock."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="用户")
    day = models.DateField("日期")
    count = models.PositiveIntegerField("事项数")
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = "提醒邮件"
        verbose_name_plural = "提醒邮件"
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="email_once_per_day")]


def _token():
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a user's personal .ics feed URL; regenerating it revokes old subscriptions."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token", verbose_name="用户")
    token = models.CharField("订阅标识", max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "日历订阅"
        verbose_name_plural = "日历订阅"
