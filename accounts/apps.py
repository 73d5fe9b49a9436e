from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from audit.registry import register as register_actions
        from core import navigation

        from . import checks, policy, signals  # noqa: F401  (login/logout/failure → audit; policy cache)

        register_actions(
            {
                "auth.otp_enrolled": "绑定动态口令",
                "auth.otp_verified": "动态口令验证通过",
                "auth.otp_reset": "清除动态口令",
                "account.activated": "启用账号",
                "account.deactivated": "停用账号",
                "account.password_change_forced": "要求修改密码",
                "security.policy_changed": "修改安全策略",
            }
        )
        navigation.register("账号管理", "accounts:admin_users", "account.manage", order=90)
        navigation.register("安全策略", "accounts:policy", "security.manage", order=91)
        navigation.register("审计日志", "accounts:audit_log", "audit.view", order=92)
