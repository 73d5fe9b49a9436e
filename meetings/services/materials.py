"""对照检查材料 / 发言提纲: who must write what, drafting, submission, review, versions,
warnings and this part of the rule-check snapshot (OL-2.5, GAP-DL-2.7 / P-DL-2.7.*, DL-3.3.b).

Who writes which document is read from the meeting's pinned rulebook — the same rules the
checker runs — so the app never asks for a material the checker does not expect, nor misses
one it does:

- OL-2.5.a/b (`ol_self_exam_required`): every responsible comrade (secretary, committee member)
  of a branch in a district organ, public institution, sub-district office, station or school
  writes a 简要对照检查材料;
- OL-2.5.c/d (`ol_community_self_exam`): a community organization (as a team) and its secretary
  write a 对照检查材料 with an itemized problem list and measures (publicly displayed, OL-2.5.e);
- OL-2.5.f (`ol_outline_required`): other organizations, the team (when it has a committee) and
  the committee members write a 发言提纲;
- DL (`dl_self_exams_exist`, derived from DL-3.2.c/d; GAP-DL-2.7): the team's material and every
  leader's personal 对照检查材料.

Review (OL-2.5.i; P-DL-2.7.d, a proposal): a reviewer of a superior organization approves a
组织生活会 material. For a 民主生活会, the main leader reviews each other leader's material and
the team's (the team discussion, P-DL-2.7.a), then the superior reviews; the main leader's own
material goes to the superior only. A new submission restarts the chain.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from accounts.choices import Role
from accounts.grants import load_grants
from accounts.permissions import Acting, has_perm, require
from audit.services import record
from core import hooks
from core.errors import ConcurrentEditError, DomainError
from core.prepared import SMALL, Prepared
from rulebook.snapshot import TEAM, MeetingSnapshot, OrgInfo, Person, SelfExamInfo

from .. import similarity
from ..choices import DocStatus, MeetingKind, OpinionTarget, ReviewDecision, ReviewLevel, SelfExamKind, Stage
from ..models import Meeting, Opinion, Review, SelfExamination, SelfExaminationVersion
from .material_warnings import Assessment, MaterialData, Warning, assess, similarity_warning

# The checks that say "this person must have a material", and what they accept.
_EXISTENCE_CHECKS = ("ol_self_exam_required", "ol_community_self_exam", "ol_outline_required", "dl_self_exams_exist")
EDITABLE = (DocStatus.DRAFT, DocStatus.RETURNED)
TEXT_FIELDS = ("preparation", "last_rectification", "problems", "causes", "measures", "thought_section", "personal_section")
SECTION_LABELS = {
    "preparation": "会前准备情况",
    "last_rectification": "上次整改落实情况",
    "problems": "问题查摆",
    "causes": "原因剖析",
    "measures": "整改措施",
    "thought_section": "思想方面",
    "personal_section": "个人责任",
    "structured_items": "条目式问题清单",
}


# -- who writes what ----------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    key: str  # TEAM or "m<member id>"
    doc_kind: str
    clause_ids: tuple[str, ...]


def requirements(rulebook, kind: str, org: OrgInfo, people: tuple[Person, ...], *, half: str = "", special: bool = False) -> list[Requirement]:
    """The materials the rulebook's existence rules expect (pure: no ORM). Team first."""
    probe = MeetingSnapshot(meeting_id=0, kind=kind, organization=org, today=date.today(), half=half, special=special)
    secretary = next((p.key for p in people if p.is_secretary), None)
    committee = [p.key for p in people if p.is_committee or p.is_secretary]
    found: dict[str, Requirement] = {}

    def need(key, doc_kind, rule):
        if key and key not in found:
            found[key] = Requirement(key, doc_kind, tuple(rule.clause_ids))

    for rule in rulebook.rules_for(kind):
        if rule.check not in _EXISTENCE_CHECKS or not rule.applies.matches(probe):
            continue
        if rule.check == "ol_self_exam_required":
            doc_kind = (rule.options.get("doc_kinds") or [SelfExamKind.BRIEF_CHECK])[0]
            for key in committee:
                need(key, doc_kind, rule)
        elif rule.check == "ol_community_self_exam":
            need(TEAM, SelfExamKind.CHECK, rule)
            need(secretary, SelfExamKind.CHECK, rule)
        elif rule.check == "ol_outline_required":
            if org.has_committee:
                need(TEAM, SelfExamKind.OUTLINE, rule)
            for key in committee:
                need(key, SelfExamKind.OUTLINE, rule)
        elif rule.check == "dl_self_exams_exist":
            need(TEAM, SelfExamKind.CHECK, rule)
            for p in sorted(people, key=lambda p: (not p.is_main_leader, p.rank)):
                need(p.key, SelfExamKind.CHECK, rule)
    ordered = sorted(found.values(), key=lambda r: r.key != TEAM)
    return ordered


