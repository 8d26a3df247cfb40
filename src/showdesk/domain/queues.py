"""Skills and queues: where interactions wait and who may take them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Channel(StrEnum):
    CHAT = "chat"
    VIDEO = "video"


@dataclass
class Skill:
    id: str
    organization_id: str
    name: str


@dataclass
class Queue:
    id: str
    organization_id: str
    name: str
    channels: list[str] = field(default_factory=lambda: [Channel.CHAT.value])
    required_skills: list[str] = field(default_factory=list)  # skill names
    members: list[str] = field(default_factory=list)  # user ids
    wrapup_required: bool = False  # its chats are closed only with a wrap-up code (domain.wrapup)

    def supports(self, channel: Channel) -> bool:
        return channel.value in self.channels
