"""The page where a user manages their own API tokens (created once, shown once, revocable)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.grants import roles_of
from core.errors import DomainError
from core.views import view_permission

from . import tokens
from .forms import TokenCreateForm
from .models import ApiToken

SHOWN_KEY = "api_token_shown_once"


@view_permission(None)
@never_cache
def token_list(request):
    raw = request.session.pop(SHOWN_KEY, None)
    form = TokenCreateForm(held_roles=roles_of(request.user))
    return render(
        request,
        "api/tokens.html",
        {"tokens": ApiToken.objects.filter(user=request.user), "form": form, "raw": raw},
    )


@view_permission(None)
@require_POST
def token_create(request):
    form = TokenCreateForm(request.POST, held_roles=roles_of(request.user))
    if form.is_valid():
        try:
            _, raw = tokens.create_token(
                request.user,
                name=form.cleaned_data["name"],
                roles=form.cleaned_data["roles"],
                read_only=form.cleaned_data["read_only"],
                days=form.cleaned_data["days"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            request.session[SHOWN_KEY] = raw  # shown on the next page view only, then forgotten
            return redirect("api:tokens")
    return render(request, "api/tokens.html", {"tokens": ApiToken.objects.filter(user=request.user), "form": form, "raw": None}, status=200)


@view_permission(None)
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke_token(token, actor=request.user)
    messages.success(request, f"令牌“{token.name}”已撤销，立即失效。")
    return redirect("api:tokens")
