from django.contrib import admin

from core.admin import ScopedAdmin

from .models import RoleAssignment, User


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    perm = "account.manage"
    list_display = ("user", "role", "organization", "office", "started_on", "ended_on")
    list_filter = ("role",)
    raw_id_fields = ("user", "organization")


@admin.register(User)
class UserAdmin(ScopedAdmin):
    """Accounts are managed by the 系统管理员 only; they see users holding roles in their subtree."""

    perm = "account.manage"
    org_field = "role_assignments__organization"
    list_display = ("username", "display_name", "is_active", "last_login")
    search_fields = ("username", "display_name")
    fields = ("username", "display_name", "is_active", "must_change_password")

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def _organization_of(self, obj):
        return None