def structured_required(rulebook, kind: str, org: OrgInfo) -> bool:
    """OL-2.5.d: the community's materials must be itemized (as the checker applies it)."""
    probe = MeetingSnapshot(meeting_id=0, kind=kind, organization=org, today=date.today())
    return any(r.check == "ol_community_structured" and r.applies.matches(probe) for r in rulebook.rules_for(kind))


def rulebook_of(meeting):
    try:
        from .. import lifecycle

        return lifecycle.rulebook_of(meeting)
    except (ImportError, AttributeError):
        from rulebook import engine

        return engine.load(meeting.rulebook_slug, meeting.rulebook_version)


def key_of(member_id: int | None) -> str:
    return TEAM if member_id is None else f"m{member_id}"


def org_info(meeting: Meeting) -> OrgInfo:
    org = meeting.organization
    return OrgInfo(kind=org.kind, sector=org.sector, has_committee=org.has_committee)


def people(meeting: Meeting, on=None) -> dict[str, tuple[object, Person]]:
    """person key → (Member, Person): a branch's committee (OL) or the team's leaders (DL). One query."""
    from organizations.choices import PositionKind
    from organizations.models import LeadingTeamMembership, Position

    on = on or timezone.localdate()
    found: dict[str, tuple[object, Person]] = {}
    if meeting.kind == MeetingKind.DEMOCRATIC_LIFE:
        if meeting.leading_team_id is None:
            return found
        seats = (
            LeadingTeamMembership.objects.filter(team_id=meeting.leading_team_id, started_on__lte=on)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
            .select_related("member")
            .order_by("-is_main_leader", "rank", "pk")
        )
        for seat in seats:
            key = key_of(seat.member_id)
            found[key] = (seat.member, Person(key=key, name=seat.member.name, is_main_leader=seat.is_main_leader, rank=seat.rank))
        return found
    positions = Position.objects.current(on).filter(organization_id=meeting.organization_id).select_related("member").order_by("kind", "pk")
    order = {PositionKind.SECRETARY: 0, PositionKind.DEPUTY_SECRETARY: 1, PositionKind.COMMITTEE_MEMBER: 2}
    for pos in sorted(positions, key=lambda p: (order.get(p.kind, 3), p.pk)):
        key = key_of(pos.member_id)
        if key in found:
            continue
        found[key] = (pos.member, Person(key=key, name=pos.member.name, is_secretary=pos.kind == PositionKind.SECRETARY, is_committee=True))
    return found


def required_for(meeting: Meeting) -> list[Requirement]:
    roster = people(meeting)
    return requirements(
        rulebook_of(meeting), meeting.kind, org_info(meeting), tuple(p for _m, p in roster.values()), half=meeting.half, special=meeting.special
    )


# -- questions ----------------------------------------------------------------------------


def is_author(user, se: SelfExamination) -> bool:
    return se.member_id is not None and se.member.user_id is not None and se.member.user_id == user.pk


def sees_all(user, meeting: Meeting) -> bool:
    """The secretary / main leader and the superiors see every material of the meeting."""
    if has_perm(user, "meeting.manage", meeting.organization) or has_perm(user, "material.review", meeting.organization):
        return True
    org = meeting.organization
    return any(g.role in (Role.REVIEWER, Role.INSPECTOR, Role.OPERATOR) and org.path.startswith(g.path) for g in load_grants(user))


def can_view(user, se: SelfExamination) -> bool:
    """A member sees the team's material and their own, never another member's (unless they
    run the meeting or are a superior)."""
    meeting = se.meeting
    if not has_perm(user, "meeting.view", meeting.organization):
        return False
    return se.member_id is None or is_author(user, se) or sees_all(user, meeting)


def visible_materials(user, meeting: Meeting):
    qs = SelfExamination.objects.filter(meeting=meeting).select_related("member")
    if sees_all(user, meeting):
        return qs
    return qs.filter(Q(member__isnull=True) | Q(member__user=user))


