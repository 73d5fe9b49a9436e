"""The home page is the user's to-do list: each app contributes the tasks it knows about."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone


@dataclass
class Task:
    title: str
    url: str
    due: date | None = None
    detail: str = ""
    kind: str = "todo"  # todo | review | overdue | info
    tags: list[str] = field(default_factory=list)

    @property
    def is_overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


TaskProvider = Callable[[object], list[Task]]
PROVIDERS: list[TaskProvider] = []


def register(provider: TaskProvider) -> TaskProvider:
    PROVIDERS.append(provider)
    return provider


def home_context(request) -> dict:
    from accounts.grants import load_grants

    tasks: list[Task] = []
    for provider in PROVIDERS:
        tasks.extend(provider(request.user))
    tasks.sort(key=lambda t: (t.due is None, t.due or date.max, t.title))
    grants = load_grants(request.user)
    return {"tasks": tasks, "grants": grants}
