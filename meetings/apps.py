from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "会议"

    def ready(self):
        from . import permissions, wiring_core, wiring_dl, wiring_materials, wiring_prep  # noqa: F401
