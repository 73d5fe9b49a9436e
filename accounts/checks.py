"""Deployment checks (`manage.py check --deploy`): no superuser or default-named account is
active in production (等保 访问控制 a–c; administrators use the three separated roles)."""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError

DEFAULT_NAMES = {"admin", "administrator", "root", "test", "guest", "demo", "user"}


@register(Tags.security, deploy=True)
def no_superuser_or_default_account(app_configs=None, **kwargs):
    from .models import User

    try:
        superusers = list(User.objects.filter(is_active=True, is_superuser=True).values_list("username", flat=True)[:5])
        defaults = list(User.objects.filter(is_active=True, username__in=DEFAULT_NAMES).values_list("username", flat=True)[:5])
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    errors = []
    if superusers:
        errors.append(Error(f"生产环境不得有启用的超级用户：{', '.join(superusers)}", hint="改用系统管理员/安全管理员/审计管理员角色。", id="accounts.E001"))
    if defaults:
        errors.append(Error(f"存在默认名称的启用账号：{', '.join(defaults)}", hint="停用或改名。", id="accounts.E002"))
    return errors
