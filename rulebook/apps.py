from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "rulebook"
    verbose_name = "规则库"

    def ready(self):
        from audit import registry
        from core import navigation

        from . import permissions  # noqa: F401

        registry.register({"rulebook.chosen": "选用规则库"})
        navigation.register("制度规则", "rulebook:index", None, order=90)
