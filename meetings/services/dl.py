"""民主生活会 (DL): topic, plan decision and filing, public notice, the sitting with its fixed
agenda and criticism order, absentees, and the measures that feed the rectification ledger.

Every state change is one function here (views and API call the same). Stage moves go
through `meetings.lifecycle`; where ol-core's module has not landed yet, `_core` below
keeps the same contract in the smallest possible form (see `_advance`, `_override`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.choices import Office, Role
from accounts.permissions import Acting, require
from audit.services import record
from core import hooks
from core.errors import ConcurrentEditError, DomainError
from core.uploads import check_upload, store_private
from organizations.choices import OrgKind
from organizations.models import LeadingTeam, Organization
from rulebook import dates
from rulebook import engine as rulebook_engine

from ..choices import (
    ApprovalMode,
    CriticismKind,
    DLSlot,
    FeedbackKind,
    FeedbackMode,
    MeetingKind,
    NoticeKind,
    ObserverCategory,
    ParticipationMode,
    PlanStatus,
    SittingKind,
    SittingStatus,
    Stage,
)
from ..models import (
    AgendaItem,
    Attendance,
    Campaign,
    Closing,
    Commentary,
    Criticism,
    Feedback,
    GateOverride,
    Meeting,
    Observer,
    Plan,
    PlanFiling,
    PlanVersion,
    PublicNotice,
    Sitting,
    StageChange,
)

DL_ORG_KINDS = (OrgKind.DISTRICT_COMMITTEE, OrgKind.PARTY_COMMITTEE, OrgKind.PARTY_GROUP)  # DL-0.3
OFFICES = (Office.DISCIPLINE, Office.ORGANIZATION_DEPT)  # DL-2.2.c, DL-4.2.a
LATE_FILING_RULE = "DL-2.2.c.late"
MINUTES_KINDS = {"pdf", "png", "jpeg", "docx"}
OFF_AGENDA_MESSAGE = "民主生活会必须专门召开，不得与其他会议、其他议题合并进行（DL-1.3）：议程只能是规定的①至⑦项，不能增加其他议题。"


# -- ol-core adapters -----------------------------------------------------------------------
def _lifecycle():
    try:
        from .. import lifecycle
    except ImportError:  # ol-core's engine not merged yet
        return None
    return lifecycle


def rulebook_of(meeting) -> rulebook_engine.Rulebook:
    lc = _lifecycle()
    if lc is not None and hasattr(lc, "rulebook_of"):
        return lc.rulebook_of(meeting)
    return rulebook_engine.load(meeting.rulebook_slug, meeting.rulebook_version)


def _param(meeting, name: str):
    return rulebook_of(meeting).param(name)


def _counting(meeting) -> str:
    return _param(meeting, "date_counting") or dates.INCLUSIVE


def _advance(meeting, to_stage: str, *, actor) -> Meeting:
    """`lifecycle.advance` (rulebook gates, StageChange, audit, hook); a bare stand-in until it lands."""
    lc = _lifecycle()
    if lc is not None and hasattr(lc, "advance"):
        return lc.advance(meeting, to_stage, actor=actor)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.stage == to_stage:
        return locked
    StageChange.objects.create(meeting=locked, from_stage=locked.stage, to_stage=to_stage, by=actor)
    locked.stage, locked.stage_changed_at = to_stage, timezone.now()
    locked.version += 1
    locked.save(update_fields=["stage", "stage_changed_at", "version"])
    hooks.meeting_changed(locked.pk)
    return locked


def _require_stage(meeting, *stages, action: str):
    lc = _lifecycle()
    if lc is not None and hasattr(lc, "require_stage"):
        return lc.require_stage(meeting, *stages, action=action)
    if meeting.stage not in stages:
        names = "、".join(Stage(s).label for s in stages)
        raise DomainError(f"会议处于“{meeting.get_stage_display()}”阶段，{action}须在“{names}”阶段进行。")
    return None


def _create_meeting(organization, *, actor, year, campaign=None, special=False, leading_team=None, title=None, theme="") -> Meeting:
    try:
        from .meeting import create_meeting
    except ImportError:
        create_meeting = None
    if create_meeting is not None:
        meeting = create_meeting(
            organization,
            kind=MeetingKind.DEMOCRATIC_LIFE,
            year=year,
            actor=actor,
            campaign=campaign,
            special=special,
            leading_team=leading_team,
            title=title,
        )
    else:
        book = rulebook_engine.current_for(organization)
        meeting = Meeting.objects.create(
            organization=organization,
            leading_team=leading_team,
            campaign=campaign,
            kind=MeetingKind.DEMOCRATIC_LIFE,
            special=special,
            year=year,
            title=title or f"{leading_team or organization.name}{year}年度{'专题' if special else ''}民主生活会",
            theme=theme,
            rulebook_slug=book.slug,
            rulebook_version=book.version,
            created_by=actor,
        )
        Plan.objects.create(meeting=meeting)
    plan = Plan.objects.get(meeting=meeting)
    if theme:
        # DL-2.1.a: the theme is the one the 纪委 and 组织部 set; the team explains its refinement (DL-2.1.b).
        Meeting.objects.filter(pk=meeting.pk).update(theme=theme)
        meeting.theme = theme
        if not plan.theme:
            plan.theme = theme
    if not plan.agenda:
        plan.agenda = default_agenda_text()
    plan.save(update_fields=["theme", "agenda"])
    return meeting


def default_agenda_text() -> str:
    """DL-2.2.a: the plan's agenda is prefilled with the fixed DL-3.2 slots."""
    return "\n".join(label for _, label in DLSlot.choices)


# -- 1. topic (DL-1.2, DL-2.1) ----------------------------------------------------------------
def _inspector_acting(actor, organization, perm="campaign.launch") -> Acting:
    acting = require(actor, perm, organization)
    if acting.role != Role.INSPECTOR:
        raise PermissionDenied("民主生活会的主题和时间由上级纪委和组织部门确定（DL-1.2.b）")
    return acting


