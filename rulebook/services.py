"""State changes of the rulebook app (one function per change)."""

from __future__ import annotations

from django.db import transaction

from accounts.permissions import require
from audit.services import record
from core.errors import DomainError

from .engine import available
from .models import RulebookChoice


def choose_rulebook(organization, slug: str, *, actor, note: str = "") -> RulebookChoice:
    """Make `slug` the rulebook of `organization`'s subtree (new meetings pin its latest version)."""
    with transaction.atomic():
        acting = require(actor, "rulebook.choose", organization)
        if slug not in {s for s, _ in available()}:
            raise DomainError(f"没有名为“{slug}”的规则库。")
        choice = RulebookChoice.objects.select_for_update().filter(organization=organization).first()
        before = choice.slug if choice else ""
        if choice is None:
            choice = RulebookChoice.objects.create(organization=organization, slug=slug, note=note, chosen_by=actor)
        else:
            choice.slug, choice.note, choice.chosen_by = slug, note, actor
            choice.save(update_fields=["slug", "note", "chosen_by", "chosen_at"])
        record(acting, organization, choice, "rulebook.chosen", {"slug": [before, slug], "note": note})
    return choice
