"""Campaign launch (OL-1.2, DL-1.2.b): a superior launches a round of meetings for its whole
subtree with a theme, the reading list and a window. One bulk operation, in batches, whatever
the number of branches: a fixed number of queries per batch of `BATCH` meetings, no query per
branch. Re-launching the same round creates nothing twice."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef

from accounts.permissions import require
from audit.services import record_bulk
from core import hooks
from core.errors import DomainError
from organizations.choices import OrgKind
from organizations.models import LeadingTeam, Organization
from rulebook import engine
from rulebook.models import RulebookChoice
from rulebook.selection import ancestor_paths

from ..choices import Half, MeetingKind, Stage
from ..models import Campaign, Meeting, Plan
from .meeting import default_title
from .plan import prefill

BATCH = 2000


def _slug_resolver(root):
    """Nearest-ancestor rulebook choice for any organization of `root`'s subtree (one query)."""
    choices = dict(
        RulebookChoice.objects.filter(organization__path__in=ancestor_paths(root)).values_list("organization__path", "slug")
        | RulebookChoice.objects.filter(organization__path__startswith=root.path).values_list("organization__path", "slug")
    )
    step = type(root).steplen
    versions: dict[str, str] = {}

    def resolve(path: str) -> tuple[str, str]:
        slug = engine.DEFAULT_SLUG
        for i in range(len(path), 0, -step):
            found = choices.get(path[:i])
            if found:
                slug = found
                break
        if slug not in versions:
            versions[slug] = engine.load(slug).version
        return slug, versions[slug]

    return resolve


def launch_campaign(
    organization,
    *,
    kind: str,
    year: int,
    half: str = "",
    theme: str,
    window_start,
    window_end,
    actor,
    requirements: str = "",
    readings: list[str] | None = None,
) -> tuple[Campaign, int]:
    """Create (or update) the round and a meeting with its draft plan for every branch (OL) or
    leading team (DL) in the subtree that has none for this slot. Returns (campaign, created)."""
    theme = (theme or "").strip()
    readings = [r.strip() for r in (readings or []) if r and r.strip()]
    if not theme:
        raise DomainError("请填写主题。")
    if window_start is None or window_end is None or window_start > window_end:
        raise DomainError("时间窗口的起止日期不正确：开始日期不能晚于结束日期。")
    if kind == MeetingKind.ORG_LIFE and half not in (Half.MID_YEAR, Half.YEAR_END):
        raise DomainError("请选择年中或年底组织生活会。")
    if kind == MeetingKind.DEMOCRATIC_LIFE:
        half = ""
    with transaction.atomic():
        acting = require(actor, "campaign.launch", organization)
        user = getattr(actor, "user", actor)
        campaign = Campaign.objects.select_for_update().filter(organization=organization, kind=kind, year=year, half=half).first()
        fields = {"theme": theme, "requirements": requirements.strip(), "readings": readings, "window_start": window_start, "window_end": window_end}
        if campaign is None:
            campaign = Campaign.objects.create(organization=organization, kind=kind, year=year, half=half, created_by=user, **fields)
        else:
            for name, value in fields.items():
                setattr(campaign, name, value)
            campaign.save(update_fields=list(fields))
        created = _create_meetings(campaign, organization, user)
        # Meetings the branches started on their own join the round (one UPDATE).
        joined = _slot_meetings(campaign).filter(campaign__isnull=True, organization__path__startswith=organization.path).update(campaign=campaign)
        record_bulk(
            acting,
            organization,
            "meetings.campaign",
            "campaign.launched",
            {"campaign": campaign.pk, "created": created, "joined": joined, "kind": kind, "year": year, "half": half},
        )
        tell_oversight(organization, created)
    return campaign, created


def tell_oversight(organization, created: int) -> None:
    """OL-1.2: the superior's dashboard shows the new meetings (who has not started) right away,
    not after the daily rebuild. One refresh of the subtree's rollups once the launch commits
    (`core.hooks.subtree_changed`), never one hook call per meeting. The new meetings have no date
    yet, so they carry no dated obligation to compute; meetings that joined the round change no
    figure."""
    if created:
        hooks.subtree_changed(organization.pk)


