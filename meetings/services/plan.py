"""方案 (OL-2.1): a prefilled draft, optimistic locking, submission to the superior, approval or
return with written reasons, a frozen `PlanVersion` per submission. Approval opens the
preparation (PLANNING → PREPARING); an approved plan is read-only."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.permissions import require
from audit.services import record
from core import hooks
from core.errors import ConcurrentEditError, DomainError
from rulebook import engine

from .. import lifecycle
from ..choices import MeetingKind, PlanStatus, Stage
from ..models import Plan, PlanVersion

READ_ONLY = (PlanStatus.APPROVED, PlanStatus.FILED)


def prefill(meeting, rulebook=None, *, has_committee: bool | None = None, member_count: int | None = None) -> dict:
    """The draft's starting content, from the branch and the rulebook (no query when the
    caller passes `has_committee`; the campaign does, for thousands of branches at once)."""
    rb = rulebook or lifecycle.rulebook_of(meeting)
    campaign = meeting.campaign if meeting.campaign_id else None
    theme = campaign.theme if campaign else meeting.theme
    requirements = (campaign.requirements if campaign else "") or ""
    if meeting.kind == MeetingKind.DEMOCRATIC_LIFE:
        return {"theme": theme, "requirements": requirements}
    committee = meeting.organization.has_committee if has_committee is None else has_committee
    count = f"（{member_count}名）" if member_count else ""
    days = rb.param("ol_study_min_days")
    half_day = rb.param("ol_study_concentrated_min_days")
    if committee:
        form = "先召开支部委员会（支委会），再召开党员大会"
        agenda = "一、支委会：支部书记带头对照检查，支委逐一开展批评和自我批评；\n二、党员大会：支部书记代表支委会对照检查，党员逐一发言、开展批评和自我批评；\n三、上级党组织点评；\n四、支部书记小结。"
    else:
        form = "召开党员大会（不设支委会），结合开展民主评议党员"
        agenda = "一、支部书记对照检查；\n二、党员逐一发言、开展批评和自我批评；\n三、民主评议党员；\n四、上级党组织点评；\n五、支部书记小结。"
    return {
        "theme": theme,
        "form": form,
        "participants": f"本支部全体党员{count}；年老体弱、流动党员可采取送学上门、线上等方式参加",
        "agenda": agenda,
        "preparation": (
            f"会前学习原则上不少于{_num(days)}天，其中集中学习不少于{_num(half_day)}天；"
            "通过个别谈话、集体座谈、上门走访等方式广泛征求意见；开展谈心谈话；认真撰写对照检查材料。"
        ),
        "requirements": requirements or "全体党员按时参加，认真开展批评和自我批评，会后制定整改措施并抓好落实。",
    }


def _num(v) -> str:
    return f"{float(v):g}"


def content_of(plan: Plan) -> dict:
    out = {}
    for name in Plan.CONTENT_FIELDS:
        value = getattr(plan, name)
        out[name] = value.isoformat() if isinstance(value, datetime.date | datetime.time) else value
    return out


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update(of=("self",)).select_related("meeting__organization").get(pk=plan.pk)


def _refresh(target: Plan, source: Plan) -> Plan:
    for f in Plan._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    return target


def _writable(locked: Plan) -> None:
    if locked.status in READ_ONLY:
        raise DomainError("方案已经上级党组织审核同意，不能再修改。")
    if locked.status == PlanStatus.SUBMITTED:
        raise DomainError("方案已报上级党组织审核，审核结果出来前不能修改。")


def save_plan(plan: Plan, data: dict, *, actor, version: int) -> Plan:
    """Save the draft (a half-finished plan is fine). `version` is the one the form was loaded
    with: a stale version raises `ConcurrentEditError` and changes nothing."""
    with transaction.atomic():
        locked = _lock(plan)
        meeting = locked.meeting
        acting = require(actor, "meeting.manage", meeting.organization)
        _writable(locked)
        if int(version) != locked.version:
            raise ConcurrentEditError()
        before = content_of(locked)
        changed = []
        for name in Plan.CONTENT_FIELDS:
            if name in data:
                value = data[name]
                if isinstance(value, str):
                    value = value.strip()
                setattr(locked, name, value)
                changed.append(name)
        locked.version += 1
        locked.updated_by = getattr(actor, "user", actor)
        locked.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
        after = content_of(locked)
        meeting_fields = []
        if meeting.scheduled_date != locked.scheduled_date:
            meeting.scheduled_date = locked.scheduled_date
            meeting_fields.append("scheduled_date")
        if locked.theme and meeting.theme != locked.theme:
            meeting.theme = locked.theme
            meeting_fields.append("theme")
        if meeting_fields:
            meeting.save(update_fields=meeting_fields)
        diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        record(acting, meeting.organization, locked, "plan.saved", {"changed": diff, "version": locked.version})
        hooks.meeting_changed(meeting.pk)
    return _refresh(plan, locked)


def submission_blockers(plan: Plan) -> list:
    """The rulebook's blockers on the plan itself (OL-2.1.b …): those gating PREPARING except
    the approval rule, which the submission is there to satisfy."""
    meeting = plan.meeting
    rb = lifecycle.rulebook_of(meeting)
    found = lifecycle.findings(meeting)
    return [f for f in engine.blockers(found, Stage.PREPARING) if (rule := rb.rule(f.rule_id)) is None or rule.check != "plan_decided"]


def submit_plan(plan: Plan, *, actor, version: int | None = None) -> PlanVersion:
    """Freeze a version and send it to the superior for approval (OL-2.1.c)."""
    with transaction.atomic():
        locked = _lock(plan)
        meeting = locked.meeting
        acting = require(actor, "meeting.manage", meeting.organization)
        _writable(locked)
        if version is not None and int(version) != locked.version:
            raise ConcurrentEditError()
        if meeting.stage != Stage.PLANNING:
            raise DomainError(f"会议已处于“{lifecycle.stage_label(meeting.stage)}”阶段，方案无需再报审。")
        blocking = submission_blockers(locked)
        if blocking:
            raise lifecycle.GateError("方案还不完整，不能报审。", blocking)
        number = locked.versions.count() + 1
        user = getattr(actor, "user", actor)
        pv = PlanVersion.objects.create(plan=locked, number=number, content=content_of(locked), submitted_by=user)
        locked.status = PlanStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "submitted_at", "version", "updated_at"])
        record(acting, meeting.organization, locked, "plan.submitted", {"number": number})
        hooks.meeting_changed(meeting.pk)
    _refresh(plan, locked)
    return pv


def _decision_acting(locked: Plan, actor):
    meeting = locked.meeting
    acting = require(actor, "plan.approve", meeting.organization)
    user = getattr(actor, "user", actor)
    latest = locked.versions.order_by("-number").first()
    from organizations.models import Member

    own_branch = Member.objects.filter(user=user, organization_id=meeting.organization_id).exists()
    if (latest and latest.submitted_by_id == user.pk) or locked.updated_by_id == user.pk or own_branch:
        raise DomainError("不能审核自己或本组织报审的方案，请由上级党组织其他审核人审核。")
    if locked.status != PlanStatus.SUBMITTED or latest is None:
        raise DomainError(
            {PlanStatus.APPROVED: "方案已经审核同意，无需重复审核。", PlanStatus.RETURNED: "方案已退回，等待修改后重新报审。"}.get(
                locked.status, "方案尚未报审。"
            )
        )
    return acting, latest, user


def approve_plan(plan: Plan, *, actor, comment: str = "") -> Plan:
    """The superior's reviewer approves (OL-2.1.c); the meeting moves PLANNING → PREPARING."""
    with transaction.atomic():
        locked = _lock(plan)
        meeting = locked.meeting
        acting, latest, user = _decision_acting(locked, actor)
        now = timezone.now()
        locked.status = PlanStatus.APPROVED
        locked.decided_at, locked.decided_by = now, user
        locked.version += 1
        locked.save(update_fields=["status", "decided_at", "decided_by", "version", "updated_at"])
        latest.decision, latest.decided_by, latest.decided_at, latest.comment = "approved", user, now, (comment or "").strip()
        latest.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
        record(acting, meeting.organization, locked, "plan.approved", {"number": latest.number, "comment": latest.comment})
        if meeting.stage == Stage.PLANNING:
            lifecycle.advance(meeting, Stage.PREPARING, actor=acting)
        hooks.meeting_changed(meeting.pk)
    return _refresh(plan, locked)


def return_plan(plan: Plan, *, actor, comment: str) -> Plan:
    """Return with written reasons; the secretary revises and submits again (a new version)."""
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _lock(plan)
        meeting = locked.meeting
        acting, latest, user = _decision_acting(locked, actor)
        if not comment:
            raise DomainError("退回方案须写明理由。")
        now = timezone.now()
        locked.status = PlanStatus.RETURNED
        locked.decided_at, locked.decided_by = now, user
        locked.version += 1
        locked.save(update_fields=["status", "decided_at", "decided_by", "version", "updated_at"])
        latest.decision, latest.decided_by, latest.decided_at, latest.comment = "returned", user, now, comment
        latest.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
        record(acting, meeting.organization, locked, "plan.returned", {"number": latest.number, "comment": comment})
        hooks.meeting_changed(meeting.pk)
    return _refresh(plan, locked)
