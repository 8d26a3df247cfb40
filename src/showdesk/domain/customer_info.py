"""What a site tells about its customer when a chat starts (`createChat({ customer, attributes })`), its
limits, and the signature that makes the customer block verified.

The site's server signs the customer block with the deployment's signing key (derived from the server's
secret key and the deployment id: nothing new is stored): HMAC-SHA256 over the block's canonical form,
hex. A block with a signature that matches is verified; anything else (no signature, a wrong one, a
changed field) is kept as unverified, never refused. Attributes and the page are never signed: they are
what the page says.

Canonical form: the JSON object {"email": ..., "id": ..., "name": ...} (each the string given, "" when
not given), keys sorted, no spaces (separators "," and ":"), non-ASCII characters as they are, UTF-8.
In Python: json.dumps(block, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode().
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from showdesk.domain.errors import InvalidInput

MAX_ATTRIBUTES = 20  # keys of `attributes`
MAX_ATTRIBUTE_KEY_CHARS = 40
MAX_ATTRIBUTE_VALUE_CHARS = 200
MAX_CUSTOMER_FIELD_CHARS = 200  # the customer's name and email
MAX_CUSTOMER_ID_CHARS = 100  # the site's own id for the customer
MAX_PAGE_URL_CHARS = 2000
MAX_PAGE_TITLE_CHARS = 200
SIGNATURE_CHARS = 64  # hex HMAC-SHA256
CUSTOMER_FIELDS = ("name", "email", "id")
_SIGNING_LABEL = b"showdesk customer signing key\x00"


@dataclass(frozen=True)
class CustomerBlock:
    """The site's customer block; None where the site gave nothing."""

    name: str | None = None
    email: str | None = None
    id: str | None = None

    def canonical_form(self) -> bytes:
        block = {"email": self.email or "", "id": self.id or "", "name": self.name or ""}
        return json.dumps(block, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


@dataclass(frozen=True)
class CustomerDetails:
    """What a chat's start frame says about its customer besides their display name."""

    customer: CustomerBlock | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    signature: str | None = None
    page_url: str | None = None
    page_title: str | None = None


def signing_key(secret_key: str, deployment_id: str) -> str:
    """The deployment's signing key (hex): an HMAC of the server's secret key with the deployment id."""
    return hmac.new(secret_key.encode(), _SIGNING_LABEL + deployment_id.encode(), hashlib.sha256).hexdigest()


def sign(key: str, customer: CustomerBlock) -> str:
    """What the site's server computes: HMAC-SHA256 of the canonical form under the key's text, hex."""
    return hmac.new(key.encode(), customer.canonical_form(), hashlib.sha256).hexdigest()


def is_signed(key: str, customer: CustomerBlock | None, signature: str | None) -> bool:
    """Whether `signature` is the key's signature of `customer` (compared in constant time)."""
    if customer is None or not signature:
        return False
    return hmac.compare_digest(sign(key, customer).encode(), signature.strip().lower().encode())


def read_details(frame: dict[str, Any]) -> CustomerDetails | None:
    """The start frame's `customer`, `attributes`, `customerSignature` and `page`; None when it has none of
    them. InvalidInput names the field and its limit."""
    if not any(name in frame for name in ("customer", "attributes", "customerSignature", "page")):
        return None
    signature = frame.get("customerSignature")
    if signature is not None and (not isinstance(signature, str) or len(signature) > SIGNATURE_CHARS):
        raise InvalidInput(
            f"customerSignature must be the {SIGNATURE_CHARS} hex characters of an HMAC-SHA256",
            code="invalid_customer",
        )
    url, title = read_page(frame.get("page"))
    return CustomerDetails(
        read_customer(frame.get("customer")), read_attributes(frame.get("attributes")), signature or None, url, title
    )


def read_customer(raw: object) -> CustomerBlock | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidInput("customer must be an object with name, email and id", code="invalid_customer")
    unknown = sorted(str(key)[:40] for key in raw if key not in CUSTOMER_FIELDS)
    if unknown:
        raise InvalidInput(f"customer has name, email and id only, not {unknown[0]}", code="invalid_customer")
    values: dict[str, str | None] = {}
    for name in CUSTOMER_FIELDS:
        value = raw.get(name)
        limit = MAX_CUSTOMER_ID_CHARS if name == "id" else MAX_CUSTOMER_FIELD_CHARS
        if value is not None and not isinstance(value, str):
            raise InvalidInput(f"customer.{name} must be text", code="invalid_customer")
        if value is not None and len(value) > limit:
            raise InvalidInput(f"customer.{name} is longer than {limit} characters", code="invalid_customer")
        values[name] = value or None  # as given: the signature covers exactly what the site sent
    return CustomerBlock(values["name"], values["email"], values["id"])


def read_attributes(raw: object) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidInput("attributes must be an object of text values", code="invalid_attributes")
    if len(raw) > MAX_ATTRIBUTES:
        raise InvalidInput(
            f"attributes has {len(raw)} keys; at most {MAX_ATTRIBUTES} are allowed", code="invalid_attributes"
        )
    attributes: dict[str, str] = {}
    for key, value in raw.items():
        if not key.strip() or len(key) > MAX_ATTRIBUTE_KEY_CHARS:
            raise InvalidInput(
                f"an attribute's name must be 1 to {MAX_ATTRIBUTE_KEY_CHARS} characters", code="invalid_attributes"
            )
        if not isinstance(value, str):
            raise InvalidInput(f"attribute {key} must be text", code="invalid_attributes")
        if len(value) > MAX_ATTRIBUTE_VALUE_CHARS:
            raise InvalidInput(
                f"attribute {key} is longer than {MAX_ATTRIBUTE_VALUE_CHARS} characters", code="invalid_attributes"
            )
        attributes[key] = value
    return attributes


def read_page(raw: object) -> tuple[str | None, str | None]:
    """The page's URL and title (each None when not given)."""
    if raw is None:
        return None, None
    if not isinstance(raw, dict):
        raise InvalidInput("page must be an object with url and title", code="invalid_page")
    url, title = raw.get("url"), raw.get("title")
    if url is not None and (not isinstance(url, str) or len(url) > MAX_PAGE_URL_CHARS):
        raise InvalidInput(f"page.url must be text of at most {MAX_PAGE_URL_CHARS} characters", code="invalid_page")
    if title is not None and (not isinstance(title, str) or len(title) > MAX_PAGE_TITLE_CHARS):
        raise InvalidInput(f"page.title must be text of at most {MAX_PAGE_TITLE_CHARS} characters", code="invalid_page")
    return url or None, title or None


def customer_record(details: CustomerDetails | None, verified: bool, device: dict[str, str]) -> dict[str, Any]:
    """What is stored with the conversation (its `customer_info`)."""
    given = details or CustomerDetails()
    customer = given.customer or CustomerBlock()
    page = {"url": given.page_url, "title": given.page_title} if given.page_url or given.page_title else None
    return {
        "name": customer.name,
        "email": customer.email,
        "id": customer.id,
        "verified": verified,
        "attributes": dict(given.attributes),
        "page": page,
        "device": device,
    }


def signing_example(key: str) -> str:
    """One line of Python that signs a customer block with `key` (what the console shows beside it)."""
    return (
        f'hmac.new(b"{key}", json.dumps({{"email": email, "id": customer_id, "name": name}}, '
        'separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode(), "sha256").hexdigest()'
    )
