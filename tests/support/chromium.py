"""Debian's Chromium, headless, as the browser tests and the video benchmark launch it."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("SHOWDESK_CHROMIUM", "/usr/bin/chromium")

HEADLESS_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Chromium's fake camera and microphone; a test adds --use-file-for-fake-video-capture for its picture.
FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required"]
