"""对照检查材料 pages: the list per meeting, my material, the edit page (phone-friendly), the
detail / review page with versions, diffs and warnings (OL-2.5, GAP-DL-2.7, DL-3.3.b)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.grants import member_of
from accounts.permissions import has_perm, require
from accounts.scoping import get_visible_or_404, not_visible
from core.errors import ConcurrentEditError, DomainError
from core.views import public_view, view_permission
from core.views import show_domain_error as _show_error
from rulebook.snapshot import TEAM

from ..choices import DocStatus, MeetingKind, NoticeKind, OpinionTarget, ReviewDecision, ReviewLevel, SelfExamKind
from ..models import Meeting, Opinion, SelfExamination
from ..services import materials as services

BLANK_ROWS = 1
MAX_ROWS = 60


def _meeting(request, pk) -> Meeting:
    return get_visible_or_404(Meeting.objects.select_related("organization", "leading_team"), request.user, pk=pk)


def _material(request, pk) -> SelfExamination:
    visible = Meeting.objects.visible_to(request.user)
    se = get_object_or_404(SelfExamination.objects.select_related("meeting__organization", "member").filter(meeting__in=visible), pk=pk)
    if not services.can_view(request.user, se):
        raise not_visible()
    return se


def _meeting_url(meeting) -> str:
    try:
        return reverse("meetings:detail", args=[meeting.pk])
    except NoReverseMatch:  # the meeting page lands with the core part
        return reverse("meetings:materials", args=[meeting.pk])


def _author_label(se: SelfExamination) -> str:
    return "班子" if se.member_id is None else se.member.name


# -- list ---------------------------------------------------------------------------------


@view_permission("meeting.view")
def materials(request, pk):
    meeting = _meeting(request, pk)
    sees_all = services.sees_all(request.user, meeting)
    existing = {services.key_of(se.member_id): se for se in services.visible_materials(request.user, meeting)}
    roster = services.people(meeting)
    me = member_of(request.user)
    my_key = services.key_of(me.pk) if me else None
    rows = []
    required = services.required_for(meeting)
    for req in required:
        if not sees_all and req.key not in (TEAM, my_key):
            continue
        se = existing.pop(req.key, None)
        name = "班子" if req.key == TEAM else roster[req.key][1].name
        rows.append({"key": req.key, "name": name, "doc_kind": dict(SelfExamKind.choices)[req.doc_kind], "se": se, "required": True, "clauses": req.clause_ids})
    for key, se in existing.items():  # written although not required (optional outlines)
        rows.append({"key": key, "name": _author_label(se), "doc_kind": se.get_doc_kind_display(), "se": se, "required": False, "clauses": ()})
    assessed = services.assess_meeting(meeting) if any(r["se"] for r in rows) else None
    can_manage = has_perm(request.user, "meeting.manage", meeting.organization)
    for row in rows:
        se = row["se"]
        if se is not None:
            row["pending"] = services.pending_level(se)
            row["warnings"] = len(assessed.assessments[se.pk].warnings) if assessed else 0
            row["mine"] = row["key"] == my_key
            row["editable"] = se.status in services.EDITABLE and (row["mine"] or (se.member_id is None and can_manage))
    context = {
        "meeting": meeting,
        "meeting_url": _meeting_url(meeting),
        "rows": rows,
        "can_manage": can_manage,
        "missing": [r for r in rows if r["required"] and r["se"] is None],
        "my_key": my_key,
        "is_dl": meeting.kind == MeetingKind.DEMOCRATIC_LIFE,
        "sees_all": sees_all,
        "levels": dict(ReviewLevel.choices),
        "community": services.structured_required(services.rulebook_of(meeting), meeting.kind, services.org_info(meeting)),
        "notice": meeting.notices.filter(kind=NoticeKind.PROBLEM_LIST).first(),
        "publish_form": PublishForm(),
    }
    return render(request, "meetings/materials/list.html", context)


@require_POST
@view_permission("meeting.manage")
def materials_prepare(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.manage", meeting.organization)
    try:
        created = services.create_materials(meeting, actor=request.user)
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, f"已生成{len(created)}份材料草稿，并预填了提给本人和班子的意见、上次整改措施。" if created else "应写的材料都已生成。")
    return redirect("meetings:materials", pk=meeting.pk)


@never_cache
@view_permission("meeting.participate")
def material_mine(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.participate", meeting.organization)
    me = member_of(request.user)
    if me is not None:
        se = SelfExamination.objects.filter(meeting=meeting, member=me).first()
        if se is not None:
            return redirect("meetings:material_edit", pk=se.pk)
    required = services.required_for(meeting)
    mine = next((r for r in required if me is not None and r.key == services.key_of(me.pk)), None)
    team = None
    if has_perm(request.user, "meeting.manage", meeting.organization):
        team = SelfExamination.objects.filter(meeting=meeting, member__isnull=True).first()
    context = {
        "meeting": meeting,
        "requirement": mine,
        "doc_kind": dict(SelfExamKind.choices).get(mine.doc_kind) if mine else "",
        "team": team,
        "team_required": any(r.key == TEAM for r in required),
        "can_manage": has_perm(request.user, "meeting.manage", meeting.organization),
    }
    return render(request, "meetings/materials/mine.html", context)


@require_POST
@view_permission("meeting.participate")
def material_start(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.participate", meeting.organization)
    me = member_of(request.user)
    team = request.POST.get("team") == "1"
    if team:
        require(request.user, "meeting.manage", meeting.organization)
    try:
        if team:
            created = services.create_materials(meeting, actor=request.user, only_team=True)
        else:
            if me is None:
                raise DomainError("您不在党员名册中，无需撰写个人材料。")
            created = services.create_materials(meeting, actor=request.user, only_member_id=me.pk)
    except DomainError as exc:
        _show_error(request, exc)
        return redirect("meetings:material_mine", pk=meeting.pk)
    if not created:
        existing = SelfExamination.objects.filter(meeting=meeting, member=None if team else me).first()
        if existing is None:
            messages.info(request, "按本组织适用的规定，本次会议不要求您撰写这份材料。")
            return redirect("meetings:material_mine", pk=meeting.pk)
        return redirect("meetings:material_edit", pk=existing.pk)
    messages.success(request, "已生成材料草稿，并预填了提给您的意见和上次整改措施。")
    return redirect("meetings:material_edit", pk=created[0].pk)


# -- edit ---------------------------------------------------------------------------------


class MaterialForm(forms.Form):
    """Sections of the material; the itemized list is `item-N-*` rows. No length is checked
    anywhere (OL-2.5.h)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    problems = forms.CharField(label="问题查摆", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    causes = forms.CharField(label="原因剖析", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    measures = forms.CharField(label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    thought_section = forms.CharField(label="思想方面", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    personal_section = forms.CharField(label="个人责任", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    last_rectification = forms.CharField(label="上次整改落实情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    preparation = forms.CharField(label="会前准备情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    answered = forms.MultipleChoiceField(label="已在材料中回应的意见", required=False, widget=forms.CheckboxSelectMultiple)
    written_personally = forms.BooleanField(label="本人声明：这份材料由我亲自撰写，没有请他人代写", required=False)
    upload = forms.FileField(label="上传已写好的材料（Word或PDF，可代替上面各栏）", required=False)

    def __init__(self, se: SelfExamination, opinions, *args, rows: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.se = se
        self.fields["answered"].choices = [(str(o.pk), o.content[:80]) for o in opinions]
        is_dl = se.meeting.kind == MeetingKind.DEMOCRATIC_LIFE
        if not (is_dl and se.member_id is not None):
            # DL-3.3.b sections and the P-DL-2.7.b declaration belong to a leader's own material.
            for name in ("thought_section", "personal_section", "written_personally"):
                self.fields.pop(name)
        if se.member_id is not None:
            self.fields.pop("preparation")
        self.row_count = rows
        for i in range(rows):
            self.fields[f"item-{i}-problem"] = forms.CharField(label="问题", required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"item-{i}-cause"] = forms.CharField(label="原因", required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"item-{i}-measure"] = forms.CharField(label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"item-{i}-opinions"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def item_rows(self):
        """[(number, problem, cause, measure, opinions hidden, linked opinion texts)] for the template."""
        out = []
        for i in range(self.row_count):
            out.append((i + 1, self[f"item-{i}-problem"], self[f"item-{i}-cause"], self[f"item-{i}-measure"], self[f"item-{i}-opinions"]))
        return out

    def section_fields(self):
        return [self[n] for n in ("problems", "causes", "measures", "thought_section", "personal_section") if n in self.fields]

    def data_for_service(self) -> dict:
        cd = self.cleaned_data
        data = {n: cd[n] for n in services.TEXT_FIELDS if n in cd}
        items = []
        for i in range(self.row_count):
            ids = [x for x in (cd.get(f"item-{i}-opinions") or "").split(",") if x.strip().isdigit()]
            items.append(
                {
                    "problem": cd.get(f"item-{i}-problem", ""),
                    "cause": cd.get(f"item-{i}-cause", ""),
                    "measure": cd.get(f"item-{i}-measure", ""),
                    "opinion_ids": ids,
                }
            )
        data["structured_items"] = items
        data["answered_opinion_ids"] = [int(x) for x in cd.get("answered") or ()]
        if "written_personally" in cd:
            data["written_personally"] = cd["written_personally"]
        return data


def _initial(se: SelfExamination) -> dict:
    initial = {n: getattr(se, n) for n in services.TEXT_FIELDS}
    initial["version"] = se.version
    initial["answered"] = [str(pk) for pk in se.answered_opinions.values_list("pk", flat=True)]
    initial["written_personally"] = se.written_personally
    for i, item in enumerate(se.structured_items or ()):
        initial[f"item-{i}-problem"] = item.get("problem", "")
        initial[f"item-{i}-cause"] = item.get("cause", "")
        initial[f"item-{i}-measure"] = item.get("measure", "")
        initial[f"item-{i}-opinions"] = ",".join(str(x) for x in item.get("opinion_ids", ()))
    return initial


def _row_count(request, se) -> int:
    posted = [k for k in request.POST if k.startswith("item-") and k.endswith("-problem")]
    if posted:
        return min(len(posted), MAX_ROWS)
    try:
        extra = max(0, min(int(request.GET.get("extra", 0)), 10))
    except ValueError:
        extra = 0
    return min(len(se.structured_items or ()) + BLANK_ROWS + extra, MAX_ROWS)


def _addressed_opinions(se):
    qs = Opinion.objects.filter(meeting_id=se.meeting_id, merged_into__isnull=True).order_by("pk")
    if se.member_id is None:
        return list(qs.filter(target=OpinionTarget.TEAM))
    return list(qs.filter(target=OpinionTarget.PERSON, target_member_id=se.member_id))


@never_cache
@view_permission("meeting.participate")
def material_edit(request, pk):
    se = _material(request, pk)
    services.editor_acting(request.user, se)  # 403 for anyone but the writer
    opinions = _addressed_opinions(se)
    team_opinions = [] if se.member_id is None else list(Opinion.objects.filter(meeting_id=se.meeting_id, target=OpinionTarget.TEAM, merged_into__isnull=True))
    rows = _row_count(request, se)
    form = MaterialForm(se, opinions, request.POST or None, request.FILES or None, initial=_initial(se), rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            se = services.save_draft(se, form.data_for_service(), actor=request.user, version=form.cleaned_data["version"])
            upload = form.cleaned_data.get("upload")
            if upload is not None:
                se = services.attach_upload(se, upload.read(), actor=request.user, version=se.version)
            if "submit" in request.POST:
                services.submit(se, actor=request.user, version=se.version)
                messages.success(request, "已提交审核。审核通过前，您仍可在退回后修改。")
                return redirect("meetings:material", pk=se.pk)
        except ConcurrentEditError as exc:
            messages.error(request, exc.message)
        except DomainError as exc:
            _show_error(request, exc)
        else:
            if "add_item" in request.POST:
                return redirect(reverse("meetings:material_edit", args=[se.pk]) + "?extra=1")
            messages.success(request, "已保存草稿。")
            return redirect("meetings:material_edit", pk=se.pk)
    elif request.method == "POST":
        messages.error(request, "请检查填写的内容。")
    assessed = services.assess_meeting(se.meeting)
    context = {
        "se": se,
        "meeting": se.meeting,
        "form": form,
        "author": _author_label(se),
        "opinions": opinions,
        "team_opinions": team_opinions,
        "warnings": assessed.assessments[se.pk].warnings,
        "editable": se.status in services.EDITABLE,
        "last_review": se.reviews.order_by("-at").first(),
        "is_dl": se.meeting.kind == MeetingKind.DEMOCRATIC_LIFE,
        "community": services.structured_required(services.rulebook_of(se.meeting), se.meeting.kind, services.org_info(se.meeting)),
        "as_author": True,
    }
    return render(request, "meetings/materials/edit.html", context)


# -- detail / review ----------------------------------------------------------------------


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结果", choices=ReviewDecision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 4}))


@never_cache
@view_permission("meeting.view")
def material(request, pk):
    se = _material(request, pk)
    versions = list(se.versions.order_by("number"))
    numbers = [v.number for v in versions]
    by_number = {v.number: v for v in versions}

    def pick(name, default):
        try:
            value = int(request.GET.get(name, default))
        except (TypeError, ValueError):
            return default
        return value if value in by_number else default

    new = pick("b", numbers[-1] if numbers else 0)
    old = pick("a", numbers[-2] if len(numbers) > 1 else (numbers[0] if numbers else 0))
    mode = "inline" if request.GET.get("mode") == "inline" else "side"
    diff = []
    if old and new and old != new:
        diff = services.diff_contents(by_number[old].content, by_number[new].content)
    assessed = services.assess_meeting(se.meeting)
    can_review = services.can_review(request.user, se)
    current = by_number.get(numbers[-1]) if numbers else None
    context = {
        "se": se,
        "meeting": se.meeting,
        "author": _author_label(se),
        "versions": versions,
        "old": old,
        "new": new,
        "mode": mode,
        "diff": diff,
        "current": current,
        "sections": services.section_texts(current.content) if current else services.section_texts(services.content_of(se)),
        "section_labels": services.SECTION_LABELS,
        "items": (current.content.get("structured_items") if current else se.structured_items) or [],
        "warnings": assessed.assessments[se.pk].warnings,
        "reviews": list(se.reviews.select_related("reviewer").order_by("at")),
        "chain": [dict(ReviewLevel.choices)[lv] for lv in services.review_chain(se)],
        "pending": services.pending_level(se),
        "levels": dict(ReviewLevel.choices),
        "can_review": can_review,
        "review_form": ReviewForm() if can_review else None,
        "can_edit": services.can_edit(request.user, se) and se.status in services.EDITABLE,
        "as_author": services.is_author(request.user, se),
    }
    return render(request, "meetings/materials/detail.html", context)


@require_POST
@view_permission("material.review")
def material_review(request, pk):
    se = _material(request, pk)
    require(request.user, "material.review", se.meeting.organization)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审核结果。")
        return redirect("meetings:material", pk=se.pk)
    try:
        services.review(se, actor=request.user, decision=form.cleaned_data["decision"], comment=form.cleaned_data["comment"])
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except DomainError as exc:
        _show_error(request, exc)
    else:
        se.refresh_from_db(fields=["status"])
        messages.success(request, "已退回修改，审核意见已送达本人。" if se.status == DocStatus.RETURNED else "已审核通过。")
    return redirect("meetings:material", pk=se.pk)


@view_permission("meeting.view")
def material_file(request, pk):
    """The uploaded file of a material, for whoever may see the material (OL-2.5.h)."""
    from core.uploads import private_file_response

    se = _material(request, pk)
    kind = services.upload_kind(se)
    if not kind:
        raise Http404("没有上传文件")
    name = f"{_author_label(se)}{se.get_doc_kind_display()}.{'docx' if kind == 'docx' else 'pdf'}"
    return private_file_response(se.upload.name, name, kind)


class PublishForm(forms.Form):
    form = forms.CharField(label="公示渠道/地点", max_length=100, initial="社区公示栏、居民微信群、网上公开页面")
    scope = forms.CharField(label="公示范围", max_length=200, required=False, initial="社区党员群众")
    display_until = forms.DateField(label="公示截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


@require_POST
@view_permission("meeting.manage")
def materials_publish(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.manage", meeting.organization)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请写明公示渠道或地点，日期格式为年-月-日。")
        return redirect("meetings:materials", pk=meeting.pk)
    try:
        services.publish_problem_list(meeting, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, "问题清单和整改措施已公示，群众可在公开页面查看。")
    return redirect("meetings:materials", pk=meeting.pk)


@public_view
def problem_list_public(request, token):
    """OL-2.5.e: the community's problem list and measures, for the public (no login)."""
    from ..choices import NoticeKind
    from ..models import PublicNotice

    meeting = get_object_or_404(Meeting.objects.select_related("organization"), public_token=token, kind=MeetingKind.ORG_LIFE)
    notice = PublicNotice.objects.filter(meeting=meeting, kind=NoticeKind.PROBLEM_LIST, is_public=True).first()
    if notice is None:
        raise Http404("尚未公示")
    return render(request, "meetings/materials/public.html", {"meeting": meeting, "notice": notice})
