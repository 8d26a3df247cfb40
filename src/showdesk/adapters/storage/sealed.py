"""Secrets the store must give back (a TURN server's shared secret or static credential) are kept sealed:
AES-256-GCM under a key derived with HKDF-SHA256 from the server's secret key, each value bound to its
row and field so a sealed value cannot be moved to another row. Secrets that can be checked without
being given back (passwords, API client secrets) are hashed instead, elsewhere.

A sealed value reads `sealed:v1:<base64url(nonce | ciphertext | tag)>`. Anything else is a value stored
before sealing existed, given back as it is and sealed at the next start (`SqlStore.seal_secrets`) or
write: a migration cannot do it, as it does not know the key.
"""

from __future__ import annotations

import base64
import logging
import os
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

PREFIX = "sealed:v1:"
_NONCE_BYTES = 12


def is_sealed(value: str) -> bool:
    return value.startswith(PREFIX)


class Sealer(Protocol):
    def seal(self, plain: str, where: str) -> str: ...

    def open(self, stored: str, where: str) -> str: ...


class SecretBox:
    def __init__(self, server_key: str) -> None:
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"showdesk: stored secrets, v1"
        ).derive(server_key.encode())
        self._aead = AESGCM(derived)

    def seal(self, plain: str, where: str) -> str:
        """`plain` sealed for the place `where` (e.g. `turn_servers.<id>.secret`); "" stays "" (nothing set)."""
        if not plain or is_sealed(plain):
            return plain
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plain.encode(), where.encode())
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, stored: str, where: str) -> str:
        """The plain value of a stored one; "" when it was sealed under another key (or tampered with),
        which reads as "no secret set": the relay is left out until someone sets the secret again."""
        if not is_sealed(stored):
            return stored
        try:
            raw = base64.urlsafe_b64decode(stored[len(PREFIX) :])
            return self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], where.encode()).decode()
        except (InvalidTag, ValueError):
            log.error(
                "%s cannot be read with this server's secret key (was --secret-key changed?); "
                "set it again in the console",
                where,
            )
            return ""


class NoSecretBox:
    """For commands that open the store without the server's key: sealed values read as not set, and
    nothing is written that would need sealing."""

    def seal(self, plain: str, where: str) -> str:
        if plain and not is_sealed(plain):
            raise RuntimeError(f"{where}: a secret cannot be stored without the server's secret key")
        return plain

    def open(self, stored: str, where: str) -> str:
        return "" if is_sealed(stored) else stored
