"""State changes of problems and rectification items: one function per change.

Each locks its row, checks the permission (and, for the owner's own actions, that the user
answers for the item), applies the rule, writes an `ItemEvent` (the ledger's append-only
history, OL-4.3.b) and an audit entry, and tells the meeting's listeners on commit.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.permissions import Acting, granting, has_perm, require
from audit.services import diff, record
from core import hooks
from core.errors import ConcurrentEditError, DomainError
from core.uploads import check_upload, store_private
from rulebook.engine import Finding

from . import deadlines
from .choices import OPEN_STATUSES, CommentStatus, EventKind, ItemStatus, ProblemScope, ProblemSource
from .models import Evidence, ItemEvent, Problem, PublicBoard, PublicComment, RectificationItem

EVIDENCE_KINDS = {"pdf", "png", "jpeg", "docx", "xlsx"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 5
ITEM_FIELDS = ("goal", "measures", "responsible_member", "responsible_organization", "deadline", "is_public")

_PART_HINTS = {
    "目标": "写明整改要达到的目标（目标明确）。",
    "途径": "写明整改的途径和具体措施（途径明确）。",
    "责任": "指定责任人或责任单位（责任明确）。",
    "时限": "填写完成时限（具体日期，时限明确）。",
}


# -- questions used by services and views -------------------------------------------------
def four_clear_findings(item: RectificationItem) -> list[Finding]:
    """One blocker per missing part (OL-4.1.c; DL-4.1.a for 民主生活会), plus OL-4.1.b when the
    problem has not been classified as the organization's or a person's."""
    clause = ("DL-4.1.a",) if item.meeting.is_democratic_life else ("OL-4.1.c",)
    findings = [
        Finding(
            rule_id=f"rectification.four_clear.{part}",
            severity="blocker",
            clause_ids=clause,
            message=f"整改事项缺少“{part}”，不能确定为正式整改措施。",
            hint=_PART_HINTS[part],
        )
        for part in item.missing_parts()
    ]
    problem = item.problem
    if not problem.scope or (problem.scope == ProblemScope.PERSONAL and problem.owner_member_id is None):
        findings.append(
            Finding(
                rule_id="rectification.problem_scope",
                severity="blocker",
                clause_ids=("OL-4.1.b",),
                message="问题尚未明确是党组织的问题还是个人的问题及其责任主体。",
                hint="先在问题上选择“党组织”或“个人”，个人问题须指定责任人。",
            )
        )
    return findings


def can_manage(user, organization) -> bool:
    return has_perm(user, "rectification.manage", organization)


def owner_acting(user, item: RectificationItem) -> Acting:
    """The organization's secretary / main leader, or the person who answers for the item."""
    grant = granting(user, "rectification.manage", item.organization)
    if grant is not None:
        return Acting(user, grant.role, grant.organization_id)
    if item.is_owned_by(user):
        grant = granting(user, "rectification.progress", item.organization)
        return Acting(user, grant.role if grant else Role.MEMBER, grant.organization_id if grant else None)
    raise PermissionDenied("只有责任人本人或本组织书记（主要负责人）可以办理该整改事项")


def closer_acting(user, item: RectificationItem) -> Acting:
    """OL-4.3.c: 销号 by a reviewer of the superior organization; for a 民主生活会 also the
    纪委 / 组织部 (DL-4.4.a). Never the organization itself, a sibling's reviewer or the owner."""
    acting = require(user, "rectification.close", item.organization)
    if item.meeting.is_org_life and acting.role != Role.REVIEWER:
        grant = next((g for g in covering_grants(user, "rectification.close", item.organization) if g.role == Role.REVIEWER), None)
        if grant is None:
            raise PermissionDenied("组织生活会的整改事项由上级党组织审核人销号（OL-4.3.c）")
        acting = Acting(user, grant.role, grant.organization_id)
    if item.is_owned_by(user):
        raise PermissionDenied("责任人不能为本人的整改事项销号")
    return acting


