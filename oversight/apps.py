from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "督导"

    def ready(self):
        from audit import registry
        from core import home, hooks, navigation

        from . import permissions, rollups  # noqa: F401

        hooks.on_meeting_changed(rollups.on_meeting_changed)
        hooks.on_subtree_changed(rollups.on_subtree_changed)
        registry.register({"oversight.exported": "导出督导看板", "calendar.token_reset": "重置日历订阅链接"})
        navigation.register("督导看板", "oversight:dashboard", "oversight.view", order=50)
        navigation.register("提醒", "oversight:notifications", None, order=90)
        home.register(unread_reminders)


def unread_reminders(user):
    """Home to-do: the bell's unread reminders (one query)."""
    from django.urls import reverse

    from core.home import Task

    from .models import Notification

    if not getattr(user, "is_authenticated", False):
        return []
    count = Notification.objects.filter(user=user, read_at__isnull=True).count()
    if not count:
        return []
    return [Task(title=f"未读提醒 {count} 条", url=reverse("oversight:notifications"), kind="todo", detail="即将到期和已逾期的事项，以及每日督导摘要。")]
