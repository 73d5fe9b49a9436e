"""Masking of personal data shown by default (PIPL, security-baseline 8.1.4.11)."""


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]
