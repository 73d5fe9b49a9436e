"""Every API operation × every persona (with a personal token) × own / sibling / superior
organization, compared with `tests.matrix.EXPECTED`; plus the meta-tests showing that the
matrix catches a permission removed from one web view and from one API operation."""

import inspect

import pytest
from django.urls import get_resolver

from api.main import api
from api.tokens import create_token
from tests import matrix
from tests.test_permission_matrix import _load_cases

from .matrix_api import API_CASES

_load_cases()


def api_operations():
    """(method, path, Operation) of every operation the API serves."""
    for router in api._get_bound_routers():
        prefix = router.prefix
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    full = (prefix.rstrip("/") + "/" + path.lstrip("/")).rstrip("/") or "/"
                    yield method, "/" + full.lstrip("/"), operation


OPERATIONS = sorted(((m, p), op) for m, p, op in api_operations())
OPERATION_IDS = [f"{m} {p}" for (m, p), _ in OPERATIONS]


def test_every_api_operation_declares_a_permission():
    undeclared = [f"{m} {p}" for (m, p), op in OPERATIONS if not getattr(op.view_func, "permission_declared", False)]
    assert undeclared == [], f"API operations without @declare: {undeclared}"


def test_every_api_operation_has_a_matrix_case():
    missing = [f"{m} {p}" for (m, p), _ in OPERATIONS if (m, p) not in API_CASES]
    assert missing == [], f"add cases in api/tests/matrix_api.py for: {missing}"


def test_every_write_operation_is_declared_as_write():
    writes = [f"{m} {p}" for (m, p), op in OPERATIONS if m != "GET" and not getattr(op.view_func, "writes", False)]
    assert writes == []


def _tokens(world):
    return {persona: create_token(getattr(world, persona), name="matrix", read_only=False, days=None)[1] for persona in matrix.PERSONAS}


def run_api_case(method, path, operation, world, client):
    """Return (leaks, wrongly_denied) for one operation."""
    case = API_CASES[(method, path)]
    perm = case.perm or getattr(operation.view_func, "required_permission", None)
    expected = case.expected if case.expected is not None else matrix.EXPECTED[perm]
    tokens = _tokens(world)
    leaks, wrongly_denied = [], []
    for place in matrix.PLACES:
        org = getattr(world, place)
        made = None if case.fresh else case.make(world, org)
        for persona in matrix.PERSONAS:
            if case.fresh:
                made = case.make(world, org)
            url = "/api" + path.format(**{k: v for k, v in made.items() if not k.startswith("_")})
            headers = {"Authorization": f"Bearer {tokens[persona]}"}
            if method == "GET":
                response = client.get(url, headers=headers)
            else:
                response = client.generic(method, url, data=__import__("json").dumps(case.body or {}), content_type="application/json", headers=headers)
            status = response.status_code
            assert status in (200, 201, 403, 404, 422), f"{method} {path} as {persona} on {place}: status {status} {response.content[:300]}"
            if case.kind == "list":
                allowed = status == 200 and case.find(response.json(), made)
            else:
                allowed = status in (200, 201, 422)
            should = (persona, place) in expected
            if allowed and not should:
                leaks.append((persona, place, status))
            if not allowed and should:
                wrongly_denied.append((persona, place, status))
    return leaks, wrongly_denied


@pytest.mark.django_db
@pytest.mark.parametrize("key", [k for k, _ in OPERATIONS], ids=OPERATION_IDS)
def test_api_permission_matrix(key, world, client):
    operation = dict(OPERATIONS)[key]
    leaks, wrongly_denied = run_api_case(*key, operation, world, client)
    assert leaks == [], f"{key} leaks to {leaks}"
    assert wrongly_denied == [], f"{key} wrongly denies {wrongly_denied}"


# -- the matrix catches a removed permission ----------------------------------------------
@pytest.mark.django_db
def test_matrix_catches_a_permission_removed_from_one_api_operation(world, client, monkeypatch):
    """Replace GET /reports/{id} by a version whose permission check and scoped fetch were
    removed: the matrix must report the leak."""
    from api import schemas
    from api.endpoints import _report
    from rectification.models import Report

    key = ("GET", "/reports/{report_id}")
    operation = dict(OPERATIONS)[key]

    def leaky(request, report_id: schemas.Id):
        return _report(Report.objects.get(pk=report_id))

    # Still declared (an operation without a declaration fails the test above); the check is gone.
    leaky.permission_declared = True
    leaky.required_permission = "report.view"
    monkeypatch.setattr(operation, "view_func", leaky)
    leaks, _ = run_api_case(*key, operation, world, client)
    leaked = {(persona, place) for persona, place, _ in leaks}
    assert {("member", "b1"), ("outsider", "b1"), ("secretary", "b2")} <= leaked


@pytest.mark.django_db
def test_matrix_catches_a_permission_removed_from_one_web_view(world, client, monkeypatch):
    """Strip `@view_permission("security.manage")` from the 安全管理员's policy page (login
    only): the web matrix test must fail with the leak."""
    from core.views import view_permission
    from tests.test_permission_matrix import test_permission_matrix

    pattern = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "accounts")
    policy_pattern = next(p for p in pattern.url_patterns if getattr(p, "name", None) == "policy")
    monkeypatch.setattr(policy_pattern, "callback", view_permission(None)(inspect.unwrap(policy_pattern.callback)))
    with pytest.raises(AssertionError, match="leaks to"):
        test_permission_matrix("accounts:policy", world, client)
