"""Problems, items, progress and 销号, the ledger and "我的整改"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.grants import member_of
from accounts.permissions import has_perm, permission_set
from accounts.scoping import get_visible_or_404, not_visible, visible_or_404
from audit.services import record
from core.errors import DomainError
from core.uploads import private_file_response
from core.views import show_domain_error as _show_error
from core.views import view_permission
from meetings.models import Meeting

from . import ledger, services
from .carryover import carry_over
from .choices import OPEN_STATUSES, ItemStatus, ProblemScope
from .forms import ClassifyForm, ItemForm, NoteForm, ProblemForm, ProgressForm, PublishForm, ReasonForm
from .models import Circular, Evidence, ItemEvent, Problem, RectificationItem, Report

PAGE_SIZE = 50
ITEM_RELATED = ("problem", "problem__owner_member", "meeting", "organization", "responsible_member", "responsible_organization", "closed_by")


def _meeting(request, pk, perm="rectification.ledger"):
    return get_visible_or_404(Meeting.objects.select_related("organization", "leading_team"), request.user, perm, pk=pk)


def _item(request, pk):
    return visible_or_404(RectificationItem.objects.reachable_by(request.user).select_related(*ITEM_RELATED).filter(pk=pk).first())


def _can(callable_, *args) -> bool:
    try:
        callable_(*args)
    except PermissionDenied:
        return False
    return True


# -- a meeting's problems and items --------------------------------------------------------
@view_permission("rectification.ledger")
def meeting_overview(request, pk):
    """问题与整改 for one meeting: problems by scope with their items, publication, report, carry-over."""
    from meetings.choices import NoticeKind
    from meetings.models import PublicNotice

    meeting = _meeting(request, pk)
    problems = (
        Problem.objects.filter(meeting=meeting)
        .select_related("owner_member")
        .prefetch_related(Prefetch("items", queryset=RectificationItem.objects.select_related("responsible_member", "responsible_organization").order_by("pk")))
        .order_by("scope", "pk")
    )
    notice = PublicNotice.objects.filter(meeting=meeting, kind=NoticeKind.RECTIFICATION, published_at__isnull=False).order_by("-published_at").first()
    context = {
        "meeting": meeting,
        "problems": problems,
        "perms": permission_set(request.user, meeting.organization),
        "notice": notice,
        "publish_form": PublishForm(),
        "carry": carry_over(meeting),
        "today": timezone.localdate(),
        "report": Report.objects.filter(meeting=meeting).first(),
        "circular": Circular.objects.filter(meeting=meeting).first(),
    }
    return render(request, "rectification/meeting.html", context)


@never_cache
@view_permission("rectification.manage")
def problem_create(request, pk):
    meeting = _meeting(request, pk, "rectification.manage")
    form = ProblemForm(meeting, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = services.add_problem(
                meeting,
                actor=request.user,
                source=data["source"],
                description=data["description"],
                scope=data["scope"],
                owner_member=data["owner_member"],
                category=data["category"],
                strong_public_concern=data["strong_public_concern"],
            )
        except DomainError as exc:
            _show_error(request, exc)
        else:
            messages.success(request, "已登记问题，请为它制定整改事项。")
            return redirect("rectification:item_create", pk=problem.pk)
    return render(request, "rectification/problem_form.html", {"meeting": meeting, "form": form, "title": "登记问题"})


@never_cache
@view_permission("rectification.manage")
def problem_edit(request, pk):
    problem = get_visible_or_404(
        Problem.objects.select_related("meeting", "meeting__organization", "owner_member"), request.user, "rectification.manage", pk=pk
    )
    meeting = problem.meeting
    initial = {"scope": problem.scope, "owner_member": problem.owner_member, "description": problem.description, "category": problem.category}
    form = ClassifyForm(meeting, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.classify_problem(
                problem, actor=request.user, scope=data["scope"], owner_member=data["owner_member"], description=data["description"], category=data["category"]
            )
        except DomainError as exc:
            _show_error(request, exc)
        else:
            messages.success(request, "已保存问题的责任主体。")
            return redirect("rectification:meeting", pk=meeting.pk)
    return render(request, "rectification/problem_form.html", {"meeting": meeting, "form": form, "problem": problem, "title": "明确责任主体"})


def _save_and_maybe_finalize(request, item, finalize: bool):
    if not finalize:
        messages.success(request, "已保存为草稿。")
        return redirect("rectification:item", pk=item.pk)
    try:
        services.finalize_item(item, actor=request.user)
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, "整改事项已确定，进入整改。")
    return redirect("rectification:item", pk=item.pk)


@never_cache
@view_permission("rectification.progress")
def item_create(request, pk):
    """A new item for a problem, by the secretary / main leader or the person the problem is about."""
    problem = Problem.objects.filter(pk=pk).select_related("meeting", "meeting__organization", "owner_member", "organization", "criticism").first()
    if problem is None:
        raise not_visible()
    manager = has_perm(request.user, "rectification.manage", problem.organization)
    owner = problem.scope == ProblemScope.PERSONAL and problem.owner_member_id and problem.owner_member.user_id == request.user.pk
    if not (manager or owner):
        if not has_perm(request.user, "rectification.ledger", problem.organization):
            raise not_visible()
        raise PermissionDenied("只有本组织书记（主要负责人）或问题责任人本人可以制定整改事项")
    meeting = problem.meeting
    initial = {
        "is_public": problem.scope != ProblemScope.PERSONAL,
        "responsible_member": problem.owner_member,
        # The organization answers for its own problems unless the secretary names someone (OL-4.1.b).
        "responsible_organization": problem.organization if problem.scope == ProblemScope.ORGANIZATION else None,
        "measures": services.suggested_measures(problem),
    }
    form = ItemForm(meeting, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_item(problem, actor=request.user, **form.item_fields())
        except DomainError as exc:
            _show_error(request, exc)
        else:
            return _save_and_maybe_finalize(request, item, "finalize" in request.POST)
    back = reverse("rectification:meeting", args=[meeting.pk]) if manager else reverse("rectification:mine")
    return render(request, "rectification/item_form.html", {"meeting": meeting, "problem": problem, "form": form, "item": None, "back": back})


@never_cache
@view_permission(None)
def item_detail(request, pk):
    item = _item(request, pk)
    events = ItemEvent.objects.filter(item=item).select_related("by").prefetch_related("evidence").order_by("at", "pk")
    user = request.user
    can_act = _can(services.owner_acting, user, item)
    can_close = _can(services.closer_acting, user, item)
    context = {
        "item": item,
        "events": events,
        "findings": services.four_clear_findings(item) if item.status == ItemStatus.DRAFT else [],
        "can_edit": can_act and item.status != ItemStatus.CLOSED,
        "can_progress": can_act and item.status in OPEN_STATUSES,
        "can_request": can_act and item.status == ItemStatus.OPEN,
        "can_close": can_close and item.status == ItemStatus.CLOSURE_REQUESTED,
        "can_reopen": can_close and item.status == ItemStatus.CLOSED,
        "can_note": can_close and item.status != ItemStatus.DRAFT,
        "overdue": item.is_overdue(),
        "progress_form": ProgressForm(),
        "reason_form": ReasonForm(),
        "note_form": NoteForm(),
        "in_ledger": has_perm(user, "rectification.ledger", item.organization),
    }
    return render(request, "rectification/item_detail.html", context)


@never_cache
@view_permission("rectification.progress")
def item_edit(request, pk):
    item = _item(request, pk)
    services.owner_acting(request.user, item)
    initial = {
        "goal": item.goal,
        "measures": item.measures,
        "responsible_member": item.responsible_member,
        "responsible_organization": item.responsible_organization,
        "deadline": item.deadline,
        "is_public": item.is_public,
        "version": item.version,
    }
    form = ItemForm(item.meeting, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.update_item(
                item, actor=request.user, version=form.cleaned_data["version"] or 0, note=form.cleaned_data["note"], **form.item_fields()
            )
        except DomainError as exc:
            _show_error(request, exc)
        else:
            if item.status == ItemStatus.DRAFT:
                return _save_and_maybe_finalize(request, item, "finalize" in request.POST)
            messages.success(request, "已保存修改，修改记录已留存在台账中。")
            return redirect("rectification:item", pk=item.pk)
    back = reverse("rectification:item", args=[item.pk])
    return render(request, "rectification/item_form.html", {"meeting": item.meeting, "problem": item.problem, "form": form, "item": item, "back": back})


def _item_action(request, pk, action, success, form_class=None, field=None):
    item = _item(request, pk)
    kwargs = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写理由。" if field == "reason" else "请检查填写的内容。")
            return redirect("rectification:item", pk=item.pk)
        kwargs[field] = form.cleaned_data[field]
    try:
        action(item, actor=request.user, **kwargs)
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, success)
    return redirect("rectification:item", pk=item.pk)


@require_POST
@view_permission("rectification.progress")
def item_finalize(request, pk):
    return _item_action(request, pk, services.finalize_item, "整改事项已确定，进入整改。")


@require_POST
@view_permission("rectification.progress")
def item_delete(request, pk):
    item = _item(request, pk)
    meeting_pk = item.meeting_id
    try:
        services.delete_draft_item(item, actor=request.user)
    except DomainError as exc:
        _show_error(request, exc)
        return redirect("rectification:item", pk=item.pk)
    messages.success(request, "已删除草稿。")
    if has_perm(request.user, "rectification.ledger", item.organization):
        return redirect("rectification:meeting", pk=meeting_pk)
    return redirect("rectification:mine")


@require_POST
@view_permission("rectification.progress")
def item_progress(request, pk):
    item = _item(request, pk)
    form = ProgressForm(request.POST)
    files = request.FILES.getlist("files")
    if not form.is_valid():
        messages.error(request, "进展说明过长（最多4000字）。")
        return redirect("rectification:item", pk=item.pk)
    uploads = [services.Upload(f.name, f.read()) for f in files[: services.EVIDENCE_MAX_FILES + 1]]
    try:
        services.report_progress(item, actor=request.user, note=form.cleaned_data["note"], files=uploads)
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, "已记录整改进展。" + (f"上传佐证材料{len(uploads)}份。" if uploads else ""))
    return redirect("rectification:item", pk=item.pk)


@require_POST
@view_permission("rectification.progress")
def item_request_closure(request, pk):
    return _item_action(request, pk, services.request_closure, "已申请销号，等待上级党组织确认。", NoteForm, "note")


@require_POST
@view_permission("rectification.close")
def item_close(request, pk):
    return _item_action(request, pk, services.confirm_closure, "已确认销号。", NoteForm, "note")


@require_POST
@view_permission("rectification.close")
def item_return(request, pk):
    return _item_action(request, pk, services.return_closure, "已退回销号申请，责任人将继续整改。", ReasonForm, "reason")


@require_POST
@view_permission("rectification.close")
def item_reopen(request, pk):
    return _item_action(request, pk, services.reopen_item, "已重新打开，事项回到整改中。", ReasonForm, "reason")


@require_POST
@view_permission("rectification.close")
def item_note(request, pk):
    item = _item(request, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.add_inspection_note(item, actor=request.user, note=note)
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, "已记录督查意见。")
    return redirect("rectification:item", pk=item.pk)


@never_cache
@view_permission(None)
def evidence_download(request, pk):
    """Evidence only for those who may see its item (OL-4.3.b; abuse case 5: others get 404)."""
    evidence = Evidence.objects.filter(pk=pk).select_related("item").first()
    if evidence is None or not RectificationItem.objects.reachable_by(request.user).filter(pk=evidence.item_id).exists():
        raise not_visible()
    return private_file_response(evidence.path, evidence.name, evidence.kind)


@require_POST
@view_permission("rectification.manage")
def publish(request, pk):
    meeting = _meeting(request, pk, "rectification.manage")
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        notice = services.publish_rectification(meeting, actor=request.user, form=form.cleaned_data.get("form", ""), scope=form.cleaned_data.get("scope", ""))
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, f"整改措施已公示，公示期至{notice.display_until:%Y年%-m月%-d日}。")
    return redirect("rectification:meeting", pk=meeting.pk)


# -- ledger --------------------------------------------------------------------------------
def _ledger_query(request):
    form = ledger.LedgerFilter(request.GET or None)
    params = form.params()
    organization = ledger.organization_for(request.user, params.get("org"))
    return form, params, organization, ledger.items(request.user, params, organization)


@view_permission("rectification.ledger")
def ledger_view(request):
    """整改台账 over the user's subtree; a fixed number of queries whatever the number of items."""
    from organizations.models import Organization

    form, params, organization, queryset = _ledger_query(request)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    if organization is not None:
        children = Organization.objects.visible_to(request.user, ledger.PERM).filter(path__startswith=organization.path, depth=organization.depth + 1)
    else:
        children = ledger.top_organizations(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "organization": organization,
        "children": children,
        "page": page,
        "totals": ledger.summary(queryset),
        "today": timezone.localdate(),
        "query": query.urlencode(),
    }
    return render(request, "rectification/ledger.html", context)


@never_cache
@view_permission("rectification.ledger")
def ledger_export(request):
    form, params, organization, queryset = _ledger_query(request)
    data = ledger.export_xlsx(queryset)
    record(request.user, organization, "rectification.ledger", "ledger.exported", {"filters": {k: str(v) for k, v in params.items()}, "bytes": len(data)})
    name = f"整改台账_{(organization.name if organization else '全部')}_{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


# -- my items ------------------------------------------------------------------------------
@view_permission("rectification.progress")
def mine(request):
    """我的整改: items the user answers for personally (OL-4.1.b, DL-4.1.b), phone-first."""
    member = member_of(request.user)
    mine_q = Q(responsible_member__user=request.user) | Q(problem__scope=ProblemScope.PERSONAL, problem__owner_member__user=request.user)
    rows = list(RectificationItem.objects.filter(mine_q).select_related("meeting", "problem", "organization").order_by("status", "deadline", "pk"))
    today = timezone.localdate()
    return render(
        request,
        "rectification/mine.html",
        {
            "member": member,
            "open_items": [i for i in rows if i.status != ItemStatus.CLOSED],
            "closed_items": [i for i in rows if i.status == ItemStatus.CLOSED],
            "today": today,
        },
    )