def publish_topic(organization, *, actor, year: int, theme: str, window_start, window_end, requirements: str = "", readings=()) -> Campaign:
    """DL-1.2.b / DL-2.1.a: the 纪委 or 组织部 publish the year's topic and window; every leading
    team below gets its regular meeting with the topic (one per team and year, DL-1.2.a)."""
    theme = (theme or "").strip()
    if not theme:
        raise DomainError("请填写民主生活会主题。")
    if not window_start or not window_end or window_end < window_start:
        raise DomainError("请填写时间窗口，截止日期不能早于开始日期。")
    with transaction.atomic():
        acting = _inspector_acting(actor, organization)
        from .campaign import launch_campaign

        before = set(Meeting.objects.filter(kind=MeetingKind.DEMOCRATIC_LIFE, year=year, special=False).values_list("pk", flat=True))
        campaign, _count = launch_campaign(
            organization,
            kind=MeetingKind.DEMOCRATIC_LIFE,
            year=year,
            theme=theme,
            window_start=window_start,
            window_end=window_end,
            actor=actor,
            requirements=requirements or "",
            readings=list(readings),
        )
        # The plan's agenda starts from the fixed DL-3.2 slots (DL-2.2.a).
        Plan.objects.filter(meeting__campaign=campaign, agenda="").update(agenda=default_agenda_text())
        campaign.meetings.filter(theme="").update(theme=theme)
        created = sorted(set(campaign.meetings.values_list("pk", flat=True)) - before)
        record(acting, organization, campaign, "dl.topic_published", {"year": year, "theme": theme, "window": [window_start, window_end], "meetings": created})
    return campaign


def add_special_meeting(team: LeadingTeam, *, actor, year: int, theme: str, title: str = "") -> Meeting:
    """DL-1.2.c: a 专题民主生活会 may be added at any time (outside the annual quota)."""
    theme = (theme or "").strip()
    if not theme:
        raise DomainError("专题民主生活会须明确专题。")
    with transaction.atomic():
        organization = team.organization
        acting = require(actor, "meeting.manage", organization) if _can(actor, "meeting.manage", organization) else _inspector_acting(actor, organization)
        meeting = _create_meeting(
            organization, actor=actor, year=year, special=True, leading_team=team, theme=theme, title=title or f"{team.name}{year}年度专题民主生活会（{theme}）"
        )
        record(acting, organization, meeting, "dl.special_added", {"theme": theme, "year": year})
    return meeting


def _can(user, perm, organization) -> bool:
    from accounts.permissions import has_perm

    return has_perm(user, perm, organization)


# -- 2. plan (DL-2.2) -------------------------------------------------------------------------
DL_PLAN_FIELDS = ("theme", "theme_rationale", "scheduled_date", "start_time", "place", "participants", "observers", "agenda", "preparation", "requirements")


def save_dl_plan(plan: Plan, data: dict, *, actor, version: int) -> Plan:
    """Edit the draft plan; ol-core's `save_plan` when present (versioned, audited)."""
    try:
        from .plan import save_plan
    except ImportError:
        save_plan = None
    data = {k: v for k, v in data.items() if k in DL_PLAN_FIELDS}
    if save_plan is not None:
        return save_plan(plan, data, actor=actor, version=version)
    with transaction.atomic():
        locked = Plan.objects.select_for_update(of=("self",)).select_related("meeting__organization").get(pk=plan.pk)
        acting = require(actor, "meeting.manage", locked.meeting.organization)
        if locked.version != version:
            raise ConcurrentEditError()
        if locked.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
            raise DomainError("方案已审定，不能再修改。")
        for name, value in data.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        locked.version += 1
        locked.updated_by = actor
        locked.save(update_fields=[*data, "version", "updated_by", "updated_at"])
        meeting = locked.meeting
        if "scheduled_date" in data and meeting.scheduled_date != locked.scheduled_date:
            Meeting.objects.filter(pk=meeting.pk).update(scheduled_date=locked.scheduled_date)
        record(acting, meeting.organization, locked, "dl.plan_saved", {"fields": sorted(data)})
        hooks.meeting_changed(meeting.pk)
    return locked


def plan_gaps(plan: Plan) -> list[str]:
    """DL-2.1.b, DL-2.2.a: what the plan still lacks (Chinese names)."""
    wanted = (
        ("theme", "会议主题"),
        ("theme_rationale", "主题确定依据"),
        ("agenda", "会议议程"),
        ("participants", "参加人员"),
        ("scheduled_date", "召开日期"),
        ("place", "地点"),
    )
    return [label for name, label in wanted if not getattr(plan, name)]


def decide_plan(plan: Plan, *, actor, mode: str, minutes_name: str = "", minutes_data: bytes = b"", comment: str = "") -> Plan:
    """DL-2.2.b: decided by the main leader (审定) or by a recorded team meeting (会议讨论决定,
    minutes attached). The meeting then enters preparation."""
    if mode not in (ApprovalMode.MAIN_LEADER, ApprovalMode.COLLECTIVE):
        raise DomainError("请选择审定方式：主要负责同志审定，或会议讨论决定（DL-2.2.b）。")
    kind = None
    if mode == ApprovalMode.COLLECTIVE:
        if not minutes_data:
            raise DomainError("会议讨论决定的，须上传会议讨论记录（DL-2.2.b）。")
        kind = check_upload(minutes_data, MINUTES_KINDS)
    with transaction.atomic():
        locked = Plan.objects.select_for_update(of=("self",)).select_related("meeting__organization", "meeting__campaign").get(pk=plan.pk)
        meeting = locked.meeting
        acting = require(actor, "meeting.manage", meeting.organization)
        if mode == ApprovalMode.MAIN_LEADER and acting.role != Role.MAIN_LEADER:
            raise PermissionDenied("由主要负责同志审定的方案，须由主要负责同志本人确认（DL-2.2.b）")
        if locked.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED, PlanStatus.SUBMITTED):
            raise DomainError("方案已经审定。")
        gaps = plan_gaps(locked)
        if gaps:
            raise DomainError(f"方案还缺少：{'、'.join(gaps)}（DL-2.1.b、DL-2.2.a）。")
        campaign_theme = meeting.campaign.theme if meeting.campaign_id else ""
        if campaign_theme and locked.theme.strip() != campaign_theme.strip() and not meeting.overrides.filter(rule_id="DL-2.1.a").exists():
            raise DomainError(f"会议主题应按上级纪委、组织部门的要求确定（“{campaign_theme}”）；结合实际的细化请写在“主题确定依据”中（DL-2.1.a）。")
        if kind is not None:
            locked.decision_minutes.name = store_private(minutes_data, f"plans/{meeting.organization_id}", kind)
        now = timezone.now()
        number = locked.versions.count() + 1
        content = {name: str(getattr(locked, name) or "") for name in Plan.CONTENT_FIELDS}
        PlanVersion.objects.create(
            plan=locked, number=number, content=content, submitted_by=actor, decision="approved", decided_by=actor, decided_at=now, comment=comment
        )
        locked.status, locked.approval_mode, locked.decided_at, locked.decided_by = PlanStatus.APPROVED, mode, now, actor
        locked.version += 1
        locked.save(update_fields=["status", "approval_mode", "decision_minutes", "decided_at", "decided_by", "version", "updated_at"])
        Meeting.objects.filter(pk=meeting.pk).update(scheduled_date=locked.scheduled_date, theme=locked.theme)
        record(acting, meeting.organization, locked, "dl.plan_decided", {"mode": mode, "version": number, "minutes": bool(kind)})
        if meeting.stage == Stage.PLANNING:
            _advance(meeting, Stage.PREPARING, actor=actor)
        hooks.meeting_changed(meeting.pk)
    return locked


