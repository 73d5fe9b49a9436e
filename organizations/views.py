from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.grants import load_grants
from accounts.permissions import has_perm, permission_set, require
from accounts.scoping import get_visible_or_404
from core.errors import DomainError
from core.views import view_permission

from . import services
from .forms import AppointForm, MemberForm, RosterUploadForm
from .models import Member, Organization, Position
from .roster import import_roster, template_workbook

PAGE_SIZE = 50


def _top_organizations(user):
    """The highest organizations this user sees: the roots of their visible forest."""
    paths = sorted({g.path for g in load_grants(user)})
    roots = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return Organization.objects.visible_to(user).filter(path__in=roots)


@view_permission("member.view")
def my_members(request):
    """The roster of the user's own (highest) organization."""
    top = _top_organizations(request.user).first()
    if top is None:
        raise PermissionDenied("您没有可查看的党员名册")
    return redirect("organizations:member_list", pk=top.pk)


@view_permission("organization.view")
def tree(request):
    return render(request, "organizations/tree.html", {"roots": _top_organizations(request.user)})


@view_permission("organization.view")
def tree_children(request, pk):
    parent = get_visible_or_404(Organization.objects, request.user, pk=pk)
    children = Organization.objects.visible_to(request.user).filter(path__startswith=parent.path, depth=parent.depth + 1)
    return render(request, "organizations/_tree_children.html", {"children": children})


@view_permission("organization.view")
def organization_detail(request, pk):
    org = get_visible_or_404(Organization.objects, request.user, pk=pk)
    children = Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1).annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    )
    positions = Position.objects.filter(organization=org).select_related("member").order_by("ended_on", "kind", "-started_on")
    team = getattr(org, "leading_team", None)
    context = {
        "org": org,
        "ancestors": org.ancestors(),
        "children": children,
        "positions": positions,
        "team": team,
        "team_memberships": team.current_memberships() if team else [],
        "small_groups": org.small_groups.annotate(n=Count("members")),
        "member_count": Member.objects.filter(organization__path__startswith=org.path, is_active=True).count(),
        "perms": permission_set(request.user, org),
        "appoint_form": AppointForm(org) if has_perm(request.user, "member.edit", org) and org.is_branch else None,
    }
    return render(request, "organizations/detail.html", context)


@view_permission("member.view")
def member_list(request, pk):
    """Members of an organization's subtree. Two queries for the page whatever its size."""
    org = get_visible_or_404(Organization.objects, request.user, pk=pk)
    query = request.GET.get("q", "").strip()[:50]
    members = Member.objects.visible_to(request.user).filter(organization__path__startswith=org.path, is_active=True)
    if query:
        from . import idnumber

        normalized = idnumber.normalize(query)
        if len(normalized) == 18:
            members = members.with_id_number(normalized)
        else:
            members = members.filter(name__icontains=query)
    members = members.select_related("organization", "small_group").order_by("organization__path", "name", "pk")
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "organizations/member_list.html", {"org": org, "page": page, "q": query, "perms": permission_set(request.user, org)})


@never_cache
@view_permission("member.view")
def member_detail(request, uid):
    member = get_visible_or_404(Member.objects.select_related("organization", "small_group", "user"), request.user, uid=uid)
    perms = permission_set(request.user, member.organization)
    can_reveal = "member.reveal" in perms or (member.user_id is not None and member.user_id == request.user.pk)
    positions = member.positions.select_related("organization").order_by("-started_on")
    return render(request, "organizations/member_detail.html", {"member": member, "perms": perms, "can_reveal": can_reveal, "positions": positions})


@never_cache
@require_POST
@view_permission("member.view")
def member_reveal(request, uid):
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, uid=uid)
    values = services.reveal_member_pii(member, actor=request.user, reason=request.POST.get("reason", ""))
    return render(request, "organizations/_revealed.html", {"member": member, **values})


@never_cache
@view_permission("member.edit")
def member_edit(request, uid):
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, uid=uid)
    require(request.user, "member.edit", member.organization)
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in MemberForm.Meta.fields}
        try:
            services.update_member(
                member,
                actor=request.user,
                changes=changes,
                version=form.cleaned_data["version"],
                id_number=form.cleaned_data["id_number"],
                phone=form.cleaned_data["phone"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已保存{member.name}的信息。")
            return redirect("organizations:member_detail", uid=member.uid)
    return render(request, "organizations/member_edit.html", {"member": member, "form": form})


@require_POST
@view_permission("member.edit")
def member_account(request, uid):
    member = get_visible_or_404(Member.objects.select_related("organization"), request.user, uid=uid)
    try:
        user, password = services.create_member_account(member, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("organizations:member_detail", uid=member.uid)
    response = render(request, "organizations/account_created.html", {"member": member, "account": user, "password": password})
    response["Cache-Control"] = "no-store"
    return response


@view_permission("member.import")
def roster_import(request, pk):
    org = get_visible_or_404(Organization.objects, request.user, pk=pk)
    acting = require(request.user, "member.import", org)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(10 * 1024 * 1024 + 1)
        result = import_roster(data, org, actor=acting)
        if result.ok:
            messages.success(request, f"导入完成：新增{result.created}人，更新{result.updated}人，未变化{result.unchanged}人。")
            return redirect("organizations:member_list", pk=org.pk)
        messages.error(request, f"文件中有{len(result.errors)}处问题，未导入任何数据。请修改后重新上传。")
    return render(request, "organizations/roster_import.html", {"org": org, "form": form, "result": result})


@view_permission("member.import")
def roster_template(request):
    response = HttpResponse(template_workbook(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, "党员名册导入模板.xlsx")
    return response


@require_POST
@view_permission("member.edit")
def position_appoint(request, pk):
    org = get_visible_or_404(Organization.objects, request.user, pk=pk)
    require(request.user, "member.edit", org)
    form = AppointForm(org, request.POST)
    if form.is_valid():
        try:
            services.appoint(org, form.cleaned_data["member"], form.cleaned_data["kind"], actor=request.user, on=form.cleaned_data["started_on"])
            messages.success(request, "任职已登记。")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "请完整填写任职信息。")
    return redirect("organizations:detail", pk=org.pk)


@require_POST
@view_permission("member.edit")
def position_end(request, pk):
    position = get_visible_or_404(Position.objects.select_related("organization", "member"), request.user, "member.edit", pk=pk)
    try:
        services.end_position(position, actor=request.user)
        messages.success(request, f"{position.member.name}的{position.get_kind_display()}职务已结束，记录保留在任职历史中。")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("organizations:detail", pk=position.organization_id)
