"""Sealed secrets: only the same key and the same place open them; plain values of older versions pass."""

from showdesk.adapters.storage.sealed import PREFIX, NoSecretBox, SecretBox

KEY = "unit-test-server-key-" + "x" * 32


def test_a_sealed_secret_opens_with_the_same_key_at_the_same_place_only() -> None:
    box = SecretBox(KEY)
    sealed = box.seal("coturn-secret", "turn_servers.t-1.secret")
    assert sealed.startswith(PREFIX) and "coturn-secret" not in sealed
    assert sealed != box.seal("coturn-secret", "turn_servers.t-1.secret")  # a fresh nonce each time
    assert box.open(sealed, "turn_servers.t-1.secret") == "coturn-secret"
    assert box.open(sealed, "turn_servers.t-2.secret") == ""  # moved to another row: unreadable
    assert SecretBox("another-key-" + "y" * 32).open(sealed, "turn_servers.t-1.secret") == ""
    assert box.open(sealed[:-4] + "AAAA", "turn_servers.t-1.secret") == ""  # tampered with


def test_plain_and_empty_values_pass_and_nothing_is_sealed_twice() -> None:
    box = SecretBox(KEY)
    assert box.open("plain-from-an-older-version", "x") == "plain-from-an-older-version"
    assert box.seal("", "x") == ""
    sealed = box.seal("s", "x")
    assert box.seal(sealed, "x") == sealed
    assert NoSecretBox().open(sealed, "x") == "" and NoSecretBox().open("plain", "x") == "plain"
