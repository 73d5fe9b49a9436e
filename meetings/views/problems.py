"""问题清单 (OL-4.1.a/b): the problems generated from opinions, criticism, materials, 测评 and 点评, with a quick
classification (the organization's or a person's) before they go into the rectification ledger."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import permission_set
from accounts.scoping import row_or_404
from core.views import view_permission
from rectification import services as rectification_services
from rectification.choices import ProblemScope, ProblemSource
from rectification.models import Problem

from ..services import problems as svc
from ..services.prep_common import roster
from .opinions import ERRORS, meeting_for, show_error


@never_cache
@view_permission("meeting.view")
def problems_page(request, pk):
    meeting = meeting_for(request, pk)
    problems = list(svc.problems_of(meeting, request.user))
    groups = [(label, [p for p in problems if p.source == value]) for value, label in ProblemSource.choices]
    return render(
        request,
        "meetings/prep/problems.html",
        {
            "meeting": meeting,
            "perms": permission_set(request.user, meeting.organization),
            "groups": [g for g in groups if g[1]],
            "count": len(problems),
            "unclassified": sum(1 for p in problems if not p.scope or (p.scope == ProblemScope.PERSONAL and not p.owner_member_id)),
            "members": list(roster(meeting)),
            "scopes": ProblemScope.choices,
            "can_generate": meeting.stage in svc.GENERATE_STAGES,
        },
    )


@require_POST
@view_permission("meeting.manage")
def problems_generate(request, pk):
    meeting = meeting_for(request, pk, "meeting.manage")
    try:
        result = svc.generate(meeting, actor=request.user)
    except ERRORS as exc:
        show_error(request, exc)
    else:
        if result.created:
            messages.success(request, f"已生成{result.created}个问题（另有{result.existing}个此前已生成，保持不变）。")
        else:
            messages.info(request, "没有新的问题需要生成，已有的问题保持不变。")
    return redirect("meetings:problems", pk=meeting.pk)


@require_POST
@view_permission("meeting.manage")
def problem_classify(request, pk):
    """OL-4.1.b: the organization's problem or a named person's (rectification's service)."""
    problem = row_or_404(Problem.objects.select_related("meeting", "meeting__organization"), request.user, "meeting.manage", "organization", pk=pk)
    scope = request.POST.get("scope", "")
    owner_id = request.POST.get("owner_member", "")
    owner = roster(problem.meeting).filter(pk=int(owner_id)).first() if owner_id.isdigit() else None
    try:
        rectification_services.classify_problem(problem, actor=request.user, scope=scope, owner_member=owner)
    except ERRORS as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已保存。")
    return redirect("meetings:problems", pk=problem.meeting_id)
