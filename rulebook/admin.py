from django.contrib import admin

from core.admin import ScopedAdmin

from .models import RulebookChoice


@admin.register(RulebookChoice)
class RulebookChoiceAdmin(ScopedAdmin):
    """Read-only here: a choice is made on the rules page through `services.choose_rulebook`
    (permission rulebook.choose, audited)."""

    list_display = ("organization", "slug", "note", "chosen_by", "chosen_at")
    readonly_fields = ("organization", "slug", "note", "chosen_by", "chosen_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
