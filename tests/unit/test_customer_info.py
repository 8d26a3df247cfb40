"""The customer panel's rules: the signed customer block's canonical form and its check, the attributes'
and page's limits, the device told from a User-Agent, and the panel on the in-memory store (verified or
not, earlier chats of the same id, who may read it)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from showdesk.domain.customer_info import (
    MAX_ATTRIBUTE_KEY_CHARS,
    MAX_ATTRIBUTE_VALUE_CHARS,
    MAX_ATTRIBUTES,
    MAX_PAGE_URL_CHARS,
    CustomerBlock,
    CustomerDetails,
    is_signed,
    read_details,
    sign,
    signing_example,
    signing_key,
)
from showdesk.domain.errors import Forbidden, InvalidInput, NotFound
from showdesk.domain.user_agent import MAX_USER_AGENT_CHARS, device_of
from showdesk.services.commands import Refused
from showdesk.services.container import Services
from tests.support.memory import demo_services

ANN = CustomerBlock("Ann Example", "ann@example.com", "cust-42")
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1"
)
ANDROID_PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Mobile Safari/537.36"
)
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/23.0 Chrome/115.0.0.0 Safari/537.36"
)
WINDOWS_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.66"
)
MAC_FIREFOX = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.3; rv:123.0) Gecko/20100101 Firefox/123.0"
LINUX_CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36"


# the signature ---------------------------------------------------------------------------------------
def test_the_canonical_form_is_sorted_compact_json_of_the_three_fields_with_missing_ones_empty() -> None:
    assert ANN.canonical_form() == b'{"email":"ann@example.com","id":"cust-42","name":"Ann Example"}'
    assert CustomerBlock(id="7").canonical_form() == b'{"email":"","id":"7","name":""}'
    assert CustomerBlock("Zoë", None, "é").canonical_form() == '{"email":"","id":"é","name":"Zoë"}'.encode()


def test_what_a_site_computes_with_the_documented_python_line_is_a_valid_signature() -> None:
    key = signing_key("s" * 40, "d_shop")
    email, customer_id, name = ANN.email, ANN.id, ANN.name
    example = signing_example(key)
    names = {"hmac": hmac, "json": json, "email": email, "customer_id": customer_id, "name": name}
    site_signature = eval(example, names)  # noqa: S307  # the line the console shows, run as a site would
    assert site_signature == sign(key, ANN)
    direct = hmac.new(key.encode(), ANN.canonical_form(), hashlib.sha256).hexdigest()
    assert site_signature == direct and len(direct) == 64
    assert is_signed(key, ANN, site_signature) and is_signed(key, ANN, site_signature.upper())


def test_a_changed_field_another_deployment_s_key_or_no_signature_is_not_signed() -> None:
    key = signing_key("s" * 40, "d_shop")
    signature = sign(key, ANN)
    assert not is_signed(key, CustomerBlock("Ann Example", "ann@example.com", "cust-43"), signature)
    assert not is_signed(key, CustomerBlock("Ann Example", "eve@example.com", "cust-42"), signature)
    assert not is_signed(signing_key("s" * 40, "d_other"), ANN, signature)
    assert not is_signed(signing_key("t" * 40, "d_shop"), ANN, signature)
    assert not is_signed(key, ANN, None) and not is_signed(key, ANN, "") and not is_signed(key, None, signature)
    assert not is_signed(key, ANN, "zz" * 32)


def test_each_deployment_has_its_own_stable_key_derived_from_the_server_s_secret() -> None:
    assert signing_key("s" * 40, "d_a") == signing_key("s" * 40, "d_a")
    assert signing_key("s" * 40, "d_a") != signing_key("s" * 40, "d_b")
    assert signing_key("s" * 40, "d_a") != signing_key("r" * 40, "d_a")
    assert "s" * 10 not in signing_key("s" * 40, "d_a")


# the limits ------------------------------------------------------------------------------------------
def test_a_start_frame_without_customer_fields_reads_as_none_and_one_with_them_is_read() -> None:
    assert read_details({"type": "start", "displayName": "Ann"}) is None
    details = read_details(
        {
            "customer": {"name": "Ann Example", "email": "ann@example.com", "id": "cust-42"},
            "attributes": {"plan": "Gold", "order": "A-1009"},
            "customerSignature": "ab" * 32,
            "page": {"url": "https://shop.test/cart?x=1", "title": "Your cart"},
        }
    )
    assert details == CustomerDetails(
        ANN, {"plan": "Gold", "order": "A-1009"}, "ab" * 32, "https://shop.test/cart?x=1", "Your cart"
    )


@pytest.mark.parametrize(
    ("frame", "words"),
    [
        ({"attributes": {f"k{i}": "v" for i in range(MAX_ATTRIBUTES + 1)}}, f"at most {MAX_ATTRIBUTES}"),
        ({"attributes": {"k" * (MAX_ATTRIBUTE_KEY_CHARS + 1): "v"}}, f"1 to {MAX_ATTRIBUTE_KEY_CHARS} characters"),
        ({"attributes": {" ": "v"}}, f"1 to {MAX_ATTRIBUTE_KEY_CHARS} characters"),
        ({"attributes": {"plan": "v" * (MAX_ATTRIBUTE_VALUE_CHARS + 1)}}, "attribute plan is longer than 200"),
        ({"attributes": {"plan": 3}}, "attribute plan must be text"),
        ({"attributes": ["plan"]}, "attributes must be an object"),
        ({"customer": "Ann"}, "customer must be an object"),
        ({"customer": {"id": 42}}, "customer.id must be text"),
        ({"customer": {"id": "x" * 101}}, "customer.id is longer than 100"),
        ({"customer": {"phone": "1"}}, "name, email and id only, not phone"),
        ({"customerSignature": "a" * 65}, "customerSignature must be the 64 hex characters"),
        ({"page": {"url": "https://x.test/" + "a" * MAX_PAGE_URL_CHARS}}, "page.url must be text of at most 2000"),
    ],
)
def test_what_breaks_a_limit_is_refused_in_words_naming_the_field_and_the_limit(
    frame: dict[str, object], words: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_details(frame)
    assert words in refused.value.message
    assert refused.value.code in ("invalid_customer", "invalid_attributes", "invalid_page")


def test_exactly_at_the_limits_is_accepted() -> None:
    details = read_details(
        {
            "attributes": {
                f"{i:0{MAX_ATTRIBUTE_KEY_CHARS}d}": "v" * MAX_ATTRIBUTE_VALUE_CHARS for i in range(MAX_ATTRIBUTES)
            },
            "page": {"url": "u" * MAX_PAGE_URL_CHARS},
        }
    )
    assert details is not None and len(details.attributes) == MAX_ATTRIBUTES


# the device ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (IPHONE, {"kind": "phone", "browser": "Safari", "system": "iOS"}),
        (IPAD, {"kind": "tablet", "browser": "Chrome", "system": "iPadOS"}),
        (ANDROID_PHONE, {"kind": "phone", "browser": "Chrome", "system": "Android"}),
        (ANDROID_TABLET, {"kind": "tablet", "browser": "Samsung Internet", "system": "Android"}),
        (WINDOWS_EDGE, {"kind": "computer", "browser": "Edge", "system": "Windows"}),
        (MAC_FIREFOX, {"kind": "computer", "browser": "Firefox", "system": "macOS"}),
        (LINUX_CHROME, {"kind": "computer", "browser": "Chrome", "system": "Linux"}),
        (None, {"kind": "computer", "browser": "unknown", "system": "unknown"}),
        ("curl/8.5.0", {"kind": "computer", "browser": "unknown", "system": "unknown"}),
    ],
)
def test_the_device_is_told_from_the_user_agent(user_agent: str | None, device: dict[str, str]) -> None:
    assert device_of(user_agent) == device


def test_only_the_start_of_a_huge_user_agent_is_read_and_quickly() -> None:
    padded = "x" * MAX_USER_AGENT_CHARS + " iPhone Firefox/1"
    assert device_of(padded) == {"kind": "computer", "browser": "unknown", "system": "unknown"}
    began = time.perf_counter()
    device_of("Mobi" * 2_000_000)
    assert time.perf_counter() - began < 0.05


# the panel on the in-memory store --------------------------------------------------------------------
async def _start(sd: Services, details: CustomerDetails | Refused | None, user_agent: str | None = IPHONE) -> str:
    deployment = await sd.chat.check_origin("demo", "demo-webchat", "http://shop.test")
    started = await sd.chat.start(deployment, "Ann", "198.51.100.7", details, user_agent)
    await sd.chat.begin(started)
    return started.conversation.id


async def test_a_signed_block_is_verified_an_unsigned_or_tampered_one_kept_unverified_and_never_refused() -> None:
    sd, _, _ = await demo_services()
    key = signing_key(sd.settings.secret_key, "demo-webchat")
    signed = await _start(sd, CustomerDetails(ANN, {"plan": "Gold"}, sign(key, ANN), "https://shop.test/", "Shop"))
    tampered_block = CustomerBlock(ANN.name, ANN.email, "cust-1")
    tampered = await _start(sd, CustomerDetails(tampered_block, {}, sign(key, ANN)))
    unsigned = await _start(sd, CustomerDetails(ANN))
    stored = {cid: (await sd.store.get_conversation(cid)) for cid in (signed, tampered, unsigned)}
    info = stored[signed].customer_info  # type: ignore[union-attr]
    assert info == {
        "name": "Ann Example",
        "email": "ann@example.com",
        "id": "cust-42",
        "verified": True,
        "attributes": {"plan": "Gold"},
        "page": {"url": "https://shop.test/", "title": "Shop"},
        "device": {"kind": "phone", "browser": "Safari", "system": "iOS"},
    }
    assert stored[signed].customer_ref == "cust-42" and stored[signed].customer_name == "Ann"  # type: ignore[union-attr]
    assert stored[tampered].customer_info["verified"] is False  # type: ignore[index,union-attr]
    assert stored[tampered].customer_ref == "cust-1"  # type: ignore[union-attr]
    assert stored[unsigned].customer_info["verified"] is False  # type: ignore[index,union-attr]


async def test_a_start_with_a_block_that_breaks_a_limit_is_refused_and_nothing_is_stored() -> None:
    sd, _, _ = await demo_services()
    refusal = Refused(InvalidInput("attributes has 21 keys; at most 20 are allowed", code="invalid_attributes"))
    with pytest.raises(InvalidInput) as refused:
        await _start(sd, refusal)
    assert refused.value.code == "invalid_attributes"
    assert await sd.store.list_open_conversations() == []


async def test_the_panel_lists_earlier_chats_of_the_same_id_newest_first_to_the_chat_s_readers_only() -> None:
    sd, _, clock = await demo_services()
    _, dana = await sd.access.login("agent@demo.local", "agent")
    _, sam = await sd.access.login("agent2@demo.local", "agent")
    _, boss = await sd.access.login("supervisor@demo.local", "supervisor")
    first = await _start(sd, CustomerDetails(ANN))
    clock.advance(60)
    await _start(sd, CustomerDetails(CustomerBlock(id="someone-else")))
    clock.advance(60)
    second = await _start(sd, CustomerDetails(ANN))
    clock.advance(60)
    current = await _start(sd, CustomerDetails(ANN))
    conv = await sd.store.get_conversation(current)
    assert conv is not None
    conv.agent_id = dana.user.id
    await sd.store.save_conversation(conv)

    panel = await sd.customer_panels.panel(dana, current)
    assert [c.id for c in panel.earlier] == [second, first]
    assert panel.info["id"] == "cust-42" and panel.info["verified"] is False
    assert [c.id for c in (await sd.customer_panels.panel(boss, current)).earlier] == [second, first]
    with pytest.raises(Forbidden):
        await sd.customer_panels.panel(sam, current)
    with pytest.raises(NotFound):
        await sd.customer_panels.panel(boss, "c_of_nobody")
    no_id = await _start(sd, None, user_agent=None)
    assert (await sd.customer_panels.panel(boss, no_id)).earlier == []
    assert (await sd.customer_panels.panel(boss, no_id)).info["device"]["kind"] == "computer"


async def test_the_signing_key_is_read_with_oauth_client_edit_for_one_s_own_deployments_only() -> None:
    sd, _, _ = await demo_services()
    _, admin = await sd.access.login("admin@demo.local", "admin")
    _, dana = await sd.access.login("agent@demo.local", "agent")
    assert await sd.customer_panels.signing_key(admin, "demo-webchat") == signing_key(
        sd.settings.secret_key, "demo-webchat"
    )
    with pytest.raises(Forbidden):
        await sd.customer_panels.signing_key(dana, "demo-webchat")
    with pytest.raises(NotFound):
        await sd.customer_panels.signing_key(admin, "d_of_nobody")
