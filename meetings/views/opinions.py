"""征求意见 pages (OL-2.3; DL-2.5.a and P-DL-2.5.b–d for a 民主生活会): fast entry, the list with
空对空 warnings and merging, the public link, the frozen summary, feedback to committee members
(DL: to the leaders, by the main leader), and the public form (no login)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.grants import member_of
from accounts.permissions import permission_set
from accounts.scoping import get_visible_or_404, not_visible, row_or_404
from core import throttle
from core.errors import DomainError
from core.views import public_view, view_permission
from core.views import show_domain_error as show_error

from ..choices import FeedbackKind, FeedbackMode, OpinionChannel, Stage
from ..models import Feedback, Meeting, Opinion, OpinionSummary
from ..services import opinions as svc
from ..services.prep_common import PREP_STAGES, can_see_confidential, committee_members, is_committee_member, is_dl, terms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ROWS = 3
PUBLIC_LIMIT = (5, 600)  # per address: 5 submissions in 10 minutes
PUBLIC_DAILY_LIMIT = 500  # per meeting and day, whoever sends them


def meeting_for(request, pk, perm="meeting.view"):
    return get_visible_or_404(Meeting.objects.select_related("organization"), request.user, perm, pk=pk)


ERRORS = (DomainError, PermissionDenied)


def target_choices(meeting):
    t = terms(meeting)
    return [("team", t["team"]), *((f"m{m.pk}", f"{t['member']}：{m.name}") for m in committee_members(meeting))]


def member_from_choice(meeting, value):
    if not value or value == "team":
        return None
    for m in committee_members(meeting):
        if f"m{m.pk}" == value:
            return m
    t = terms(meeting)
    raise DomainError(f"请选择意见对象（{t['team']}或一名{t['member']}）。")


# -- forms ---------------------------------------------------------------------------------
class BatchForm(forms.Form):
    channel = forms.ChoiceField(label="征求方式", choices=[(c.value, c.label) for c in svc.RECORD_CHANNELS])
    received_on = forms.DateField(label="收到日期", widget=DATE)


class RowForm(forms.Form):
    target = forms.ChoiceField(label="意见对象", choices=(), required=False)
    content = forms.CharField(label="意见内容", required=False, max_length=svc.MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 2}))
    giver_name = forms.CharField(label="提出人", required=False, max_length=50)
    giver_kind = forms.ChoiceField(label="提出人身份", required=False, choices=[("", "—"), *((k, k) for k in svc.GIVER_KINDS)])
    is_anonymous = forms.BooleanField(label="匿名", required=False)
    strong_public_concern = forms.BooleanField(label="群众反映强烈", required=False)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets


class PublicRowForm(forms.Form):
    target = forms.ChoiceField(label="意见针对", choices=())
    content = forms.CharField(
        label="您的意见建议", max_length=svc.MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 5}), help_text="请尽量写明具体的人、事、时间，便于我们改进。"
    )
    giver_name = forms.CharField(label="您的称呼（可不填，匿名提交）", required=False, max_length=50)
    giver_kind = forms.ChoiceField(label="您的身份", required=False, choices=[("", "不愿透露"), ("党员", "党员"), ("群众", "群众"), ("服务对象", "服务对象")])
    website = forms.CharField(required=False, label="网址（请勿填写）")

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets


class EditForm(forms.Form):
    target = forms.ChoiceField(label="意见对象", choices=())
    content = forms.CharField(label="意见内容", max_length=svc.MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.CharField(label="类别", required=False, max_length=50)
    giver_kind = forms.ChoiceField(label="提出人身份", required=False, choices=[("", "—"), *((k, k) for k in svc.GIVER_KINDS)])
    strong_public_concern = forms.BooleanField(label="群众反映强烈", required=False)
    expected = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets


class FeedbackForm(forms.Form):
    recipient = forms.ChoiceField(label="反馈对象", choices=())
    mode = forms.ChoiceField(label="方式", choices=FeedbackMode.choices)
    delivered_on = forms.DateField(label="反馈日期", widget=DATE)
    acknowledged_on = forms.DateField(label="本人签收日期", widget=DATE, required=False)
    note = forms.CharField(label="说明", required=False, max_length=500)

    def __init__(self, *args, recipients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = recipients


class NotifyForm(forms.Form):
    mode = forms.ChoiceField(
        label="通报方式", choices=[(FeedbackMode.MEETING.value, FeedbackMode.MEETING.label), (FeedbackMode.WRITTEN.value, FeedbackMode.WRITTEN.label)]
    )
    delivered_on = forms.DateField(label="通报日期", widget=DATE)


def _rows(meeting, data=None, prefix="r", count=ROWS):
    targets = target_choices(meeting)
    return [RowForm(data, prefix=f"{prefix}{i}", targets=targets) for i in range(count)]


def _entries(meeting, rows) -> list:
    out = []
    for row in rows:
        d = row.cleaned_data
        if not d.get("content", "").strip():
            continue
        out.append(
            svc.Entry(
                content=d["content"],
                target_member=member_from_choice(meeting, d["target"]),
                giver_name=d.get("giver_name", ""),
                giver_kind=d.get("giver_kind", ""),
                is_anonymous=d.get("is_anonymous", False),
                strong_public_concern=d.get("strong_public_concern", False),
            )
        )
    return out


def visible_opinions(meeting, user):
    """The secretary and the superior see every opinion; a committee member sees those about the
    team, those about themselves and those they recorded (OL-2.3.e: personal ones go to the person)."""
    qs = (
        Opinion.objects.filter(meeting=meeting)
        .select_related("target_member", "merged_into")
        .prefetch_related("merged")
        .order_by("merged_into_id", "target", "target_member_id", "pk")
    )
    if can_see_confidential(user, meeting):
        return qs
    me = member_of(user)
    return qs.filter(Q(target_member__isnull=True) | Q(recorded_by=user) | (Q(target_member=me) if me else Q(pk__in=[])))


# -- pages ---------------------------------------------------------------------------------
def _context(request, meeting, batch=None, rows=None):
    perms = permission_set(request.user, meeting.organization)
    opinions = list(visible_opinions(meeting, request.user)) if "meeting.record" in perms or can_see_confidential(request.user, meeting) else []
    active = [o for o in opinions if not o.merged_into_id]
    merged = [o for o in opinions if o.merged_into_id]
    me = member_of(request.user)
    return {
        "meeting": meeting,
        "perms": perms,
        "open_stage": meeting.stage in PREP_STAGES,
        "opinions": active,
        "merged": merged,
        "vague_count": sum(1 for o in active if o.is_vague),
        # DL-2.5.a: the 征求意见表 is the channel named by the rules, so a 民主生活会 starts with it.
        "batch": batch or BatchForm(initial={"received_on": timezone.localdate(), **({"channel": OpinionChannel.FORM} if is_dl(meeting) else {})}),
        "rows": rows or _rows(meeting),
        "public_url": request.build_absolute_uri(reverse("meetings:opinion_public", args=[meeting.opinion_token])),
        "summary": OpinionSummary.objects.filter(meeting=meeting).first(),
        "my_feedback": Feedback.objects.filter(meeting=meeting, recipient=me).prefetch_related("opinions") if me else [],
        "confidential": can_see_confidential(request.user, meeting),
        "t": terms(meeting),
        "is_dl": is_dl(meeting),
    }


@never_cache
@view_permission("meeting.view")
def opinions_page(request, pk):
    meeting = meeting_for(request, pk)
    return render(request, "meetings/prep/opinions.html", _context(request, meeting))


@require_POST
@view_permission("meeting.record")
def opinions_add(request, pk):
    meeting = meeting_for(request, pk, "meeting.record")
    batch = BatchForm(request.POST)
    rows = _rows(meeting, request.POST)
    if batch.is_valid() and all(r.is_valid() for r in rows):
        try:
            created = svc.record_opinions(
                meeting,
                actor=request.user,
                channel=batch.cleaned_data["channel"],
                received_on=batch.cleaned_data["received_on"],
                entries=_entries(meeting, rows),
            )
        except ERRORS as exc:
            show_error(request, exc)
        else:
            vague = sum(1 for o in created if o.is_vague)
            messages.success(request, f"已录入{len(created)}条意见。")
            if vague:
                messages.warning(request, f"其中{vague}条意见缺少具体的人和事（空对空提示，OL-2.3.f），可以补充事实后修改，也可以确认后保留。")
            return redirect("meetings:opinions", pk=meeting.pk)
    else:
        messages.error(request, "请检查标红的内容。")
    return render(request, "meetings/prep/opinions.html", _context(request, meeting, batch, rows))


@never_cache
@view_permission("meeting.participate")
def opinion_give(request, pk):
    """A member fills in the 征求意见表 in the app: about the team or a committee member."""
    meeting = meeting_for(request, pk, "meeting.participate")
    me = member_of(request.user)
    rows = _rows(meeting, request.POST or None, prefix="g", count=3)
    if request.method == "POST":
        if is_dl(meeting) and not is_committee_member(meeting, me):
            messages.error(request, "只有本班子成员可以在这里提意见；也可以使用公开征求意见链接。")
        elif not is_dl(meeting) and (me is None or me.organization_id != meeting.organization_id):
            messages.error(request, "只有本支部党员可以在这里提意见；也可以使用公开征求意见链接。")
        elif all(r.is_valid() for r in rows):
            try:
                created = svc.give_opinion(meeting, actor=request.user, member=me, entries=_entries(meeting, rows))
            except ERRORS as exc:
                show_error(request, exc)
            else:
                messages.success(request, f"感谢！已提交{len(created)}条意见建议。")
                return redirect("meetings:opinions", pk=meeting.pk)
    return render(
        request, "meetings/prep/opinion_give.html", {"meeting": meeting, "rows": rows, "open_stage": meeting.stage in PREP_STAGES, "t": terms(meeting)}
    )


@never_cache
@view_permission("meeting.record")
def opinion_edit(request, pk):
    opinion = row_or_404(Opinion.objects.select_related("meeting", "meeting__organization", "target_member"), request.user, "meeting.record", pk=pk)
    meeting = opinion.meeting
    if not visible_opinions(meeting, request.user).filter(pk=opinion.pk).exists():
        raise not_visible()
    initial = {
        "target": f"m{opinion.target_member_id}" if opinion.target_member_id else "team",
        "content": opinion.content,
        "category": opinion.category,
        "giver_kind": opinion.giver_kind,
        "strong_public_concern": opinion.strong_public_concern,
        "expected": svc.fingerprint(opinion),
    }
    form = EditForm(request.POST or None, initial=initial, targets=target_choices(meeting))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.update_opinion(
                opinion,
                actor=request.user,
                expected=d["expected"],
                target_member=member_from_choice(meeting, d["target"]),
                content=d["content"],
                category=d["category"],
                strong_public_concern=d["strong_public_concern"],
                giver_kind=d["giver_kind"],
            )
        except ERRORS as exc:
            show_error(request, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("meetings:opinions", pk=meeting.pk)
    return render(request, "meetings/prep/opinion_edit.html", {"meeting": meeting, "opinion": opinion, "form": form, "t": terms(meeting)})


@require_POST
@view_permission("meeting.record")
def opinion_vague(request, pk):
    opinion = row_or_404(Opinion.objects.select_related("meeting", "meeting__organization"), request.user, "meeting.record", pk=pk)
    try:
        svc.set_vague(opinion, actor=request.user, vague=request.POST.get("vague") == "1")
    except ERRORS as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已更新空对空提示。")
    return redirect("meetings:opinions", pk=opinion.meeting_id)


@require_POST
@view_permission("meeting.record")
def opinions_merge(request, pk):
    meeting = meeting_for(request, pk, "meeting.record")
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
    visible = {o.pk: o for o in visible_opinions(meeting, request.user).filter(pk__in=ids)}
    if len(visible) < 2:
        messages.error(request, "请勾选至少两条意见进行合并。")
        return redirect("meetings:opinions", pk=meeting.pk)
    keep_id = int(request.POST.get("keep") or 0)
    keep = visible.get(keep_id) or visible[min(visible)]
    try:
        svc.merge_opinions(keep, [o for k, o in visible.items() if k != keep.pk], actor=request.user)
    except ERRORS as exc:
        show_error(request, exc)
    else:
        messages.success(request, f"已将{len(visible) - 1}条重复意见合并到第{keep.pk}号意见。")
    return redirect("meetings:opinions", pk=meeting.pk)


@require_POST
@view_permission("meeting.record")
def opinion_unmerge(request, pk):
    opinion = row_or_404(Opinion.objects.select_related("meeting", "meeting__organization"), request.user, "meeting.record", pk=pk)
    try:
        svc.unmerge(opinion, actor=request.user)
    except ERRORS as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已取消合并。")
    return redirect("meetings:opinions", pk=opinion.meeting_id)


@require_POST
@view_permission("meeting.manage")
def opinion_link(request, pk):
    meeting = meeting_for(request, pk, "meeting.manage")
    want = request.POST.get("open") == "1"
    try:
        svc.set_link(meeting, actor=request.user, open=want)
    except ERRORS as exc:
        show_error(request, exc)
    else:
        messages.success(request, "公开征求意见链接已开放，可以把链接或二维码发给党员群众。" if want else "公开征求意见链接已关闭。")
    return redirect("meetings:opinions", pk=meeting.pk)


# -- summary and feedback ----------------------------------------------------------------------
@never_cache
@view_permission("meeting.view")
def summary_page(request, pk):
    meeting = meeting_for(request, pk)
    if not can_see_confidential(request.user, meeting):
        raise not_visible()
    versions = list(OpinionSummary.objects.filter(meeting=meeting).order_by("-number"))
    shown = versions[0] if versions else None
    wanted = request.GET.get("v")
    if wanted and wanted.isdigit():
        shown = next((v for v in versions if v.number == int(wanted)), shown)
    preview = svc.summary_content(meeting)
    none_received = set(shown.none_received) if shown else set()
    subjects = [("team", terms(meeting)["team"], bool(preview["team"]))] + [(f"m{p['member_id']}", p["name"], bool(p["opinions"])) for p in preview["people"]]
    return render(
        request,
        "meetings/prep/summary.html",
        {
            "meeting": meeting,
            "versions": versions,
            "shown": shown,
            "preview": preview,
            "subjects": subjects,
            "latest_number": versions[0].number if versions else 0,
            "perms": permission_set(request.user, meeting.organization),
            "open_stage": meeting.stage in PREP_STAGES,
            "t": terms(meeting),
            "is_dl": is_dl(meeting),
            "none_received": none_received,
            "none_ids": {int(k[1:]) for k in none_received if k[1:].isdigit()},
        },
    )


@require_POST
@view_permission("meeting.manage")
def summary_freeze(request, pk):
    meeting = meeting_for(request, pk, "meeting.manage")
    try:
        expected = int(request.POST.get("expected_number") or 0)
        summary = svc.freeze_summary(
            meeting, actor=request.user, intro=request.POST.get("intro", ""), none_received=request.POST.getlist("none_received"), expected_number=expected
        )
    except ERRORS as exc:
        show_error(request, exc)
    else:
        messages.success(request, f"征求意见汇总第{summary.number}版已定稿。")
    return redirect("meetings:opinion_summary", pk=meeting.pk)


def _recipients(meeting):
    return [(str(m.pk), m.name) for m in committee_members(meeting)]


@never_cache
@view_permission("meeting.view")
def feedback_page(request, pk):
    meeting = meeting_for(request, pk)
    if not can_see_confidential(request.user, meeting):
        raise not_visible()
    recipients = _recipients(meeting)
    return render(
        request,
        "meetings/prep/feedback.html",
        {
            "meeting": meeting,
            "feedback": Feedback.objects.filter(meeting=meeting, kind__in=(FeedbackKind.TEAM, FeedbackKind.PERSONAL))
            .select_related("recipient", "delivered_by")
            .order_by("kind", "recipient__name", "delivered_on"),
            "notify_form": NotifyForm(initial={"delivered_on": timezone.localdate()}),
            "form": FeedbackForm(initial={"delivered_on": timezone.localdate(), "mode": FeedbackMode.IN_PERSON}, recipients=recipients),
            "perms": permission_set(request.user, meeting.organization),
            "open_stage": meeting.stage in PREP_STAGES,
            "t": terms(meeting),
            "is_dl": is_dl(meeting),
        },
    )


@require_POST
@view_permission("meeting.manage")
def feedback_notify(request, pk):
    meeting = meeting_for(request, pk, "meeting.manage")
    form = NotifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择通报方式并填写日期。")
    else:
        try:
            rows = svc.notify_team(meeting, actor=request.user, mode=form.cleaned_data["mode"], delivered_on=form.cleaned_data["delivered_on"])
        except ERRORS as exc:
            show_error(request, exc)
        else:
            messages.success(request, f"已向{len(rows)}名{terms(meeting)['members']}通报班子意见。")
    return redirect("meetings:opinion_feedback", pk=meeting.pk)


@require_POST
@view_permission("meeting.view")
def feedback_personal(request, pk):
    """OL-2.3.e: the secretary (or, for the secretary's own opinions, the superior) feeds back."""
    meeting = meeting_for(request, pk)
    if not can_see_confidential(request.user, meeting):
        raise not_visible()
    form = FeedbackForm(request.POST, recipients=_recipients(meeting))
    if not form.is_valid():
        messages.error(request, "请选择反馈对象、方式并填写日期。")
        return redirect("meetings:opinion_feedback", pk=meeting.pk)
    d = form.cleaned_data
    recipient = next((m for m in committee_members(meeting) if str(m.pk) == d["recipient"]), None)
    try:
        svc.record_feedback(
            meeting,
            actor=request.user,
            kind=FeedbackKind.PERSONAL,
            recipient=recipient,
            mode=d["mode"],
            delivered_on=d["delivered_on"],
            acknowledged_on=d["acknowledged_on"],
            note=d["note"],
        )
    except ERRORS as exc:
        show_error(request, exc)
    else:
        messages.success(request, f"已记录向{recipient.name}反馈意见。")
    return redirect("meetings:opinion_feedback", pk=meeting.pk)


@require_POST
@view_permission("meeting.participate")
def feedback_ack(request, pk):
    feedback = row_or_404(Feedback.objects.select_related("meeting", "recipient"), request.user, "meeting.participate", pk=pk)
    try:
        svc.acknowledge(feedback, actor=request.user, on=timezone.localdate())
    except ERRORS as exc:
        show_error(request, exc)
    else:
        messages.success(request, "已签收。")
    return redirect("meetings:opinions", pk=feedback.meeting_id)


# -- the public form (no login) ------------------------------------------------------------------
def _public_meeting(token):
    meeting = Meeting.objects.filter(opinion_token=token).select_related("organization").first()
    if meeting is None or not meeting.organization.is_active:
        raise Http404("页面不存在")
    return meeting


def _public_targets(meeting):
    t = terms(meeting)
    return [("team", f"{t['team']}（整体）"), *((f"m{m.pk}", f"{t['member']}{m.name}") for m in committee_members(meeting))]


@never_cache
@public_view
def opinion_public(request, token):
    """The public submission link (anonymous allowed, throttled, CSRF kept). Shows a clear
    "closed" page when the secretary closed it."""
    meeting = _public_meeting(token)
    is_open = meeting.opinion_link_open and meeting.stage in (Stage.PREPARING, Stage.READY)
    form = PublicRowForm(request.POST or None, targets=_public_targets(meeting))
    status = 200
    if request.method == "POST" and is_open:
        if not form.is_valid():
            status = 400
        elif form.cleaned_data["website"]:
            return redirect("meetings:opinion_public_thanks", token=token)  # a robot: accept silently, keep nothing
        else:
            allowed = throttle.allow(request, f"ol-opinion:{meeting.pk}", *PUBLIC_LIMIT)
            allowed = allowed and throttle.hit(f"throttle:ol-opinion-day:{meeting.pk}:{timezone.localdate():%Y%m%d}", PUBLIC_DAILY_LIMIT, 86400)
            if not allowed:
                form.add_error(None, "提交过于频繁，请稍后再试。您填写的内容仍保留在下方。")
                status = 429
            else:
                d = form.cleaned_data
                try:
                    target = member_from_choice(meeting, d["target"])
                    svc.submit_public(
                        meeting,
                        entries=[
                            svc.Entry(
                                content=d["content"],
                                target_member=target,
                                giver_name=d["giver_name"],
                                giver_kind=d["giver_kind"],
                                is_anonymous=not d["giver_name"].strip(),
                            )
                        ],
                    )
                except ERRORS as exc:
                    form.add_error(None, exc.message)
                    status = 400
                else:
                    return redirect("meetings:opinion_public_thanks", token=token)
    response = render(request, "meetings/prep/public_form.html", {"meeting": meeting, "form": form, "is_open": is_open, "t": terms(meeting)}, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


@public_view
def opinion_public_thanks(request, token):
    meeting = _public_meeting(token)
    response = render(request, "meetings/prep/public_thanks.html", {"meeting": meeting})
    response["X-Robots-Tag"] = "noindex"
    return response
