from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = "民主评议"

    def ready(self):
        from audit import registry
        from core import home

        from . import demo, permissions, tasks  # noqa: F401
        from .services import AUDIT_ACTIONS

        registry.register(AUDIT_ACTIONS)
        home.register(tasks.home_tasks)
        _register_step()
        try:
            from meetings import snapshot
        except ImportError:
            snapshot = None
        register = getattr(snapshot, "register_contributor", None)
        if register is not None:
            from .snapshot import contribute

            register("appraisal", contribute, with_meeting=("appraisal",))


def _is_year_end(meeting) -> bool:
    return meeting.half == "year_end"


def _register_step():
    try:
        from meetings import steps
    except ImportError:
        return
    steps.register(steps.Step("appraisal", "民主评议", "appraisal:meeting", 55, kinds=frozenset({"org_life"}), applies=_is_year_end))