def editor_acting(user, se: SelfExamination) -> Acting:
    """Personal material: only its author (P-DL-2.7.b: written personally). Team material: the
    secretary (OL) or the main leader (DL; P-DL-2.7.a)."""
    if se.member_id is None:
        return require(user, "meeting.manage", se.meeting.organization)
    if not is_author(user, se):
        raise PermissionDenied("个人对照检查材料只能由本人撰写和提交")
    return require(user, "meeting.participate", se.meeting.organization)


def can_edit(user, se: SelfExamination) -> bool:
    try:
        editor_acting(user, se)
    except PermissionDenied:
        return False
    return True


def _main_leader_member_id(meeting: Meeting) -> int | None:
    for _key, (member, person) in people(meeting).items():
        if person.is_main_leader:
            return member.pk
    return None


def review_chain(se: SelfExamination) -> tuple[str, ...]:
    meeting = se.meeting
    if meeting.kind != MeetingKind.DEMOCRATIC_LIFE:
        return (ReviewLevel.SUPERIOR,)
    if se.member_id is not None and se.member_id == _main_leader_member_id(meeting):
        return (ReviewLevel.SUPERIOR,)
    return (ReviewLevel.MAIN_LEADER, ReviewLevel.SUPERIOR)


def current_number(se: SelfExamination) -> int:
    return se.versions.order_by("-number").values_list("number", flat=True).first() or 0


def approved_levels(se: SelfExamination, number: int | None = None) -> set[str]:
    number = current_number(se) if number is None else number
    return set(se.reviews.filter(version_number=number, decision=ReviewDecision.APPROVED).values_list("level", flat=True))


def pending_level(se: SelfExamination) -> str | None:
    """The review level the current submission waits for (None unless submitted)."""
    if se.status != DocStatus.SUBMITTED:
        return None
    done = approved_levels(se)
    return next((level for level in review_chain(se) if level not in done), None)


def reviewer_acting(user, se: SelfExamination, level: str) -> Acting:
    """OL-2.5.i: a reviewer of a superior organization; DL main-leader level: the team's main leader."""
    org = se.meeting.organization
    if is_author(user, se):
        raise PermissionDenied("不能审核本人的材料")
    for grant in load_grants(user):
        if level == ReviewLevel.SUPERIOR and grant.role == Role.REVIEWER and org.path.startswith(grant.path) and grant.organization_id != org.pk:
            return Acting(user, grant.role, grant.organization_id)
        if level == ReviewLevel.MAIN_LEADER and grant.role == Role.MAIN_LEADER and grant.organization_id == org.pk:
            return Acting(user, grant.role, grant.organization_id)
    who = "上级党组织审核人" if level == ReviewLevel.SUPERIOR else "班子主要负责人"
    raise PermissionDenied(f"该材料现在等待{who}审核")


def can_review(user, se: SelfExamination) -> bool:
    level = pending_level(se)
    if level is None:
        return False
    try:
        reviewer_acting(user, se, level)
    except PermissionDenied:
        return False
    return True


# -- state changes ------------------------------------------------------------------------


def _require_preparing(meeting: Meeting, action: str) -> None:
    try:
        from .. import lifecycle
    except ImportError:
        lifecycle = None
    if lifecycle is not None and hasattr(lifecycle, "require_stage"):
        lifecycle.require_stage(meeting, Stage.PREPARING, action=action)
        return
    if meeting.stage != Stage.PREPARING:
        raise DomainError(f"会议处于“{meeting.get_stage_display()}”阶段，不能{action}（方案批准后、会前准备阶段才能进行，OL-2.1）。")


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("organization").get(pk=meeting.pk)


def _lock(se: SelfExamination) -> SelfExamination:
    return SelfExamination.objects.select_for_update(of=("self",)).select_related("meeting__organization", "member").get(pk=se.pk)


def prefill(meeting: Meeting, member_id: int | None) -> dict:
    """A new draft: one item per opinion addressed to this person (or, for the team material,
    to the team), and the previous meeting's measures in 上次整改落实情况."""
    opinions = Opinion.objects.filter(meeting=meeting, merged_into__isnull=True)
    if member_id is None:
        opinions = opinions.filter(target=OpinionTarget.TEAM)
    else:
        opinions = opinions.filter(target=OpinionTarget.PERSON, target_member_id=member_id)
    items = [{"problem": o.content, "cause": "", "measure": "", "opinion_ids": [o.pk]} for o in opinions.order_by("pk")]
    return {"structured_items": items, "last_rectification": carryover_text(meeting, member_id)}