def covering_grants(user, perm: str, organization) -> list:
    """Every grant of `user` that allows `perm` on `organization` (`granting` returns only the
    first; 销号 and report receipt need a particular role or office among them)."""
    from accounts.grants import load_grants
    from accounts.permissions import BELOW, OWN, PERMISSIONS

    roles = PERMISSIONS[perm]
    found = []
    for grant in load_grants(user):
        scope = roles.get(grant.role)
        if scope is None:
            continue
        if scope is OWN:
            ok = grant.organization_id == organization.pk
        else:
            ok = organization.path.startswith(grant.path) and (scope is not BELOW or grant.organization_id != organization.pk)
        if ok:
            found.append(grant)
    return found


def _lock(item: RectificationItem) -> RectificationItem:
    return RectificationItem.objects.select_for_update().get(pk=item.pk)


def _event(item, acting, kind, *, status_from="", note="", data=None, at=None) -> ItemEvent:
    return ItemEvent.objects.create(
        item=item,
        kind=kind,
        at=at or timezone.now(),
        by=getattr(acting, "user", None),
        role=getattr(acting, "role", "") or "",
        status_from=status_from,
        status_to=item.status,
        note=note,
        data=data or {},
    )


def _item_values(item: RectificationItem) -> dict:
    return {
        "goal": item.goal,
        "measures": item.measures,
        "responsible_member": item.responsible_member_id,
        "responsible_organization": item.responsible_organization_id,
        "deadline": item.deadline.isoformat() if item.deadline else None,
        "is_public": item.is_public,
    }


def _check_responsible(meeting, organization, member, responsible_org):
    """The responsible person must belong to the organization (its roster, or its leading team
    for a 民主生活会); a responsible unit must be the organization or one below it."""
    if member is not None:
        on_roster = member.organization_id == organization.pk
        on_team = meeting.leading_team_id is not None and meeting.leading_team.memberships.filter(member=member, ended_on__isnull=True).exists()
        if not (on_roster or on_team):
            raise DomainError("责任人须为本组织的党员或班子成员。")
    if responsible_org is not None and not responsible_org.path.startswith(organization.path):
        raise DomainError("责任单位须为本组织或其下级组织。")


def _check_deadline(meeting, deadline):
    held = deadlines.meeting_date(meeting)
    if deadline is not None and held is not None and deadline < held:
        raise DomainError(f"完成时限不能早于会议召开日期（{held:%Y年%-m月%-d日}）。")


# -- problems ----------------------------------------------------------------------------
def suggested_measures(problem: Problem) -> str:
    """What the records already say should be done about a problem, to start its item with:
    the measure its self-examination row proposed (OL-2.5.g), the 改进意见 given with the
    criticism it came from, or the 整改措施 the team's 对照检查材料 wrote against the opinion it
    came from (OL-2.5.d). Empty when the records say nothing."""
    if (problem.proposed_measure or "").strip():
        return problem.proposed_measure.strip()
    if problem.criticism_id and problem.criticism.suggestion.strip():
        return problem.criticism.suggestion.strip()
    if problem.opinion_id:
        from meetings.models import SelfExamination

        team = SelfExamination.objects.filter(meeting_id=problem.meeting_id, member__isnull=True).only("structured_items").first()
        for entry in (team.structured_items if team else None) or []:
            linked = {int(i) for i in entry.get("opinion_ids") or () if str(i).isdigit()}
            if problem.opinion_id in linked and (entry.get("measure") or "").strip():
                return entry["measure"].strip()
    return ""


