"""The permission matrix: how to reach every routed view with an object in a given organization.

Each app registers its cases in `<app>/tests/matrix_cases.py` with `@case("app:url_name")`.
The function receives the test `world` and the organization the object should belong to and
returns the URL kwargs (creating whatever objects it needs). `tests/test_permission_matrix.py`
then requests the URL as every persona and compares the outcome with `EXPECTED` below, which is
written by hand from the regulations' roles — not computed from the permission map under test.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = ("secretary", "committee_member", "member", "reviewer", "inspector", "operator", "outsider")
# Where the object lives, relative to the personas of `world` (see conftest.py).
PLACES = ("b1", "b2", "p1", "b3")
ALL = {(p, place) for p in PERSONAS for place in PLACES}


def _allow(**by_persona: set[str]) -> set[tuple[str, str]]:
    return {(persona, place) for persona, places in by_persona.items() for place in places}


BRANCH_READERS_AND_SUPERIORS = _allow(
    secretary={"b1"},
    committee_member={"b1"},
    member={"b1"},
    outsider={"b2"},
    reviewer={"b1", "b2", "p1"},
    inspector=set(PLACES),
    operator=set(PLACES),
)
# Expected allow-set per permission code. A new permission without a row fails the test.
EXPECTED: dict[str | None, set[tuple[str, str]]] = {
    None: ALL,  # login only, no organization object
    "organization.view": BRANCH_READERS_AND_SUPERIORS,
    "member.view": BRANCH_READERS_AND_SUPERIORS,
    "member.edit": _allow(secretary={"b1"}, outsider={"b2"}, operator=set(PLACES)),
    "member.reveal": _allow(secretary={"b1"}, outsider={"b2"}, operator=set(PLACES)),
    "member.import": _allow(secretary={"b1"}, outsider={"b2"}, operator=set(PLACES)),
}


def expect(perm: str, allowed: set[tuple[str, str]]) -> None:
    """Apps add the expected allow-set of their own permission codes from their matrix_cases.py."""
    if perm in EXPECTED and EXPECTED[perm] != allowed:
        raise ValueError(f"conflicting expectation for {perm}")
    EXPECTED[perm] = allowed


allow = _allow


@dataclass
class Case:
    url_name: str
    make: Callable
    method: str = "GET"
    data: Callable | None = None  # (world, kwargs) -> POST data
    # Override the permission used for the expectation (e.g. a view that checks a stricter
    # permission on the object than the one it declares).
    perm: str | None = field(default=None)
    expected: set | None = None  # explicit allow-set when no permission row fits
    places: tuple[str, ...] = PLACES


CASES: dict[str, Case] = {}


def case(url_name: str, *, method: str = "GET", data=None, perm=None, expected=None, places=PLACES):
    def register(make):
        CASES[url_name] = Case(url_name, make, method, data, perm, expected, places)
        return make

    return register


def no_object(world, org):
    return {}
