"""The steps of a meeting, listed on its page in order. Each part of the app registers its own
(from its `wiring_*` module), so the meeting page never names views it does not own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    url_name: str  # reversed with the meeting's pk as the only positional argument
    order: int
    kinds: frozenset[str] = field(default_factory=lambda: frozenset({"org_life", "democratic_life"}))
    applies: Callable[[object], bool] | None = None  # e.g. only year-end meetings


STEPS: dict[str, Step] = {}


def register(step: Step) -> Step:
    STEPS[step.key] = step
    return step


def for_meeting(meeting) -> list[tuple[Step, str]]:
    """The steps that apply to this meeting with their URLs, in order."""
    steps = sorted(STEPS.values(), key=lambda s: s.order)
    return [(s, reverse(s.url_name, args=[meeting.pk])) for s in steps if meeting.kind in s.kinds and (s.applies is None or s.applies(meeting))]
