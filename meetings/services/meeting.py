"""Creating a meeting (a branch starting its own, OL-1.2; the campaign creates them in bulk)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from accounts.permissions import require
from audit.services import record
from core import hooks
from core.errors import DomainError
from organizations.choices import OrgKind
from rulebook import engine

from ..choices import Half, MeetingKind
from ..models import Meeting, Plan


def default_title(organization, kind: str, year: int, half: str = "", special: bool = False) -> str:
    if kind == MeetingKind.DEMOCRATIC_LIFE:
        return f"{organization.name}{year}年度{'专题' if special else ''}民主生活会"
    label = {Half.MID_YEAR: "年中", Half.YEAR_END: "年底"}.get(half, "")
    return f"{organization.name}{year}年{label}组织生活会"


def acting_for_create(actor, organization):
    """The secretary (or main leader) starts their own meeting; a superior who may launch
    campaigns may also start one for a single organization below it."""
    try:
        return require(actor, "meeting.manage", organization)
    except PermissionDenied:
        return require(actor, "campaign.launch", organization)


def create_meeting(
    organization,
    *,
    kind: str,
    year: int,
    half: str = "",
    actor,
    campaign=None,
    special: bool = False,
    leading_team=None,
    title: str | None = None,
) -> Meeting:
    """Create a meeting pinned to the organization's current rulebook, with its draft plan
    prefilled from the branch and the rulebook."""
    from .plan import prefill

    with transaction.atomic():
        acting = acting_for_create(actor, organization)
        if kind == MeetingKind.ORG_LIFE:
            if organization.kind != OrgKind.BRANCH:
                raise DomainError("组织生活会要以党支部为单位召开（OL-1.3.a），请为所属各党支部分别创建。")
            if half not in (Half.MID_YEAR, Half.YEAR_END):
                raise DomainError("请选择年中或年底组织生活会。")
            special = False
        else:
            half = ""
            leading_team = leading_team or getattr(organization, "leading_team", None)
            if leading_team is None:
                raise DomainError("该组织没有领导班子，不能召开民主生活会。")
        if not special and Meeting.objects.filter(organization=organization, kind=kind, year=year, half=half, special=False).exists():
            raise DomainError(f"{default_title(organization, kind, year, half)}已经创建，不能重复创建。")
        rulebook = engine.current_for(organization)
        meeting = Meeting(
            organization=organization,
            leading_team=leading_team if kind == MeetingKind.DEMOCRATIC_LIFE else None,
            campaign=campaign,
            kind=kind,
            half=half,
            special=special,
            year=year,
            title=(title or "").strip() or default_title(organization, kind, year, half, special),
            theme=campaign.theme if campaign else "",
            rulebook_slug=rulebook.slug,
            rulebook_version=rulebook.version,
            created_by=getattr(actor, "user", actor),
        )
        try:
            with transaction.atomic():
                meeting.save()
        except IntegrityError:
            raise DomainError(f"{meeting.title}已经创建，不能重复创建。") from None
        Plan.objects.create(meeting=meeting, **prefill(meeting, rulebook))
        record(acting, organization, meeting, "meeting.created", {"kind": kind, "year": year, "half": half, "rulebook": f"{rulebook.slug}/{rulebook.version}"})
        hooks.meeting_changed(meeting.pk)
    return meeting
