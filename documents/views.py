"""文书: a meeting's documents page and downloads, the report package, district templates and
the superior's batch ZIP (progress polled with HTMX)."""

from __future__ import annotations

import io
import zipfile

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from accounts.grants import member_of
from accounts.permissions import PERMISSIONS, has_perm, require
from accounts.scoping import get_visible_or_404
from audit.services import record
from core.errors import DomainError
from core.views import view_permission
from meetings.choices import MeetingKind
from meetings.models import Meeting
from organizations.models import Member, Organization

from . import kinds, samples, services, templates
from .models import BatchJob, BatchStatus, DocumentTemplate
from .tasks import result_file

ZIP = "application/zip"


def attachment(body: bytes, name: str, content_type: str) -> HttpResponse:
    """A download with its Chinese file name (RFC 5987 filename*=UTF-8'')."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


def _meeting(request, pk, perm="document.view"):
    return get_visible_or_404(Meeting.objects.select_related("organization", "leading_team"), request.user, perm, pk=pk)


def _people(meeting):
    from .data import people

    return people(meeting)


# -- one meeting ---------------------------------------------------------------------------
@view_permission("document.view")
def meeting_documents(request, pk):
    meeting = _meeting(request, pk)
    available = kinds.for_meeting(meeting)
    groups: dict[str, list] = {}
    for kind in available:
        if kind.per_person or (kind.perm and not has_perm(request.user, kind.perm, meeting.organization)):
            continue
        custom = templates.active_for(meeting.organization, kind.key) if kind.templatable else None
        groups.setdefault(kind.group, []).append({"kind": kind, "custom": custom})
    person_kinds = [k for k in available if k.per_person and not (k.perm and not has_perm(request.user, k.perm, meeting.organization))]
    return render(
        request,
        "documents/meeting.html",
        {"meeting": meeting, "groups": groups, "people": _people(meeting), "person_kinds": person_kinds, "meeting_url": _meeting_url(meeting)},
    )


def _meeting_url(meeting) -> str:
    """The meeting page (ol-core's `meetings:detail`), when it exists."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("meetings:detail", args=[meeting.pk])
    except NoReverseMatch:
        return ""


@view_permission("document.view")
def download(request, pk, key):
    meeting = _meeting(request, pk)
    kind = kinds.KINDS.get(key)
    if kind is None or kind not in kinds.for_meeting(meeting):
        raise Http404("没有这种文书（或尚不能生成）")
    if kind.perm:
        require(request.user, kind.perm, meeting.organization)
    member = None
    if kind.per_person:
        member_ids = {p["id"] for p in _people(meeting)}
        try:
            member_id = int(request.GET.get("member", ""))
        except ValueError:
            raise Http404("请选择人员") from None
        if member_id not in member_ids:
            raise Http404("请选择人员")
        member = Member.objects.get(pk=member_id)
    name, body = kinds.generate(key, meeting, member)
    return attachment(body, name, kinds.MIME[kind.fmt])


OWN_KINDS = ("self_exam", "opinion_feedback", "self_assessment")


@view_permission("document.own")
def my_draft(request, pk):
    """The signed-in member's own papers: the 对照检查材料/发言提纲 draft with the opinions addressed
    to them (default), `?kind=opinion_feedback` (their 意见反馈单) or `?kind=self_assessment` (their
    自评表, with their own grade once final)."""
    meeting = _meeting(request, pk, "document.own")
    member = member_of(request.user)
    if member is None or member.pk not in {p["id"] for p in _people(meeting)}:
        raise Http404("您不是本次会议的参加人员")
    key = request.GET.get("kind", "self_exam")
    if key not in OWN_KINDS or kinds.KINDS[key] not in kinds.for_meeting(meeting):
        raise Http404("没有这种文书（或尚不能生成）")
    name, body = kinds.generate(key, meeting, member)
    return attachment(body, name, kinds.MIME["docx"])


def package_zip(meeting) -> tuple[str, bytes]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, body in kinds.package(meeting):
            zf.writestr(name, body)
    return kinds.safe_name(
        f"{meeting.organization.name}{meeting.year}年度{'民主生活会' if meeting.is_democratic_life else '组织生活会'}报送材料"
    ) + ".zip", buffer.getvalue()


@view_permission("document.view")
def package(request, pk):
    meeting = _meeting(request, pk)
    name, body = package_zip(meeting)
    return attachment(body, name, ZIP)


# -- district templates --------------------------------------------------------------------
class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="文书", choices=[(k.key, k.label) for k in kinds.KINDS.values() if k.templatable])
    file = forms.FileField(label="模板文件（.docx）")
    note = forms.CharField(label="说明", required=False, max_length=200)


def _top_orgs(user, perm):
    from accounts.grants import load_grants

    roles = PERMISSIONS[perm]
    paths = sorted({g.path for g in load_grants(user) if g.role in roles})
    roots = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return list(Organization.objects.visible_to(user, perm).filter(path__in=roots))


@view_permission("document.template")
def template_index(request):
    tops = _top_orgs(request.user, "document.template")
    if len(tops) == 1:
        return redirect("documents:templates", tops[0].pk)
    return render(request, "documents/pick_org.html", {"orgs": tops, "target": "documents:templates", "title": "文书模板"})


