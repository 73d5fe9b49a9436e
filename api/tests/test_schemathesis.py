"""Property-based run of schemathesis against `/api/openapi.json` (bounded): no generated
request may make the server fail (5xx), whoever calls and whatever the input."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings

from api.tokens import create_token
from rectification.tests.factories import make_item, make_meeting

MAX_EXAMPLES = 12


@pytest.mark.slow
@pytest.mark.django_db
def test_api_has_no_server_errors(world):
    meeting = make_meeting(world.b1)
    make_item(meeting)
    tokens = [create_token(getattr(world, p), name="schemathesis", read_only=False, days=None)[1] for p in ("secretary", "operator", "member")]
    failures = []
    # As Django's test client does: the in-process WSGI calls must not close the test's
    # database connection (and its transaction) at the start or end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 15
        for operation in operations:
            for raw in tokens:
                _run(operation, raw, failures)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert failures == []


def _run(operation, raw, failures):
    @given(case=operation.as_strategy())
    @hyp_settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def run(case):
        response = case.call(headers={"Authorization": f"Bearer {raw}"})
        if response.status_code >= 500:
            failures.append((case.method, case.formatted_path, case.query, case.body, response.status_code))
        assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body)

    run()
