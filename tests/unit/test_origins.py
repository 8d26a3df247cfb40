import pytest

from showdesk.domain.deployments import Deployment, normalize_origin
from showdesk.domain.errors import InvalidInput


def test_normalize_drops_default_ports_and_case() -> None:
    assert normalize_origin("HTTPS://Shop.Example.com:443") == "https://shop.example.com"
    assert normalize_origin("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"


@pytest.mark.parametrize("bad", ["shop.example.com", "ftp://x", "https://x/path", "https://u:p@x", "https://x:99999"])
def test_normalize_refuses_what_is_not_an_origin(bad: str) -> None:
    with pytest.raises(InvalidInput):
        normalize_origin(bad)


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://shop.example.com", True),
        ("https://SHOP.example.com", True),
        ("https://shop.example.com:443", True),
        ("https://shop.example.com:8443", False),
        ("http://shop.example.com", False),
        ("https://shop.example.com.evil.test", False),
        ("https://evilshop.example.com", False),
        ("null", False),
        ("", False),
        (None, False),
    ],
)
def test_only_exact_origins_pass(origin: str | None, allowed: bool) -> None:
    d = Deployment("d", "o", "D", None, ["https://shop.example.com"])
    assert d.allows_origin(origin) is allowed