def add_problem(
    meeting, *, actor, source: str, description: str, scope: str = "", owner_member=None, category: str = "", strong_public_concern: bool = False
) -> Problem:
    """Register a problem by hand (OL-4.1.a: also from the public or the superior)."""
    with transaction.atomic():
        acting = require(actor, "rectification.manage", meeting.organization)
        if not description.strip():
            raise DomainError("请填写问题表现。")
        if source not in ProblemSource.values:
            raise DomainError("请选择问题来源。")
        if scope == ProblemScope.PERSONAL and owner_member is None:
            raise DomainError("个人问题须明确责任人（OL-4.1.b）。")
        if scope != ProblemScope.PERSONAL:
            owner_member = owner_member if scope == "" else None
        _check_responsible(meeting, meeting.organization, owner_member, None)
        problem = Problem.objects.create(
            meeting=meeting,
            organization=meeting.organization,
            source=source,
            scope=scope,
            owner_member=owner_member,
            description=description.strip(),
            category=category.strip(),
            strong_public_concern=strong_public_concern,
            created_by=actor,
        )
        record(acting, meeting.organization, problem, "problem.created", {"source": source, "scope": scope, "meeting": meeting.pk})
    return problem


def classify_problem(problem: Problem, *, actor, scope: str, owner_member=None, description: str | None = None, category: str | None = None) -> Problem:
    """OL-4.1.b: whose problem it is — the organization's or a named person's."""
    with transaction.atomic():
        locked = Problem.objects.select_for_update().get(pk=problem.pk)
        acting = require(actor, "rectification.manage", locked.organization)
        if scope not in ProblemScope.values:
            raise DomainError("请选择问题属于党组织还是个人（OL-4.1.b）。")
        if scope == ProblemScope.PERSONAL and owner_member is None:
            raise DomainError("个人问题须明确责任人（OL-4.1.b）。")
        if scope == ProblemScope.ORGANIZATION:
            owner_member = None
        _check_responsible(locked.meeting, locked.organization, owner_member, None)
        before = {"scope": locked.scope, "owner_member": locked.owner_member_id, "description": locked.description, "category": locked.category}
        locked.scope, locked.owner_member = scope, owner_member
        if description is not None and description.strip():
            locked.description = description.strip()
        if category is not None:
            locked.category = category.strip()
        locked.save(update_fields=["scope", "owner_member", "description", "category"])
        after = {"scope": locked.scope, "owner_member": locked.owner_member_id, "description": locked.description, "category": locked.category}
        record(acting, locked.organization, locked, "problem.classified", {"changes": diff(before, after)})
    return locked


# -- items -------------------------------------------------------------------------------
def create_item(
    problem: Problem, *, actor, goal: str = "", measures: str = "", responsible_member=None, responsible_organization=None, deadline=None, is_public=None
) -> RectificationItem:
    """A draft item for a problem. Personal items default to their owner and stay off the
    public page unless chosen; organization items default to public (OL-4.1.d)."""
    with transaction.atomic():
        problem = Problem.objects.select_for_update(of=("self",)).select_related("meeting", "organization", "owner_member").get(pk=problem.pk)
        meeting = problem.meeting
        item = RectificationItem(problem=problem, meeting=meeting, organization=problem.organization)
        acting = owner_acting(actor, item)
        if responsible_member is None and responsible_organization is None and problem.scope == ProblemScope.PERSONAL:
            responsible_member = problem.owner_member
        _check_responsible(meeting, problem.organization, responsible_member, responsible_organization)
        _check_deadline(meeting, deadline)
        item.goal, item.measures = (goal or "").strip(), (measures or "").strip()
        item.responsible_member, item.responsible_organization, item.deadline = responsible_member, responsible_organization, deadline
        item.is_public = (problem.scope != ProblemScope.PERSONAL) if is_public is None else bool(is_public)
        item.save()
        _event(item, acting, EventKind.CREATED, data=_item_values(item))
        record(acting, item.organization, item, "item.created", {"problem": problem.pk, **_item_values(item)})
    return item


