"""The meeting's stage machine (design.md §3). A stage changes only through `advance`.

    PLANNING → PREPARING → READY → HELD → RECTIFYING → REPORTED → CLOSED

Entering a stage is gated by the rulebook: `rulebook.engine.blockers(findings, target)` minus the
written overrides (`GateOverride`). Every move is kept as a `StageChange` with the findings of
that moment, audited, and announced with `core.hooks.meeting_changed`.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.grants import load_grants
from accounts.permissions import PERMISSIONS, _covers, require
from audit.services import record
from core import hooks
from core.errors import DomainError
from rulebook import engine
from rulebook.engine import Finding, Rulebook

from .choices import Stage
from .models import GateOverride, Meeting, StageChange

# The allowed moves. READY → PREPARING lets a secretary reopen the preparation (e.g. a record
# was corrected); every other move is forward only.
TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.PLANNING: frozenset({Stage.PREPARING}),
    Stage.PREPARING: frozenset({Stage.READY}),
    Stage.READY: frozenset({Stage.HELD, Stage.PREPARING}),
    Stage.HELD: frozenset({Stage.RECTIFYING}),
    Stage.RECTIFYING: frozenset({Stage.REPORTED}),
    Stage.REPORTED: frozenset({Stage.CLOSED}),
    Stage.CLOSED: frozenset(),
}

# Where a meeting's next step lies (for the button on the meeting page).
NEXT_STAGE: dict[str, str] = {
    Stage.PLANNING: Stage.PREPARING,
    Stage.PREPARING: Stage.READY,
    Stage.READY: Stage.HELD,
    Stage.HELD: Stage.RECTIFYING,
    Stage.RECTIFYING: Stage.REPORTED,
    Stage.REPORTED: Stage.CLOSED,
}


def stage_label(stage: str) -> str:
    return Stage(stage).label if stage in Stage.values else stage


class GateError(DomainError):
    """A stage move refused by the rulebook: `.findings` are the blockers."""

    def __init__(self, message: str, findings: list[Finding]):
        super().__init__(message, code="gate", findings=findings)


def lock(meeting: Meeting) -> Meeting:
    """Re-read the meeting with a row lock (call inside `transaction.atomic`)."""
    return Meeting.objects.select_for_update(of=("self",)).select_related("organization").get(pk=meeting.pk)


def rulebook_of(meeting: Meeting) -> Rulebook:
    """The rulebook version the meeting pinned when it was created."""
    return engine.load(meeting.rulebook_slug, meeting.rulebook_version)


def findings(meeting: Meeting, today: date | None = None, *, snapshot=None) -> list[Finding]:
    """Every finding of the meeting's pinned rulebook on its current data."""
    from . import snapshot as snapshots

    snap = snapshot if snapshot is not None else snapshots.build(meeting, today=today)
    return engine.check(snap, rulebook_of(meeting))


def blockers_for(meeting: Meeting, to_stage: str, today: date | None = None, *, found: list[Finding] | None = None) -> list[Finding]:
    """The blockers that stop `meeting` from entering `to_stage` now (overrides excluded)."""
    found = findings(meeting, today) if found is None else found
    return engine.blockers(found, to_stage)


def require_stage(meeting: Meeting, *stages: str, action: str = "此操作") -> None:
    """Refuse with a Chinese message naming the stage unless the meeting is in one of `stages`.

    Every preparation step calls this with PREPARING (and later stages where it makes sense),
    so nothing opens before the plan is approved (OL-2.1.c)."""
    if meeting.stage in stages:
        return
    current = stage_label(meeting.stage)
    if meeting.stage == Stage.PLANNING and Stage.PREPARING in stages:
        raise DomainError(f"会议尚处于“{current}”阶段：工作方案经上级党组织审核同意前，{action}暂不能开展（OL-2.1.c）。", code="stage")
    allowed = "、".join(f"“{stage_label(s)}”" for s in stages)
    raise DomainError(f"会议当前处于“{current}”阶段，{action}只能在{allowed}阶段进行。", code="stage")