def carryover_text(meeting: Meeting, member_id: int | None) -> str:
    try:
        from rectification.carryover import previous_items
    except ImportError:
        return ""
    items = previous_items(meeting)
    items = items.filter(responsible_member__isnull=True) if member_id is None else items.filter(responsible_member_id=member_id)
    lines = [f"{n}. {i.problem.description}——{i.measures or i.goal}（{i.get_status_display()}）" for n, i in enumerate(items, 1)]
    return "\n".join(lines)


def create_materials(meeting: Meeting, *, actor, only_member_id: int | None = None, only_team: bool = False) -> list[SelfExamination]:
    """Create the materials the rulebook requires that do not exist yet (idempotent), each
    prefilled. The secretary / main leader creates all; a writer may create just their own."""
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        if only_member_id is None and not only_team:
            acting = require(actor, "meeting.manage", meeting.organization)
        else:
            acting = require(actor, "meeting.participate", meeting.organization)
        _require_preparing(meeting, "撰写对照检查材料")
        roster = people(meeting)
        needed = requirements(
            rulebook_of(meeting), meeting.kind, org_info(meeting), tuple(p for _m, p in roster.values()), half=meeting.half, special=meeting.special
        )
        existing = set(SelfExamination.objects.filter(meeting=meeting).values_list("member_id", flat=True))
        created = []
        for req in needed:
            member_id = None if req.key == TEAM else roster[req.key][0].pk
            if only_member_id is not None and member_id != only_member_id:
                continue
            if only_team and member_id is not None:
                continue
            if member_id in existing:
                continue
            se = SelfExamination.objects.create(meeting=meeting, member_id=member_id, doc_kind=req.doc_kind, **prefill(meeting, member_id))
            created.append(se)
            record(acting, meeting.organization, se, "material.created", {"author": req.key, "doc_kind": req.doc_kind, "clauses": list(req.clause_ids)})
        if created:
            hooks.meeting_changed(meeting.pk)
        return created


def clean_items(raw) -> list[dict]:
    items = []
    for row in raw or ():
        problem, cause, measure = ((row.get(k) or "").strip() for k in ("problem", "cause", "measure"))
        if not (problem or cause or measure):
            continue
        ids = sorted({int(i) for i in row.get("opinion_ids") or () if str(i).isdigit()})
        items.append({"problem": problem, "cause": cause, "measure": measure, "opinion_ids": ids})
    return items


def save_draft(se: SelfExamination, data: dict, *, actor, version: int) -> SelfExamination:
    """Save the draft (optimistic locking on `version`). `data` may hold the text sections,
    `structured_items`, `answered_opinion_ids` and `written_personally`."""
    with transaction.atomic():
        se = _lock(se)
        acting = editor_acting(actor, se)
        if se.version != version:
            raise ConcurrentEditError()
        if se.status not in EDITABLE:
            raise DomainError(f"材料{se.get_status_display()}，不能修改。" + ("退回后才能修改。" if se.status == DocStatus.SUBMITTED else ""))
        _require_preparing(se.meeting, "修改对照检查材料")
        changed = []
        for name in TEXT_FIELDS:
            if name in data and (data[name] or "") != getattr(se, name):
                setattr(se, name, data[name] or "")
                changed.append(name)
        if "structured_items" in data:
            items = clean_items(data["structured_items"])
            if items != se.structured_items:
                se.structured_items = items
                changed.append("structured_items")
        if "written_personally" in data and bool(data["written_personally"]) != se.written_personally:
            se.written_personally = bool(data["written_personally"])
            changed.append("written_personally")
        if "answered_opinion_ids" in data or "structured_items" in data:
            # The M2M is what everyone else reads (Opinion.answered_in, the snapshot's
            # OpinionInfo.answered): the ticked opinions plus those an item answers with a measure.
            allowed = set(_addressed(se).values_list("pk", flat=True))
            current = set(se.answered_opinions.values_list("pk", flat=True))
            ticked = {int(i) for i in data["answered_opinion_ids"]} if "answered_opinion_ids" in data else current
            linked = {int(i) for item in se.structured_items if (item.get("measure") or "").strip() for i in item.get("opinion_ids", ())}
            wanted = (ticked | linked) & allowed
            if wanted != current:
                se.answered_opinions.set(wanted)
                changed.append("answered_opinions")
        se.version += 1
        se.save(update_fields=[*[c for c in changed if c != "answered_opinions"], "version", "updated_at"])
        record(acting, se.meeting.organization, se, "material.saved", {"fields": changed, "version": se.version})
        return se


