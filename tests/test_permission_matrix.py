"""Every routed view × every persona × own / sibling / superior organization (issue 3, 10).

Fails when a view declares no permission, when a view has no matrix case, or when any
persona gets a different answer than `tests.matrix.EXPECTED` says.
"""

import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests import matrix

ROOT = Path(__file__).resolve().parent.parent
EXEMPT_NAMESPACES = {"admin"}  # Django admin: operators only, checked in accounts tests


def _load_cases():
    for app_dir in sorted(ROOT.iterdir()):
        if (app_dir / "tests" / "matrix_cases.py").exists():
            importlib.import_module(f"{app_dir.name}.tests.matrix_cases")


def _routes(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in EXEMPT_NAMESPACES:
                continue
            yield from _routes(entry, ns if entry.namespace is None else (f"{namespace}:{entry.namespace}" if namespace else entry.namespace))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, entry.callback


_load_cases()
ROUTES = sorted({name: cb for name, cb in _routes() if name}.items())
PUBLIC = {name for name, cb in ROUTES if getattr(cb, "is_public", False)}
API_ROUTES = {name for name, cb in ROUTES if name.startswith("api:")}


def test_every_view_declares_a_permission():
    undeclared = [name for name, cb in ROUTES if not getattr(cb, "permission_declared", False) and name not in API_ROUTES]
    assert undeclared == [], f"views without @view_permission/@public_view: {undeclared}"


def test_every_protected_view_has_a_matrix_case():
    missing = [name for name, cb in ROUTES if name not in PUBLIC and name not in API_ROUTES and name not in matrix.CASES]
    assert missing == [], f"add cases in <app>/tests/matrix_cases.py for: {missing}"


def test_every_permission_has_an_expectation():
    from accounts.permissions import PERMISSIONS

    used = {getattr(cb, "required_permission", None) for _, cb in ROUTES} | {c.perm for c in matrix.CASES.values() if c.perm}
    missing = sorted(p for p in used if p is not None and p not in matrix.EXPECTED and p in PERMISSIONS)
    assert missing == [], f"add rows to tests/matrix.py EXPECTED for: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", [n for n, _ in ROUTES if n in matrix.CASES])
def test_permission_matrix(url_name, world, client):
    from django.urls import reverse

    callback = dict(ROUTES)[url_name]
    case = matrix.CASES[url_name]
    perm = case.perm or getattr(callback, "required_permission", None)
    expected = case.expected if case.expected is not None else matrix.EXPECTED[perm]
    leaks, wrongly_denied = [], []
    for place in case.places:
        org = getattr(world, place)
        # A GET changes nothing, so one object per place serves every persona; a POST may change
        # its object (approve, close…), so each persona gets a fresh one.
        shared = case.make(world, org) if case.method != "POST" else None
        for persona in matrix.PERSONAS:
            kwargs = shared if shared is not None else case.make(world, org)
            url = reverse(url_name, kwargs=kwargs)
            client.force_login(getattr(world, persona))
            if case.method == "POST":
                response = client.post(url, case.data(world, kwargs) if case.data else {})
            else:
                response = client.get(url)
            allowed = response.status_code in (200, 201, 204, 301, 302)
            denied = response.status_code in (403, 404, 405)
            assert allowed or denied, f"{url_name} as {persona} on {place}: status {response.status_code}"
            should = (persona, place) in expected
            if allowed and not should:
                leaks.append((persona, place, response.status_code))
            if denied and should:
                wrongly_denied.append((persona, place, response.status_code))
            client.logout()
    assert leaks == [], f"{url_name} leaks to {leaks}"
    assert wrongly_denied == [], f"{url_name} wrongly denies {wrongly_denied}"
