"""Input and output shapes. Inputs forbid unknown fields (mass assignment) and NUL bytes."""

import datetime
import uuid
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field


def _no_control(value: str) -> str:
    if "\x00" in value:
        raise ValueError("不能包含空字符")
    return value


Text = Annotated[str, AfterValidator(_no_control)]
Id = Annotated[int, Field(ge=1, le=2**53)]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class NoteIn(Strict):
    note: Annotated[Text, Field(max_length=4000)] = ""


class ReasonIn(Strict):
    reason: Annotated[Text, Field(min_length=1, max_length=2000)]


class OpinionEntryIn(Strict):
    content: Annotated[Text, Field(min_length=1, max_length=4000)]
    target_member: uuid.UUID | None = Field(None, description="对个人的意见：支部委员的党员标识（uid）；不填为对班子")
    giver_name: Annotated[Text, Field(max_length=50)] = ""
    giver_kind: Annotated[Text, Field(max_length=50)] = ""
    is_anonymous: bool = False
    strong_public_concern: bool = False
    category: Annotated[Text, Field(max_length=50)] = ""


class OpinionsIn(Strict):
    """OL-2.3.a: opinions heard through talks, forums, visits or calls, recorded by the branch."""

    channel: str = Field(max_length=20, description="individual_talk | forum | home_visit | phone | form | other")
    received_on: datetime.date
    entries: list[OpinionEntryIn] = Field(min_length=1, max_length=50)


class Error(Schema):
    detail: str
    findings: list[dict] = []


class OrganizationOut(Schema):
    id: int
    name: str
    code: str
    kind: str
    sector: str
    has_committee: bool
    parent_id: int | None = None
    depth: int


class MemberOut(Schema):
    uid: str
    name: str
    gender: str
    organization_id: int
    id_number_masked: str
    phone_masked: str
    joined_on: datetime.date | None
    is_probationary: bool
    is_active: bool


class StageChangeOut(Schema):
    from_stage: str
    to_stage: str
    at: datetime.datetime


class MeetingOut(Schema):
    id: int
    title: str
    kind: str
    year: int
    half: str
    organization_id: int
    stage: str
    stage_label: str
    scheduled_date: datetime.date | None
    overdue_items: int = 0


class FindingOut(Schema):
    rule_id: str
    severity: str
    clause_ids: list[str]
    message: str
    hint: str = ""
    overridden: bool = False


class ObligationOut(Schema):
    key: str
    title: str
    due: datetime.date | None
    status: str
    clause_ids: list[str]
    role: str
    done_on: datetime.date | None = None


class MeetingDetailOut(MeetingOut):
    stage_changes: list[StageChangeOut]
    checks_available: bool
    findings: list[FindingOut]
    timeline: list[ObligationOut]


class ItemOut(Schema):
    id: int
    meeting_id: int
    organization_id: int
    problem: str
    goal: str
    measures: str
    responsible: str
    deadline: datetime.date | None
    status: str
    overdue: bool
    version: int


class EventOut(Schema):
    kind: str
    at: datetime.datetime
    role: str
    status_from: str
    status_to: str
    note: str


class ItemDetailOut(ItemOut):
    events: list[EventOut]


class TalkOut(Schema):
    id: int
    kind: str
    first_party: str
    second_party: str
    scheduled_on: datetime.date | None
    held_on: datetime.date | None
    form: str


class OpinionOut(Schema):
    id: int
    channel: str
    target: str
    target_member: str | None
    content: str
    giver: str
    received_on: datetime.date


class ReportOut(Schema):
    id: int
    meeting_id: int
    organization_id: int
    status: str
    due_on: datetime.date | None
    first_submitted_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    current_number: int


class TokenOut(Schema):
    name: str
    prefix: str
    roles: list[str]
    read_only: bool
    expires_at: datetime.datetime | None


class Page(Schema):
    count: int
    page: int
    page_size: int
