"""What both sides of a video read when it fails, retries, changes or ends: the product's own words."""

from __future__ import annotations

from showdesk.domain.video import RELAY, RESTART

FAILURE_TEXT = {
    "camera_denied": "The customer did not allow the camera.",
    "camera_missing": "The customer's device has no camera.",
    "camera_busy": "The customer's camera is in use by another app.",
    "constraints_unsatisfiable": "The customer's camera cannot give the requested picture.",
    "ice_failed": "The video connection could not be made through the networks in between. The chat goes on.",
    "no_relay": (
        "Video could not connect: a network in between blocks direct video, and no relay (TURN) server is "
        "set up to get around it. The chat goes on."
    ),
    "relay_failed": "Video could not connect, not even through the relay server. The chat goes on.",
    "connection_lost": "The video connection was lost and could not be restored. The chat goes on.",
    "no_frames": "The video connected, but no picture ever reached the agent, so it was stopped. The chat goes on.",
    "negotiation_failed": "The two browsers could not agree on how to send the video. The chat goes on.",
    "other": "The video stopped because of a problem on the agent's side. The chat goes on.",
}


def failure_code(reason: object) -> str:
    """A failure reason as a client sent it, as one of FAILURE_TEXT's codes: a client's own words never
    reach a transcript or the other side ('other' stands for anything unknown)."""
    return reason if isinstance(reason, str) and reason in FAILURE_TEXT else "other"


# Why the customer's side tries the video again (its connection watch), as the agent's desktop may show it.
RETRY_CAUSES = frozenset({"checking_timeout", "ice_failed", "disconnected", "network_change", "restart_timeout"})

RETRY_TEXT = {
    RELAY: "A network in between blocks direct video; trying again through a relay server.",
    RESTART: "The customer's network changed; reconnecting the video.",
}


PREFERENCE_TEXT = {
    "detail": "The agent needs detail: a sharper picture, fewer frames when the network is slow.",
    "smooth": "The agent needs smooth motion: more frames, a softer picture when the network is slow.",
}

LEFT_PAGE = "The customer left the page; the video ended."
# A customer's connection that dropped and did not come back within the video grace (a page that is closed says
# so, LEFT_PAGE): most often a network that stayed down.
CONNECTION_GONE = "The customer's connection dropped and did not come back in time; the video ended."
AGENT_LEFT = "The agent's connection dropped; the video ended."