@view_permission("document.template")
def template_list(request, org_pk, form=None):
    org = get_visible_or_404(Organization.objects.all(), request.user, "document.template", pk=org_pk)
    rows = []
    versions = list(DocumentTemplate.objects.filter(organization=org).select_related("uploaded_by").order_by("kind", "-number"))
    for kind in kinds.KINDS.values():
        if not kind.templatable:
            continue
        active = templates.active_for(org, kind.key)
        rows.append(
            {
                "kind": kind,
                "active": active,
                "inherited": active is not None and active.organization_id != org.pk,
                "versions": [v for v in versions if v.kind == kind.key],
                "fields": samples.fields(kind.key),
                "builtin": templates.builtin(kind.key) is not None,
            }
        )
    return render(request, "documents/templates.html", {"org": org, "rows": rows, "form": form or UploadForm()}, status=400 if form is not None else 200)


@require_POST
@view_permission("document.template")
def template_upload(request, org_pk):
    org = get_visible_or_404(Organization.objects.all(), request.user, "document.template", pk=org_pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return template_list(request, org_pk, form=form)
    upload = form.cleaned_data["file"]
    try:
        template = templates.upload(org, form.cleaned_data["kind"], upload.read(), actor=request.user, name=upload.name, note=form.cleaned_data["note"])
    except DomainError as exc:
        form.add_error("file", exc.message)
        messages.error(request, f"模板未启用：{exc.message} 原模板继续使用。")
        return template_list(request, org_pk, form=form)
    messages.success(request, f"已启用{template}。")
    return redirect("documents:templates", org.pk)


def _template(request, pk):
    return get_visible_or_404(DocumentTemplate.objects.select_related("organization"), request.user, "document.template", pk=pk)


@view_permission("document.template")
def template_file(request, pk):
    template = _template(request, pk)
    return attachment(bytes(template.content), kinds.safe_name(f"{template}") + ".docx", kinds.MIME["docx"])


@require_POST
@view_permission("document.template")
def template_activate(request, pk):
    template = _template(request, pk)
    templates.activate(template, actor=request.user)
    messages.success(request, f"已改用{template}。")
    return redirect("documents:templates", template.organization_id)


@require_POST
@view_permission("document.template")
def template_deactivate(request, org_pk, key):
    org = get_visible_or_404(Organization.objects.all(), request.user, "document.template", pk=org_pk)
    templates.deactivate(org, key, actor=request.user)
    messages.success(request, "已停用本级模板，改用上级模板或系统默认格式。")
    return redirect("documents:templates", org.pk)


@view_permission("document.template")
def template_builtin(request, key):
    data = templates.builtin(key)
    kind = kinds.KINDS.get(key)
    if data is None or kind is None:
        raise Http404("没有示例模板")
    return attachment(data, f"{kind.label}（示例模板）.docx", kinds.MIME["docx"])


# -- batch ZIP -----------------------------------------------------------------------------
class BatchForm(forms.Form):
    meeting_kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


@view_permission("document.batch")
def batch_index(request):
    tops = _top_orgs(request.user, "document.batch")
    if len(tops) == 1:
        return redirect("documents:batch", tops[0].pk)
    return render(request, "documents/pick_org.html", {"orgs": tops, "target": "documents:batch", "title": "批量打包会议情况报告"})


@view_permission("document.batch")
def batch(request, org_pk, form=None):
    org = get_visible_or_404(Organization.objects.all(), request.user, "document.batch", pk=org_pk)
    jobs = BatchJob.objects.filter(organization=org, requested_by=request.user)[:10]
    form = form or BatchForm(initial={"meeting_kind": MeetingKind.ORG_LIFE, "year": timezone.localdate().year})
    return render(request, "documents/batch.html", {"org": org, "jobs": jobs, "form": form}, status=400 if form.is_bound else 200)


@require_POST
@view_permission("document.batch")
def batch_start(request, org_pk):
    org = get_visible_or_404(Organization.objects.all(), request.user, "document.batch", pk=org_pk)
    form = BatchForm(request.POST)
    if not form.is_valid():
        return batch(request, org_pk, form=form)
    try:
        services.start_batch(org, meeting_kind=form.cleaned_data["meeting_kind"], year=form.cleaned_data["year"], actor=request.user)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return batch(request, org_pk, form=form)
    messages.success(request, "已开始打包，完成后可在本页下载。")
    return redirect("documents:batch", org.pk)


def _job(request, pk):
    """A job of an organization the user oversees (superiors of the same subtree share the ZIPs)."""
    return get_visible_or_404(BatchJob.objects.select_related("organization"), request.user, "document.batch", pk=pk)


@view_permission("document.batch")
def batch_status(request, pk):
    """HTMX partial: the job's progress; it stops polling once finished."""
    job = _job(request, pk)
    return render(request, "documents/_batch_job.html", {"job": job})


@view_permission("document.batch")
def batch_download(request, pk):
    job = _job(request, pk)
    if job.status != BatchStatus.DONE or not job.result_path:
        raise Http404("打包尚未完成")
    path = result_file(job)
    if not path.exists():
        raise Http404("文件已清理，请重新打包")
    require(request.user, "document.batch", job.organization)
    record(request.user, job.organization, job, "document_batch.downloaded", {"bytes": job.result_bytes})
    name = kinds.safe_name(f"{job.organization.name}{job.year}年度{dict(MeetingKind.choices).get(job.meeting_kind, '')}情况报告汇总") + ".zip"
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type=ZIP)
    response["Cache-Control"] = "private, no-store"
    return response


def can_download(user, meeting) -> bool:
    return has_perm(user, "document.view", meeting.organization)