def content_of(se: SelfExamination) -> dict:
    content = {name: getattr(se, name) for name in TEXT_FIELDS}
    content["structured_items"] = list(se.structured_items or [])
    content["answered_opinion_ids"] = sorted(se.answered_opinions.values_list("pk", flat=True))
    content["written_personally"] = se.written_personally
    content["upload"] = se.upload.name if se.upload else ""
    content["doc_kind"] = se.doc_kind
    return content


def submit(se: SelfExamination, *, actor, version: int) -> SelfExaminationVersion:
    """Freeze the draft as a new version and send it to review."""
    with transaction.atomic():
        se = _lock(se)
        acting = editor_acting(actor, se)
        if se.version != version:
            raise ConcurrentEditError()
        if se.status not in EDITABLE:
            raise DomainError("材料已提交审核或已通过，不能重复提交。")
        _require_preparing(se.meeting, "提交对照检查材料")
        content = content_of(se)
        if (
            not se.upload
            and not any((content[n] or "").strip() for n in ("problems", "causes", "measures", "thought_section", "personal_section"))
            and not clean_items(content["structured_items"])
        ):
            raise DomainError("材料还是空的：请填写内容（或上传已写好的材料）后再提交。")
        number = current_number(se) + 1
        frozen = SelfExaminationVersion.objects.create(self_examination=se, number=number, content=content, created_by=actor)
        se.status = DocStatus.SUBMITTED
        se.submitted_at = timezone.now()
        se.version += 1
        se.save(update_fields=["status", "submitted_at", "version", "updated_at"])
        record(acting, se.meeting.organization, se, "material.submitted", {"number": number})
        hooks.meeting_changed(se.meeting_id)
        return frozen


def review(se: SelfExamination, *, actor, decision: str, comment: str = "") -> Review:
    """Approve or return the current submission at the level it waits for."""
    comment = (comment or "").strip()
    with transaction.atomic():
        se = _lock(se)
        require(actor, "material.review", se.meeting.organization)
        level = pending_level(se)
        if level is None:
            raise DomainError(f"材料当前为“{se.get_status_display()}”，没有待审核的版本。")
        acting = reviewer_acting(actor, se, level)
        if decision not in ReviewDecision.values:
            raise DomainError("请选择“通过”或“退回修改”。")
        if decision == ReviewDecision.RETURNED and not comment:
            raise DomainError("退回修改须写明审核意见。")
        number = current_number(se)
        entry = Review.objects.create(self_examination=se, version_number=number, level=level, decision=decision, comment=comment, reviewer=actor)
        if decision == ReviewDecision.RETURNED:
            se.status = DocStatus.RETURNED
            code = "material.returned"
        else:
            done = approved_levels(se, number)
            se.status = DocStatus.APPROVED if all(lv in done for lv in review_chain(se)) else DocStatus.SUBMITTED
            code = "material.approved"
        se.version += 1
        se.save(update_fields=["status", "version", "updated_at"])
        record(acting, se.meeting.organization, se, code, {"number": number, "level": level, "comment": comment})
        hooks.meeting_changed(se.meeting_id)
        return entry


# -- warnings -----------------------------------------------------------------------------


def _addressed(se: SelfExamination):
    qs = Opinion.objects.filter(meeting_id=se.meeting_id, merged_into__isnull=True)
    if se.member_id is None:
        return qs.filter(target=OpinionTarget.TEAM)
    return qs.filter(target=OpinionTarget.PERSON, target_member_id=se.member_id)


def data_of(se: SelfExamination, addressed: tuple[int, ...], answered: frozenset[int], structured: bool) -> MaterialData:
    return MaterialData(
        key=key_of(se.member_id),
        meeting_kind=se.meeting.kind,
        doc_kind=se.doc_kind,
        problems=se.problems,
        causes=se.causes,
        measures=se.measures,
        thought=se.thought_section,
        personal=se.personal_section,
        last_rectification=se.last_rectification,
        items=tuple(se.structured_items or ()),
        has_upload=bool(se.upload),
        addressed_opinions=addressed,
        answered_opinions=answered,
        structured_required=structured and (se.member_id is None or se.doc_kind in (SelfExamKind.CHECK, SelfExamKind.BRIEF_CHECK)),
    )


def _frozen_number():
    """The number of the material's latest frozen version (None when none was frozen)."""
    versions = SelfExaminationVersion.objects.filter(self_examination_id=OuterRef("pk")).order_by("-number")
    return Subquery(versions.values("number")[:1])


