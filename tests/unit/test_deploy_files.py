"""deploy/ against ShowDesk's own settings: the proxies' body limit is the photo limit, their socket
timeouts outlast the pings and the idle timeout, their upstream keep-alive ends before the node's, they
set every forwarded header ShowDesk reads; the systemd unit is valid (systemd-analyze verify), hardened,
and waits longer than the graceful shutdown. (tests/integration/test_reverse_proxies.py runs the
proxies themselves.)"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from showdesk.config import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PING_INTERVAL = 15  # seconds between the SDK's pings (web/sdk/socket.js)
SETTINGS = Settings()


def _seconds(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(ms|s|m)?", value).groups()  # type: ignore[union-attr]
    return int(number) * {"ms": 0.001, "s": 1, "m": 60, None: 1}[unit]


def _nginx(directive: str) -> list[str]:
    text = (DEPLOY / "nginx" / "showdesk.conf").read_text()
    return re.findall(rf"^\s*{re.escape(directive)}\s+([^;]*);", text, flags=re.MULTILINE)


def _caddy(directive: str) -> list[str]:
    text = (DEPLOY / "caddy" / "Caddyfile").read_text()
    return re.findall(rf"^\s*{re.escape(directive)}\s+(.*?)\s*$", text, flags=re.MULTILINE)


def test_nginx_takes_a_photo_waits_out_a_quiet_socket_and_sets_what_showdesk_reads() -> None:
    assert _nginx("client_max_body_size") == ["15m"] and SETTINGS.max_upload_bytes == 15 * 1024 * 1024
    for timeout in ("proxy_read_timeout", "proxy_send_timeout"):
        [value] = _nginx(timeout)
        assert _seconds(value) > max(PING_INTERVAL, SETTINGS.idle_timeout), timeout
    [keepalive] = _nginx("keepalive_timeout")
    assert _seconds(keepalive) < SETTINGS.keep_alive_timeout  # nginx closes first: no request on a dying one
    headers = dict(h.split(None, 1) for h in _nginx("proxy_set_header"))
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"  # appended: ShowDesk reads the right end
    assert headers["X-Forwarded-Proto"] == "$scheme" and headers["X-Forwarded-Host"] == "$http_host"
    assert headers["Forwarded"] == '""'  # never a client's own
    assert headers["Upgrade"] == "$http_upgrade"


def test_caddy_takes_a_photo_passes_no_client_s_forwarded_and_asks_readyz() -> None:
    assert _caddy("max_size") == ["15MiB"]
    assert "-Forwarded" in _caddy("header_up")
    assert _caddy("health_uri") == ["/readyz"]  # not ready (starting, stopping, no database): left out
    [keepalive] = _caddy("keepalive")
    assert _seconds(keepalive) < SETTINGS.keep_alive_timeout


UNIT = DEPLOY / "showdesk.service"


def _unit() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_unit_is_hardened_and_outwaits_the_graceful_shutdown() -> None:
    unit = _unit()
    for key, value in {
        "User": "showdesk",
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "StateDirectory": "showdesk",
        "WorkingDirectory": "/var/lib/showdesk",  # ./showdesk-data is in the state directory
        "CapabilityBoundingSet": "",
        "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
        "KillSignal": "SIGTERM",
        "EnvironmentFile": "/etc/showdesk/showdesk.env",
    }.items():
        assert unit[key] == [value], key
    assert "@system-service" in unit["SystemCallFilter"]
    assert _seconds(unit["TimeoutStopSec"][0]) > SETTINGS.shutdown_timeout + 5


def _checkable_unit(folder: Path) -> Path:
    """The unit with ExecStart pointing at this machine's showdesk (verify checks it is executable)."""
    command = shutil.which("showdesk") or str(Path(sys.executable).with_name("showdesk"))
    checked = folder / "showdesk.service"
    text = UNIT.read_text()
    assert "/opt/showdesk/bin/showdesk " in text
    checked.write_text(text.replace("/opt/showdesk/bin/showdesk ", f"{command} "))
    return checked


def test_systemd_analyze_verify_finds_nothing_to_say(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian's systemd package has it)")
    checked = _checkable_unit(tmp_path)
    verify = subprocess.run([analyze, "verify", str(checked)], capture_output=True, text=True, timeout=60)
    # A misspelt key or value is only warned about (exit 0): any word about the unit is a failure.
    said = [line for line in (verify.stdout + verify.stderr).splitlines() if line.strip()]
    assert verify.returncode == 0 and said == [], said
    security = subprocess.run(
        [analyze, "security", "--offline=yes", str(checked)], capture_output=True, text=True, timeout=60
    )
    if "--offline" in security.stderr:  # systemd older than 252
        return
    score = re.search(r"Overall exposure level for showdesk\.service: ([\d.]+)", security.stdout)
    assert score is not None and float(score[1]) <= 2.0, security.stdout[-400:]


def test_the_environment_file_names_only_real_settings() -> None:
    text = (DEPLOY / "showdesk.env").read_text()
    names = re.findall(r"^#?SHOWDESK_([A-Z_]+)=", text, flags=re.MULTILINE)
    assert len(names) >= 10 and {n.lower() for n in names} <= set(Settings.model_fields)
    values = dict(re.findall(r"^(SHOWDESK_[A-Z_]+)=(.*)$", text, flags=re.MULTILINE))  # those set as shipped
    assert Settings(**{k.removeprefix("SHOWDESK_").lower(): v for k, v in values.items()})