def update_item(item: RectificationItem, *, actor, version: int, note: str = "", **fields) -> RectificationItem:
    """Edit an item. A final item stays four-clear (a part cannot be removed) and every change
    is kept in its history with the reason given."""
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"unknown item fields {unknown}")
    with transaction.atomic():
        locked = _lock(item)
        acting = owner_acting(actor, locked)
        if locked.version != version:
            raise ConcurrentEditError()
        if locked.status == ItemStatus.CLOSED:
            raise DomainError("已销号的整改事项不能修改；如需继续整改，请由上级重新打开。")
        before = _item_values(locked)
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        _check_responsible(locked.meeting, locked.organization, locked.responsible_member, locked.responsible_organization)
        if "deadline" in fields and _item_values(locked)["deadline"] != before["deadline"]:
            _check_deadline(locked.meeting, locked.deadline)
        changes = diff(before, _item_values(locked))
        if not changes:
            return locked
        if locked.is_final:
            findings = four_clear_findings(locked)
            if findings:
                raise DomainError("正式整改事项必须保持“四个明确”。", findings=findings)
            if not note.strip():
                raise DomainError("修改已确定的整改事项，请说明修改原因。")
        locked.version += 1
        locked.save(update_fields=[*fields, "version", "updated_at"])
        _event(locked, acting, EventKind.EDITED, status_from=locked.status, note=note.strip(), data={"changes": changes})
        record(acting, locked.organization, locked, "item.updated", {"changes": changes, "note": note.strip()})
        if locked.is_final:
            hooks.meeting_changed(locked.meeting_id)
    return locked


def finalize_item(item: RectificationItem, *, actor) -> RectificationItem:
    """OL-4.1.c: only a four-clear item becomes final; otherwise every missing part is listed."""
    with transaction.atomic():
        locked = _lock(item)
        acting = owner_acting(actor, locked)
        if locked.status != ItemStatus.DRAFT:
            raise DomainError("该整改事项已经确定。")
        findings = four_clear_findings(locked)
        if findings:
            raise DomainError("整改事项未做到“四个明确”，已保存为草稿，不能确定。", findings=findings)
        _check_deadline(locked.meeting, locked.deadline)
        locked.status = ItemStatus.OPEN
        locked.finalized_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "finalized_at", "version", "updated_at"])
        _event(locked, acting, EventKind.FINALIZED, status_from=ItemStatus.DRAFT, data=_item_values(locked))
        record(acting, locked.organization, locked, "item.finalized", _item_values(locked))
        hooks.meeting_changed(locked.meeting_id)
    return locked


def delete_draft_item(item: RectificationItem, *, actor) -> None:
    with transaction.atomic():
        locked = _lock(item)
        acting = owner_acting(actor, locked)
        if locked.status != ItemStatus.DRAFT:
            raise DomainError("只能删除草稿；已确定的整改事项保留在台账中。")
        record(acting, locked.organization, locked, "item.deleted", _item_values(locked))
        locked.delete()


# -- progress, evidence and 销号 ---------------------------------------------------------
@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\<>:\"|?*]+")


def safe_filename(name: str, kind: str) -> str:
    """A display/download name: no path, no control characters, the extension of the sniffed type."""
    from core.uploads import KINDS

    stem = _UNSAFE_NAME.sub("_", Path(name or "").stem).strip(" ._")[:80] or "佐证材料"
    return stem + KINDS[kind][1]


