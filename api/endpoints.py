"""The API operations. Each one: `@declare(perm)`, a scoped read (`visible_to` → 404),
and for writes the same service function as the web view (which calls `require` → 403,
applies the rules and audits)."""

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from accounts.scoping import get_visible_or_404, visible_or_404
from core.errors import DomainError
from meetings.choices import Stage
from meetings.models import Meeting, Opinion, Talk
from organizations.models import Member, Organization
from rectification import services as rectification_services
from rectification.choices import ItemStatus
from rectification.models import RectificationItem, Report

from . import schemas as s
from .security import declare

router = Router()

MAX_PAGE = 100_000


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=200)


def _page(queryset, q: PageQuery, mapper):
    count = queryset.count()
    start = (q.page - 1) * q.page_size
    rows = list(queryset[start : start + q.page_size]) if start < count else []
    return {"count": count, "page": q.page, "page_size": q.page_size, "results": [mapper(r) for r in rows]}


def _subtree(request, org_id: int | None):
    """The `subtree` filter: an organization the caller may see (404 otherwise)."""
    if org_id is None:
        return None
    return get_visible_or_404(Organization.objects.all(), request.user, pk=org_id)


def _parent_id(org):
    if org.depth <= 1:
        return None
    parent_path = org.path[: -Organization.steplen]
    return Organization.objects.filter(path=parent_path).values_list("pk", flat=True).first()


# -- organizations ------------------------------------------------------------------------
def _org(o, parents=None):
    return {
        "id": o.pk,
        "name": o.name,
        "code": o.code,
        "kind": o.kind,
        "sector": o.sector,
        "has_committee": o.has_committee,
        "parent_id": (parents or {}).get(o.path[: -Organization.steplen]) if o.depth > 1 else None,
        "depth": o.depth,
    }


class OrganizationPage(s.Page):
    results: list[s.OrganizationOut]


class OrgFilter(PageQuery):
    subtree: s.Id | None = None
    kind: s.Text | None = Field(None, max_length=20)


@router.get("/organizations", response=OrganizationPage, tags=["党组织"], summary="可见的党组织")
@declare("organization.view")
def list_organizations(request, filters: Query[OrgFilter]):
    qs = Organization.objects.visible_to(request.user)
    root = _subtree(request, filters.subtree)
    if root is not None:
        qs = qs.filter(path__startswith=root.path)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    rows = list(qs[start : start + filters.page_size]) if start < count else []
    parents = dict(Organization.objects.filter(path__in={r.path[: -Organization.steplen] for r in rows}).values_list("path", "pk"))
    return {"count": count, "page": filters.page, "page_size": filters.page_size, "results": [_org(r, parents) for r in rows]}


@router.get("/organizations/{org_id}", response=s.OrganizationOut, tags=["党组织"], summary="党组织详情")
@declare("organization.view")
def get_organization(request, org_id: s.Id):
    org = get_visible_or_404(Organization.objects.all(), request.user, pk=org_id)
    data = _org(org)
    data["parent_id"] = _parent_id(org)
    return data


# -- members (masked) ---------------------------------------------------------------------
def _member(m):
    return {
        "uid": str(m.uid),
        "name": m.name,
        "gender": m.gender,
        "organization_id": m.organization_id,
        "id_number_masked": m.id_number_masked,
        "phone_masked": m.phone_masked,
        "joined_on": m.joined_on,
        "is_probationary": m.is_probationary,
        "is_active": m.is_active,
    }


class MemberPage(s.Page):
    results: list[s.MemberOut]


class MemberFilter(PageQuery):
    subtree: s.Id | None = None
    organization: s.Id | None = None


@router.get("/members", response=MemberPage, tags=["党员"], summary="党员名册（个人信息已脱敏）")
@declare("member.view")
def list_members(request, filters: Query[MemberFilter]):
    qs = Member.objects.visible_to(request.user).on_roster().order_by("organization_id", "name", "pk")
    root = _subtree(request, filters.subtree)
    if root is not None:
        qs = qs.filter(organization__path__startswith=root.path)
    if filters.organization:
        qs = qs.filter(organization_id=filters.organization)
    return _page(qs, filters, _member)


@router.get("/members/{uid}", response=s.MemberOut, tags=["党员"], summary="党员（个人信息已脱敏）")
@declare("member.view")
def get_member(request, uid: uuid.UUID):
    return _member(get_visible_or_404(Member.objects.all(), request.user, uid=uid))


