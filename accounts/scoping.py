"""Managers for organization-owned rows: `.visible_to(user)` is the only way views read them."""

from django.db import models
from django.http import Http404

from .permissions import scope_q

# One answer for "does not exist" and "not yours to see": the 404 tells an outsider nothing.
NOT_VISIBLE = "未找到或无权查看"


def not_visible() -> Http404:
    return Http404(NOT_VISIBLE)


def visible_or_404(obj):
    """`obj`, or the 404 of a row the user may not see when it is None."""
    if obj is None:
        raise not_visible()
    return obj


def row_or_404(queryset, user, perm: str, org_field: str = "meeting__organization", **lookup):
    """A row owned through `org_field` (a meeting's opinion, talk, sitting …) the user may `perm`
    on its organization."""
    return visible_or_404(queryset.filter(scope_q(user, perm, org_field), **lookup).first())


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
        raise not_visible() from None
