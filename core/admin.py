"""Django admin for operators only, scoped and audited like every other write."""

from django.contrib import admin
from django.db import transaction

from accounts.permissions import has_perm_anywhere, scope_q


def _admin_allowed(request) -> bool:
    user = request.user
    return user.is_active and user.is_authenticated and (has_perm_anywhere(user, "admin.access"))


admin.site.has_permission = _admin_allowed


class ScopedAdmin(admin.ModelAdmin):
    """Rows limited to the operator's subtree; every save and delete goes to the audit trail."""

    #: path from the model to its Organization ("" for Organization itself)
    org_field = "organization"
    perm = "admin.access"

    def _allowed(self, request):
        return has_perm_anywhere(request.user, self.perm)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scope_q(request.user, self.perm, self.org_field))

    def _organization_of(self, obj):
        if not self.org_field:
            return obj
        target = obj
        for part in self.org_field.split("__"):
            target = getattr(target, part, None)
        return target

    def save_model(self, request, obj, form, change):
        from audit.services import record, snapshot

        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record(
                request.user,
                self._organization_of(obj),
                obj,
                "admin.change",
                {"created": not change, "fields": sorted(form.changed_data), "after": snapshot(obj)},
            )

    def delete_model(self, request, obj):
        from audit.services import record, snapshot

        with transaction.atomic():
            record(request.user, self._organization_of(obj), obj, "admin.delete", {"before": snapshot(obj)})
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