# -- meetings -----------------------------------------------------------------------------
def _overdue_items(today):
    return RectificationItem.objects.filter(meeting=OuterRef("pk"), status__in=(ItemStatus.OPEN, ItemStatus.CLOSURE_REQUESTED), deadline__lt=today)


def _meeting(m):
    return {
        "id": m.pk,
        "title": m.title,
        "kind": m.kind,
        "year": m.year,
        "half": m.half,
        "organization_id": m.organization_id,
        "stage": m.stage,
        "stage_label": m.get_stage_display(),
        "scheduled_date": m.scheduled_date,
        "overdue_items": getattr(m, "n_overdue", 0),
    }


class MeetingPage(s.Page):
    results: list[s.MeetingOut]


class MeetingFilter(PageQuery):
    stage: Stage | None = None
    kind: s.Text | None = Field(None, max_length=20)
    year: int | None = Field(None, ge=2000, le=2100)
    organization: s.Id | None = None
    subtree: s.Id | None = None
    overdue: bool | None = Field(None, description="有逾期未完成整改事项的会议")


@router.get("/meetings", response=MeetingPage, tags=["会议"], summary="会议列表（可按阶段、逾期、下级范围筛选）")
@declare("meeting.view")
def list_meetings(request, filters: Query[MeetingFilter]):
    today = timezone.localdate()
    qs = Meeting.objects.visible_to(request.user).order_by("-year", "organization_id", "pk")
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.organization:
        qs = qs.filter(organization_id=filters.organization)
    root = _subtree(request, filters.subtree)
    if root is not None:
        qs = qs.filter(organization__path__startswith=root.path)
    if filters.overdue is not None:
        qs = qs.filter(Exists(_overdue_items(today))) if filters.overdue else qs.exclude(Exists(_overdue_items(today)))
    overdue = Q(rectification_items__status__in=(ItemStatus.OPEN, ItemStatus.CLOSURE_REQUESTED), rectification_items__deadline__lt=today)
    qs = qs.annotate(n_overdue=Count("rectification_items", filter=overdue))
    return _page(qs, filters, _meeting)


def meeting_checks(meeting):
    """Findings and timeline from the meetings lifecycle (ol-core) when it is present."""
    try:
        from meetings import lifecycle
        from meetings import snapshot as meeting_snapshot
        from rulebook.timeline import timeline
    except ImportError:
        return False, [], []
    findings = lifecycle.findings(meeting)
    obligations = timeline(meeting_snapshot.build(meeting), lifecycle.rulebook_of(meeting))
    return (
        True,
        [
            {"rule_id": f.rule_id, "severity": f.severity, "clause_ids": list(f.clause_ids), "message": f.message, "hint": f.hint, "overridden": f.overridden}
            for f in findings
        ],
        [
            {"key": o.key, "title": o.title, "due": o.due, "status": o.status, "clause_ids": list(o.clause_ids), "role": o.role, "done_on": o.done_on}
            for o in obligations
        ],
    )


@router.get("/meetings/{meeting_id}", response=s.MeetingDetailOut, tags=["会议"], summary="会议：阶段、时间线和规则提示")
@declare("meeting.view")
def get_meeting(request, meeting_id: s.Id):
    meeting = get_visible_or_404(Meeting.objects.select_related("organization"), request.user, pk=meeting_id)
    data = _meeting(meeting)
    data["overdue_items"] = _overdue_count(meeting)
    available, findings, obligations = meeting_checks(meeting)
    data.update(
        {
            "stage_changes": [{"from_stage": c.from_stage, "to_stage": c.to_stage, "at": c.at} for c in meeting.stage_changes.order_by("at", "pk")],
            "checks_available": available,
            "findings": findings,
            "timeline": obligations,
        }
    )
    return data


def _overdue_count(meeting):
    return RectificationItem.objects.filter(meeting=meeting).overdue().count()


# -- talks and opinions -------------------------------------------------------------------
def _talk(t):
    first = t.member_a.name if t.member_a_id else (str(t.user_a) if t.user_a_id else "")
    return {
        "id": t.pk,
        "kind": t.kind,
        "first_party": first,
        "second_party": t.member_b.name,
        "scheduled_on": t.scheduled_on,
        "held_on": t.held_on,
        "form": t.form,
    }


class TalkPage(s.Page):
    results: list[s.TalkOut]