def _slot_meetings(campaign):
    return Meeting.objects.filter(kind=campaign.kind, year=campaign.year, half=campaign.half, special=False)


def targets(campaign, organization):
    """Values of the organizations (OL: active branches; DL: leading teams) still without a
    meeting for this slot."""
    existing = _slot_meetings(campaign).filter(organization=OuterRef("pk"))
    if campaign.kind == MeetingKind.ORG_LIFE:
        qs = Organization.objects.filter(path__startswith=organization.path, kind=OrgKind.BRANCH, is_active=True)
        return qs.annotate(taken=Exists(existing)).filter(taken=False).order_by("path").values_list("pk", "path", "name", "has_committee", "kind", "sector")
    teams = LeadingTeam.objects.filter(organization__path__startswith=organization.path, organization__is_active=True)
    existing = _slot_meetings(campaign).filter(organization=OuterRef("organization_id"))
    return (
        teams.annotate(taken=Exists(existing))
        .filter(taken=False)
        .order_by("organization__path")
        .values_list("organization_id", "organization__path", "organization__name", "pk", "organization__kind")
    )


def _dl_in_scope(rulebook, org_kind: str) -> bool:
    """DL-0.3 as the rulebook states it: only the kinds of organization its rule lists hold a
    民主生活会 (a branch-level team would be blocked for ever, so the launch skips it)."""
    rule = rulebook.rule("DL-0.3")
    return rule is None or org_kind in rule.options.get("kinds", ())


def _create_meetings(campaign, organization, user) -> int:
    resolve = _slug_resolver(organization)
    created = 0
    rows = list(targets(campaign, organization).iterator(chunk_size=BATCH))
    rulebooks: dict[tuple[str, str], object] = {}
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        meetings = []
        committees = {}
        for row in chunk:
            org_id, path, name = row[0], row[1], row[2]
            slug, version = resolve(path)
            rulebooks.setdefault((slug, version), engine.load(slug, version))
            if campaign.kind == MeetingKind.DEMOCRATIC_LIFE and not _dl_in_scope(rulebooks[(slug, version)], row[4]):
                continue
            org = Organization(pk=org_id, path=path, name=name)
            meetings.append(
                Meeting(
                    organization_id=org_id,
                    leading_team_id=row[3] if campaign.kind == MeetingKind.DEMOCRATIC_LIFE else None,
                    campaign=campaign,
                    kind=campaign.kind,
                    half=campaign.half,
                    year=campaign.year,
                    title=default_title(org, campaign.kind, campaign.year, campaign.half),
                    theme=campaign.theme,
                    stage=Stage.PLANNING,
                    rulebook_slug=slug,
                    rulebook_version=version,
                    created_by=user,
                )
            )
            if campaign.kind == MeetingKind.ORG_LIFE:
                committees[org_id] = row[3]
        Meeting.objects.bulk_create(meetings, batch_size=BATCH, ignore_conflicts=True)
        # Plans for the meetings of this chunk (one query for their ids, one insert).
        ids = Meeting.objects.filter(campaign=campaign, organization_id__in=[r[0] for r in chunk], plan__isnull=True).values_list(
            "pk", "organization_id", "rulebook_slug", "rulebook_version"
        )
        plans = []
        for meeting_id, org_id, slug, version in ids:
            shell = Meeting(pk=meeting_id, kind=campaign.kind, theme=campaign.theme, organization_id=org_id)
            shell.campaign = campaign
            content = prefill(shell, rulebooks.get((slug, version)) or engine.load(slug, version), has_committee=committees.get(org_id, False))
            plans.append(Plan(meeting_id=meeting_id, **content))
        Plan.objects.bulk_create(plans, batch_size=BATCH)
        created += len(plans)
    return created


def not_started(campaign):
    """Meetings of the round whose plan has not even been submitted (oversight: who has not
    started)."""
    from ..choices import PlanStatus

    return (
        Meeting.objects.filter(campaign=campaign, stage=Stage.PLANNING, plan__status__in=(PlanStatus.DRAFT,))
        .select_related("organization", "plan")
        .order_by("organization__path")
    )
