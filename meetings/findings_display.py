"""The rule findings as the meeting page shows them: each with the names of the people it
concerns (who still lacks which talk, whose material is incomplete), so the secretary knows whom
to go to — except where the names are confidential.

OL-2.4.f: who needs an arranged talk or a mediation, and which two members were in conflict, is
confidential (the flags are the secretary's, shown to the superior). Its finding is shown to every
overseer of the meeting, but the names only to those who may see the flags
(`prep_common.can_see_confidential`: the secretary / the meeting's managers and the superior
reviewer or inspector); the others see the finding without names.
"""

from __future__ import annotations

from rulebook.engine import Finding
from rulebook.snapshot import TEAM

CONFIDENTIAL_CLAUSES = frozenset({"OL-2.4.f"})
MAX_NAMES = 12


class Shown(dict):
    """A finding plus what the viewer may see of whom it concerns. A dict of the finding's fields
    (readable as attributes too) because the template engine tries `obj[key]` before `getattr`:
    on an object that first try raises, for each of a dozen fields of dozens of findings a page."""

    def __init__(self, finding: Finding, names: tuple[str, ...] = (), withheld: bool = False):
        super().__init__(vars(finding), finding=finding, names=names, withheld=withheld)

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def is_confidential(finding: Finding) -> bool:
    return bool(CONFIDENTIAL_CLAUSES.intersection(finding.clause_ids))


def _label(obj, names: dict[str, str]) -> str | None:
    if isinstance(obj, str):
        return names.get(obj)
    if not isinstance(obj, tuple):
        return None
    people = [names[x] for x in obj if isinstance(x, str) and x in names]
    if not people:
        return None
    short = next((x for x in obj if isinstance(x, int) and not isinstance(x, bool)), None)
    text = "—".join(people)
    return f"{text}（还差{short}次）" if short and len(people) == 1 else text


def names_of(finding: Finding, names: dict[str, str]) -> tuple[str, ...]:
    labels = [x for x in (_label(o, names) for o in finding.objects) if x]
    labels = list(dict.fromkeys(labels))
    if len(labels) > MAX_NAMES:
        labels = [*labels[:MAX_NAMES], f"等{len(labels)}项"]
    return tuple(labels)


def for_viewer(findings, snapshot, *, confidential: bool) -> list[Shown]:
    """The findings with names for this viewer; confidential ones without names unless allowed."""
    names = {p.key: p.name for p in snapshot.roster if p.name}
    names[TEAM] = "支部班子"
    out = []
    for f in findings:
        if is_confidential(f) and not confidential:
            out.append(Shown(f, (), withheld=bool(f.objects)))
        else:
            out.append(Shown(f, names_of(f, names)))
    return out
