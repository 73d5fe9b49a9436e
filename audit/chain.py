"""Canonical form and hashing of audit rows (SM3, 商用密码)."""

import json

from core.crypto import sm3_hex

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "seq",
    "ts",
    "actor_id",
    "actor_label",
    "role",
    "acting_organization_id",
    "organization_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "outcome",
    "data",
    "ip",
    "request_id",
)


def canonical(values: dict) -> bytes:
    payload = {}
    for field in CHAINED_FIELDS:
        value = values[field]
        if field == "ts":
            value = value.isoformat(timespec="microseconds")
        payload[field] = value
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def entry_hash(prev_hash: str, values: dict) -> str:
    return sm3_hex(prev_hash.encode() + canonical(values))