@router.get("/meetings/{meeting_id}/talks", response=TalkPage, tags=["会议"], summary="谈心谈话安排与完成情况（不含谈话内容）")
@declare("meeting.view")
def list_talks(request, meeting_id: s.Id, filters: Query[PageQuery]):
    meeting = get_visible_or_404(Meeting.objects.all(), request.user, pk=meeting_id)
    qs = Talk.objects.filter(meeting=meeting).select_related("member_a", "member_b", "user_a").order_by("pk")
    return _page(qs, filters, _talk)


def _opinion(o):
    return {
        "id": o.pk,
        "channel": o.channel,
        "target": o.target,
        "target_member": str(o.target_member.uid) if o.target_member_id else None,
        "content": o.content,
        "giver": "匿名" if o.is_anonymous else o.giver_name,
        "received_on": o.received_on,
    }


class OpinionPage(s.Page):
    results: list[s.OpinionOut]


@router.get("/meetings/{meeting_id}/opinions", response=OpinionPage, tags=["会议"], summary="征求到的意见建议（会议记录人可见）")
@declare("meeting.record")
def list_opinions(request, meeting_id: s.Id, filters: Query[PageQuery]):
    meeting = get_visible_or_404(Meeting.objects.all(), request.user, "meeting.record", pk=meeting_id)
    qs = Opinion.objects.filter(meeting=meeting, merged_into__isnull=True).select_related("target_member").order_by("pk")
    return _page(qs, filters, _opinion)


@router.post("/meetings/{meeting_id}/opinions", response={201: OpinionPage}, tags=["会议"], summary="录入征求到的意见建议（OL-2.3.a）")
@declare("meeting.record", write=True)
def post_opinions(request, meeting_id: s.Id, body: s.OpinionsIn):
    from meetings.services.opinions import Entry, record_opinions

    meeting = get_visible_or_404(Meeting.objects.all(), request.user, pk=meeting_id)
    entries = []
    for e in body.entries:
        member = None
        if e.target_member is not None:
            member = Member.objects.filter(uid=e.target_member, organization_id=meeting.organization_id).first()
            if member is None:
                raise DomainError("意见对象须为本支部的支部委员。")
        entries.append(
            Entry(
                content=e.content,
                target_member=member,
                giver_name=e.giver_name,
                giver_kind=e.giver_kind,
                is_anonymous=e.is_anonymous,
                strong_public_concern=e.strong_public_concern,
                category=e.category,
            )
        )
    created = record_opinions(meeting, actor=request.user, channel=body.channel, received_on=body.received_on, entries=entries)
    rows = [_opinion(o) for o in created]
    return Status(201, {"count": len(rows), "page": 1, "page_size": max(len(rows), 1), "results": rows})


# -- rectification items ------------------------------------------------------------------
ITEM_RELATED = ("problem", "meeting", "organization", "responsible_member", "responsible_organization")


def _item(i, today=None):
    return {
        "id": i.pk,
        "meeting_id": i.meeting_id,
        "organization_id": i.organization_id,
        "problem": i.problem.description,
        "goal": i.goal,
        "measures": i.measures,
        "responsible": i.responsible_display(),
        "deadline": i.deadline,
        "status": i.status,
        "overdue": i.is_overdue(today),
        "version": i.version,
    }


class ItemPage(s.Page):
    results: list[s.ItemOut]


class ItemFilter(PageQuery):
    status: ItemStatus | None = None
    overdue: bool | None = None
    meeting: s.Id | None = None
    organization: s.Id | None = None
    subtree: s.Id | None = None


