"""Pure check functions, looked up by name from the rulebook files.

A check takes the `Context` (and the rule's `options` as keyword arguments) and returns the
objects it concerns — an empty result means the rule is satisfied — or a `Hit` when the
message needs values (e.g. the latest filing date). Checks never touch the ORM.
"""

from collections.abc import Callable

REGISTRY: dict[str, Callable] = {}


def check(fn: Callable) -> Callable:
    if fn.__name__ in REGISTRY:
        raise ValueError(f"check {fn.__name__} defined twice")
    REGISTRY[fn.__name__] = fn
    return fn


def load_all() -> dict[str, Callable]:
    from . import common, democratic_life, org_life, proposals  # noqa: F401

    return REGISTRY
