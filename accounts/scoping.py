"""Managers for organization-owned rows: `.visible_to(user)` is the only way views read them."""

from django.db import models
from django.http import Http404

from .permissions import scope_q


class ScopedQuerySet(models.QuerySet):
    #: path from this model to its Organization; "" when the model *is* Organization
    org_field = "organization"
    #: permission that lets a user see a row
    view_permission = ""

    def visible_to(self, user, perm: str | None = None):
        return self.filter(scope_q(user, perm or self.view_permission, self.org_field))


def scoped_queryset(org_field: str, view_permission: str, base=ScopedQuerySet):
    """A QuerySet class bound to one model's organization path and view permission."""
    return type("ScopedQuerySet", (base,), {"org_field": org_field, "view_permission": view_permission})


def get_visible_or_404(queryset, user, perm: str | None = None, **lookup):
    """Fetch one row the user may see; rows outside their organizations are a 404, not a 403."""
    try:
        return queryset.visible_to(user, perm).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404("未找到或无权查看") from None