def _user(actor):
    return getattr(actor, "user", actor)


def _plain_findings(items: list[Finding]) -> list[dict]:
    return [{"rule_id": f.rule_id, "severity": f.severity, "message": f.message, "overridden": f.overridden} for f in items]


def advance(meeting: Meeting, to_stage: str, *, actor, today: date | None = None) -> Meeting:
    """Move the meeting to `to_stage` if the move is allowed and no blocker stands in the way.

    Callers check the actor's permission for the action that causes the move (approving the
    plan, closing the last sitting, the button on the meeting page). Returns the updated meeting;
    the instance passed in is refreshed too."""
    with transaction.atomic():
        locked = lock(meeting)
        if to_stage not in TRANSITIONS.get(locked.stage, ()):
            raise DomainError(f"会议当前处于“{stage_label(locked.stage)}”阶段，不能转入“{stage_label(to_stage)}”阶段。", code="transition")
        found = findings(locked, today)
        blocking = engine.blockers(found, to_stage) if _is_forward(locked.stage, to_stage) else []
        extra = _extra_conditions(locked, to_stage)
        if extra and not blocking:
            raise DomainError(extra, code="gate")
        if blocking:
            raise GateError(f"还有{len(blocking)}项必须解决的问题，暂不能进入“{stage_label(to_stage)}”阶段。", blocking)
        from_stage = locked.stage
        StageChange.objects.create(meeting=locked, from_stage=from_stage, to_stage=to_stage, by=_user(actor), findings=_plain_findings(found))
        locked.stage = to_stage
        locked.stage_changed_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["stage", "stage_changed_at", "version"])
        record(actor, locked.organization, locked, "meeting.stage_changed", {"from": from_stage, "to": to_stage})
        hooks.meeting_changed(locked.pk)
    meeting.stage, meeting.stage_changed_at, meeting.version = locked.stage, locked.stage_changed_at, locked.version
    return locked


def _extra_conditions(meeting: Meeting, to_stage: str) -> str:
    """Conditions of the stage machine itself (not rules of a regulation)."""
    if to_stage == Stage.CLOSED:
        from rectification.choices import ReportStatus
        from rectification.models import Report

        status = Report.objects.filter(meeting=meeting).values_list("status", flat=True).first()
        if status != ReportStatus.ACCEPTED:
            return "上报材料尚未被上级接收，会议暂不能办结。"
    return ""


def _is_forward(from_stage: str, to_stage: str) -> bool:
    order = list(Stage.values)
    return order.index(to_stage) > order.index(from_stage)


def override_roles_of(user, meeting: Meeting) -> set[str]:
    """The roles in which `user` may override gates on this meeting (`gate.override`)."""
    roles = PERMISSIONS["gate.override"]
    org = meeting.organization
    return {g.role for g in load_grants(user) if g.role in roles and _covers(g, roles[g.role], org.pk, org.path)}


