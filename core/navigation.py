"""Navigation by role: apps register entries; the context processor shows those the user may use."""

import functools
from dataclasses import dataclass

from django.urls import get_script_prefix, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None  # shown when the user holds this permission anywhere; None = every user
    order: int = 50


NAV: list[NavItem] = []


def register(label: str, url_name: str, perm: str | None = None, order: int = 50) -> None:
    if any(item.url_name == url_name for item in NAV):
        return
    NAV.append(NavItem(label, url_name, perm, order))
    NAV.sort(key=lambda item: item.order)


def items_for(user):
    from accounts.permissions import has_perm_anywhere

    return [
        {"label": item.label, "url": _url(item.url_name, get_script_prefix()), "url_name": item.url_name}
        for item in NAV
        if item.perm is None or has_perm_anywhere(user, item.perm)
    ]


@functools.lru_cache(maxsize=256)
def _url(url_name: str, script_prefix: str) -> str:
    """The entries take no arguments: reversed once per process (and prefix), not on every page."""
    return reverse(url_name)
