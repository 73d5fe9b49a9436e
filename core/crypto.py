"""Field-level protection of personal data (security-baseline §2, 数据保密性).

ID numbers and phone numbers are stored SM4-GCM encrypted with associated data
binding each ciphertext to its column and row, so a ciphertext copied to another
row does not decrypt. Lookups use a blind index (HMAC-SM3) under a separate key.
We wrote this ourselves: no maintained Django package offers SM4.
"""

import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

KEY_VERSION = 1
_NONCE = 12
_TAG = 16


def encrypt(plaintext: str, aad: str) -> bytes:
    nonce = os.urandom(_NONCE)
    enc = Cipher(algorithms.SM4(settings.FIELD_ENCRYPTION_KEY), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad.encode())
    body = enc.update(plaintext.encode()) + enc.finalize()
    return bytes([KEY_VERSION]) + nonce + body + enc.tag


def decrypt(blob: bytes, aad: str) -> str:
    blob = bytes(blob)
    if not blob or blob[0] != KEY_VERSION:
        raise ValueError("unknown key version")
    nonce, body, tag = blob[1 : 1 + _NONCE], blob[1 + _NONCE : -_TAG], blob[-_TAG:]
    dec = Cipher(algorithms.SM4(settings.FIELD_ENCRYPTION_KEY), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(aad.encode())
    try:
        return (dec.update(body) + dec.finalize()).decode()
    except InvalidTag as exc:
        raise ValueError("ciphertext does not belong to this row") from exc


def blind_index(value: str, purpose: str) -> str:
    return hmac.new(settings.BLIND_INDEX_KEY, f"{purpose}:{value}".encode(), "sm3").hexdigest()


def sm3_hex(data: bytes) -> str:
    import hashlib

    return hashlib.new("sm3", data).hexdigest()
