"""Explicit after-commit hooks between apps.

Services that change anything a superior's dashboard, the reminders or the timeline depend
on call `meeting_changed(meeting_id)`; `oversight` registers the refresher. This is a plain
function call made by the service (visible at the call site), not a Django signal.
"""

from collections.abc import Callable

from django.db import transaction

_MEETING_LISTENERS: list[Callable[[int], None]] = []
_SUBTREE_LISTENERS: list[Callable[[int], None]] = []


def on_meeting_changed(listener: Callable[[int], None]) -> Callable[[int], None]:
    if listener not in _MEETING_LISTENERS:
        _MEETING_LISTENERS.append(listener)
    return listener


def meeting_changed(meeting_id: int) -> None:
    """Call inside the service's transaction; listeners run once it commits."""

    def run():
        for listener in _MEETING_LISTENERS:
            listener(meeting_id)

    transaction.on_commit(run)


def on_subtree_changed(listener: Callable[[int], None]) -> Callable[[int], None]:
    if listener not in _SUBTREE_LISTENERS:
        _SUBTREE_LISTENERS.append(listener)
    return listener


def subtree_changed(organization_id: int) -> None:
    """The bulk variant of `meeting_changed`: many meetings of an organization's subtree changed
    at once (a campaign launch). Listeners refresh the whole subtree in one go, once it commits,
    instead of one call per meeting."""

    def run():
        for listener in _SUBTREE_LISTENERS:
            listener(organization_id)

    transaction.on_commit(run)
