"""Creating, revoking and checking personal API tokens."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.choices import ADMIN_ROLES
from accounts.grants import load_grants, roles_of
from audit.services import record
from core.crypto import sm3_hex
from core.errors import DomainError

from .models import ApiToken

PREFIX = "shh_"
MAX_LIVE_TOKENS = 10


def digest(raw: str) -> str:
    return sm3_hex(raw.encode())


def create_token(user, *, name: str, roles: list[str] | None = None, read_only: bool = True, days: int | None = 180) -> tuple[ApiToken, str]:
    """Return the token row and the raw token (shown once, never stored)."""
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写令牌用途。")
    held = roles_of(user)
    if held & {str(r) for r in ADMIN_ROLES}:
        raise DomainError("系统管理员、安全管理员和审计管理员不使用接口令牌。")
    roles = sorted(set(roles or []))
    if not held:
        raise DomainError("您当前没有任何角色，无法创建接口令牌。")
    if set(roles) - held:
        raise DomainError("只能把令牌限定在您本人现有的角色内。")
    if ApiToken.objects.live().filter(user=user).count() >= MAX_LIVE_TOKENS:
        raise DomainError(f"每人最多{MAX_LIVE_TOKENS}个有效令牌，请先撤销不用的令牌。")
    raw = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:60],
            prefix=raw[: len(PREFIX) + 6],
            digest=digest(raw),
            roles=roles,
            read_only=read_only,
            expires_at=timezone.now() + timedelta(days=days) if days else None,
        )
        record(user, None, token, "api.token_created", {"roles": roles, "read_only": read_only, "days": days})
    return token, raw


def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.user_id != actor.pk:
            raise DomainError("只能撤销本人的令牌。")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            record(actor, None, token, "api.token_revoked")
    return token


def authenticate(raw: str):
    """The user a raw token acts as, with grants narrowed to the token's roles, or None."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.live().select_related("user").filter(digest=digest(raw)).first()
    if token is None or not token.user.is_active:
        return None
    user = token.user
    grants = load_grants(user)
    if token.roles:
        user._grants_cache = tuple(g for g in grants if g.role in token.roles)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user.api_token = token
    return user
