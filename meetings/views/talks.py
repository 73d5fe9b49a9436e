"""谈心谈话 pages (OL-2.4): the required pairs and what is missing, the coverage matrix, the
schedule and the short records, and the confidential flags (OL-2.4.f)."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.grants import member_of
from accounts.permissions import permission_set
from core.views import view_permission

from ..choices import TalkFlagKind, TalkForm, TalkKind
from ..models import Talk, TalkFlag
from ..services import talks as svc
from ..services.prep_common import PREP_STAGES, can_see_confidential, is_superior_user, roster
from .opinions import DATE, ERRORS, meeting_for, row_or_404, show_error

SUPERIOR_CHOICE = "superior"


def _people(meeting, user):
    """Who can be the first party: roster members; the superior's head (themselves) for OL-2.4.a."""
    choices = [(str(m.pk), m.name) for m in roster(meeting)]
    if is_superior_user(user, meeting):
        choices = [(SUPERIOR_CHOICE, f"本人（上级党组织：{user}）"), *choices]
    return choices


class TalkForm_(forms.Form):
    action = forms.ChoiceField(choices=[("record", "记录已谈"), ("schedule", "安排谈话")], widget=forms.HiddenInput, initial="record")
    member_a = forms.ChoiceField(label="谈话人")
    member_b = forms.ChoiceField(label="谈话对象")
    kind = forms.ChoiceField(label="类型", choices=TalkKind.choices, initial=TalkKind.REGULAR)
    held_on = forms.DateField(label="谈话日期", widget=DATE, required=False)
    scheduled_on = forms.DateField(label="计划日期", widget=DATE, required=False)
    form = forms.ChoiceField(label="方式", choices=[("", "—"), *TalkForm.choices], required=False)
    place = forms.CharField(label="地点", max_length=100, required=False)
    key_points = forms.CharField(label="主要内容（可不填）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    opinions_heard = forms.CharField(label="对方意见建议（可不填）", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, people=(), targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_a"].choices = people
        self.fields["member_b"].choices = targets

    def clean(self):
        data = super().clean()
        if data.get("action") == "record" and not data.get("held_on"):
            self.add_error("held_on", "请填写谈话日期。")
        if data.get("action") == "schedule" and not data.get("scheduled_on"):
            self.add_error("scheduled_on", "请填写计划日期。")
        return data


