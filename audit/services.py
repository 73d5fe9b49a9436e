"""`record()` — the one call services make to audit a change, inside their transaction."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from core.middleware import current_request_context

from .chain import CHAINED_FIELDS, GENESIS, entry_hash
from .models import AuditChainHead, AuditEntry
from .registry import ACTIONS


def _plain(data) -> dict:
    """What we store is exactly what we hash: JSON-normalized values only."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, ensure_ascii=False))


def snapshot(obj: models.Model, fields=None, exclude=()) -> dict:
    """Plain values of a model's concrete fields for before/after records (no binary, no PII)."""
    skip = set(exclude) | set(getattr(obj, "PII_FIELDS", ()))
    values = model_to_dict(obj, fields=fields)
    for field in obj._meta.concrete_fields:
        if field.name in values and (field.name in skip or isinstance(field, models.BinaryField)):
            values.pop(field.name)
    return _plain(values)


def diff(before: dict, after: dict) -> dict:
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(actor, organization, obj, action: str, data: dict | None = None, *, outcome: str = "ok", anonymous: bool = False) -> AuditEntry:
    """Append one entry to the chain. Must run inside the caller's transaction, so the
    entry exists if and only if the change does.

    `actor` is an `accounts.permissions.Acting`, a user, or None (system). `anonymous=True`
    (a ballot being cast) drops the actor and the request's address and id as well, so the
    entry cannot be joined to the access log or the session (docs/anonymity.md).
    """
    if action not in ACTIONS:
        raise KeyError(f"unregistered audit action {action!r}")
    if anonymous:
        actor = None
    user = getattr(actor, "user", actor)
    role = getattr(actor, "role", "")
    acting_org = getattr(actor, "organization_id", None)
    ctx = {} if anonymous else current_request_context()
    values = {
        "ts": timezone.now(),
        "actor_id": getattr(user, "pk", None),
        "actor_label": str(user) if user is not None and getattr(user, "pk", None) else "系统",
        "role": role or "",
        "acting_organization_id": acting_org,
        "organization_id": getattr(organization, "pk", organization),
        "action": action,
        "object_type": obj._meta.label_lower if isinstance(obj, models.Model) else (obj or ""),
        "object_id": str(obj.pk) if isinstance(obj, models.Model) else "",
        "object_repr": str(obj)[:200] if isinstance(obj, models.Model) else "",
        "outcome": outcome,
        "data": _plain(data),
        "ip": ctx.get("ip", ""),
        "request_id": ctx.get("request_id", ""),
    }
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        values["seq"] = head.seq + 1
        digest = entry_hash(head.hash, values)
        entry = AuditEntry.objects.create(prev_hash=head.hash, hash=digest, **values)
        head.seq, head.hash = values["seq"], digest
        head.save(update_fields=["seq", "hash"])
    return entry


def record_bulk(actor, organization, object_type: str, action: str, data: dict) -> AuditEntry:
    """One entry for a bulk operation (e.g. a campaign creating 300,000 meetings)."""
    return record(actor, organization, object_type, action, data)


def verify_chain(batch_size: int = 5000):
    """Return (ok, first_bad_seq, checked). Streams the table in seq order."""
    prev = GENESIS
    expected_seq = None
    checked = 0
    fields = ["prev_hash", "hash", *CHAINED_FIELDS]
    for row in AuditEntry.objects.order_by("seq").values(*fields).iterator(chunk_size=batch_size):
        checked += 1
        if expected_seq is not None and row["seq"] != expected_seq:
            return False, expected_seq, checked
        if row["prev_hash"] != prev or entry_hash(prev, row) != row["hash"]:
            return False, row["seq"], checked
        prev = row["hash"]
        expected_seq = row["seq"] + 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and checked and (head.hash != prev or head.seq != expected_seq - 1):
        return False, (expected_seq or 1), checked
    return True, None, checked


def record_many(actor, items: list[tuple]) -> int:
    """Append many entries under one lock: items are (organization, obj, action, data).

    Used by imports and bulk operations so a 10,000-row roster costs one chain lock.
    """
    if not items:
        return 0
    user = getattr(actor, "user", actor)
    ctx = current_request_context()
    now = timezone.now()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        seq, prev = head.seq, head.hash
        rows = []
        for organization, obj, action, data in items:
            if action not in ACTIONS:
                raise KeyError(f"unregistered audit action {action!r}")
            seq += 1
            values = {
                "seq": seq,
                "ts": now,
                "actor_id": getattr(user, "pk", None),
                "actor_label": str(user) if getattr(user, "pk", None) else "系统",
                "role": getattr(actor, "role", "") or "",
                "acting_organization_id": getattr(actor, "organization_id", None),
                "organization_id": getattr(organization, "pk", organization),
                "action": action,
                "object_type": obj._meta.label_lower,
                "object_id": str(obj.pk),
                "object_repr": str(obj)[:200],
                "outcome": "ok",
                "data": _plain(data),
                "ip": ctx.get("ip", ""),
                "request_id": ctx.get("request_id", ""),
            }
            digest = entry_hash(prev, values)
            rows.append(AuditEntry(prev_hash=prev, hash=digest, **values))
            prev = digest
        AuditEntry.objects.bulk_create(rows, batch_size=1000)
        head.seq, head.hash = seq, prev
        head.save(update_fields=["seq", "hash"])
    return len(rows)