def report_progress(item: RectificationItem, *, actor, note: str, files: list[Upload] = ()) -> ItemEvent:
    """OL-4.3.b: a dated progress note with evidence files (sniffed, size-limited, private)."""
    note = (note or "").strip()
    if not note and not files:
        raise DomainError("请填写整改进展或上传佐证材料。")
    if len(files) > EVIDENCE_MAX_FILES:
        raise DomainError(f"一次最多上传{EVIDENCE_MAX_FILES}个文件。")
    checked = []
    for upload in files:
        try:
            kind = check_upload(upload.data, EVIDENCE_KINDS, EVIDENCE_MAX_BYTES)
        except DomainError as exc:
            raise DomainError(f"“{upload.name}”：{exc.message}") from None
        checked.append((upload, kind))
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = _lock(item)
            acting = owner_acting(actor, locked)
            if locked.status not in OPEN_STATUSES:
                raise DomainError("只有整改中的事项可以报告进展。" if locked.status == ItemStatus.DRAFT else "该事项已销号。")
            event = _event(locked, acting, EventKind.PROGRESS, status_from=locked.status, note=note, data={"files": len(checked)})
            for upload, kind in checked:
                path = store_private(upload.data, f"evidence/{locked.organization_id}", kind)
                stored.append(path)
                Evidence.objects.create(
                    item=locked,
                    event=event,
                    organization=locked.organization,
                    path=path,
                    kind=kind,
                    name=safe_filename(upload.name, kind),
                    size=len(upload.data),
                    sha256=hashlib.sha256(upload.data).hexdigest(),
                    uploaded_by=actor,
                )
            record(acting, locked.organization, locked, "item.progress", {"files": [safe_filename(u.name, k) for u, k in checked], "note_length": len(note)})
    except BaseException:
        remove_private_files(stored)
        raise
    return event


def remove_private_files(paths) -> None:
    """Undo stored uploads when the transaction that was to reference them fails."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    for path in paths:
        (root / path).unlink(missing_ok=True)


def request_closure(item: RectificationItem, *, actor, note: str = "") -> RectificationItem:
    """The owner asks the superior to close the item; it needs evidence first (OL-4.3.c)."""
    with transaction.atomic():
        locked = _lock(item)
        acting = owner_acting(actor, locked)
        if locked.status == ItemStatus.CLOSURE_REQUESTED:
            raise DomainError("已申请销号，请等待上级确认。")
        if locked.status != ItemStatus.OPEN:
            raise DomainError("只有整改中的事项可以申请销号。")
        if not locked.evidence.exists():
            raise DomainError("申请销号前，请先上传整改佐证材料（OL-4.3.c）。")
        locked.status = ItemStatus.CLOSURE_REQUESTED
        locked.closure_requested_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "closure_requested_at", "version", "updated_at"])
        _event(locked, acting, EventKind.CLOSURE_REQUESTED, status_from=ItemStatus.OPEN, note=note.strip())
        record(acting, locked.organization, locked, "item.closure_requested", {"note": note.strip()})
        hooks.meeting_changed(locked.meeting_id)
    return locked


def confirm_closure(item: RectificationItem, *, actor, note: str = "") -> RectificationItem:
    """销号 (OL-4.3.c, DL-4.4.c): a superior reviewer confirms the requested closure."""
    with transaction.atomic():
        locked = _lock(item)
        acting = closer_acting(actor, locked)
        if locked.status == ItemStatus.CLOSED:
            raise DomainError("该事项已经销号。")
        if locked.status != ItemStatus.CLOSURE_REQUESTED:
            raise DomainError("责任人尚未申请销号，不能确认。")
        locked.status = ItemStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.version += 1
        locked.save(update_fields=["status", "closed_at", "closed_by", "version", "updated_at"])
        _event(locked, acting, EventKind.CLOSED, status_from=ItemStatus.CLOSURE_REQUESTED, note=note.strip())
        record(acting, locked.organization, locked, "item.closed", {"note": note.strip()})
        hooks.meeting_changed(locked.meeting_id)
    return locked


def return_closure(item: RectificationItem, *, actor, reason: str) -> RectificationItem:
    """The superior refuses the closure with reasons; the item goes back to 整改中."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock(item)
        acting = closer_acting(actor, locked)
        if locked.status != ItemStatus.CLOSURE_REQUESTED:
            raise DomainError("该事项没有待确认的销号申请。")
        if not reason:
            raise DomainError("退回销号申请须说明理由。")
        locked.status = ItemStatus.OPEN
        locked.closure_requested_at = None
        locked.version += 1
        locked.save(update_fields=["status", "closure_requested_at", "version", "updated_at"])
        _event(locked, acting, EventKind.RETURNED, status_from=ItemStatus.CLOSURE_REQUESTED, note=reason)
        record(acting, locked.organization, locked, "item.returned", {"reason": reason})
        hooks.meeting_changed(locked.meeting_id)
    return locked


