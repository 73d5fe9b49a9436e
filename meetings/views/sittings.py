"""召开会议 pages (OL-3.1–3.3): the sittings in order, attendance, the criticism record, the
answers to raised problems, the guide's 点评 and the secretary's 小结."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import permission_set
from accounts.scoping import row_or_404
from core.errors import DomainError
from core.views import view_permission

from ..choices import CriticismKind, ParticipationMode, SittingKind, SittingStatus, Stage
from ..models import Attendance, Closing, Commentary, Criticism, Opinion, Sitting
from ..services import sittings as svc
from ..services.prep_common import committee_members, roster
from .opinions import DATE, ERRORS, meeting_for, show_error


class OpenForm(forms.Form):
    kind = forms.ChoiceField(choices=SittingKind.choices, widget=forms.HiddenInput)
    date = forms.DateField(label="会议日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=200, required=False)
    recorder = forms.CharField(label="记录人", max_length=50, required=False)


class SittingForm(forms.Form):
    date = forms.DateField(label="会议日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=200, required=False)
    host = forms.ChoiceField(label="主持人", required=False)
    recorder = forms.CharField(label="记录人", max_length=50, required=False)
    guide_name = forms.CharField(label="上级与会指导同志（姓名职务）", max_length=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].choices = [("", "—"), *people]


class StatementForm(forms.Form):
    kind = forms.ChoiceField(label="发言类型", choices=CriticismKind.choices)
    speaker = forms.ChoiceField(label="发言人")
    target = forms.ChoiceField(label="批评对象（相互批评时选择）", required=False)
    content = forms.CharField(label="问题（事实）", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    suggestion = forms.CharField(label="改进意见（相互批评必填）", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
    response = forms.CharField(label="回应", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)
    answers = forms.MultipleChoiceField(label="回应的群众反映强烈或上级点明的问题（OL-3.1.f）", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, people=(), targets=(), concerns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].choices = people
        self.fields["target"].choices = [("", "—"), ("team", "支部班子"), *targets]
        self.fields["answers"].choices = concerns


class CommentaryForm(forms.Form):
    on_preparation = forms.CharField(label="对会前准备情况的评价", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    on_criticism = forms.CharField(label="对开展批评和自我批评情况的评价（OL-3.2.a）", widget=forms.Textarea(attrs={"rows": 4}))
    on_effect = forms.CharField(label="对会议效果的评价", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    guidance = forms.CharField(
        label="指导性意见（每行一条，OL-3.2.b）",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="就下一步加强支部建设、改进作风提出的意见，每行一条；每条会转入问题清单。",
    )
    expected = forms.CharField(widget=forms.HiddenInput, required=False)


def _concern_choices(meeting):
    return [(str(o.pk), f"{'对' + o.target_member.name if o.target_member else '对班子'}：{o.content[:40]}") for o in svc.concerns(meeting)]


def _member(meeting, value):
    if not value or not str(value).isdigit():
        return None
    return roster(meeting).filter(pk=int(value)).first()


@never_cache
@view_permission("meeting.view")
def sittings_page(request, pk):
    meeting = meeting_for(request, pk)
    sittings = svc.sittings_of(meeting)
    concerns = list(svc.concerns(meeting).prefetch_related("answered_by_statements__sitting", "answered_by_statements__speaker"))
    return render(
        request,
        "meetings/prep/sittings.html",
        {
            "meeting": meeting,
            "perms": permission_set(request.user, meeting.organization),
            "slots": [(k, SittingKind(k).label, sittings[k]) for k in sittings],
            "open_form": OpenForm(initial={"date": timezone.localdate()}),
            "concerns": concerns,
            "commentary": Commentary.objects.filter(meeting=meeting).first(),
            "closing": Closing.objects.filter(meeting=meeting).first(),
            "ready": meeting.stage == Stage.READY,
            "has_committee": meeting.organization.has_committee,
        },
    )


@require_POST
@view_permission("meeting.record")
def sitting_open(request, pk):
    meeting = meeting_for(request, pk, "meeting.record")
    form = OpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写会议日期。")
        return redirect("meetings:sittings", pk=meeting.pk)
    d = form.cleaned_data
    try:
        sitting = svc.open_sitting(meeting, actor=request.user, kind=d["kind"], date=d["date"], place=d["place"], recorder=d["recorder"])
    except ERRORS as exc:
        show_error(request, exc)
        return redirect("meetings:sittings", pk=meeting.pk)
    messages.success(request, f"{sitting.get_kind_display()}已开始，请记录出席情况和发言。")
    return redirect("meetings:sitting", pk=sitting.pk)


def _sitting(request, pk, perm="meeting.view"):
    return row_or_404(Sitting.objects.select_related("meeting", "meeting__organization", "host", "guide"), request.user, perm, pk=pk)


def _sitting_context(request, sitting, form=None, statement_form=None):
    meeting = sitting.meeting
    people = svc.participants(meeting, sitting.kind)
    choices = [(str(m.pk), m.name) for m in people]
    attendance = list(Attendance.objects.filter(sitting=sitting).select_related("member").order_by("member__pk"))
    statements = list(Criticism.objects.filter(sitting=sitting).select_related("speaker", "target").prefetch_related("answers_opinions").order_by("seq"))
    targets = [(str(m.pk), m.name) for m in (committee_members(meeting) if sitting.kind == SittingKind.COMMITTEE else roster(meeting))]
    return {
        "meeting": meeting,
        "sitting": sitting,
        "perms": permission_set(request.user, meeting.organization),
        "is_open": sitting.status == SittingStatus.OPEN,
        "is_last": svc.is_last(sitting),
        "attendance": attendance,
        "attendance_warnings": svc.attendance_warnings(sitting, attendance),
        "modes": ParticipationMode.choices,
        "statements": statements,
        "order_warnings": svc.order_warnings(sitting, statements) if statements else [],
        "unanswered": svc.unanswered(meeting, sitting),
        "form": form
        or SittingForm(
            initial={
                "date": sitting.date,
                "place": sitting.place,
                "host": str(sitting.host_id or ""),
                "recorder": sitting.recorder,
                "guide_name": sitting.guide_name,
                "version": sitting.version,
            },
            people=choices,
        ),
        "statement_form": statement_form or StatementForm(people=choices, targets=targets, concerns=_concern_choices(meeting)),
        "closing": Closing.objects.filter(meeting=meeting).first(),
        "commentary": Commentary.objects.filter(meeting=meeting).first(),
    }


@never_cache
@view_permission("meeting.view")
def sitting_page(request, pk):
    sitting = _sitting(request, pk)
    return render(request, "meetings/prep/sitting.html", _sitting_context(request, sitting))


@require_POST
@view_permission("meeting.record")
def sitting_save(request, pk):
    sitting = _sitting(request, pk, "meeting.record")
    people = [(str(m.pk), m.name) for m in svc.participants(sitting.meeting, sitting.kind)]
    form = SittingForm(request.POST, people=people)
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.save_sitting(
                sitting,
                actor=request.user,
                version=d["version"],
                date=d["date"],
                place=d["place"],
                host=_member(sitting.meeting, d["host"]),
                recorder=d["recorder"],
                guide_name=d["guide_name"],
            )
        except ERRORS as exc:
            show_error(request, exc)
        else:
            messages.success(request, "已保存会议信息。")
            return redirect("meetings:sitting", pk=sitting.pk)
    return render(request, "meetings/prep/sitting.html", _sitting_context(request, sitting, form=form))


@require_POST
@view_permission("meeting.record")
def sitting_attendance(request, pk):
    sitting = _sitting(request, pk, "meeting.record")
    meeting = sitting.meeting
    rows = []
    for m in svc.participants(meeting, sitting.kind):
        mode = request.POST.get(f"mode_{m.pk}")
        if mode is None:
            continue
        rows.append(
            svc.AttendanceRow(
                member=m, mode=mode, absence_reason=request.POST.get(f"reason_{m.pk}", ""), flow_organization_name=request.POST.get(f"flow_{m.pk}", "")
            )
        )
    try:
        svc.record_attendance(sitting, actor=request.user, version=int(request.POST.get("version") or 0), rows=rows)
    except (*ERRORS, ValueError) as exc:
        show_error(request, DomainError("提交的数据不完整，请刷新后重试。") if isinstance(exc, ValueError) else exc)
        context = _sitting_context(request, sitting)
        # keep what was typed: show the submitted values instead of the saved ones
        typed = {r.member.pk: r for r in rows}
        for a in context["attendance"]:
            if a.member_id in typed:
                a.mode, a.absence_reason, a.flow_organization_name = (
                    typed[a.member_id].mode,
                    typed[a.member_id].absence_reason,
                    typed[a.member_id].flow_organization_name,
                )
        return render(request, "meetings/prep/sitting.html", context)
    messages.success(request, "已保存出席情况。")
    return redirect("meetings:sitting", pk=sitting.pk)


@require_POST
@view_permission("meeting.record")
def statement_add(request, pk):
    sitting = _sitting(request, pk, "meeting.record")
    meeting = sitting.meeting
    people = [(str(m.pk), m.name) for m in svc.participants(meeting, sitting.kind)]
    targets = [(str(m.pk), m.name) for m in (committee_members(meeting) if sitting.kind == SittingKind.COMMITTEE else roster(meeting))]
    form = StatementForm(request.POST, people=people, targets=targets, concerns=_concern_choices(meeting))
    if form.is_valid():
        d = form.cleaned_data
        answers = list(Opinion.objects.filter(meeting=meeting, pk__in=[int(x) for x in d["answers"]]))
        try:
            svc.add_statement(
                sitting,
                actor=request.user,
                kind=d["kind"],
                speaker=_member(meeting, d["speaker"]),
                target=_member(meeting, d["target"]),
                about_team=d["target"] == "team",
                content=d["content"],
                suggestion=d["suggestion"],
                response=d["response"],
                answers=answers,
            )
        except ERRORS as exc:
            show_error(request, exc)
        else:
            messages.success(request, "已记录。")
            return redirect(reverse("meetings:sitting", args=[sitting.pk]) + "#record")
    else:
        messages.error(request, "请检查标红的内容。")
    return render(request, "meetings/prep/sitting.html", _sitting_context(request, sitting, statement_form=form))


@require_POST
@view_permission("meeting.record")
def statement_respond(request, pk):
    statement = row_or_404(
        Criticism.objects.select_related("sitting", "sitting__meeting"), request.user, "meeting.record", "sitting__meeting__organization", pk=pk
    )
    try:
        svc.respond(statement, actor=request.user, response=request.POST.get("response", ""))
    except ERRORS as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已记录回应。")
    return redirect("meetings:sitting", pk=statement.sitting_id)


@require_POST
@view_permission("meeting.record")
def statement_remove(request, pk):
    statement = row_or_404(
        Criticism.objects.select_related("sitting", "sitting__meeting"), request.user, "meeting.record", "sitting__meeting__organization", pk=pk
    )
    try:
        svc.remove_statement(statement, actor=request.user)
    except ERRORS as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已删除该条记录。")
    return redirect("meetings:sitting", pk=statement.sitting_id)


@require_POST
@view_permission("meeting.guide")
def sitting_guide(request, pk):
    sitting = _sitting(request, pk, "meeting.guide")
    try:
        svc.attend_as_guide(sitting, actor=request.user)
    except ERRORS as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已记录您到会指导。")
    return redirect("meetings:sitting", pk=sitting.pk)


@require_POST
@view_permission("meeting.manage")
def sitting_close(request, pk):
    sitting = _sitting(request, pk, "meeting.manage")
    try:
        svc.close_sitting(sitting, actor=request.user, version=int(request.POST.get("version") or 0))
    except ERRORS as exc:
        show_error(request, exc)
        return redirect("meetings:sitting", pk=sitting.pk)
    messages.success(request, f"{sitting.get_kind_display()}已结束。")
    return redirect("meetings:sittings", pk=sitting.meeting_id)


# -- 点评 and 小结 --------------------------------------------------------------------------------
@never_cache
@view_permission("meeting.guide")
def commentary_page(request, pk):
    meeting = meeting_for(request, pk, "meeting.guide")
    current = Commentary.objects.filter(meeting=meeting).first()
    initial = {"expected": svc.fingerprint(current)}
    if current:
        initial.update(
            on_preparation=current.on_preparation, on_criticism=current.on_criticism, on_effect=current.on_effect, guidance="\n".join(current.guidance)
        )
    form = CommentaryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.save_commentary(
                meeting,
                actor=request.user,
                expected=d["expected"],
                on_preparation=d["on_preparation"],
                on_criticism=d["on_criticism"],
                on_effect=d["on_effect"],
                guidance=d["guidance"].splitlines(),
            )
        except ERRORS as exc:
            show_error(request, exc)
        else:
            messages.success(request, "已保存点评。")
            return redirect("meetings:sittings", pk=meeting.pk)
    return render(request, "meetings/prep/commentary.html", {"meeting": meeting, "form": form, "current": current})


@never_cache
@view_permission("meeting.manage")
def closing_page(request, pk):
    meeting = meeting_for(request, pk, "meeting.manage")
    commentary = Commentary.objects.filter(meeting=meeting).first()
    guidance = commentary.guidance if commentary else []
    current = Closing.objects.filter(meeting=meeting).first()
    if request.method == "POST":
        values = {
            "shortcomings": request.POST.get("shortcomings", ""),
            "rectification_opinions": request.POST.get("rectification_opinions", ""),
            "commitment": request.POST.get("commitment", ""),
            "opinions_response": request.POST.get("opinions_response", ""),
            "guidance_responses": [request.POST.get(f"guidance_{i}", "") for i in range(len(guidance))],
        }
        try:
            svc.save_closing(meeting, actor=request.user, expected=request.POST.get("expected", ""), **values)
        except ERRORS as exc:
            show_error(request, exc)
            expected = request.POST.get("expected", "")
        else:
            messages.success(request, "已保存小结。")
            return redirect("meetings:sittings", pk=meeting.pk)
    else:
        values = {
            "shortcomings": current.shortcomings if current else "",
            "rectification_opinions": current.rectification_opinions if current else "",
            "commitment": current.commitment if current else "",
            "opinions_response": current.opinions_response if current else "",
            "guidance_responses": list(current.guidance_responses) if current else [],
        }
        expected = svc.fingerprint(current)
    answers = list(values["guidance_responses"]) + [""] * (len(guidance) - len(values["guidance_responses"]))
    rows = [(i, point, answers[i]) for i, point in enumerate(guidance)]
    return render(
        request,
        "meetings/prep/closing.html",
        {"meeting": meeting, "values": values, "rows": rows, "expected": expected, "commentary": commentary, "current": current},
    )