def filing_recipients(meeting) -> list[tuple[str, Organization]]:
    """DL-2.2.c: the 纪委 and the 组织部 of the district above the team (as for the report)."""
    from rectification.report_services import recipients

    return [(office, org) for office, org in recipients(meeting) if office in OFFICES]


def latest_filing_date(meeting) -> datetime.date | None:
    """DL-2.2.c "15日前": the last day the plan may be filed (rulebook parameter, inclusive counting by default)."""
    day = meeting.scheduled_date or getattr(getattr(meeting, "plan", None), "scheduled_date", None)
    if day is None:
        return None
    return dates.days_before(day, _param(meeting, "dl_plan_report_lead_days"), _counting(meeting))


def days_late(latest: datetime.date | None, on: datetime.date | None) -> int:
    if latest is None or on is None:
        return 0
    return max(0, (on - latest).days)


def file_plan(plan: Plan, *, actor, on=None) -> list[PlanFiling]:
    """DL-2.2.c: file the decided plan with both the 纪委 and the 组织部. A late filing is kept
    (and flagged); it blocks the meeting until an inspector overrides it with a reason."""
    now = on or timezone.now()
    with transaction.atomic():
        locked = Plan.objects.select_for_update(of=("self",)).select_related("meeting__organization").get(pk=plan.pk)
        meeting = locked.meeting
        acting = require(actor, "meeting.manage", meeting.organization)
        if locked.status == PlanStatus.FILED:
            raise DomainError("方案已经报备。")
        if locked.status != PlanStatus.APPROVED:
            raise DomainError("方案须先经主要负责同志审定或会议讨论决定，再报上级纪委和组织部门（DL-2.2.b、DL-2.2.c）。")
        version = locked.versions.order_by("-number").first()
        filings = [
            PlanFiling.objects.create(plan=locked, office=office, recipient_organization=org, filed_at=now, filed_by=actor, plan_version=version)
            for office, org in filing_recipients(meeting)
        ]
        locked.status, locked.filed_at = PlanStatus.FILED, now
        locked.version += 1
        locked.save(update_fields=["status", "filed_at", "version", "updated_at"])
        latest = latest_filing_date(meeting)
        late = days_late(latest, timezone.localdate(now))
        record(acting, meeting.organization, locked, "dl.plan_filed", {"offices": [f.office for f in filings], "latest": latest, "late_days": late})
        hooks.meeting_changed(meeting.pk)
    return filings


def receive_plan_filing(filing: PlanFiling, *, actor, comment: str = "") -> PlanFiling:
    """An inspector of the filing's office marks it received (查收), optionally with comments."""
    with transaction.atomic():
        locked = PlanFiling.objects.select_for_update(of=("self",)).select_related("plan__meeting__organization").get(pk=filing.pk)
        organization = locked.plan.meeting.organization
        acting = _office_acting(actor, organization, locked.office)
        if locked.received_at:
            raise DomainError("该份报备已经查收。")
        locked.received_by, locked.received_at, locked.comment = actor, timezone.now(), (comment or "").strip()
        locked.save(update_fields=["received_by", "received_at", "comment"])
        record(acting, organization, locked, "dl.plan_filing_received", {"office": locked.office, "meeting": locked.plan.meeting_id})
    return locked


def _office_acting(actor, organization, office: str) -> Acting:
    from rectification.services import covering_grants

    grants = [g for g in covering_grants(actor, "plan.receive_filing", organization) if g.role == Role.INSPECTOR]
    if not grants:
        raise PermissionDenied("没有接收方案报备的权限")
    grant = next((g for g in grants if g.office == office), None)
    if grant is None:
        raise PermissionDenied(f"该份方案报送{Office(office).label}，须由{Office(office).label}查收")
    return Acting(actor, grant.role, grant.organization_id)


def filing_state(meeting, today=None) -> dict:
    """The plan's filing as the checker sees it: latest day, filed day, days late, overridden."""
    plan = meeting.plan
    latest = latest_filing_date(meeting)
    filed_on = timezone.localdate(plan.filed_at) if plan.filed_at else None
    today = today or timezone.localdate()
    late = days_late(latest, filed_on) if filed_on else (days_late(latest, today) if latest and today > latest else 0)
    overridden = meeting.overrides.filter(rule_id=LATE_FILING_RULE).first()
    return {"latest": latest, "filed_on": filed_on, "late_days": late, "late": late > 0, "override": overridden, "blocked": late > 0 and overridden is None}


def filing_findings(meeting, today=None) -> list:
    """DL-2.2.c through the rulebook itself (both rulebooks): the plan-filing rules only, on a
    snapshot holding just the plan's filing facts."""
    from rulebook.snapshot import MeetingSnapshot, OrgInfo, PlanInfo

    plan = meeting.plan
    filed_on = timezone.localdate(plan.filed_at) if plan.filed_at else None
    offices = frozenset(plan.filings.values_list("office", flat=True))
    snap = MeetingSnapshot(
        meeting_id=meeting.pk,
        kind=MeetingKind.DEMOCRATIC_LIFE,
        organization=OrgInfo(kind=meeting.organization.kind, sector=meeting.organization.sector),
        today=today or timezone.localdate(),
        special=meeting.special,
        year=meeting.year,
        stage=meeting.stage,
        meeting_date=meeting.scheduled_date or plan.scheduled_date,
        plan=PlanInfo(status=plan.status, filed_on=filed_on, filed_offices=offices, approval_mode=plan.approval_mode),
        overrides=frozenset(meeting.overrides.values_list("rule_id", flat=True)),
    )
    return [f for f in rulebook_engine.check(snap, rulebook_of(meeting)) if f.rule_id in ("DL-2.2.c", LATE_FILING_RULE)]


