from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts.permissions import PERMISSIONS, has_perm_anywhere


def view_permission(perm: str | None, *, login: bool = True):
    """Declare (and coarsely check) the permission a view needs.

    Every routed view must carry this or `public_view`; the permission-matrix test fails
    on any view that declares neither. The object-level check happens inside the view,
    through a scoped fetch (404) and `accounts.permissions.require` (403).
    """
    if perm is not None and perm not in PERMISSIONS:
        raise KeyError(f"unknown permission {perm}")

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if perm is not None and not has_perm_anywhere(request.user, perm):
                raise PermissionDenied("没有访问该页面的权限")
            return view(request, *args, **kwargs)

        wrapped = login_required(wrapper) if login else wrapper
        wrapped.required_permission = perm
        wrapped.permission_declared = True
        return wrapped

    return decorate


def show_domain_error(request, exc: Exception) -> None:
    """A refused action as messages: the reason, then every blocker with what to do and its
    clauses. The one way every view reports a `DomainError` (never a 500, never a trace)."""
    message = getattr(exc, "message", None)
    if message is None:
        messages.error(request, str(exc) or "没有该操作的权限。")
        return
    messages.error(request, message)
    for finding in getattr(exc, "findings", None) or ():
        hint = f" 怎么办：{finding.hint}" if getattr(finding, "hint", "") else ""
        messages.error(request, f"{finding.message}{hint}［{'、'.join(finding.clause_ids)}］")


def public_view(view):
    """Mark a view as reachable without login (public notices, public opinion forms, login)."""
    view.required_permission = None
    view.permission_declared = True
    view.is_public = True
    return view


@view_permission(None)
def home(request):
    from .home import home_context

    return render(request, "core/home.html", home_context(request))


def error_400(request, exception=None):
    return render(request, "errors/400.html", status=400)


def error_403(request, exception=None):
    return render(request, "errors/403.html", {"reason": str(exception) if exception else ""}, status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_500(request):
    return render(request, "errors/500.html", status=500)


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)