# The meeting's materials and those of the same organization and kind one year earlier (kept for
# this year's authors in Python, so that the SQL has one shape), in one read; data_of reads
# se.meeting.kind of last year's: joined.
_MATERIALS = Prepared(
    lambda meeting, org, kind, last_year: (
        SelfExamination.objects.filter(meeting_id__in=Meeting.objects.filter(Q(pk=meeting) | Q(organization_id=org, kind=kind, year=last_year)).values("pk"))
        .select_related("member", "meeting")
        .annotate(frozen_number=_frozen_number())
        .order_by("member_id", "pk")
    ),
    meeting=int,
    org=int,
    kind=str,
    last_year=SMALL,
)


# The fixed per-meeting reads of the assessment and the snapshot contribution, compiled to SQL once
# (`core.prepared`: they run on every meeting page).
_OPINIONS = Prepared(
    lambda meeting: Opinion.objects.filter(meeting_id=meeting, merged_into__isnull=True).values_list("pk", "target", "target_member_id", "content"),
    meeting=int,
)
_ANSWERED = Prepared(
    lambda meeting: SelfExamination.answered_opinions.through.objects.filter(selfexamination__meeting_id=meeting).values_list(
        "selfexamination_id", "opinion_id"
    ),
    meeting=int,
)
_REVIEWS = Prepared(
    lambda meeting: Review.objects.filter(self_examination__meeting_id=meeting).values_list("self_examination_id", "version_number", "level", "decision"),
    meeting=int,
)


# Fetched with the snapshot builder's reads when the meeting page checks the rules.
SNAPSHOT_READS = (_MATERIALS, _OPINIONS, _ANSWERED, _REVIEWS)


@dataclass
class MeetingMaterials:
    """Every material of a meeting with its assessment (one pass, a fixed number of queries)."""

    materials: list[SelfExamination]
    assessments: dict[int, Assessment]
    similar: dict[int, similarity.Match | None]  # the closest text, any threshold


def assess_meeting(meeting: Meeting) -> MeetingMaterials:
    materials, earlier = [], []
    for se in _MATERIALS.objects(meeting=meeting.pk, org=meeting.organization_id, kind=meeting.kind, last_year=meeting.year - 1):
        if se.meeting_id == meeting.pk:
            se.meeting = meeting  # the caller's instance (and its organization)
            materials.append(se)
        else:
            earlier.append(se)
    opinions = _OPINIONS.tuples(meeting=meeting.pk)
    answered: dict[int, set[int]] = {}
    for se_id, op_id in _ANSWERED.tuples(meeting=meeting.pk):
        answered.setdefault(se_id, set()).add(op_id)
    structured = structured_required(rulebook_of(meeting), meeting.kind, org_info(meeting)) if materials else False
    boilerplate = [c for *_x, c in opinions]
    boilerplate += [se.last_rectification for se in materials]
    authors = {se.member_id for se in materials}
    last_year = {key_of(x.member_id): x for x in earlier if x.member_id in authors}
    datas = {}
    for se in materials:
        if se.member_id is None:
            addressed = tuple(pk for pk, target, _m, _c in opinions if target == OpinionTarget.TEAM)
        else:
            addressed = tuple(pk for pk, target, m, _c in opinions if target == OpinionTarget.PERSON and m == se.member_id)
        datas[se.pk] = data_of(se, addressed, frozenset(answered.get(se.pk, ())), structured)
    texts = {
        se.pk: similarity.Text(f"se{se.pk}", se.member.name if se.member_id else "班子材料", similarity.strip_common(datas[se.pk].body(), boilerplate))
        for se in materials
    }
    assessments, closest = {}, {}
    for se in materials:
        a = assess(datas[se.pk])
        others = [texts[o.pk] for o in materials if o.pk != se.pk]
        matches = similarity.compare(texts[se.pk], others)
        top = similarity.best(texts[se.pk], others)
        warning = similarity_warning(matches, last_year=False)
        if warning:
            a.warnings.append(warning)
        previous = last_year.get(key_of(se.member_id))
        if previous is not None:
            old = similarity.Text(f"se{previous.pk}", f"{meeting.year - 1}年本人材料", similarity.strip_common(_body_of(previous), boilerplate))
            old_matches = similarity.compare(texts[se.pk], [old])
            warning = similarity_warning(old_matches, last_year=True)
            if warning:
                a.warnings.append(warning)
            old_best = similarity.best(texts[se.pk], [old])
            if old_best and (top is None or old_best.similarity > top.similarity):
                top = old_best
        assessments[se.pk] = a
        closest[se.pk] = top
    return MeetingMaterials(materials, assessments, closest)


