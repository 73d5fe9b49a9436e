"""The meeting list and the meeting page (stage, next steps, findings, timeline, history)."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import has_perm, permission_set, require, scope_q
from accounts.scoping import not_visible
from core.errors import DomainError
from core.prepared import Prepared
from core.views import show_domain_error as show_error
from core.views import view_permission
from organizations.models import Organization
from rulebook import engine
from rulebook.timeline import display_rows, timeline

from .. import findings_display, lifecycle, steps
from .. import snapshot as snapshots
from ..choices import MeetingKind, PlanStatus, Stage
from ..forms_core import MeetingCreateForm, OverrideForm
from ..models import GateOverride, Meeting, StageChange
from ..services.meeting import create_meeting
from ..services.prep_common import can_see_confidential

PAGE_SIZE = 50
# Who sees the rule findings, the timeline and the overrides (plain members see their tasks).
OVERSEERS = {"meeting.manage", "meeting.record", "plan.approve", "gate.override", "meeting.guide", "campaign.launch"}
STAGE_STEP = {
    Stage.PLANNING: "plan",
    Stage.PREPARING: "study",
    Stage.READY: "sitting",
    Stage.HELD: "rectification",
    Stage.RECTIFYING: "rectification",
    Stage.REPORTED: "report",
    Stage.CLOSED: "report",
}


# Every meeting page reads these: compiled once (`core.prepared`).
_HISTORY = Prepared(lambda meeting: StageChange.objects.filter(meeting_id=meeting).select_related("by"), meeting=int)
_OVERRIDES = Prepared(lambda meeting: GateOverride.objects.filter(meeting_id=meeting).select_related("by").order_by("at"), meeting=int)


def get_meeting(request, pk, perm="meeting.view"):
    """The meeting, or 404 when it does not exist or lies outside what the user may `perm`: the
    answer of `get_visible_or_404` (`has_perm` applies to one organization the rule `scope_q`
    writes as SQL), without building that WHERE clause on every page. Read as the rule check's
    snapshot reads it (`snapshot.load`), so the page does not read it twice."""
    meeting = snapshots.load(pk)
    if meeting is None or not has_perm(request.user, perm, meeting.organization):
        raise not_visible()
    return meeting


@view_permission("meeting.view")
def meeting_list(request):
    qs = Meeting.objects.visible_to(request.user).select_related("organization", "plan").order_by("-year", "organization__path", "pk")
    stage, kind, year, q = request.GET.get("stage", ""), request.GET.get("kind", ""), request.GET.get("year", ""), request.GET.get("q", "").strip()
    if stage in Stage.values:
        qs = qs.filter(stage=stage)
    if kind in MeetingKind.values:
        qs = qs.filter(kind=kind)
    if year.isdigit():
        qs = qs.filter(year=int(year))
    if q:
        qs = qs.filter(organization__name__icontains=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_create = Organization.objects.filter(scope_q(request.user, "meeting.manage", "")).exists()
    return render(
        request,
        "meetings/core/list.html",
        {
            "page": page,
            "stages": Stage.choices,
            "kinds": MeetingKind.choices,
            "filters": {"stage": stage, "kind": kind, "year": year, "q": q},
            "can_create": can_create,
        },
    )


@view_permission("meeting.manage")
def meeting_create(request):
    """A branch starts its own meeting (OL-1.2: it need not wait for a campaign)."""
    orgs = Organization.objects.filter(scope_q(request.user, "meeting.manage", "")).order_by("path")
    form = MeetingCreateForm(orgs, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = create_meeting(d["organization"], kind=d["kind"], year=d["year"], half=d["half"] or "", actor=request.user)
        except DomainError as exc:
            show_error(request, exc)
        else:
            messages.success(request, "已创建会议，请起草工作方案。")
            return redirect("meetings:plan", meeting.pk)
    return render(request, "meetings/core/create.html", {"form": form})


def next_actions(meeting, perms: frozenset, user) -> list[tuple[str, str]]:
    """What the person looking at the page should do next: (text, url name or "")."""
    out = []
    plan = getattr(meeting, "plan", None)
    manage = "meeting.manage" in perms
    if meeting.stage == Stage.PLANNING:
        if manage and plan and plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED):
            out.append(("完善工作方案并报上级党组织审核" + ("（方案已退回，请按审核意见修改）" if plan.status == PlanStatus.RETURNED else ""), "meetings:plan"))
        if manage and plan and plan.status == PlanStatus.SUBMITTED:
            out.append(("方案已报审，等待上级党组织审核。", "meetings:plan"))
        if "plan.approve" in perms and plan and plan.status == PlanStatus.SUBMITTED:
            out.append(("审核该支部报送的工作方案", "meetings:plan"))
    elif meeting.stage == Stage.PREPARING:
        if manage:
            out.append(("按方案组织会前准备：学习、征求意见、谈心谈话、对照检查材料；全部完成后点击“进入下一阶段”。", ""))
        elif "meeting.participate" in perms:
            out.append(("参加会前学习，认真准备发言提纲。", "meetings:study"))
    elif meeting.stage == Stage.READY:
        out.append(("会前准备已就绪，按方案召开会议并记录。" if manage else "按通知参加会议。", ""))
    elif meeting.stage == Stage.HELD:
        if manage:
            out.append(("登记会上查摆的问题，制定整改措施（确定第一条整改事项后自动进入整改落实阶段）。", ""))
    elif meeting.stage == Stage.RECTIFYING:
        if manage:
            out.append(("抓好整改落实，按期报送会议材料（报送后自动进入“已报送”阶段）。", ""))
    elif meeting.stage == Stage.REPORTED:
        if "gate.override" in perms or "plan.approve" in perms:
            out.append(("接收上报材料，审核整改事项销号；全部销号后可办结会议。", ""))
        elif manage:
            out.append(("逐项落实整改、申请销号；全部销号且材料被接收后办结会议。", ""))
    return out


def _page_context(request, meeting, *, refused=None):
    today = timezone.localdate()
    perms = permission_set(request.user, meeting.organization)
    overseer = bool(perms & OVERSEERS)
    rb = lifecycle.rulebook_of(meeting)
    ctx = {
        "meeting": meeting,
        "perms": perms,
        "overseer": overseer,
        "rulebook": rb,
        "stages": [(value, label, i) for i, (value, label) in enumerate(Stage.choices)],
        "stage_index": list(Stage.values).index(meeting.stage),
        "steps": steps.for_meeting(meeting),
        "next": next_actions(meeting, perms, request.user),
        "next_stage": lifecycle.NEXT_STAGE.get(meeting.stage),
        "refused": refused or [],
        "history": _HISTORY.objects(meeting=meeting.pk),
        "guidance": engine.guidance_for(meeting.kind, STAGE_STEP.get(meeting.stage, "plan"), rb),
    }
    if not overseer:
        ctx["overrides"] = _OVERRIDES.objects(meeting=meeting.pk)
        return ctx
    snap = snapshots.build(meeting, today=today, as_read=True)  # `get_meeting` read it with `snapshot.load`
    # Overrides are rare: their details are read only when the snapshot found one.
    ctx["overrides"] = _OVERRIDES.objects(meeting=meeting.pk) if snap.overrides else []
    found = lifecycle.findings(meeting, snapshot=snap)
    next_stage = ctx["next_stage"]
    blocking = engine.blockers(found, next_stage) if next_stage else []
    blocking_ids = {f.rule_id for f in blocking}
    # Names of whom a finding concerns; OL-2.4.f's only for the secretary and the superior.
    shown = functools.partial(findings_display.for_viewer, snapshot=snap, confidential=can_see_confidential(request.user, meeting))
    ctx.update(
        {
            "blockers": shown(blocking),
            "other_findings": shown([f for f in found if f.rule_id not in blocking_ids]),
            "refused": shown(ctx["refused"]),
            "obligations": display_rows(timeline(snap, rb)),
        }
    )
    if "gate.override" in perms and meeting.stage != Stage.CLOSED:
        roles = lifecycle.override_roles_of(request.user, meeting)
        done = {o.rule_id for o in ctx["overrides"]}
        choices = [
            (f.rule_id, f"{f.rule_id} {f.message[:40]}")
            for f in found
            if f.severity == "blocker" and f.overridable and not f.overridden and f.rule_id not in done and set(f.override_roles) & roles
        ]
        ctx["override_form"] = OverrideForm(choices) if choices else None
    return ctx


@view_permission("meeting.view")
def meeting_detail(request, pk):
    meeting = get_meeting(request, pk)
    return render(request, "meetings/core/detail.html", _page_context(request, meeting))


@require_POST
@view_permission("meeting.manage")
def meeting_advance(request, pk):
    """The button "进入下一阶段": refused moves show their blockers."""
    meeting = get_meeting(request, pk, "meeting.manage")
    require(request.user, "meeting.manage", meeting.organization)
    target = request.POST.get("to") or lifecycle.NEXT_STAGE.get(meeting.stage, "")
    refused = None
    try:
        if target not in Stage.values:
            raise DomainError("目标阶段不正确。")
        lifecycle.advance(meeting, target, actor=request.user)
    except lifecycle.GateError as exc:
        messages.error(request, exc.message)
        refused = exc.findings
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, f"会议已进入“{lifecycle.stage_label(target)}”阶段。")
        return redirect("meetings:detail", meeting.pk)
    if refused is not None:
        return render(request, "meetings/core/detail.html", _page_context(request, get_meeting(request, pk), refused=refused))
    return redirect("meetings:detail", meeting.pk)


@require_POST
@view_permission("gate.override")
def meeting_override(request, pk):
    meeting = get_meeting(request, pk)
    require(request.user, "gate.override", meeting.organization)
    try:
        lifecycle.override(meeting, request.POST.get("rule_id", ""), request.POST.get("reason", ""), actor=request.user)
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已记录豁免及理由，该理由将一直显示在会议页面。")
    return redirect("meetings:detail", meeting.pk)


def forbid_unless(user, perm, organization):
    try:
        require(user, perm, organization)
    except PermissionDenied:
        return False
    return True
