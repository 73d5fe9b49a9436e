from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "督导"

    def ready(self):
        from audit import registry
        from core import hooks, navigation

        from . import permissions, rollups  # noqa: F401

        hooks.on_meeting_changed(rollups.on_meeting_changed)
        registry.register({"oversight.exported": "导出督导看板", "calendar.token_reset": "重置日历订阅链接"})
        navigation.register("督导看板", "oversight:dashboard", "oversight.view", order=50)
        navigation.register("提醒", "oversight:notifications", None, order=90)
