from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.services import record
from core.views import public_view, view_permission

from .forms import LoginForm


@public_view
def login_view(request):
    return auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True)(request)


@public_view
@require_POST
def logout_view(request):
    return auth_views.LogoutView.as_view()(request)


@view_permission(None)
@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            user.must_change_password = False
            user.save(update_fields=["must_change_password", "password_changed_at"])
            record(user, None, user, "auth.password_changed")
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改。")
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form, "expired": request.GET.get("expired")})