def override(meeting, rule_id: str, reason: str, *, actor) -> GateOverride:
    """A written override of one blocker by a role the rule allows (DL-2.2.c: inspectors only)."""
    lc = _lifecycle()
    if lc is not None and hasattr(lc, "override"):
        return lc.override(meeting, rule_id, reason, actor=actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("豁免须说明理由。")
    rule = rulebook_of(meeting).rule(rule_id)
    if rule is None or not rule.overridable:
        raise DomainError("该规则不允许豁免。")
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        acting = require(actor, "gate.override", locked.organization)
        if acting.role not in rule.override_roles:
            raise PermissionDenied("该项只能由" + "、".join(Role(r).label for r in rule.override_roles) + "豁免")
        if locked.overrides.filter(rule_id=rule_id).exists():
            raise DomainError("该规则已经豁免。")
        row = GateOverride.objects.create(meeting=locked, rule_id=rule_id, reason=reason, by=actor, role=acting.role)
        record(acting, locked.organization, locked, "dl.gate_overridden", {"rule": rule_id, "reason": reason})
        hooks.meeting_changed(locked.pk)
    return row


# -- 3. public notice (DL-2.3) ----------------------------------------------------------------
NOTICE_FIELDS = ("title", "body", "meeting_time_text", "opinion_channels", "opinion_deadline", "form", "scope", "is_public")


def notice_for(meeting) -> PublicNotice | None:
    return meeting.notices.filter(kind=NoticeKind.MEETING_NOTICE).order_by("-pk").first()


def latest_notice_date(meeting) -> datetime.date | None:
    day = meeting.scheduled_date
    return None if day is None else dates.days_before(day, _param(meeting, "dl_public_notice_lead_days"), _counting(meeting))


def save_notice(meeting, *, actor, data: dict) -> PublicNotice:
    """The draft notice (kept until published): time, topic, ways to give opinions, form and scope."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        acting = require(actor, "meeting.manage", locked.organization)
        _require_stage(locked, Stage.PREPARING, Stage.READY, action="发布会议公告")
        notice = notice_for(locked)
        if notice is not None and notice.published_at:
            raise DomainError("公告已经发布，不能修改。")
        notice = notice or PublicNotice(meeting=locked, kind=NoticeKind.MEETING_NOTICE)
        for name in NOTICE_FIELDS:
            if name in data:
                value = data[name]
                setattr(notice, name, value.strip() if isinstance(value, str) else value)
        notice.title = notice.title or f"关于召开{locked.title}的公告"
        notice.save()
        record(acting, locked.organization, notice, "dl.notice_saved", {"fields": sorted(k for k in data if k in NOTICE_FIELDS)})
    return notice


def publish_notice(notice: PublicNotice, *, actor, on=None) -> PublicNotice:
    """DL-2.3.a–c: publish; time, topic and opinion channels are required; the date is stamped
    (a late notice is published but stays a blocker until overridden)."""
    now = on or timezone.now()
    with transaction.atomic():
        locked = PublicNotice.objects.select_for_update(of=("self",)).select_related("meeting__organization").get(pk=notice.pk)
        meeting = locked.meeting
        acting = require(actor, "meeting.manage", meeting.organization)
        if locked.published_at:
            raise DomainError("公告已经发布。")
        missing = [
            label
            for name, label in (
                ("meeting_time_text", "召开时间"),
                ("body", "会议主题和有关事项"),
                ("opinion_channels", "征求意见方式"),
                ("form", "公布形式"),
                ("scope", "公布范围"),
            )
            if not (getattr(locked, name) or "").strip()
        ]
        if missing:
            raise DomainError(f"公告还缺少：{'、'.join(missing)}（DL-2.3.b、DL-2.3.c）。")
        if meeting.theme and meeting.theme not in locked.body and meeting.theme not in locked.title:
            raise DomainError(f"公告须写明会议主题“{meeting.theme}”（DL-2.3.b）。")
        locked.published_at, locked.published_by = now, actor
        locked.save(update_fields=["published_at", "published_by"])
        latest = latest_notice_date(meeting)
        record(acting, meeting.organization, locked, "dl.notice_published", {"latest": latest, "late_days": days_late(latest, timezone.localdate(now))})
        hooks.meeting_changed(meeting.pk)
    return locked


def notice_default_body(meeting) -> str:
    plan = meeting.plan
    when = f"{plan.scheduled_date:%Y年%-m月%-d日}" if plan.scheduled_date else "（日期待定）"
    return (
        f"根据上级纪委和组织部门的安排，{meeting.leading_team or meeting.organization.name}定于{when}召开{meeting.year}年度民主生活会，"
        f"主题是：{meeting.theme or plan.theme}。为开好这次民主生活会，现向党内外群众公开征求对领导班子和班子成员的意见建议。"
    )


# -- 4. the meeting (DL-1.3, DL-3.*) ---------------------------------------------------------
def team_order(meeting) -> list:
    """The leaders in round order: main leader first, then the plan's (team rank) order (DL-3.3.c/d)."""
    team = meeting.leading_team
    if team is None:
        return []
    on = meeting.scheduled_date or timezone.localdate()
    seats = list(team.current_memberships(on))
    seats.sort(key=lambda s: (not s.is_main_leader, s.rank, s.pk))
    return seats


def main_leader_of(meeting):
    seats = team_order(meeting)
    return seats[0].member if seats and seats[0].is_main_leader else None


def dl_sitting(meeting) -> Sitting | None:
    return meeting.sittings.filter(kind=SittingKind.DEMOCRATIC_LIFE).first()


def open_sitting(meeting, *, actor, date=None, place: str = "", guide=None, guide_name: str = "", recorder: str = "") -> Sitting:
    """Open the 民主生活会 with only the fixed agenda ①–⑦ (DL-1.3, DL-3.2): ⑤ has one item per
    other leader in the team's order. Refused while the plan filing is late and not overridden."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update(of=("self",)).select_related("organization", "leading_team").get(pk=meeting.pk)
        acting = require(actor, "meeting.manage", locked.organization)
        if locked.leading_team_id is None:
            raise DomainError("民主生活会须属于一个领导班子（DL-0.3）。")
        _require_stage(locked, Stage.READY, action="召开民主生活会")
        state = filing_state(locked)
        if locked.plan.status != PlanStatus.FILED:
            raise DomainError("方案尚未报上级纪委和组织部门，不能召开民主生活会（DL-2.2.c）。")
        if state["blocked"]:
            raise DomainError(
                f"方案报备晚于召开前{_param(locked, 'dl_plan_report_lead_days')}日（最迟{state['latest']:%Y年%-m月%-d日}，逾期{state['late_days']}日），"
                "须由纪委或组织部门说明理由豁免后方可召开（DL-2.2.c）。"
            )
        if dl_sitting(locked) is not None:
            raise DomainError("民主生活会已经开始记录。")
        seats = team_order(locked)
        if not seats or not seats[0].is_main_leader:
            raise DomainError("领导班子没有在任主要负责人，无法按规定顺序召开（DL-3.3.c）。")
        day = date or locked.scheduled_date or timezone.localdate()
        sitting = Sitting.objects.create(
            meeting=locked,
            kind=SittingKind.DEMOCRATIC_LIFE,
            order=1,
            status=SittingStatus.OPEN,
            date=day,
            started_at=timezone.now(),
            place=(place or locked.plan.place or "").strip(),
            host=seats[0].member,
            guide=guide,
            guide_name=(guide_name or "").strip(),
            recorder=(recorder or "").strip(),
        )
        order = 0
        for slot in DLSlot:
            subjects = [s.member for s in seats[1:]] if slot == DLSlot.MEMBER_ROUNDS else [seats[0].member if slot == DLSlot.MAIN_LEADER_ROUND else None]
            for subject in subjects:
                order += 1
                title = slot.label if subject is None or slot != DLSlot.MEMBER_ROUNDS else f"⑤{subject.name}同志对照检查、相互批评"
                notes = slot_two_notes(locked) if slot == DLSlot.LAST_RECTIFICATION else ""
                AgendaItem.objects.create(sitting=sitting, order=order, slot=slot, title=title, subject=subject, notes=notes)
        Attendance.objects.bulk_create([Attendance(sitting=sitting, member=s.member) for s in seats])
        record(acting, locked.organization, sitting, "dl.sitting_opened", {"date": day, "agenda": order})
        hooks.meeting_changed(locked.pk)
    return sitting


def slot_two_notes(meeting) -> str:
    """DL-3.2.b ②: the previous meeting's items (open / closed / overdue) and this meeting's opinions."""
    from rectification.carryover import carry_over

    co = carry_over(meeting)
    lines = []
    if co["previous"] is None:
        lines.append("上次民主生活会：无记录。")
    else:
        lines.append(
            f"上次民主生活会（{co['previous'].title}）整改措施{co['total']}项：已销号{co['closed']}项，整改中{co['open']}项，其中逾期{co['overdue']}项。"
        )
        for item in co["items"][:20]:
            lines.append(f"· {item.problem.description}——{item.get_status_display()}")
    summary = meeting.opinion_summaries.order_by("-number").first()
    opinions = meeting.opinions.filter(merged_into__isnull=True)
    lines.append(
        f"本次会前共征求到意见建议{opinions.count()}条（对班子{opinions.filter(target='team').count()}条）" + ("，已形成征求意见汇总。" if summary else "。")
    )
    if summary and summary.intro:
        lines.append(summary.intro)
    return "\n".join(lines)


def current_item(sitting) -> AgendaItem | None:
    return sitting.agenda.filter(completed_at__isnull=True).order_by("order").first()


def _lock_sitting(sitting) -> Sitting:
    return Sitting.objects.select_for_update(of=("self",)).select_related("meeting__organization", "meeting__leading_team").get(pk=sitting.pk)


def _require_open(sitting):
    if sitting.status != SittingStatus.OPEN:
        raise DomainError("会议记录已结束，不能再修改。" if sitting.status == SittingStatus.CLOSED else "会议尚未开始。")


def _check_current(sitting, item: AgendaItem) -> AgendaItem:
    current = current_item(sitting)
    if item.sitting_id != sitting.pk:
        raise DomainError("该议程不属于本次会议。")
    if current is None:
        raise DomainError("议程已全部完成。")
    if item.completed_at:
        raise DomainError(f"“{item.title}”已经完成，不能再补记（DL-3.2）。")
    if item.pk != current.pk:
        raise DomainError(f"议程须按顺序进行：当前应进行“{current.title}”，不能先记录“{item.title}”（DL-3.2、DL-3.3.c）。")
    return current


def add_agenda_item(sitting, *, actor, title: str):
    """DL-1.3: a 民主生活会 takes no other agenda item. Always refused (with the reason)."""
    require(actor, "meeting.record", sitting.meeting.organization)
    raise DomainError(OFF_AGENDA_MESSAGE)


def _present(sitting) -> dict[int, Attendance]:
    return {a.member_id: a for a in sitting.attendance.select_related("member", "proxy")}


def _leaders(sitting) -> list:
    return [s.member for s in team_order(sitting.meeting)]


def _is_absent(att: Attendance | None) -> bool:
    return att is not None and att.mode == ParticipationMode.ABSENT


def round_state(sitting, item: AgendaItem) -> dict:
    """Who has spoken in a ③/④/⑤ item and who is next (the criticism order of DL-3.3.e/f)."""
    said = list(item.criticisms.order_by("seq"))
    att = _present(sitting)
    leaders = _leaders(sitting)
    if item.slot == DLSlot.TEAM_EXAMINATION:
        main = leaders[0]
        others = [m for m in leaders[1:] if not _is_absent(att.get(m.pk))]
        has_report = any(c.kind == CriticismKind.REPORT for c in said)
        commented = {c.speaker_id for c in said if c.kind == CriticismKind.MUTUAL and c.speaker_id}
        missing = [m for m in others if m.pk not in commented]
        return {
            "subject": None,
            "main": main,
            "has_self": has_report,
            "critics": others,
            "missing": missing,
            "has_response": True,
            "next": None if not has_report else (missing[0] if missing else None),
        }
    subject = item.subject
    absent = _is_absent(att.get(subject.pk))
    critics = [m for m in leaders if m.pk != subject.pk and not _is_absent(att.get(m.pk))]
    has_self = any(c.kind == CriticismKind.SELF for c in said)
    done = {c.speaker_id for c in said if c.kind == CriticismKind.MUTUAL and c.speaker_id}
    missing = [m for m in critics if m.pk not in done]
    has_response = any(c.kind == CriticismKind.RESPONSE for c in said)
    return {
        "subject": subject,
        "absent": absent,
        "proxy": att.get(subject.pk).proxy if absent else None,
        "has_self": has_self,
        "critics": critics,
        "missing": missing,
        "has_response": has_response,
        "next": missing[0] if has_self and missing else None,
    }


def record_statement(
    sitting,
    *,
    actor,
    item: AgendaItem,
    kind: str,
    content: str,
    speaker=None,
    observer: Observer | None = None,
    suggestion: str = "",
    about_team: bool = False,
) -> Criticism:
    """One entry of the record, refused when out of order:
    ③ the main leader's team report first, then the others' comments (DL-3.2.c);
    ④/⑤ the subject's self-criticism, then each other present leader in the team's order,
    then the subject's response, which closes the round (DL-3.2.d/e, DL-3.3.c–f).
    Observers may add criticism or suggestions after the self-criticism (DL-1.4.b)."""
    content = (content or "").strip()
    if not content:
        raise DomainError("请填写发言内容（具体问题和事实，DL-3.3.h）。")
    with transaction.atomic():
        locked = _lock_sitting(sitting)
        meeting = locked.meeting
        acting = require(actor, "meeting.record", meeting.organization)
        _require_open(locked)
        item = _check_current(locked, AgendaItem.objects.get(pk=item.pk))
        if item.slot not in (DLSlot.TEAM_EXAMINATION, DLSlot.MAIN_LEADER_ROUND, DLSlot.MEMBER_ROUNDS):
            raise DomainError(f"“{item.title}”不记录批评发言，请填写本议程记录后完成本项。")
        state = round_state(locked, item)
        leaders = {m.pk: m for m in _leaders(locked)}
        target, team = None, False
        if observer is not None:
            if observer.sitting_id != locked.pk:
                raise DomainError("该列席人员不属于本次会议。")
            if kind != CriticismKind.MUTUAL:
                raise DomainError("列席人员可以提出批评或建议（DL-1.4.b），不作自我批评或表态。")
            if not state["has_self"]:
                raise DomainError("请在对照检查之后再记录列席人员的批评建议。")
            if state["has_response"] and item.slot != DLSlot.TEAM_EXAMINATION:
                raise DomainError("本轮已表态结束，不能再记录批评。")
            speaker = None
            team = item.slot == DLSlot.TEAM_EXAMINATION
            target = None if team else state["subject"]
        else:
            if speaker is None or speaker.pk not in leaders:
                raise DomainError("发言人须为本班子成员（列席人员请选择列席人）。")
            if kind not in (CriticismKind.SELF, CriticismKind.REPORT) and _is_absent(_present(locked).get(speaker.pk)):
                if kind == CriticismKind.RESPONSE:
                    raise DomainError(f"{speaker.name}同志缺席，无法当场表态；批评意见会后转达本人（DL-3.3.j）。")
                raise DomainError(f"{speaker.name}同志缺席本次会议，不能记录其发言。")
            if item.slot == DLSlot.TEAM_EXAMINATION:
                if kind == CriticismKind.REPORT:
                    if speaker.pk != state["main"].pk:
                        raise DomainError("班子对照检查由主要负责人代表班子进行（DL-3.2.c）。")
                    if state["has_self"]:
                        raise DomainError("班子对照检查已经记录。")
                elif kind == CriticismKind.MUTUAL:
                    if not state["has_self"]:
                        raise DomainError(f"请先由{state['main'].name}同志代表班子进行对照检查，其他同志再发表意见（DL-3.2.c、DL-3.3.d）。")
                    if speaker.pk == state["main"].pk:
                        raise DomainError("主要负责人已代表班子对照检查，由班子其他成员发表意见。")
                    if speaker not in state["missing"]:
                        raise DomainError(f"{speaker.name}同志已经发表过意见（或缺席）。")
                    team = True
                else:
                    raise DomainError("议程③只记录班子对照检查和其他成员的意见。")
            else:
                subject = state["subject"]
                if kind == CriticismKind.SELF:
                    if speaker.pk != subject.pk:
                        raise DomainError(f"本轮是{subject.name}同志的对照检查，自我批评须由本人进行（缺席的由代读人宣读其发言提纲，DL-3.3.i）。")
                    if state["has_self"]:
                        raise DomainError("本轮自我批评已经记录。")
                    if state["absent"]:
                        proxy = state["proxy"]
                        content = f"（{subject.name}同志因故缺席，发言提纲由{proxy.name if proxy else '有关同志'}同志代为宣读）\n{content}"
                elif kind == CriticismKind.MUTUAL:
                    if not state["has_self"]:
                        raise DomainError(f"请先由{subject.name}同志对照检查、自我批评，其他同志再逐一提出批评（DL-3.3.e）。")
                    if state["has_response"]:
                        raise DomainError(f"{subject.name}同志已经表态，本轮结束，不能再记录批评（DL-3.3.f）。")
                    expected = state["next"]
                    if expected is None or speaker.pk != expected.pk:
                        if speaker.pk == subject.pk:
                            raise DomainError("不能批评自己；自我批评请选择“自我批评”。")
                        if expected is None:
                            raise DomainError("其他同志已逐一提出批评，请记录本人的回应表态。")
                        raise DomainError(f"请按顺序开展批评：现在应由{expected.name}同志对{subject.name}同志提出批评（DL-3.3.e）。")
                    target = subject
                elif kind == CriticismKind.RESPONSE:
                    if speaker.pk != subject.pk:
                        raise DomainError(f"回应表态须由{subject.name}同志本人作出（DL-3.3.f）。")
                    if state["absent"]:
                        raise DomainError(f"{subject.name}同志缺席，无法当场表态；批评意见会后转达本人（DL-3.3.j）。")
                    if state["missing"] or not state["has_self"]:
                        names = "、".join(m.name for m in state["missing"])
                        raise DomainError(f"回应表态须在其他同志逐一批评之后（DL-3.3.f）；还未发言：{names or '本人自我批评'}。")
                    if state["has_response"]:
                        raise DomainError("本轮已经表态。")
                else:
                    raise DomainError("请选择发言类型：自我批评、相互批评或回应表态。")
        seq = (locked.criticisms.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
        entry = Criticism.objects.create(
            sitting=locked,
            agenda_item=item,
            seq=seq,
            kind=kind,
            speaker=speaker,
            speaker_observer=observer,
            target=target,
            about_team=team or kind == CriticismKind.REPORT,
            content=content,
            suggestion=(suggestion or "").strip(),
            recorded_by=actor,
        )
        if not item.started_at:
            item.started_at = timezone.now()
            item.save(update_fields=["started_at"])
        if kind == CriticismKind.RESPONSE:
            item.completed_at = timezone.now()
            item.save(update_fields=["completed_at"])
        record(acting, meeting.organization, entry, "dl.statement_recorded", {"seq": seq, "kind": kind, "slot": item.slot, "order": item.order})
    return entry


def complete_item(item: AgendaItem, *, actor, notes: str = "") -> AgendaItem:
    """Finish the current agenda item: ①② with their record; ③ when everyone present has commented;
    a round whose subject is absent once every present leader has criticised (DL-3.3.i/j)."""
    with transaction.atomic():
        sitting = _lock_sitting(item.sitting)
        acting = require(actor, "meeting.record", sitting.meeting.organization)
        _require_open(sitting)
        item = _check_current(sitting, AgendaItem.objects.get(pk=item.pk))
        notes = (notes or "").strip() or item.notes
        if item.slot in (DLSlot.OPENING, DLSlot.LAST_RECTIFICATION):
            if not notes:
                raise DomainError("请填写本议程的记录。")
        elif item.slot in (DLSlot.TEAM_EXAMINATION, DLSlot.MAIN_LEADER_ROUND, DLSlot.MEMBER_ROUNDS):
            state = round_state(sitting, item)
            if not state["has_self"]:
                raise DomainError("本项的对照检查还没有记录。")
            if state["missing"]:
                raise DomainError(f"还有同志没有发言：{'、'.join(m.name for m in state['missing'])}（DL-3.2.c、DL-3.3.e）。")
            if item.slot != DLSlot.TEAM_EXAMINATION and not state["has_response"] and not state["absent"]:
                raise DomainError(f"请记录{state['subject'].name}同志对批评意见的回应表态（DL-3.3.f）。")
        elif item.slot == DLSlot.COMMENTARY:
            raise DomainError("请填写上级领导点评（议程⑥），保存后本项自动完成。")
        elif item.slot == DLSlot.CLOSING:
            raise DomainError("请填写主要负责人小结（议程⑦），保存后本项自动完成。")
        item.notes = notes
        item.started_at = item.started_at or timezone.now()
        item.completed_at = timezone.now()
        item.save(update_fields=["notes", "started_at", "completed_at"])
        record(acting, sitting.meeting.organization, item, "dl.agenda_completed", {"slot": item.slot, "order": item.order})
    return item


def set_attendance(sitting, member, *, actor, mode: str, absence_reason: str = "", proxy=None) -> Attendance:
    """DL-3.3.i: an absent leader's reason and the colleague who reads their outline."""
    with transaction.atomic():
        locked = _lock_sitting(sitting)
        acting = require(actor, "meeting.record", locked.meeting.organization)
        _require_open(locked)
        att = Attendance.objects.select_for_update().filter(sitting=locked, member=member).first()
        if att is None:
            raise DomainError("只登记本班子成员的出席情况；列席人员请在“列席人员”中登记。")
        if mode == ParticipationMode.ABSENT:
            if not (absence_reason or "").strip():
                raise DomainError("请填写缺席原因（DL-3.3.i）。")
            if proxy is None:
                raise DomainError("请指定代为宣读发言提纲的同志（DL-3.3.i）。")
            proxy_att = Attendance.objects.filter(sitting=locked, member=proxy).first()
            if proxy.pk == member.pk or proxy_att is None or proxy_att.mode == ParticipationMode.ABSENT:
                raise DomainError("代读人须为出席会议的其他班子成员。")
            if member.pk == main_leader_of(locked.meeting).pk:
                raise DomainError("主要负责人主持会议、代表班子对照检查，不能缺席；请调整会议时间。")
        elif mode != ParticipationMode.IN_PERSON:
            raise DomainError("班子成员须现场参加；因故不能出席的登记为缺席并指定代读人。")
        started = locked.criticisms.filter(agenda_item__subject=member).exists()
        if started:
            raise DomainError(f"{member.name}同志的对照检查已经开始，不能再修改出席情况。")
        att.mode = mode
        att.absence_reason = (absence_reason or "").strip() if mode == ParticipationMode.ABSENT else ""
        att.proxy = proxy if mode == ParticipationMode.ABSENT else None
        att.save(update_fields=["mode", "absence_reason", "proxy"])
        record(acting, locked.meeting.organization, att, "dl.attendance_set", {"member": member.pk, "mode": mode, "proxy": getattr(proxy, "pk", None)})
    return att


def add_observer(sitting, *, actor, name: str, category: str, affiliation: str = "") -> Observer:
    """DL-1.4.a: 列席人员 with their category, kept apart from the participants."""
    if not (name or "").strip():
        raise DomainError("请填写列席人员姓名。")
    if category not in ObserverCategory.values:
        raise DomainError("请选择列席人员类别（两代表一委员、基层干部、服务对象、离退休老同志、民主党派人士）。")
    with transaction.atomic():
        locked = _lock_sitting(sitting)
        acting = require(actor, "meeting.record", locked.meeting.organization)
        if locked.status == SittingStatus.CLOSED:
            raise DomainError("会议记录已结束。")
        observer = Observer.objects.create(sitting=locked, name=name.strip(), category=category, affiliation=(affiliation or "").strip())
        record(acting, locked.meeting.organization, observer, "dl.observer_added", {"category": category})
    return observer


def record_commentary(sitting, *, actor, on_preparation: str, on_criticism: str, on_effect: str, guidance: list[str]) -> Commentary:
    """⑥ DL-3.2.f / DL-3.4.a/b: the guiding leader's 点评 on three aspects, with expectations."""
    parts = {"on_preparation": on_preparation, "on_criticism": on_criticism, "on_effect": on_effect}
    missing = [
        label
        for key, label in (("on_preparation", "准备情况"), ("on_criticism", "批评与自我批评情况"), ("on_effect", "会议效果"))
        if not (parts[key] or "").strip()
    ]
    if missing:
        raise DomainError(f"点评须涵盖准备情况、批评与自我批评情况和会议效果，还缺：{'、'.join(missing)}（DL-3.4.a）。")
    with transaction.atomic():
        locked = _lock_sitting(sitting)
        meeting = locked.meeting
        acting = require(actor, "meeting.guide", meeting.organization)
        _require_open(locked)
        current = current_item(locked)
        if current is None or current.slot != DLSlot.COMMENTARY:
            raise DomainError(f"上级领导点评在班子成员逐一对照检查之后进行（DL-3.2.f）；当前应进行“{current.title if current else '—'}”。")
        commentary = Commentary.objects.create(
            meeting=meeting,
            sitting=locked,
            author=actor,
            **{k: v.strip() for k, v in parts.items()},
            guidance=[g.strip() for g in guidance if g and g.strip()],
        )
        if locked.guide_id is None:
            locked.guide = actor
            locked.save(update_fields=["guide"])
        current.completed_at = current.started_at = timezone.now()
        current.save(update_fields=["started_at", "completed_at"])
        record(acting, meeting.organization, commentary, "dl.commentary_recorded", {"guidance": len(commentary.guidance)})
    return commentary


def record_closing(sitting, *, actor, shortcomings: str, rectification_opinions: str, commitment: str, opinions_response: str = "") -> Closing:
    """⑦ DL-3.2.g / DL-3.4.c: the main leader's summary, last, with reference to the 点评."""
    parts = {"shortcomings": shortcomings, "rectification_opinions": rectification_opinions, "commitment": commitment}
    missing = [
        label
        for key, label in (("shortcomings", "指出不足"), ("rectification_opinions", "提出整改意见"), ("commitment", "表明整改态度"))
        if not (parts[key] or "").strip()
    ]
    if missing:
        raise DomainError(f"小结须{'、'.join(missing)}（DL-3.4.c）。")
    with transaction.atomic():
        locked = _lock_sitting(sitting)
        meeting = locked.meeting
        acting = require(actor, "meeting.record", meeting.organization)
        _require_open(locked)
        current = current_item(locked)
        if current is None or current.slot != DLSlot.CLOSING:
            raise DomainError(f"小结是最后一项议程，在上级领导点评之后进行（DL-3.2.g）；当前应进行“{current.title if current else '—'}”。")
        closing = Closing.objects.create(
            meeting=meeting, author=main_leader_of(meeting), opinions_response=(opinions_response or "").strip(), **{k: v.strip() for k, v in parts.items()}
        )
        current.completed_at = current.started_at = timezone.now()
        current.save(update_fields=["started_at", "completed_at"])
        record(acting, meeting.organization, closing, "dl.closing_recorded", {})
    return closing


def close_sitting(sitting, *, actor) -> Sitting:
    """End the record once ①–⑦ are done; create the relay task for each absent leader (DL-3.3.j)
    and move the meeting to HELD."""
    with transaction.atomic():
        locked = _lock_sitting(sitting)
        meeting = locked.meeting
        acting = require(actor, "meeting.manage", meeting.organization)
        _require_open(locked)
        left = current_item(locked)
        if left is not None:
            raise DomainError(f"议程尚未全部完成：当前应进行“{left.title}”（DL-3.2.g）。")
        now = timezone.now()
        locked.status, locked.ended_at = SittingStatus.CLOSED, now
        locked.version += 1
        locked.save(update_fields=["status", "ended_at", "version"])
        tasks, due = relay_tasks(locked, now)
        record(acting, meeting.organization, locked, "dl.sitting_closed", {"relay_tasks": [t.pk for t in tasks], "due": due})
        _advance(meeting, Stage.HELD, actor=actor)
        hooks.meeting_changed(meeting.pk)
    return locked


def relay_tasks(sitting, now=None) -> tuple[list[Feedback], datetime.date]:
    """DL-3.3.j: one task per absent leader listing the criticism aimed at them, due
    `dl_absent_feedback_days` after the meeting (idempotent)."""
    meeting = sitting.meeting
    ended = sitting.date or timezone.localdate(now or timezone.now())
    due = dates.days_after(ended, _param(meeting, "dl_absent_feedback_days") or 7, _counting(meeting))
    tasks = []
    for att in sitting.attendance.filter(mode=ParticipationMode.ABSENT).select_related("member"):
        if Feedback.objects.filter(meeting=meeting, kind=FeedbackKind.ABSENT_CRITICISM, recipient=att.member).exists():
            continue
        aimed = sitting.criticisms.filter(target=att.member, kind=CriticismKind.MUTUAL).order_by("seq").select_related("speaker", "speaker_observer")
        lines = [f"{(c.speaker.name if c.speaker else c.speaker_observer.name if c.speaker_observer else '上级领导')}：{c.content}" for c in aimed]
        tasks.append(Feedback.objects.create(meeting=meeting, kind=FeedbackKind.ABSENT_CRITICISM, recipient=att.member, content="\n".join(lines), due_on=due))
    return tasks, due


def record_relay(feedback: Feedback, *, actor, delivered_on, mode: str, acknowledged_on=None) -> Feedback:
    """DL-3.3.j: the criticism was passed on to the absent leader (the task is done)."""
    if delivered_on is None:
        raise DomainError("请填写转达日期。")
    if mode not in FeedbackMode.values:
        raise DomainError("请选择转达方式。")
    with transaction.atomic():
        locked = Feedback.objects.select_for_update(of=("self",)).select_related("meeting__organization").get(pk=feedback.pk)
        acting = require(actor, "meeting.record", locked.meeting.organization)
        if locked.kind != FeedbackKind.ABSENT_CRITICISM:
            raise DomainError("这不是向缺席同志转达批评意见的任务。")
        if locked.delivered_on:
            raise DomainError("已经转达。")
        sitting = dl_sitting(locked.meeting)
        if sitting and sitting.date and delivered_on < sitting.date:
            raise DomainError("转达日期不能早于会议日期。")
        locked.delivered_on, locked.mode, locked.delivered_by, locked.acknowledged_on = delivered_on, mode, actor, acknowledged_on
        locked.save(update_fields=["delivered_on", "mode", "delivered_by", "acknowledged_on"])
        late = days_late(locked.due_on, delivered_on)
        record(acting, locked.meeting.organization, locked, "dl.relay_recorded", {"recipient": locked.recipient_id, "late_days": late})
        hooks.meeting_changed(locked.meeting_id)
    return locked


# -- 5. after the meeting (DL-4.1) -------------------------------------------------------------
@dataclass
class Measure:
    description: str
    goal: str
    measures: str
    deadline: datetime.date | None
    owner: object = None  # Member for personal measures, None for the team


def add_measure(meeting, *, actor, measure: Measure):
    """DL-4.1.a/b: a team measure (deadline, responsibility) or a leader's personal measure,
    entered straight into the rectification ledger (problem + final item)."""
    from rectification import services as rect
    from rectification.choices import ProblemScope, ProblemSource

    if meeting.stage not in (Stage.HELD, Stage.RECTIFYING, Stage.REPORTED):
        raise DomainError("会后整改措施在民主生活会召开之后制定（DL-4.1）。")
    if not (measure.measures or "").strip() or measure.deadline is None:
        raise DomainError("整改措施须写明具体措施和完成时限（DL-4.1.a）。")
    if measure.owner is not None and measure.owner.pk not in {s.member_id for s in team_order(meeting)}:
        raise DomainError("个人整改措施的责任人须为本班子成员（DL-4.1.b）。")
    with transaction.atomic():
        scope = ProblemScope.PERSONAL if measure.owner is not None else ProblemScope.ORGANIZATION
        problem = rect.add_problem(
            meeting, actor=actor, source=ProblemSource.CRITICISM, description=measure.description, scope=scope, owner_member=measure.owner
        )
        responsible = measure.owner or main_leader_of(meeting)
        item = rect.create_item(
            problem, actor=actor, goal=measure.goal or measure.description, measures=measure.measures, responsible_member=responsible, deadline=measure.deadline
        )
        item = rect.finalize_item(item, actor=actor)
    return item


# -- 分管 (P-DL-2.6.c): the units each leader oversees ------------------------------------------
def oversight_candidates(team):
    """The units a leader of `team` may oversee: active organizations below the team's own."""
    org = team.organization
    return Organization.objects.filter(path__startswith=org.path, depth__gt=org.depth, is_active=True).order_by("path")


def set_overseen_units(membership, *, actor, organizations) -> list:
    """Record which units a leader oversees (分管). The head of each unit (its secretary) is then
    one of the leader's talk partners (P-DL-2.6.c). Only the team's managers (the main leader)
    edit it; units must lie below the team's organization."""
    from organizations.models import LeadingTeamMembership

    with transaction.atomic():
        membership = LeadingTeamMembership.objects.select_for_update().select_related("team__organization", "member").get(pk=membership.pk)
        team = membership.team
        acting = require(actor, "meeting.manage", team.organization)
        if membership.ended_on is not None and membership.ended_on < timezone.localdate():
            raise DomainError(f"{membership.member.name}已不在班子中，不能再设置分管单位。")
        wanted = {o.pk for o in organizations}
        allowed = set(oversight_candidates(team).filter(pk__in=wanted).values_list("pk", flat=True))
        if wanted - allowed:
            raise DomainError("分管单位须为本班子所在党组织的下级党组织。")
        before = sorted(membership.overseen.values_list("pk", flat=True))
        membership.overseen.set(sorted(wanted))
        record(acting, team.organization, membership, "team.overseen_set", {"member": membership.member_id, "before": before, "after": sorted(wanted)})
    return sorted(wanted)
