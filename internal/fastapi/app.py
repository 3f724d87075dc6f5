"""The organization-members service as a FastAPI team would write it.

A reference implementation of openapi.yaml and BEHAVIOUR.md on the real
stack (FastAPI, Starlette, pydantic 2, uvicorn), to generate the OpenAPI
document FastAPI publishes for this API and to run the contract suite
against. Run it from the sources that stack.sh assembles:

    PYTHONPATH=$(./stack.sh /tmp/stack) HUMM_STATE=world.json \
        python -m uvicorn app:app --host 127.0.0.1 --port 8000

Environment:
    HUMM_STATE           the world to serve, in the Go mock's export format
                         (GET /__mock/state); none: an empty world
    HUMM_OPERATION_IDS   "default": FastAPI's generated operationIds;
                         "explicit": openapi.yaml's
"""

import json
import os
from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

MAX_BODY_BYTES = 1 << 20  # BEHAVIOUR.md, Body size (the project's choice)


class Role(str, Enum):
    SYSTEM_ADMIN = "SYSTEM_ADMIN"
    ORGANIZATION_ADMIN = "ORGANIZATION_ADMIN"
    ANALYST = "ANALYST"


class MembershipState(str, Enum):
    active = "active"
    pending = "pending"
    suspended = "suspended"


class OrganizationMemberCreate(BaseModel):
    user_id: UUID
    organization_id: UUID | None = None
    role: Role = Role.ANALYST


class OrganizationMemberUpdate(BaseModel):
    organization_id: UUID | None = None
    user_id: UUID | None = None
    role: Role = Role.ANALYST


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class OrganizationMember(BaseModel):
    """The stored membership row (returned by create and delete)."""

    organization_id: UUID
    user_id: UUID
    role: Role = Role.ANALYST
    id: UUID = Field(default_factory=uuid4)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    membership_state: str = Field(default="active", max_length=32)


class UserResponse(BaseModel):
    id: UUID
    email: str = Field(max_length=320)
    given_name: str | None = Field(default=None, max_length=255)
    family_name: str | None = Field(default=None, max_length=255)
    nickname: str | None = Field(default=None, max_length=255)
    name: str | None = Field(default=None, max_length=255)
    picture: str | None = Field(default=None, max_length=2048)
    auth0_sub: str | None = Field(default=None, max_length=255)
    is_system_admin: bool = False


class OrganizationMemberResponse(BaseModel):
    id: UUID
    organization_id: UUID
    user_id: UUID
    role: Role
    membership_state: MembershipState
    created_at: datetime
    updated_at: datetime
    user: UserResponse | None = None


# The world: what a database would hold.


class World:
    def __init__(self, state: dict):
        self.organizations = {UUID(o["id"]) for o in state.get("organizations", [])}
        self.users = {
            u.id: u for u in map(UserResponse.model_validate, state.get("users", []))
        }
        self.members = {
            m.id: m
            for m in map(OrganizationMember.model_validate, state.get("memberships", []))
        }
        self.tokens = {i["token"]: UUID(i["user_id"]) for i in state.get("identities", [])}


def load_world(path: str | None) -> World:
    if not path:
        return World({})
    with open(path, encoding="utf-8") as f:
        return World(json.load(f))


world = load_world(os.environ.get("HUMM_STATE"))


# Operation ids: FastAPI's generated ones, or the ones openapi.yaml names.

OPERATION_IDS = os.environ.get("HUMM_OPERATION_IDS", "default")
if OPERATION_IDS not in ("default", "explicit"):
    raise SystemExit(f"HUMM_OPERATION_IDS: {OPERATION_IDS!r} is neither default nor explicit")


def operation_id(name: str) -> str | None:
    return name if OPERATION_IDS == "explicit" else None


# Identity and standing.

bearer = HTTPBearer()


