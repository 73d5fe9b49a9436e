"""Two-factor pages and the three administrators' pages (三员分立, 等保 8.1.5.1–3).

- 系统管理员 (`account.manage`): accounts — list, activate/deactivate, force a password change,
  reset a lost second factor. No audit trail, no ballots.
- 安全管理员 (`security.manage`): the security policy.
- 审计管理员 (`audit.view`): reads the audit trail and verifies the chain; changes nothing.
"""

import base64
import io
from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from audit.registry import label as action_label
from audit.services import record, verify_chain
from core.errors import ConcurrentEditError, DomainError
from core.views import view_permission

from . import policy, security_services
from .forms import AuditFilterForm, PolicyForm, TokenForm
from .grants import load_grants
from .permissions import PERMISSIONS
from .scoping_users import users_visible_to


def _next(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _qr_data_uri(text: str) -> str:
    import qrcode
    from qrcode.image.svg import SvgPathImage

    buffer = io.BytesIO()
    qrcode.make(text, image_factory=SvgPathImage, box_size=10, border=2).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@view_permission(None)
@login_required
@never_cache
def otp_setup(request):
    """Enrol a TOTP authenticator: scan the QR code, type the first code to confirm."""
    device_id = request.session.get("otp_enrol_device")
    device = TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first() if device_id else None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        if security_services.confirm_enrolment(device, form.cleaned_data["token"]):
            request.session.pop("otp_enrol_device", None)
            otp_login(request, device)
            messages.success(request, "动态口令已启用。以后登录时须输入手机上的6位动态口令。")
            return redirect(_next(request))
        form.add_error("token", "动态口令不正确，请核对手机时间后重试。")
    if device is None:
        device = security_services.start_enrolment(request.user)
        request.session["otp_enrol_device"] = device.pk
    uri = device.config_url
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr": _qr_data_uri(uri), "secret": secret, "next": _next(request, "")},
    )


@view_permission(None)
@login_required
@never_cache
def otp_verify(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = device.verify_token(form.cleaned_data["token"])
        if verified:
            otp_login(request, device)
            record(request.user, None, request.user, "auth.otp_verified")
            return redirect(_next(request))
        record(request.user, None, request.user, "auth.otp_failed", outcome="denied")
        allowed, _ = device.verify_is_allowed()
        form.add_error("token", "动态口令不正确。" if allowed else "错误次数过多，请稍候再试。")
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next(request, "")})


# -- 系统管理员 ------------------------------------------------------------------------------
@view_permission("account.manage")
@never_cache
def user_list(request):
    q = request.GET.get("q", "").strip()[:50]
    users = users_visible_to(request.user).order_by("username").prefetch_related("role_assignments__organization")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    otp_users = set(TOTPDevice.objects.filter(user__in=[u.pk for u in page], confirmed=True).values_list("user_id", flat=True))
    return render(request, "accounts/admin_users.html", {"page": page, "q": q, "otp_users": otp_users})


def _user_action(request, pk, action, success):
    user = get_object_or_404(users_visible_to(request.user), pk=pk)
    try:
        action(user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("accounts:admin_users")


@view_permission("account.manage")
@require_POST
def user_deactivate(request, pk):
    return _user_action(request, pk, lambda u: security_services.set_active(u, actor=request.user, active=False), "账号已停用，其会话已结束。")


@view_permission("account.manage")
@require_POST
def user_activate(request, pk):
    return _user_action(request, pk, lambda u: security_services.set_active(u, actor=request.user, active=True), "账号已启用。")


@view_permission("account.manage")
@require_POST
def user_force_password(request, pk):
    return _user_action(request, pk, lambda u: security_services.force_password_change(u, actor=request.user), "该用户下次登录须修改密码。")


@view_permission("account.manage")
@require_POST
def user_reset_otp(request, pk):
    return _user_action(request, pk, lambda u: security_services.reset_second_factor(u, actor=request.user), "已清除动态口令，该用户下次登录须重新绑定。")


# -- 安全管理员 ------------------------------------------------------------------------------
@view_permission("security.manage")
@never_cache
def policy_edit(request):
    current = policy.current()
    from .models import SecurityPolicy

    instance = SecurityPolicy.objects.filter(pk=1).first() or current
    form = PolicyForm(request.POST or None, instance=instance, initial={"version": instance.version})
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in security_services.POLICY_FIELDS}
        try:
            security_services.update_policy(actor=request.user, version=form.cleaned_data["version"], **values)
        except ConcurrentEditError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "安全策略已保存。")
            return redirect("accounts:policy")
    return render(request, "accounts/policy.html", {"form": form, "policy": instance})


# -- 审计管理员 ------------------------------------------------------------------------------
def audit_entries_visible_to(user):
    """Entries about organizations in the auditor's subtree; an auditor at a root also sees the
    entries without an organization (logins, failures, lockouts, policy)."""
    roles = PERMISSIONS["audit.view"]
    q = Q(pk__in=[])
    for grant in load_grants(user):
        if grant.role in roles:
            q |= Q(organization__path__startswith=grant.path)
            if len(grant.path) <= 4:
                q |= Q(organization__isnull=True)
    return AuditEntry.objects.filter(q)


@view_permission("audit.view")
@never_cache
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    entries = audit_entries_visible_to(request.user).order_by("-seq")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action__startswith=data["action"])
        if data["actor"]:
            entries = entries.filter(actor_label__icontains=data["actor"])
        tz = timezone.get_current_timezone()
        if data["since"]:
            entries = entries.filter(ts__gte=datetime.combine(data["since"], time.min, tz))
        if data["until"]:
            entries = entries.filter(ts__lte=datetime.combine(data["until"], time.max, tz))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    chain = None
    if request.GET.get("verify") == "1":
        ok, bad_seq, checked = verify_chain()
        chain = {"ok": ok, "bad_seq": bad_seq, "checked": checked}
    record(request.user, None, "audit.auditentry", "audit.viewed", {"page": page.number, "verify": bool(chain)})
    rows = [(e, action_label(e.action)) for e in page]
    return render(request, "accounts/audit_log.html", {"form": form, "page": page, "rows": rows, "chain": chain})
