"""Per-request context the audit trail needs (address, request id)."""

import uuid
from contextvars import ContextVar

_request_context: ContextVar[dict | None] = ContextVar("request_context", default=None)


def current_request_context() -> dict:
    return _request_context.get() or {}


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_context.set({"ip": request.META.get("REMOTE_ADDR", ""), "request_id": uuid.uuid4().hex[:16]})
        try:
            return self.get_response(request)
        finally:
            _request_context.reset(token)