def current_user(
    credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)],
) -> UserResponse:
    user = world.users.get(world.tokens.get(credentials.credentials))
    if user is None:
        raise HTTPException(
            status_code=401,
            detail="Invalid authentication credentials",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


CurrentUser = Annotated[UserResponse, Depends(current_user)]

# What a caller may do in an organization, in increasing order.
NONE, MEMBER, ADMIN, SYSTEM = range(4)


def standing_in(user: UserResponse, organization_id: UUID) -> int:
    if user.is_system_admin:
        return SYSTEM
    for m in world.members.values():
        if m.organization_id == organization_id and m.user_id == user.id:
            if m.membership_state != MembershipState.active.value:
                return NONE
            # A SYSTEM_ADMIN-role member who is no system admin user
            # administers the organization, as an ORGANIZATION_ADMIN does.
            return MEMBER if m.role == Role.ANALYST else ADMIN
    return NONE


def authorize(user: UserResponse, organization_id: UUID | None, need: int) -> int:
    """404 for an unknown organization, then 403 below the standing needed."""
    if organization_id not in world.organizations:
        raise HTTPException(status_code=404, detail="Organization not found")
    standing = standing_in(user, organization_id)
    if standing < need:
        raise HTTPException(status_code=403, detail="Not enough permissions for this organization")
    return standing


def require_system_admin_for(standing: int, *roles: Role) -> None:
    if Role.SYSTEM_ADMIN in roles and standing != SYSTEM:
        raise HTTPException(
            status_code=403, detail="Only a system admin may manage SYSTEM_ADMIN memberships"
        )


def find_member(organization_id: UUID, member_id: UUID) -> OrganizationMember:
    member = world.members.get(member_id)
    if member is None or member.organization_id != organization_id:
        raise HTTPException(status_code=404, detail="Member not found")
    return member


def with_user(member: OrganizationMember) -> OrganizationMemberResponse:
    return OrganizationMemberResponse(
        **member.model_dump(), user=world.users.get(member.user_id)
    )


# The routes. The six access-context parameters are declared on each route,
# after its path parameters, so that FastAPI reports their errors in the
# reference's order (a dependency's errors would come first).

AccessId = Annotated[UUID | None, Query()]

app = FastAPI(title="Humm config API — organization members", version="1.0.0")
members = "/api/organization/{organization_id}/member"


@app.get(
    members,
    response_model=list[OrganizationMemberResponse],
    tags=["Organization Members"],
    operation_id=operation_id("get_organization_members"),
)
async def get_organization_members(
    organization_id: UUID | None,
    user: CurrentUser,
    resource_id: AccessId = None,
    source_id: AccessId = None,
    integration_source_id: AccessId = None,
    data_source_id: AccessId = None,
    context_source_id: AccessId = None,
    job_id: AccessId = None,
    page: Annotated[int | None, Query(ge=1)] = 1,
    page_size: Annotated[int | None, Query(ge=1, le=100)] = 50,
    query: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
):
    """Members of the organization, ordered by `created_at`, then `id`, each
    with its `user`. `query` is a case-insensitive substring match on the
    user's email, name, given_name, family_name or nickname. A page past
    the end is an empty array."""
    authorize(user, organization_id, MEMBER)
    found = sorted(
        (m for m in world.members.values() if m.organization_id == organization_id),
        key=lambda m: (m.created_at, m.id),
    )
    if query is not None:
        needle = query.lower()
        found = [m for m in found if needle in searchable_text(m.user_id)]
    page, page_size = page or 1, page_size or 50
    start = (page - 1) * page_size
    return [with_user(m) for m in found[start : start + page_size]]


def searchable_text(user_id: UUID) -> str:
    u = world.users.get(user_id)
    if u is None:
        return ""
    fields = (u.email, u.name, u.given_name, u.family_name, u.nickname)
    return "\n".join(f for f in fields if f).lower()


@app.post(
    members,
    response_model=OrganizationMember,
    tags=["Organization Members"],
    operation_id=operation_id("create_organization_member"),
)
async def create_organization_member(
    organization_id: UUID | None,
    member: OrganizationMemberCreate,
    user: CurrentUser,
    resource_id: AccessId = None,
    source_id: AccessId = None,
    integration_source_id: AccessId = None,
    data_source_id: AccessId = None,
    context_source_id: AccessId = None,
    job_id: AccessId = None,
):
    """Adds a user to the organization as an `active` member. `role`
    defaults to ANALYST. `organization_id` in the body, when given, must
    equal the path's (else 400); an unknown `user_id` is 404; a user who
    is already a member is 409. Only a system admin may create a
    SYSTEM_ADMIN membership."""
    standing = authorize(user, organization_id, ADMIN)
    require_system_admin_for(standing, member.role)
    if member.organization_id is not None and member.organization_id != organization_id:
        raise HTTPException(status_code=400, detail="organization_id in the body does not match the path")
    if member.user_id not in world.users:
        raise HTTPException(status_code=404, detail="User not found")
    if any(
        m.organization_id == organization_id and m.user_id == member.user_id
        for m in world.members.values()
    ):
        raise HTTPException(status_code=409, detail="User is already a member of this organization")
    now = utcnow()
    row = OrganizationMember(
        organization_id=organization_id,
        user_id=member.user_id,
        role=member.role,
        created_at=now,
        updated_at=now,
    )
    world.members[row.id] = row
    return row


@app.put(
    members + "/{member_id}",
    response_model=OrganizationMemberResponse,
    tags=["Organization Members"],
    operation_id=operation_id("update_organization_member"),
)
async def update_organization_member(
    organization_id: UUID | None,
    member_id: UUID,
    update: OrganizationMemberUpdate,
    user: CurrentUser,
    resource_id: AccessId = None,
    source_id: AccessId = None,
    integration_source_id: AccessId = None,
    data_source_id: AccessId = None,
    context_source_id: AccessId = None,
    job_id: AccessId = None,
):
    """Sets the member's `role` to the body's, which defaults to ANALYST
    when omitted (so `{}` demotes to ANALYST). `user_id` and
    `organization_id` in the body, when given, must equal the member's
    (else 400). `updated_at` advances; `id` and `created_at` never
    change. Only a system admin may touch a SYSTEM_ADMIN membership."""
    standing = authorize(user, organization_id, ADMIN)
    require_system_admin_for(standing, update.role)
    member = find_member(organization_id, member_id)
    require_system_admin_for(standing, member.role)
    if update.user_id is not None and update.user_id != member.user_id:
        raise HTTPException(status_code=400, detail="user_id in the body does not match the member")
    if update.organization_id is not None and update.organization_id != member.organization_id:
        raise HTTPException(status_code=400, detail="organization_id in the body does not match the member")
    member.role = update.role
    # Strictly later than before, even when the clock has not moved.
    member.updated_at = max(utcnow(), member.updated_at + timedelta(microseconds=1))
    return with_user(member)


@app.delete(
    members + "/{member_id}",
    response_model=OrganizationMember,
    tags=["Organization Members"],
    operation_id=operation_id("delete_organization_member"),
)
async def delete_organization_member(
    organization_id: UUID | None,
    member_id: UUID,
    user: CurrentUser,
    resource_id: AccessId = None,
    source_id: AccessId = None,
    integration_source_id: AccessId = None,
    data_source_id: AccessId = None,
    context_source_id: AccessId = None,
    job_id: AccessId = None,
):
    """Removes the membership and returns the removed row. A second delete
    of the same member is 404."""
    standing = authorize(user, organization_id, ADMIN)
    member = find_member(organization_id, member_id)
    require_system_admin_for(standing, member.role)
    return world.members.pop(member.id)


class BodyLimit:
    """413 for a request body over MAX_BODY_BYTES, counted as it is read
    (FastAPI re-raises an HTTPException raised while it reads the body:
    fastapi/routing.py, get_request_handler)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        read = 0

        async def limited_receive():
            nonlocal read
            message = await receive()
            read += len(message.get("body", b""))
            if read > MAX_BODY_BYTES:
                raise HTTPException(
                    status_code=413, detail=f"Request body is larger than {MAX_BODY_BYTES} bytes"
                )
            return message

        await self.app(scope, limited_receive, send)


app.add_middleware(BodyLimit)
