"""The current security policy, cached per process (one query at most every few seconds).

django-axes reads the lockout threshold and cool-off through the callables below
(`AXES_FAILURE_LIMIT` / `AXES_COOLOFF_TIME` in settings), the security middleware reads the
session timeouts, password expiry and the TOTP requirement.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

_TTL = 10.0
_cache: dict = {}


def current():
    from .models import SecurityPolicy

    hit = _cache.get("policy")
    if hit is not None and (hit[0] is None or hit[0] > time.monotonic()):
        return hit[1]
    policy = SecurityPolicy.objects.filter(pk=1).first()
    if policy is None:
        # Not yet saved by the secadmin: the defaults, with the deployment's password expiry.
        policy = SecurityPolicy(pk=1, password_max_age_days=getattr(settings, "PASSWORD_MAX_AGE_DAYS", 0) or 0)
    ttl = getattr(settings, "SECURITY_POLICY_TTL", _TTL)
    _cache["policy"] = (None if ttl is None else time.monotonic() + ttl, policy)
    return policy


def forget() -> None:
    _cache.clear()


@receiver(post_save, sender="accounts.SecurityPolicy")
def _saved(sender, **kwargs):
    forget()


def failure_limit(request=None, credentials=None) -> int:
    return current().lockout_threshold


def cooloff(request=None) -> timedelta:
    return timedelta(minutes=current().lockout_minutes)


def totp_enforced() -> bool:
    """Tests switch the enforcement off globally (conftest) and on where they test it."""
    return getattr(settings, "OTP_ENFORCED", True) and current().totp_required