def _body_of(se: SelfExamination) -> str:
    return data_of(se, (), frozenset(), False).body()


def warnings_for(se: SelfExamination) -> list[Warning]:
    return assess_meeting(se.meeting).assessments.get(se.pk, Assessment()).warnings


# -- the rule-check snapshot --------------------------------------------------------------


def contribute(meeting: Meeting, today=None, snapshot=None) -> dict:
    """`{"self_exams": (SelfExamInfo, …)}` for `meetings.snapshot.build` (fixed query count)."""
    found = assess_meeting(meeting)
    reviews: dict[tuple[int, int], set[str]] = {}
    numbers: dict[int, int] = {}
    for se_id, number, level, decision in _REVIEWS.tuples(meeting=meeting.pk):
        numbers[se_id] = max(numbers.get(se_id, 0), number)  # when no version was frozen (imported data)
        if decision == ReviewDecision.APPROVED:
            reviews.setdefault((se_id, number), set()).add(level)
    # an approval counts for the current submission only
    numbers.update({se.pk: se.frozen_number for se in found.materials if se.frozen_number is not None})
    infos = []
    for se in found.materials:
        a = found.assessments[se.pk]
        top = found.similar.get(se.pk)
        done = reviews.get((se.pk, numbers.get(se.pk, 0)), set()) if se.status in (DocStatus.SUBMITTED, DocStatus.APPROVED) else set()
        infos.append(
            SelfExamInfo(
                author=key_of(se.member_id),
                doc_kind=se.doc_kind,
                status=se.status,
                has_problems=a.has_problems,
                has_causes=a.has_causes,
                has_measures=a.has_measures,
                has_structured_items=a.has_structured_items,
                has_upload=bool(se.upload),
                has_thought=bool(se.thought_section.strip()),
                has_personal=bool(se.personal_section.strip()),
                only_achievements=a.only_achievements,
                items_missing_cause_or_measure=a.items_missing_cause_or_measure,
                unanswered_opinions=a.unanswered,
                max_similarity=round(top.similarity, 3) if top else 0.0,
                similar_to=top.label if top else "",
                approved_by_superior=ReviewLevel.SUPERIOR in done,
                approved_by_main_leader=ReviewLevel.MAIN_LEADER in done,
                submitted_on=timezone.localdate(se.submitted_at) if se.submitted_at else None,
                linked_opinions=a.linked_opinions,
                written_personally=se.written_personally,
                has_last_rectification=bool(se.last_rectification.strip()),
            )
        )
    return {"self_exams": tuple(infos)}


# -- versions and diffs -------------------------------------------------------------------


def _items_text(items) -> str:
    lines = []
    for n, item in enumerate(items or (), 1):
        lines.append(f"{n}. 问题：{item.get('problem', '')}")
        lines.append(f"   原因：{item.get('cause', '')}")
        lines.append(f"   措施：{item.get('measure', '')}")
    return "\n".join(lines)


def section_texts(content: dict) -> dict[str, str]:
    texts = {name: content.get(name, "") or "" for name in TEXT_FIELDS}
    texts["structured_items"] = _items_text(content.get("structured_items"))
    return texts


@dataclass(frozen=True)
class SectionDiff:
    name: str
    label: str
    changed: bool
    left: tuple[tuple[str, str], ...]  # (op, text): op in equal | delete
    right: tuple[tuple[str, str], ...]  # (op, text): op in equal | insert
    inline: tuple[tuple[str, str], ...]  # (op, text): equal | delete | insert


def diff_contents(old: dict, new: dict) -> list[SectionDiff]:
    """Character-level differences per section (Chinese has no word breaks), readable side by
    side (left = old with deletions, right = new with insertions) or inline."""
    a, b = section_texts(old), section_texts(new)
    out = []
    for name in [*TEXT_FIELDS, "structured_items"]:
        x, y = a.get(name, ""), b.get(name, "")
        if not x and not y:
            continue
        left, right, inline = [], [], []
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes():
            if op == "equal":
                left.append(("equal", x[i1:i2]))
                right.append(("equal", y[j1:j2]))
                inline.append(("equal", x[i1:i2]))
                continue
            if i2 > i1:
                left.append(("delete", x[i1:i2]))
                inline.append(("delete", x[i1:i2]))
            if j2 > j1:
                right.append(("insert", y[j1:j2]))
                inline.append(("insert", y[j1:j2]))
        out.append(SectionDiff(name, SECTION_LABELS[name], x != y, tuple(left), tuple(right), tuple(inline)))
    return out


