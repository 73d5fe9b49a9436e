"""Demo data steps. `organizations` builds the district; other apps register steps that add
meetings, rectification items and so on to it. Every step must be idempotent."""

from collections.abc import Callable

STEPS: list[tuple[int, str, Callable[[dict], None]]] = []


def register(order: int, name: str):
    def decorate(func):
        if not any(n == name for _, n, _ in STEPS):
            STEPS.append((order, name, func))
            STEPS.sort(key=lambda s: s[0])
        return func

    return decorate
