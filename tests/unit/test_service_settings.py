"""The services' settings come from the node's settings by name, and where both declare a default it is the
same one, so a unit test's ServiceSettings() behaves as a node started without options."""

from __future__ import annotations

from dataclasses import MISSING, fields

from showdesk.config import Settings
from showdesk.services.settings import ServiceSettings
from showdesk.transport.app import service_settings_from


def test_every_setting_both_declare_has_one_default() -> None:
    shared = [f for f in fields(ServiceSettings) if f.name in Settings.model_fields and f.default is not MISSING]
    assert len(shared) >= 10
    for field in shared:
        assert field.default == Settings.model_fields[field.name].default, field.name


def test_a_nodes_setting_reaches_the_services() -> None:
    node = Settings(offer_timeout=7, customer_grace=5, chat_starts_per_address=0, retention_days=3)
    services = service_settings_from(node, "the key")
    assert (services.offer_timeout, services.customer_grace) == (7, 5)
    assert (services.chat_starts_per_address, services.retention_days) == (0, 3)
    assert services.secret_key == "the key"
    assert services.resume_window == ServiceSettings(secret_key="x").resume_window  # the node does not set it