def override(meeting: Meeting, rule_id: str, reason: str, *, actor, today: date | None = None) -> GateOverride:
    """A reviewer's (or, where the rulebook says so, an inspector's) written decision to let one
    blocker pass. Shown on the meeting forever; one per rule."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = lock(meeting)
        acting = require(_user(actor), "gate.override", locked.organization)
        if not reason:
            raise DomainError("请写明豁免理由。")
        rule = rulebook_of(locked).rule(rule_id)
        if rule is None:
            raise DomainError(f"本会议适用的规则库中没有规则 {rule_id}。")
        if not rule.overridable:
            raise DomainError(f"规则 {rule_id} 不允许豁免。")
        roles = override_roles_of(_user(actor), locked)
        allowed = [r for r in rule.override_roles if r in roles]
        if not allowed:
            from rulebook.constants import ROLE_LABELS

            who = "、".join(ROLE_LABELS.get(r, r) for r in rule.override_roles)
            raise DomainError(f"规则 {rule_id} 只能由{who}豁免。")
        if locked.stage == Stage.CLOSED:
            raise DomainError("会议已完成，不能再豁免规则。")
        if GateOverride.objects.filter(meeting=locked, rule_id=rule_id).exists():
            raise DomainError(f"规则 {rule_id} 已经豁免过，不能重复豁免。")
        row = GateOverride.objects.create(meeting=locked, rule_id=rule_id, reason=reason, by=_user(actor), role=allowed[0])
        locked.version += 1
        locked.save(update_fields=["version"])
        record(acting, locked.organization, locked, "gate.overridden", {"rule_id": rule_id, "reason": reason, "role": allowed[0]})
        hooks.meeting_changed(locked.pk)
    return row


# -- stage moves after the sitting (ol-core) ------------------------------------------------


def on_item_finalized(meeting: Meeting, *, actor) -> None:
    """HELD → RECTIFYING when the first rectification item is finalised (quietly skipped when
    the meeting is elsewhere or a blocker remains: the button on the meeting page shows why)."""
    if Meeting.objects.filter(pk=meeting.pk, stage=Stage.HELD).exists():
        try:
            with transaction.atomic():
                advance(meeting, Stage.RECTIFYING, actor=actor)
        except DomainError:
            pass


def on_report_submitted(meeting: Meeting, *, actor) -> None:
    """RECTIFYING → REPORTED when the report is submitted (`rectification.report_services`).
    A meeting still HELD moves through RECTIFYING first. Blockers do not undo the submission:
    the meeting stays where it is and its page lists what is missing."""
    for target in (Stage.RECTIFYING, Stage.REPORTED):
        current = Meeting.objects.filter(pk=meeting.pk).values_list("stage", flat=True).first()
        if current is None or target not in TRANSITIONS.get(current, ()):
            continue
        try:
            with transaction.atomic():
                advance(meeting, target, actor=actor)
        except DomainError:
            return


def try_close(meeting: Meeting, *, actor) -> bool:
    """REPORTED → CLOSED when every item is closed and the report accepted (the rulebook's
    `closed` gate decides); returns whether it moved."""
    if not Meeting.objects.filter(pk=meeting.pk, stage=Stage.REPORTED).exists():
        return False
    try:
        with transaction.atomic():
            advance(meeting, Stage.CLOSED, actor=actor)
    except DomainError:
        return False
    return True


def auto_advance(meeting_id: int) -> None:
    """Listener of `core.hooks.meeting_changed` (runs after commit): the moves after the
    sitting that follow from the rectification records, made by the system when no blocker
    stands in the way (otherwise the meeting page shows why and offers the button).

    HELD → RECTIFYING once an item is finalised; RECTIFYING → REPORTED once the report is
    submitted; REPORTED → CLOSED once the report is accepted and every item closed."""
    stage = Meeting.objects.filter(pk=meeting_id).values_list("stage", flat=True).first()
    if stage not in (Stage.HELD, Stage.RECTIFYING, Stage.REPORTED):
        return
    from rectification.choices import ItemStatus, ReportStatus
    from rectification.models import RectificationItem, Report

    meeting = Meeting(pk=meeting_id, stage=stage)
    if stage == Stage.HELD:
        if RectificationItem.objects.filter(meeting_id=meeting_id).exclude(status=ItemStatus.DRAFT).exists():
            on_item_finalized(meeting, actor=None)
    elif stage == Stage.RECTIFYING:
        if Report.objects.filter(meeting_id=meeting_id, status__in=(ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)).exists():
            on_report_submitted(meeting, actor=None)
    elif Report.objects.filter(meeting_id=meeting_id, status=ReportStatus.ACCEPTED).exists():
        if not RectificationItem.objects.filter(meeting_id=meeting_id).exclude(status=ItemStatus.CLOSED).exists():
            try_close(meeting, actor=None)
