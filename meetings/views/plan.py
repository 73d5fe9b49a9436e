"""工作方案 (OL-2.1): edit, submit, approve or return, versions."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import permission_set, require
from core.errors import ConcurrentEditError, DomainError
from core.views import view_permission
from rulebook import engine

from .. import lifecycle
from ..choices import PlanStatus
from ..forms_core import PlanForm, ReasonForm
from ..models import PlanVersion
from ..services import plan as plans
from .meeting import get_meeting, show_error


def plan_of(meeting):
    """The meeting's plan; a meeting created without one (imported history, other parts' test
    data) gets its prefilled draft now."""
    from ..models import Plan

    plan = Plan.objects.filter(meeting=meeting).first()
    if plan is None:
        plan, _ = Plan.objects.get_or_create(meeting=meeting, defaults=plans.prefill(meeting))
    meeting.plan = plan
    return plan


def _context(request, meeting, form=None, conflict=False):
    plan = plan_of(meeting)
    perms = permission_set(request.user, meeting.organization)
    editable = "meeting.manage" in perms and plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)
    if editable and form is None:
        form = PlanForm(instance=plan, initial={"version": plan.version})
    versions = PlanVersion.objects.filter(plan=plan).select_related("submitted_by", "decided_by").order_by("-number")
    plan_findings = [f for f in lifecycle.findings(meeting) if f.gates == "preparing"] if perms & {"meeting.manage", "plan.approve"} else []
    return {
        "meeting": meeting,
        "plan": plan,
        "perms": perms,
        "form": form if editable else None,
        "conflict": conflict,
        "versions": versions,
        "reason_form": ReasonForm(),
        "findings": plan_findings,
        "rulebook": lifecycle.rulebook_of(meeting),
        "guidance": engine.guidance_for(meeting.kind, "plan", lifecycle.rulebook_of(meeting)),
        "fields": [(PlanForm.base_fields[name].label if name in PlanForm.base_fields else name, getattr(plan, name)) for name in PlanForm.Meta.fields],
        "campaign": meeting.campaign,
    }


@never_cache
@view_permission("meeting.view")
def plan_view(request, pk):
    meeting = get_meeting(request, pk)
    return render(request, "meetings/core/plan.html", _context(request, meeting))


@require_POST
@view_permission("meeting.manage")
def plan_save(request, pk):
    meeting = get_meeting(request, pk, "meeting.manage")
    require(request.user, "meeting.manage", meeting.organization)
    form = PlanForm(request.POST, instance=plan_of(meeting))
    action = request.POST.get("action", "save")
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in PlanForm.Meta.fields}
        try:
            plan = plans.save_plan(meeting.plan, data, actor=request.user, version=form.cleaned_data["version"])
            if action == "submit":
                plans.submit_plan(plan, actor=request.user)
                messages.success(request, "方案已报上级党组织审核。")
            else:
                messages.success(request, "方案已保存。")
            return redirect("meetings:plan", meeting.pk)
        except ConcurrentEditError as exc:
            messages.error(request, exc.message)
            fresh = get_meeting(request, pk)
            return render(request, "meetings/core/plan.html", {**_context(request, fresh, form=form, conflict=True)})
        except DomainError as exc:
            show_error(request, exc)
    fresh = get_meeting(request, pk)
    # Keep the user's input: re-render the bound form (the version they loaded stays in it).
    return render(request, "meetings/core/plan.html", _context(request, fresh, form=form))


@require_POST
@view_permission("plan.approve")
def plan_approve(request, pk):
    meeting = get_meeting(request, pk, "plan.approve")
    try:
        plans.approve_plan(plan_of(meeting), actor=request.user, comment=request.POST.get("comment", ""))
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已审核同意，该支部可以开展会前准备。")
    return redirect("meetings:plan", meeting.pk)


@require_POST
@view_permission("plan.approve")
def plan_return(request, pk):
    meeting = get_meeting(request, pk, "plan.approve")
    try:
        plans.return_plan(plan_of(meeting), actor=request.user, comment=request.POST.get("comment", ""))
    except DomainError as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已退回，并通知书记按意见修改。")
    return redirect("meetings:plan", meeting.pk)
