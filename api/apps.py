from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "接口"

    def ready(self):
        from audit.registry import register

        register({"api.token_created": "创建接口令牌", "api.token_revoked": "撤销接口令牌", "api.denied": "接口访问被拒绝"})
