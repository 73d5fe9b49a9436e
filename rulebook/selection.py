"""Which rulebook an organization uses: the nearest ancestor's choice, in one query."""

from __future__ import annotations


def ancestor_paths(organization) -> list[str]:
    """The materialized paths of the organization and all its ancestors (no query)."""
    step = type(organization).steplen
    path = organization.path
    return [path[:i] for i in range(step, len(path) + 1, step)]


def chosen_slug(organization) -> str | None:
    from .models import RulebookChoice

    return (
        RulebookChoice.objects.filter(organization__path__in=ancestor_paths(organization))
        .order_by("-organization__depth")
        .values_list("slug", flat=True)
        .first()
    )