def reopen_item(item: RectificationItem, *, actor, reason: str) -> RectificationItem:
    """A closed item found not really solved goes back to 整改中; its history stays."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock(item)
        acting = closer_acting(actor, locked)
        if locked.status != ItemStatus.CLOSED:
            raise DomainError("只有已销号的事项可以重新打开。")
        if not reason:
            raise DomainError("重新打开须说明理由。")
        locked.status = ItemStatus.OPEN
        locked.closed_at, locked.closed_by, locked.closure_requested_at = None, None, None
        locked.overdue_since = None
        locked.version += 1
        locked.save(update_fields=["status", "closed_at", "closed_by", "closure_requested_at", "overdue_since", "version", "updated_at"])
        _event(locked, acting, EventKind.REOPENED, status_from=ItemStatus.CLOSED, note=reason)
        record(acting, locked.organization, locked, "item.reopened", {"reason": reason})
        hooks.meeting_changed(locked.meeting_id)
    return locked


def add_inspection_note(item: RectificationItem, *, actor, note: str) -> ItemEvent:
    """OL-4.3.a / DL-4.4.a: the superior's supervision notes on an item."""
    note = (note or "").strip()
    if not note:
        raise DomainError("请填写督查意见。")
    with transaction.atomic():
        locked = _lock(item)
        acting = require(actor, "rectification.close", locked.organization)
        if locked.status == ItemStatus.DRAFT:
            raise DomainError("整改事项尚未确定。")
        event = _event(locked, acting, EventKind.NOTE, status_from=locked.status, note=note)
        record(acting, locked.organization, locked, "item.noted", {"length": len(note)})
    return event


def flag_overdue(today: datetime.date | None = None) -> int:
    """Mark open items whose deadline has passed, once each (OL-4.3.c: flagged from the day
    after the deadline). Idempotent: the row lock plus the `overdue_since IS NULL` condition
    mean a second run — concurrent or later — flags nothing twice. Returns how many it flagged."""
    today = today or timezone.localdate()
    with transaction.atomic():
        rows = list(
            RectificationItem.objects.select_for_update()
            .filter(status__in=OPEN_STATUSES, deadline__lt=today, overdue_since__isnull=True)
            .values_list("pk", "meeting_id", "organization_id", "deadline", "status")
        )
        if not rows:
            return 0
        RectificationItem.objects.filter(pk__in=[r[0] for r in rows], overdue_since__isnull=True).update(overdue_since=today)
        now = timezone.now()
        ItemEvent.objects.bulk_create(
            ItemEvent(item_id=pk, kind=EventKind.OVERDUE, at=now, status_from=status, status_to=status, data={"deadline": deadline.isoformat()})
            for pk, _m, _o, deadline, status in rows
        )
        from audit.services import record_bulk

        record_bulk(None, None, "rectification.rectificationitem", "item.overdue", {"items": [r[0] for r in rows], "on": today.isoformat()})
        for meeting_id in sorted({r[1] for r in rows}):
            hooks.meeting_changed(meeting_id)
    return len(rows)


# -- publication and the public page ---------------------------------------------------
def board_for(organization) -> PublicBoard:
    board, _ = PublicBoard.objects.get_or_create(organization=organization)
    return board