# -- a file in place of the sections (OL-2.5.h) -------------------------------------------

UPLOAD_KINDS = {"pdf", "docx"}
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
_EXT_KIND = {".pdf": "pdf", ".docx": "docx"}


def attach_upload(se: SelfExamination, data: bytes, *, actor, version: int) -> SelfExamination:
    """OL-2.5.h: no uniform format is imposed, so a finished Word/PDF file may replace the
    sections (the community's itemized list is still required, OL-2.5.d)."""
    from core.uploads import check_upload, store_private

    with transaction.atomic():
        se = _lock(se)
        acting = editor_acting(actor, se)
        if se.version != version:
            raise ConcurrentEditError()
        if se.status not in EDITABLE:
            raise DomainError("材料已提交审核或已通过，不能更换文件。")
        _require_preparing(se.meeting, "上传对照检查材料")
        kind = check_upload(data, UPLOAD_KINDS, UPLOAD_MAX_BYTES)
        se.upload.name = store_private(data, "self_exams", kind)
        se.version += 1
        se.save(update_fields=["upload", "version", "updated_at"])
        record(acting, se.meeting.organization, se, "material.uploaded", {"kind": kind, "bytes": len(data)})
        return se


def upload_kind(se: SelfExamination) -> str:
    name = se.upload.name if se.upload else ""
    return next((kind for ext, kind in _EXT_KIND.items() if name.lower().endswith(ext)), "")


# -- the community's public problem list (OL-2.5.e) -----------------------------------------


def problem_list_text(meeting: Meeting) -> str:
    """The itemized lists of the community team and its secretary, as they are displayed."""
    roster = people(meeting)
    secretary = next((m for m, p in roster.values() if p.is_secretary), None)
    parts = []
    wanted = [(None, "党组织班子")] + ([(secretary.pk, f"党组织书记{secretary.name}")] if secretary else [])
    mine = Q(member__isnull=True) | Q(member_id=secretary.pk) if secretary else Q(member__isnull=True)
    found = {se.member_id: se for se in SelfExamination.objects.filter(mine, meeting=meeting)}
    for n, (member_id, title) in enumerate(wanted, 1):
        se = found.get(member_id)
        items = clean_items(se.structured_items if se else [])
        if not items:
            continue
        parts.append(f"{'一二'[n - 1]}、{title}问题清单和整改措施")
        for i, item in enumerate(items, 1):
            parts.append(f"{i}. 问题：{item['problem']}")
            parts.append(f"   整改措施：{item['measure'] or '（待定）'}")
    return "\n".join(parts)


def publish_problem_list(meeting: Meeting, *, actor, form: str, scope: str = "", display_until=None):
    """OL-2.5.e: the community's problem list and measures are displayed to the public before
    the meeting (a `PublicNotice` of kind 问题清单公示 on the meeting's public page). Publishing
    again refreshes the text and keeps the first publication date."""
    from ..choices import NoticeKind
    from ..models import PublicNotice

    form = (form or "").strip()
    with transaction.atomic():
        meeting = _lock_meeting(meeting)
        acting = require(actor, "meeting.manage", meeting.organization)
        _require_preparing(meeting, "公示问题清单")
        if not structured_required(rulebook_of(meeting), meeting.kind, org_info(meeting)):
            raise DomainError("只有社区党组织的问题清单需要向群众公示（OL-2.5.e）。")
        if not form:
            raise DomainError("请写明公示的渠道或地点（如社区公示栏、居民群、网上公开页面）。")
        body = problem_list_text(meeting)
        if not body:
            raise DomainError("班子和书记的材料还没有条目式问题清单，暂不能公示（OL-2.5.d）。")
        notice = PublicNotice.objects.filter(meeting=meeting, kind=NoticeKind.PROBLEM_LIST).first()
        now = timezone.now()
        if notice is None:
            notice = PublicNotice(meeting=meeting, kind=NoticeKind.PROBLEM_LIST, published_at=now, published_by=actor)
        notice.title = f"{meeting.organization.name}问题清单和整改措施公示"
        notice.body = body
        notice.form = form
        notice.scope = (scope or "").strip() or "社区党员群众"
        notice.is_public = True
        notice.display_until = display_until
        notice.save()
        record(
            acting, meeting.organization, notice, "material.problem_list_published", {"form": notice.form, "scope": notice.scope, "items": body.count("问题：")}
        )
        hooks.meeting_changed(meeting.pk)
        return notice