class EditTalkForm(forms.Form):
    held_on = forms.DateField(label="谈话日期", widget=DATE, required=False)
    scheduled_on = forms.DateField(label="计划日期", widget=DATE, required=False)
    form = forms.ChoiceField(label="方式", choices=[("", "—"), *TalkForm.choices], required=False)
    place = forms.CharField(label="地点", max_length=100, required=False)
    key_points = forms.CharField(label="主要内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    opinions_heard = forms.CharField(label="对方意见建议", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(label="后续措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected = forms.CharField(widget=forms.HiddenInput)


class FlagForm(forms.Form):
    kind = forms.ChoiceField(label="情形", choices=TalkFlagKind.choices)
    member_a = forms.ChoiceField(label="党员")
    member_b = forms.ChoiceField(label="另一方（双方曾闹过矛盾时填写）", required=False)
    note = forms.CharField(label="说明（仅书记和上级可见）", max_length=200, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_a"].choices = people
        self.fields["member_b"].choices = [("", "—"), *people]


def _member(meeting, value):
    if not value or not str(value).isdigit():
        return None
    return roster(meeting).filter(pk=int(value)).first()


def _context(request, meeting, form=None, flag_form=None):
    view = svc.plan_view(meeting)
    talks = list(svc.visible_talks(meeting, request.user))
    confidential = can_see_confidential(request.user, meeting)
    members = [(str(m.pk), m.name) for m in view.members]
    me = member_of(request.user)
    initial = {"held_on": timezone.localdate(), "action": "record"}
    if me is not None and me.organization_id == meeting.organization_id:
        initial["member_a"] = str(me.pk)
    lacking = svc.lacking(view, confidential=confidential)
    done, required = sum(p.done for p, _ in lacking), sum(p.required for p, _ in lacking)
    return {
        "meeting": meeting,
        "perms": permission_set(request.user, meeting.organization),
        "open_stage": meeting.stage in PREP_STAGES,
        "view": view,
        "done": done,
        "required": required,
        "lacking": lacking,
        "matrix": svc.matrix(view, talks, confidential=confidential) if len(view.members) <= svc.MATRIX_LIMIT else None,
        "talks": talks,
        "confidential": confidential,
        "flags": TalkFlag.objects.filter(meeting=meeting).select_related("member_a", "member_b") if confidential else [],
        "form": form or TalkForm_(initial=initial, people=_people(meeting, request.user), targets=members),
        "flag_form": flag_form or FlagForm(people=members),
        "ratio": round(100 * done / required) if required else 100,
    }


@never_cache
@view_permission("meeting.view")
def talks_page(request, pk):
    meeting = meeting_for(request, pk)
    return render(request, "meetings/prep/talks.html", _context(request, meeting))


@require_POST
@view_permission("meeting.view")
def talk_add(request, pk):
    """Record a held talk or schedule one. Members record their own; the superior's head records
    their talk with the secretary; the service checks who may record what."""
    meeting = meeting_for(request, pk)
    members = [(str(m.pk), m.name) for m in roster(meeting)]
    form = TalkForm_(request.POST, people=_people(meeting, request.user), targets=members)
    if form.is_valid():
        d = form.cleaned_data
        superior = d["member_a"] == SUPERIOR_CHOICE
        kwargs = {
            "actor": request.user,
            "member_a": None if superior else _member(meeting, d["member_a"]),
            "user_a": request.user if superior else None,
            "member_b": _member(meeting, d["member_b"]),
            "kind": d["kind"],
        }
        try:
            if d["action"] == "schedule":
                svc.schedule_talk(meeting, scheduled_on=d["scheduled_on"], **kwargs)
                messages.success(request, "已安排谈话。")
            else:
                svc.record_talk(
                    meeting, held_on=d["held_on"], form=d["form"], place=d["place"], key_points=d["key_points"], opinions_heard=d["opinions_heard"], **kwargs
                )
                messages.success(request, "已记录谈心谈话。")
        except ERRORS as exc:
            show_error(request, exc)
        else:
            return redirect("meetings:talks", pk=meeting.pk)
    else:
        messages.error(request, "请检查标红的内容。")
    return render(request, "meetings/prep/talks.html", _context(request, meeting, form=form))


@never_cache
@view_permission("meeting.view")
def talk_edit(request, pk):
    talk = row_or_404(Talk.objects.select_related("meeting", "meeting__organization", "member_a", "member_b", "user_a"), request.user, "meeting.view", pk=pk)
    meeting = talk.meeting
    if not svc.visible_talks(meeting, request.user).filter(pk=talk.pk).exists():
        raise Http404("未找到或无权查看")
    initial = {f: getattr(talk, f) for f in ("held_on", "scheduled_on", "form", "place", "key_points", "opinions_heard", "follow_up")}
    initial["expected"] = svc.talk_fingerprint(talk)
    form = EditTalkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.update_talk(talk, actor=request.user, **d)
        except ERRORS as exc:
            show_error(request, exc)
        else:
            messages.success(request, "已保存谈话记录。")
            return redirect("meetings:talks", pk=meeting.pk)
    return render(request, "meetings/prep/talk_edit.html", {"meeting": meeting, "talk": talk, "form": form})


@require_POST
@view_permission("meeting.record")
def talk_delete(request, pk):
    talk = row_or_404(Talk.objects.select_related("meeting", "meeting__organization"), request.user, "meeting.record", pk=pk)
    try:
        svc.delete_scheduled(talk, actor=request.user)
    except ERRORS as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已取消该谈话安排。")
    return redirect("meetings:talks", pk=talk.meeting_id)


@require_POST
@view_permission("meeting.manage")
def talk_flag_add(request, pk):
    meeting = meeting_for(request, pk, "meeting.manage")
    members = [(str(m.pk), m.name) for m in roster(meeting)]
    form = FlagForm(request.POST, people=members)
    if form.is_valid():
        d = form.cleaned_data
        try:
            svc.add_flag(
                meeting, actor=request.user, kind=d["kind"], member_a=_member(meeting, d["member_a"]), member_b=_member(meeting, d["member_b"]), note=d["note"]
            )
        except ERRORS as exc:
            show_error(request, exc)
        else:
            messages.success(request, "已标记，需在会前安排约谈或上门调解（OL-2.4.f）。")
            return redirect("meetings:talks", pk=meeting.pk)
    else:
        messages.error(request, "请选择情形和党员。")
    return render(request, "meetings/prep/talks.html", _context(request, meeting, flag_form=form))


@require_POST
@view_permission("meeting.manage")
def talk_flag_remove(request, pk):
    flag = row_or_404(TalkFlag.objects.select_related("meeting", "meeting__organization"), request.user, "meeting.manage", pk=pk)
    try:
        svc.remove_flag(flag, actor=request.user)
    except ERRORS as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已取消标记。")
    return redirect("meetings:talks", pk=flag.meeting_id)
