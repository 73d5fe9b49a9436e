"""The django-ninja API: `/api/openapi.json`, `/api/docs` (served from local static files,
so the strict CSP holds), bearer-token authentication on every operation."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, ValidationError

from accounts.scoping import NOT_VISIBLE
from audit.services import record
from core.errors import ConcurrentEditError, DomainError
from core.views import public_view

from .endpoints import router
from .security import TokenAuth

api = NinjaAPI(
    title="生活会 接口",
    version="1",
    description="组织生活会与民主生活会全过程管理的数据接口。每个请求携带个人接口令牌（Authorization: Bearer shh_…）；"
    "令牌代表其本人，权限和数据范围与网页相同，可限定角色和只读。个人信息一律脱敏。",
    auth=TokenAuth(),
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=public_view,
)
api.add_router("/", router)


def _error(request, message, status, findings=()):
    return api.create_response(
        request,
        {"detail": message, "findings": [{"rule_id": f.rule_id, "message": f.message, "clause_ids": list(f.clause_ids)} for f in findings]},
        status=status,
    )


@api.exception_handler(ConcurrentEditError)
def _concurrent(request, exc):
    return _error(request, exc.message, 409)


@api.exception_handler(DomainError)
def _domain(request, exc):
    return _error(request, exc.message, 422, exc.findings)


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    user = getattr(request, "user", None)
    if getattr(user, "is_authenticated", False):
        record(user, None, "api", "api.denied", {"method": request.method, "path": request.path[:200]}, outcome="denied")
    return _error(request, str(exc) or "没有权限", 403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, NOT_VISIBLE, 404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, "缺少或无效的接口令牌（可能已撤销或过期）", 401)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = [{"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))} for e in exc.errors]
    return api.create_response(request, {"detail": "请求参数不符合要求", "errors": errors}, status=422)
