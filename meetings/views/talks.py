"""谈心谈话 pages (OL-2.4; P-DL-2.6.a–d for a 民主生活会): the required pairs and what is missing,
the coverage matrix, the schedule and the short records, the confidential flags (OL-2.4.f), and
a leader's own talks (DL: which talks they must have, which are done, record their own)."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.grants import member_of
from accounts.permissions import permission_set
from accounts.scoping import not_visible, row_or_404
from core.errors import DomainError
from core.views import view_permission

from ..choices import TalkFlagKind, TalkForm, TalkKind
from ..models import Talk, TalkFlag
from ..services import talks as svc
from ..services.prep_common import PREP_STAGES, can_see_confidential, is_dl, is_superior_user, leaders, overseen_heads, roster, terms
from .opinions import DATE, ERRORS, meeting_for, show_error

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
    if is_dl(meeting):
        return next((m for m in _dl_parties(meeting) if m.pk == int(value)), None)
    return roster(meeting).filter(pk=int(value)).first()


def _dl_parties(meeting) -> list:
    """DL: the leaders, then the heads of the units they oversee (P-DL-2.6.c)."""
    people = {m.pk: m for m in leaders(meeting)}
    for heads in overseen_heads(meeting).values():
        for h in heads:
            people.setdefault(h.pk, h)
    return list(people.values())


def _targets(meeting, view=None):
    if is_dl(meeting):
        team = {m.pk for m in (view.members if view else leaders(meeting))}
        return [(str(m.pk), m.name if m.pk in team else f"{m.name}（分管单位负责人）") for m in _dl_parties(meeting)]
    members = view.members if view else roster(meeting)
    return [(str(m.pk), m.name) for m in members]


def _context(request, meeting, form=None, flag_form=None):
    view = svc.plan_view(meeting)
    talks = list(svc.visible_talks(meeting, request.user))
    confidential = can_see_confidential(request.user, meeting)
    members = [(str(m.pk), m.name) for m in view.members]
    me = member_of(request.user)
    initial = {"held_on": timezone.localdate(), "action": "record"}
    if me is not None and (me.organization_id == meeting.organization_id or is_dl(meeting) and me in view.members):
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
        "form": form or _talk_form(meeting, request.user, initial=initial, view=view),
        "flag_form": flag_form or FlagForm(people=members),
        "ratio": round(100 * done / required) if required else 100,
        "t": terms(meeting),
        "is_dl": is_dl(meeting),
        "is_leader": is_dl(meeting) and me is not None and me in view.members,
    }


def _talk_form(meeting, user, data=None, *, initial=None, view=None):
    form = TalkForm_(data, initial=initial, people=_people(meeting, user), targets=_targets(meeting, view))
    if is_dl(meeting):  # P-DL-2.6: no care or mediation talks
        form.fields["kind"].choices = [(TalkKind.REGULAR.value, TalkKind.REGULAR.label)]
        form.fields["member_a"].label = "谈话人（班子成员）"
    return form


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
    form = _talk_form(meeting, request.user, request.POST)
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
        raise not_visible()
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


# -- a leader's own talks (DL, P-DL-2.6.a–d) -----------------------------------------------------
class MyTalkForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    partner = forms.IntegerField(widget=forms.HiddenInput)
    held_on = forms.DateField(label="谈话日期", widget=DATE)
    form = forms.ChoiceField(label="方式", choices=[("", "—"), *TalkForm.choices], required=False)
    key_points = forms.CharField(label="谈话要点（可不填）", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def _subject(request, meeting):
    """Whose list: the user's own, or (for the main leader, the managers and the superior) the
    leader named by `?member=`. Anyone else gets 404, never another leader's list."""
    me = member_of(request.user)
    wanted = request.GET.get("member") or request.POST.get("member")
    team = leaders(meeting)
    if wanted and str(wanted).isdigit():
        subject = next((m for m in team if m.pk == int(wanted)), None)
    else:
        subject = me if me is not None and me in team else None
    if subject is None:
        if is_dl(meeting) and (svc.is_secretary_user(request.user, meeting) or is_superior_user(request.user, meeting)) and team and not wanted:
            return team[0], team
        raise not_visible()
    if not svc.may_see_talks_of(request.user, meeting, subject):
        raise not_visible()
    return subject, team


def _mine_context(request, meeting, subject, team, forms_by_partner=None):
    view = svc.plan_view(meeting)
    rows = svc.my_talks(meeting, subject, view)
    forms_by_partner = forms_by_partner or {}
    today = timezone.localdate()
    items = []
    for row in rows:
        form = None
        if row.partner is not None and not row.done:
            form = forms_by_partner.get(row.partner.pk) or MyTalkForm(
                initial={"member": subject.pk, "partner": row.partner.pk, "held_on": today}, prefix=f"p{row.partner.pk}"
            )
        items.append((row, form))
    return {
        "meeting": meeting,
        "subject": subject,
        "team": team,
        "items": items,
        "done": sum(1 for r in rows if r.done),
        "required": len(rows),
        "open_stage": meeting.stage in PREP_STAGES,
        "can_switch": svc.is_secretary_user(request.user, meeting) or is_superior_user(request.user, meeting),
        "t": terms(meeting),
    }


@never_cache
@view_permission("meeting.view")
def talks_mine(request, pk):
    """A leader's own talks in a 民主生活会: the pairs of the DL plan involving them, done or not,
    each with a short form to record it (P-DL-2.6.a–d; like a member's talk task in OL)."""
    meeting = meeting_for(request, pk)
    if not is_dl(meeting):
        raise Http404("本页用于民主生活会")
    subject, team = _subject(request, meeting)
    return render(request, "meetings/prep/talks_mine.html", _mine_context(request, meeting, subject, team))


@require_POST
@view_permission("meeting.view")
def talks_mine_record(request, pk):
    meeting = meeting_for(request, pk)
    if not is_dl(meeting):
        raise Http404("本页用于民主生活会")
    subject, team = _subject(request, meeting)
    partner_id = request.POST.get("partner", "")
    prefix = f"p{partner_id}" if partner_id.isdigit() else "p"
    form = MyTalkForm(request.POST, prefix=prefix)
    if form.is_valid():
        d = form.cleaned_data
        partner = _member(meeting, d["partner"])
        try:
            if partner is None:
                raise DomainError("请选择谈话对象。")
            svc.record_talk(meeting, actor=request.user, member_a=subject, member_b=partner, held_on=d["held_on"], form=d["form"], key_points=d["key_points"])
        except ERRORS as exc:
            show_error(request, exc)
        else:
            messages.success(request, f"已记录与{partner.name}的谈心谈话。")
            url = reverse("meetings:talks_mine", args=[meeting.pk])
            own = member_of(request.user)
            return redirect(url if own is not None and own.pk == subject.pk else f"{url}?member={subject.pk}")
    else:
        messages.error(request, "请填写谈话日期。")
    ctx = _mine_context(request, meeting, subject, team, {int(partner_id): form} if partner_id.isdigit() else None)
    return render(request, "meetings/prep/talks_mine.html", ctx)