@router.get("/items", response=ItemPage, tags=["整改"], summary="整改事项（本人负责的和所辖组织的台账）")
@declare(None)
def list_items(request, filters: Query[ItemFilter]):
    today = timezone.localdate()
    qs = RectificationItem.objects.reachable_by(request.user).select_related(*ITEM_RELATED).order_by("deadline", "pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue is not None:
        overdue_pks = RectificationItem.objects.overdue(today).values("pk")
        qs = qs.filter(pk__in=overdue_pks) if filters.overdue else qs.exclude(pk__in=overdue_pks)
    if filters.meeting:
        qs = qs.filter(meeting_id=filters.meeting)
    if filters.organization:
        qs = qs.filter(organization_id=filters.organization)
    root = _subtree(request, filters.subtree)
    if root is not None:
        qs = qs.filter(organization__path__startswith=root.path)
    return _page(qs, filters, lambda i: _item(i, today))


def _reachable_item(request, item_id):
    return visible_or_404(RectificationItem.objects.reachable_by(request.user).select_related(*ITEM_RELATED).filter(pk=item_id).first())


def _item_detail(item):
    data = _item(item)
    data["events"] = [
        {"kind": e.kind, "at": e.at, "role": e.role, "status_from": e.status_from, "status_to": e.status_to, "note": e.note}
        for e in item.events.order_by("at", "pk")
    ]
    return data


@router.get("/items/{item_id}", response=s.ItemDetailOut, tags=["整改"], summary="整改事项及其进展记录")
@declare(None)
def get_item(request, item_id: s.Id):
    return _item_detail(_reachable_item(request, item_id))


@router.post("/items/{item_id}/progress", response={201: s.ItemDetailOut}, tags=["整改"], summary="报告整改进展")
@declare("rectification.progress", write=True)
def post_progress(request, item_id: s.Id, body: s.NoteIn):
    item = _reachable_item(request, item_id)
    rectification_services.report_progress(item, actor=request.user, note=body.note)
    return Status(201, _item_detail(_reachable_item(request, item_id)))


@router.post("/items/{item_id}/request-closure", response=s.ItemDetailOut, tags=["整改"], summary="申请销号")
@declare("rectification.progress", write=True)
def post_request_closure(request, item_id: s.Id, body: s.NoteIn):
    item = _reachable_item(request, item_id)
    rectification_services.request_closure(item, actor=request.user, note=body.note)
    return _item_detail(_reachable_item(request, item_id))


@router.post("/items/{item_id}/close", response=s.ItemDetailOut, tags=["整改"], summary="确认销号（上级审核人）")
@declare("rectification.close", write=True)
def post_close(request, item_id: s.Id, body: s.NoteIn):
    item = _reachable_item(request, item_id)
    rectification_services.confirm_closure(item, actor=request.user, note=body.note)
    return _item_detail(_reachable_item(request, item_id))


@router.post("/items/{item_id}/return", response=s.ItemDetailOut, tags=["整改"], summary="退回销号申请（上级审核人）")
@declare("rectification.close", write=True)
def post_return(request, item_id: s.Id, body: s.ReasonIn):
    item = _reachable_item(request, item_id)
    rectification_services.return_closure(item, actor=request.user, reason=body.reason)
    return _item_detail(_reachable_item(request, item_id))


# -- reports ------------------------------------------------------------------------------
def _report(r):
    return {
        "id": r.pk,
        "meeting_id": r.meeting_id,
        "organization_id": r.organization_id,
        "status": r.status,
        "due_on": r.due_on,
        "first_submitted_at": r.first_submitted_at,
        "submitted_at": r.submitted_at,
        "current_number": r.current_number,
    }


class ReportPage(s.Page):
    results: list[s.ReportOut]


class ReportFilter(PageQuery):
    status: s.Text | None = Field(None, max_length=20)
    subtree: s.Id | None = None


@router.get("/reports", response=ReportPage, tags=["上报"], summary="会议情况报告（上报材料）")
@declare("report.view")
def list_reports(request, filters: Query[ReportFilter]):
    qs = Report.objects.visible_to(request.user).order_by("-pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    root = _subtree(request, filters.subtree)
    if root is not None:
        qs = qs.filter(organization__path__startswith=root.path)
    return _page(qs, filters, _report)


@router.get("/reports/{report_id}", response=s.ReportOut, tags=["上报"], summary="会议情况报告")
@declare("report.view")
def get_report(request, report_id: s.Id):
    return _report(get_visible_or_404(Report.objects.all(), request.user, pk=report_id))


# -- the caller ---------------------------------------------------------------------------
class MeOut(Schema):
    username: str
    display_name: str
    roles: list[str]
    token: s.TokenOut


@router.get("/me", response=MeOut, tags=["令牌"], summary="当前令牌及其角色范围")
@declare(None)
def me(request):
    from accounts.grants import load_grants

    token = getattr(request.user, "api_token", None)
    if token is None:
        raise PermissionDenied
    return {
        "username": request.user.username,
        "display_name": request.user.display_name,
        "roles": sorted({g.role for g in load_grants(request.user)}),
        "token": {"name": token.name, "prefix": token.prefix, "roles": token.roles, "read_only": token.read_only, "expires_at": token.expires_at},
    }
