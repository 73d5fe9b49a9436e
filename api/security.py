"""Authentication and the permission declaration of every API operation.

Each operation carries `@declare("perm", write=...)`: the same coarse check as the web
views' `@view_permission` (403 unless the user holds the permission somewhere), plus the
token's read-only scope for writes. Object checks happen inside the operation through the
same scoped querysets (`visible_to`, 404) and services (`require`, 403) as the web views.
`api/tests/test_api_matrix.py` fails on an operation without a declaration.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from ninja.security import HttpBearer

from accounts.permissions import PERMISSIONS, has_perm_anywhere

from . import tokens


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        user = tokens.authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


def declare(perm: str | None, *, write: bool = False):
    if perm is not None and perm not in PERMISSIONS:
        raise KeyError(f"unknown permission {perm}")

    def decorate(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            token = getattr(request.user, "api_token", None)
            if write and (token is None or token.read_only):
                raise PermissionDenied("该令牌为只读令牌，不能修改数据")
            if perm is not None and not has_perm_anywhere(request.user, perm):
                raise PermissionDenied("没有该接口的权限")
            return func(request, *args, **kwargs)

        wrapper.required_permission = perm
        wrapper.permission_declared = True
        wrapper.writes = write
        return wrapper

    return decorate
