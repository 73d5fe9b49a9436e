from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core import crypto

from .choices import Office, Role


def normalize_phone(raw: str) -> str:
    """'+86 138-0013-8000' and '13800138000' are the same login."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def phone_index(raw: str) -> str:
    return crypto.blind_index(normalize_phone(raw), "phone")


class User(AbstractUser):
    """A login. Phone numbers are never stored here in clear: only their blind index."""

    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone_index = models.CharField("手机号索引", max_length=64, unique=True, null=True, blank=True, editable=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.display_name or self.username

    def set_phone(self, raw: str | None) -> None:
        self.phone_index = phone_index(raw) if raw else None

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on), started_on__lte=on)


class RoleAssignment(models.Model):
    """A user acting in a role for an organization. Members, secretaries and committee
    members also get their roles implicitly from the roster and positions (see grants.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments", verbose_name="用户")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="role_assignments", verbose_name="组织")
    office = models.CharField("机构", max_length=20, choices=Office.choices, blank=True, default="")
    started_on = models.DateField("起始日期", default=timezone.localdate)
    ended_on = models.DateField("终止日期", null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization}"

    def clean(self):
        from .services import check_role_separation

        check_role_separation(self.user, self.role, exclude_pk=self.pk)


class SecurityPolicy(models.Model):
    """The security policy the 安全管理员 sets (等保 身份鉴别 a/b/d, 访问控制 e): one row.

    Read through `accounts.policy.current()` (cached per process, refreshed on save).
    Only the secadmin changes it, through `accounts.security_services.update_policy` (audited).
    """

    lockout_threshold = models.PositiveSmallIntegerField("连续登录失败锁定次数", default=5, validators=[MinValueValidator(3), MaxValueValidator(10)])
    lockout_minutes = models.PositiveSmallIntegerField("锁定时长（分钟）", default=30, validators=[MinValueValidator(5), MaxValueValidator(1440)])
    session_idle_minutes = models.PositiveSmallIntegerField("无操作自动退出（分钟）", default=15, validators=[MinValueValidator(5), MaxValueValidator(120)])
    session_absolute_hours = models.PositiveSmallIntegerField("登录最长有效（小时）", default=8, validators=[MinValueValidator(1), MaxValueValidator(24)])
    password_max_age_days = models.PositiveSmallIntegerField(
        "密码有效期（天，0为不限）", default=0, validators=[MaxValueValidator(365)], help_text="到期后须修改密码才能继续使用。"
    )
    totp_required = models.BooleanField("审核人、纪委/组织部、业务管理员和三类管理员须使用动态口令", default=True)
    audit_retention_days = models.PositiveSmallIntegerField(
        "审计日志保存期（天）", default=365, validators=[MinValueValidator(180), MaxValueValidator(3650)], help_text="不少于180天（网络安全法）。"
    )
    version = models.PositiveIntegerField("版本", default=1)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="最后修改人")

    class Meta:
        verbose_name = "安全策略"
        verbose_name_plural = "安全策略"
        constraints = [
            models.CheckConstraint(condition=Q(audit_retention_days__gte=180), name="policy_audit_retention_min_180"),
            models.CheckConstraint(condition=Q(lockout_threshold__gte=3), name="policy_lockout_threshold_min_3"),
        ]

    def __str__(self):
        return "安全策略"