def publish_rectification(meeting, *, actor, form: str = "", scope: str = "", on: datetime.date | None = None):
    """OL-4.1.d: display the measures marked public and record the publication (a
    `PublicNotice` of kind 整改措施公示 with its display period)."""
    from meetings.choices import NoticeKind
    from meetings.models import Meeting, PublicNotice

    on = on or timezone.localdate()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        acting = require(actor, "rectification.manage", meeting.organization)
        if PublicNotice.objects.filter(meeting=meeting, kind=NoticeKind.RECTIFICATION, published_at__isnull=False).exists():
            raise DomainError("本次会议的整改措施已经公示。之后确定的公开事项会自动显示在公开页面上。")
        items = list(RectificationItem.objects.filter(meeting=meeting, is_public=True).exclude(status=ItemStatus.DRAFT).values_list("pk", flat=True))
        if not items:
            raise DomainError("没有可公示的整改事项：请先确定整改事项，并勾选“公示”。")
        board = board_for(meeting.organization)
        until = deadlines.display_until(meeting, on)
        notice = PublicNotice.objects.create(
            meeting=meeting,
            kind=NoticeKind.RECTIFICATION,
            title=f"{meeting.title}整改措施公示",
            body=f"公示整改事项{len(items)}项。",
            form=(form or "网上公开页面").strip()[:100],
            scope=(scope or "党员群众").strip()[:200],
            is_public=True,
            published_at=timezone.now(),
            published_by=actor,
            display_until=until,
        )
        record(
            acting, meeting.organization, notice, "rectification.published", {"meeting": meeting.pk, "items": items, "display_until": until, "board": board.pk}
        )
        hooks.meeting_changed(meeting.pk)
    return notice


def update_board(board: PublicBoard, *, actor, version: int, show_responsible_names: bool, comments_open: bool, supervision_contact: str) -> PublicBoard:
    with transaction.atomic():
        locked = PublicBoard.objects.select_for_update().get(pk=board.pk)
        acting = require(actor, "rectification.manage", locked.organization)
        if locked.version != version:
            raise ConcurrentEditError()
        before = {
            "show_responsible_names": locked.show_responsible_names,
            "comments_open": locked.comments_open,
            "supervision_contact": locked.supervision_contact,
        }
        locked.show_responsible_names, locked.comments_open = show_responsible_names, comments_open
        locked.supervision_contact = supervision_contact.strip()
        locked.updated_by = actor
        locked.version += 1
        locked.save(update_fields=["show_responsible_names", "comments_open", "supervision_contact", "updated_by", "updated_at", "version"])
        after = {"show_responsible_names": show_responsible_names, "comments_open": comments_open, "supervision_contact": locked.supervision_contact}
        record(acting, locked.organization, locked, "public_board.updated", {"changes": diff(before, after)})
    return locked


def submit_comment(board: PublicBoard, *, content: str, signature: str = "", item=None) -> PublicComment:
    """A comment from the public (no login). Kept hidden until the organization approves it."""
    content = (content or "").strip()
    if not board.comments_open:
        raise DomainError("该公开页面暂不接受留言。")
    if len(content) < 5:
        raise DomainError("请写下您的意见或建议（至少5个字）。")
    if item is not None and (item.organization_id != board.organization_id or not item.is_public or item.status == ItemStatus.DRAFT):
        item = None
    with transaction.atomic():
        comment = PublicComment.objects.create(
            board=board, organization_id=board.organization_id, item=item, content=content[:1000], signature=signature.strip()[:30]
        )
        record(None, board.organization_id, comment, "public_comment.received", {"item": getattr(item, "pk", None), "length": len(content)})
    return comment


def moderate_comment(comment: PublicComment, *, actor, status: str, reply: str = "") -> PublicComment:
    if status not in (CommentStatus.APPROVED, CommentStatus.HIDDEN):
        raise DomainError("请选择公开或不公开。")
    with transaction.atomic():
        locked = PublicComment.objects.select_for_update().get(pk=comment.pk)
        acting = require(actor, "rectification.manage", locked.organization)
        locked.status, locked.reply = status, (reply or "").strip()[:1000]
        locked.moderated_by, locked.moderated_at = actor, timezone.now()
        locked.save(update_fields=["status", "reply", "moderated_by", "moderated_at"])
        record(acting, locked.organization, locked, "public_comment.moderated", {"status": status, "replied": bool(locked.reply)})
    return locked
