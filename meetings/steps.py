"""The steps of a meeting, listed on its page in order. Each part of the app registers its own
(from its `wiring_*` module), so the meeting page never names views it does not own."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import get_script_prefix, reverse


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


_PK = 987654321  # stands for the meeting's pk in the reversed URL


@functools.lru_cache(maxsize=256)
def _around_pk(url_name: str, script_prefix: str) -> tuple[str, str]:
    """A step's URL before and after the pk, reversed once per process (and prefix): the meeting
    page lists every step, on every view."""
    before, _pk, after = reverse(url_name, args=[_PK]).partition(str(_PK))
    return before, after


def url_of(step: Step, pk: int) -> str:
    """`reverse(step.url_name, args=[pk])`."""
    before, after = _around_pk(step.url_name, get_script_prefix())
    return f"{before}{int(pk)}{after}"


def for_meeting(meeting) -> list[tuple[Step, str]]:
    """The steps that apply to this meeting with their URLs, in order."""
    steps = sorted(STEPS.values(), key=lambda s: s.order)
    return [(s, url_of(s, meeting.pk)) for s in steps if meeting.kind in s.kinds and (s.applies is None or s.applies(meeting))]
