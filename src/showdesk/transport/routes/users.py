"""Users: the signed-in person, and the directory (roles, skills, video settings)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import Field

from showdesk.domain.directory import MAX_CHAT_CAPACITY
from showdesk.services.directory import UserChanges
from showdesk.transport.deps import PrincipalDep, ServicesDep
from showdesk.transport.views import Body, SignedInUserView, UserView

router = APIRouter(tags=["users"])


PASSWORD_RULE = "at least 12 characters (checked by the server, with a message saying so)"  # noqa: S105 - words
ChatCapacity = Annotated[int, Field(ge=1, le=MAX_CHAT_CAPACITY, description="chats the agent may hold at once")]


class UserBody(Body):
    email: str = Field(max_length=320)
    password: str = Field(max_length=200, description=PASSWORD_RULE)
    name: str | None = Field(default=None, max_length=200)
    roles: list[str] = Field(default_factory=list, max_length=20)
    skills: list[str] = Field(default_factory=list, max_length=100)
    videoEnabled: bool = False
    defaultCamera: str = Field(default="", max_length=20)
    defaultMicrophone: str = Field(default="", max_length=200)
    chatCapacity: ChatCapacity = 3

    def settings(self) -> UserChanges:
        return user_changes(self)


class UserChange(Body):
    name: str | None = Field(default=None, max_length=200)
    password: str | None = Field(
        default=None, max_length=200, description=f"{PASSWORD_RULE}; ends every token the user holds"
    )
    roles: list[str] | None = Field(default=None, max_length=20)
    skills: list[str] | None = Field(default=None, max_length=100)
    videoEnabled: bool | None = None
    defaultCamera: str | None = Field(default=None, max_length=20)
    defaultMicrophone: str | None = Field(default=None, max_length=200)
    chatCapacity: ChatCapacity | None = None
    active: bool | None = None

    def changes(self) -> UserChanges:
        """Fields left out, or null, stay as they are."""
        return user_changes(self, active=self.active)


def user_changes(body: UserBody | UserChange, active: bool | None = None) -> UserChanges:
    """The fields a new user's body and a change's body share, as the service takes them."""
    return UserChanges(
        name=body.name,
        password=body.password,
        roles=body.roles,
        skills=body.skills,
        video_enabled=body.videoEnabled,
        default_camera=body.defaultCamera,
        default_microphone=body.defaultMicrophone,
        chat_capacity=body.chatCapacity,
        active=active,
    )


class RolesBody(Body):
    roles: list[str] = Field(max_length=20)


@router.get("/users/me", summary="The signed-in user and their permissions")
async def me(who: PrincipalDep, sd: ServicesDep) -> SignedInUserView:
    current = await sd.access.refresh(who)
    return SignedInUserView.signed_in(current.user, current.permissions)


@router.get("/users")
async def list_users(who: PrincipalDep, sd: ServicesDep) -> list[UserView]:
    return [UserView.of(u) for u in await sd.directory.list_users(who)]


@router.post("/users", status_code=201)
async def create_user(body: UserBody, who: PrincipalDep, sd: ServicesDep) -> UserView:
    return UserView.of(await sd.directory.create_user(who, body.email, body.settings()))


@router.get("/users/{user_id}")
async def get_user(user_id: str, who: PrincipalDep, sd: ServicesDep) -> UserView:
    return UserView.of(await sd.directory.get_user(who, user_id))


@router.patch("/users/{user_id}", summary="Change a user: name, password, roles, skills, video settings, active")
async def update_user(user_id: str, body: UserChange, who: PrincipalDep, sd: ServicesDep) -> UserView:
    return UserView.of(await sd.directory.update_user(who, user_id, body.changes()))


@router.post(
    "/users/{user_id}/logout",
    status_code=204,
    summary="Sign a user out everywhere: end every access token they hold and close their live sockets",
    description="Needs `directory:user:edit`. The user's tokens answer 401 `token_revoked` on every node and "
    "their live agent sockets close with 4401; they sign in again with their password.",
)
async def sign_out_user(user_id: str, who: PrincipalDep, sd: ServicesDep) -> None:
    await sd.directory.sign_out_everywhere(who, user_id)


@router.put("/users/{user_id}/roles", summary="Replace a user's roles")
async def set_user_roles(user_id: str, body: RolesBody, who: PrincipalDep, sd: ServicesDep) -> UserView:
    return UserView.of(await sd.directory.set_user_roles(who, user_id, body.roles))
