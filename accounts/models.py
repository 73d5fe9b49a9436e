from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
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
