from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "会议"

    def ready(self):
        from . import permissions  # noqa: F401
