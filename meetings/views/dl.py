"""民主生活会 pages: topic, plan decision and filing, notice (with public and printable pages),
study tally, the meeting record with its fixed agenda, and the after-meeting overview."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.choices import Office, Role
from accounts.permissions import has_perm, require
from accounts.scoping import get_visible_or_404
from core.errors import DomainError
from core.views import public_view, view_permission
from core.views import show_domain_error as _show_error
from organizations.models import Member, Organization

from ..choices import (
    CONCENTRATED_FORMS,
    ApprovalMode,
    CriticismKind,
    DLSlot,
    FeedbackKind,
    FeedbackMode,
    MeetingKind,
    ObserverCategory,
    ParticipationMode,
    PlanStatus,
    SittingStatus,
    Stage,
)
from ..models import Campaign, Feedback, Meeting, Observer, PlanFiling, StudyAttendance
from ..services import dl

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _meeting(request, pk, perm="meeting.view") -> Meeting:
    meeting = get_visible_or_404(
        Meeting.objects.select_related("organization", "leading_team", "campaign", "plan"), request.user, perm, pk=pk, kind=MeetingKind.DEMOCRATIC_LIFE
    )
    return meeting


def _back(meeting, name):
    return redirect(reverse(f"meetings:{name}", args=[meeting.pk]))


def _leaders(meeting):
    return Member.objects.filter(pk__in=[s.member_id for s in dl.team_order(meeting)])


# -- 1. topic --------------------------------------------------------------------------------
class TopicForm(forms.Form):
    organization = forms.ModelChoiceField(label="部署范围", queryset=Organization.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    theme = forms.CharField(label="主题", max_length=200)
    window_start = forms.DateField(label="召开时间起", widget=DATE)
    window_end = forms.DateField(label="召开时间止", widget=DATE)
    requirements = forms.CharField(label="工作要求", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=[g.organization_id for g in _inspector_grants(user)])


def _inspector_grants(user):
    from accounts.grants import load_grants

    return [g for g in load_grants(user) if g.role == Role.INSPECTOR]


class SpecialForm(forms.Form):
    theme = forms.CharField(label="专题", max_length=200)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


@never_cache
@view_permission("campaign.launch")
def topics(request):
    campaigns = Campaign.objects.visible_to(request.user, "campaign.launch").filter(kind=MeetingKind.DEMOCRATIC_LIFE).select_related("organization")
    meetings = (
        Meeting.objects.visible_to(request.user)
        .democratic_life()
        .select_related("organization", "leading_team", "plan", "campaign")
        .order_by("-year", "organization__path", "special", "pk")[:200]
    )
    is_inspector = bool(_inspector_grants(request.user))
    form = TopicForm(request.user, initial={"year": timezone.localdate().year}) if is_inspector else None
    return render(request, "meetings/dl/topics.html", {"campaigns": campaigns, "meetings": meetings, "form": form})


@require_POST
@view_permission("campaign.launch")
def topic_publish(request):
    if not _inspector_grants(request.user):
        raise PermissionDenied("民主生活会的主题和时间由上级纪委和组织部门确定（DL-1.2.b）")
    form = TopicForm(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, "请检查填写的内容。")
        campaigns = Campaign.objects.visible_to(request.user, "campaign.launch").filter(kind=MeetingKind.DEMOCRATIC_LIFE)
        return render(request, "meetings/dl/topics.html", {"campaigns": campaigns, "meetings": [], "form": form}, status=200)
    data = form.cleaned_data
    try:
        campaign = dl.publish_topic(
            data["organization"],
            actor=request.user,
            year=data["year"],
            theme=data["theme"],
            window_start=data["window_start"],
            window_end=data["window_end"],
            requirements=data["requirements"],
        )
    except DomainError as exc:
        _show_error(request, exc)
        campaigns = Campaign.objects.visible_to(request.user, "campaign.launch").filter(kind=MeetingKind.DEMOCRATIC_LIFE)
        return render(request, "meetings/dl/topics.html", {"campaigns": campaigns, "meetings": [], "form": form})
    messages.success(request, f"已发布{campaign.year}年度民主生活会主题，{campaign.meetings.count()}个领导班子的民主生活会已创建。")
    return redirect("meetings:dl_topics")


@require_POST
@view_permission("meeting.manage")
def special_add(request, pk):
    """DL-1.2.c: a 专题 meeting for the same team as meeting `pk`."""
    meeting = _meeting(request, pk)
    require(request.user, "meeting.manage", meeting.organization)
    form = SpecialForm(request.POST)
    if not form.is_valid() or meeting.leading_team is None:
        messages.error(request, "请填写专题和年度。")
        return _back(meeting, "dl_plan")
    try:
        special = dl.add_special_meeting(meeting.leading_team, actor=request.user, year=form.cleaned_data["year"], theme=form.cleaned_data["theme"])
    except DomainError as exc:
        _show_error(request, exc)
        return _back(meeting, "dl_plan")
    messages.success(request, "已增开专题民主生活会。")
    return _back(special, "dl_plan")


# -- 2. plan ---------------------------------------------------------------------------------
class PlanForm(forms.Form):
    theme = forms.CharField(label="会议主题", max_length=200, help_text="按上级纪委、组织部门确定的主题（DL-2.1.a）")
    theme_rationale = forms.CharField(
        label="主题确定依据", widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="结合本单位中心任务、班子具体情况和突出问题（DL-2.1.b）"
    )
    scheduled_date = forms.DateField(label="召开日期", widget=DATE, required=False)
    start_time = forms.TimeField(label="开始时间", widget=TIME, required=False)
    place = forms.CharField(label="地点", max_length=200, required=False)
    participants = forms.CharField(label="参加人员", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    observers = forms.CharField(label="列席人员", widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text="可邀请“两代表一委员”等列席（DL-1.4.a）")
    agenda = forms.CharField(label="会议议程", widget=forms.Textarea(attrs={"rows": 7}), required=False, help_text="固定议程①—⑦（DL-3.2）")
    preparation = forms.CharField(label="会前准备安排", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    requirements = forms.CharField(label="工作要求", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecideForm(forms.Form):
    mode = forms.ChoiceField(
        label="审定方式", choices=[(ApprovalMode.MAIN_LEADER, "主要负责同志审定"), (ApprovalMode.COLLECTIVE, "会议讨论决定（须上传会议记录）")]
    )
    minutes = forms.FileField(label="会议讨论记录", required=False)
    comment = forms.CharField(label="说明", required=False, max_length=500)


class ReasonForm(forms.Form):
    rule_id = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="豁免理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


def _plan_context(request, meeting, form=None):
    plan = meeting.plan
    can_manage = has_perm(request.user, "meeting.manage", meeting.organization)
    editable = can_manage and plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)
    if editable and form is None:
        form = PlanForm(
            initial={**{n: getattr(plan, n) for n in dl.DL_PLAN_FIELDS}, "agenda": plan.agenda or dl.default_agenda_text(), "version": plan.version}
        )
    state = dl.filing_state(meeting)
    inspector_offices = {g.office for g in _inspector_grants(request.user)}
    return {
        "meeting": meeting,
        "plan": plan,
        "form": form if editable else None,
        "decide_form": DecideForm() if can_manage and plan.status in (PlanStatus.DRAFT, PlanStatus.RETURNED) else None,
        "can_file": can_manage and plan.status == PlanStatus.APPROVED,
        "can_manage": can_manage,
        "gaps": dl.plan_gaps(plan),
        "filings": list(plan.filings.select_related("filed_by", "received_by", "recipient_organization")),
        "state": state,
        "findings": dl.filing_findings(meeting),
        "can_override": state["late"]
        and state["override"] is None
        and bool(inspector_offices)
        and has_perm(request.user, "gate.override", meeting.organization),
        "override_form": ReasonForm(initial={"rule_id": dl.LATE_FILING_RULE}),
        "inspector_offices": inspector_offices,
        "special_form": SpecialForm(initial={"year": meeting.year}) if can_manage and meeting.leading_team_id else None,
        "campaign_theme": meeting.campaign.theme if meeting.campaign_id else "",
        "versions": list(plan.versions.select_related("decided_by")),
    }


@never_cache
@view_permission("meeting.view")
def plan_view(request, pk):
    meeting = _meeting(request, pk)
    return render(request, "meetings/dl/plan.html", _plan_context(request, meeting))


@require_POST
@view_permission("meeting.manage")
def plan_save(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.manage", meeting.organization)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请检查填写的内容。")
        return render(request, "meetings/dl/plan.html", _plan_context(request, meeting, form))
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        dl.save_dl_plan(meeting.plan, data, actor=request.user, version=version)
    except DomainError as exc:
        _show_error(request, exc)
        return render(request, "meetings/dl/plan.html", _plan_context(request, meeting, form))
    messages.success(request, "方案已保存（草稿）。")
    return _back(meeting, "dl_plan")


@require_POST
@view_permission("meeting.manage")
def plan_decide(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.manage", meeting.organization)
    form = DecideForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择审定方式。")
        return _back(meeting, "dl_plan")
    upload = form.cleaned_data.get("minutes")
    try:
        dl.decide_plan(
            meeting.plan,
            actor=request.user,
            mode=form.cleaned_data["mode"],
            minutes_name=getattr(upload, "name", ""),
            minutes_data=upload.read() if upload else b"",
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        _show_error(request, exc)
        return _back(meeting, "dl_plan")
    messages.success(request, "方案已审定，请同时报上级纪委和组织部门。")
    return _back(meeting, "dl_plan")


@require_POST
@view_permission("meeting.manage")
def plan_file(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.manage", meeting.organization)
    try:
        dl.file_plan(meeting.plan, actor=request.user)
    except DomainError as exc:
        _show_error(request, exc)
        return _back(meeting, "dl_plan")
    meeting.refresh_from_db()
    state = dl.filing_state(meeting)
    if state["late"]:
        messages.warning(request, f"方案已报备，但晚于最迟报备日期{state['late_days']}日（DL-2.2.c）：须由纪委或组织部门说明理由豁免后方可召开会议。")
    else:
        messages.success(request, "方案已同时报上级纪委和组织部门。")
    return _back(meeting, "dl_plan")


@require_POST
@view_permission("gate.override")
def override(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "gate.override", meeting.organization)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "豁免须说明理由。")
        return _back(meeting, "dl_plan")
    try:
        dl.override(meeting, form.cleaned_data["rule_id"], form.cleaned_data["reason"], actor=request.user)
    except DomainError as exc:
        _show_error(request, exc)
        return _back(meeting, "dl_plan")
    messages.success(request, "已记录豁免及理由。")
    return _back(meeting, "dl_plan")


@never_cache
@view_permission("plan.receive_filing")
def filings(request):
    """Every plan filing in the inspector's subtree with its date and lateness (DL-2.2.c)."""
    offices = {g.office for g in _inspector_grants(request.user)}
    rows = (
        PlanFiling.objects.filter(plan__meeting__in=Meeting.objects.visible_to(request.user, "plan.receive_filing").democratic_life())
        .select_related("plan__meeting__organization", "plan__meeting__leading_team", "filed_by", "received_by")
        .order_by("received_at", "-filed_at")
    )
    show = request.GET.get("show", "")
    if show == "pending":
        rows = rows.filter(received_at__isnull=True)
    rows = list(rows[:500])
    cache = {}
    for row in rows:
        meeting = row.plan.meeting
        if meeting.pk not in cache:
            cache[meeting.pk] = dl.latest_filing_date(meeting)
        row.latest = cache[meeting.pk]
        row.late_days = dl.days_late(row.latest, timezone.localdate(row.filed_at))
        row.mine = row.office in offices
    return render(request, "meetings/dl/filings.html", {"rows": rows, "show": show, "offices": [Office(o).label for o in offices if o]})


@require_POST
@view_permission("plan.receive_filing")
def filing_receive(request, pk):
    filing = get_object_or_404(
        PlanFiling.objects.filter(plan__meeting__in=Meeting.objects.visible_to(request.user, "plan.receive_filing")).select_related("plan__meeting"), pk=pk
    )
    try:
        dl.receive_plan_filing(filing, actor=request.user, comment=request.POST.get("comment", ""))
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, "已查收。")
    return redirect("meetings:dl_filings")


# -- 3. notice -------------------------------------------------------------------------------
class NoticeForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, required=False)
    meeting_time_text = forms.CharField(label="召开时间", max_length=100, required=False)
    body = forms.CharField(label="会议主题和有关事项", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    opinion_channels = forms.CharField(
        label="征求意见方式", widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="意见箱、电话、电子邮箱、网上征求链接等（DL-2.3.b）"
    )
    opinion_deadline = forms.DateField(label="意见截止日期", widget=DATE, required=False)
    form = forms.CharField(label="公布形式", max_length=100, required=False, help_text="书面通知、公示栏、内网等（DL-2.3.c）")
    scope = forms.CharField(label="公布范围", max_length=200, required=False)
    is_public = forms.BooleanField(label="同时在公开页面发布", required=False)


def _notice_context(request, meeting, form=None):
    notice = dl.notice_for(meeting)
    can_manage = has_perm(request.user, "meeting.manage", meeting.organization)
    editable = can_manage and (notice is None or not notice.published_at) and meeting.stage in (Stage.PREPARING, Stage.READY)
    if editable and form is None:
        plan = meeting.plan
        initial = {
            "title": f"关于召开{meeting.title}的公告",
            "meeting_time_text": (f"{plan.scheduled_date:%Y年%-m月%-d日}" if plan.scheduled_date else "")
            + (f" {plan.start_time:%H:%M}" if plan.start_time else ""),
            "body": dl.notice_default_body(meeting),
            "opinion_channels": "",
            "scope": "本单位干部职工、服务对象及党内外群众",
            "form": "书面通知、公示栏",
            "is_public": True,
        }
        if notice is not None:
            initial.update({n: getattr(notice, n) for n in dl.NOTICE_FIELDS})
        form = NoticeForm(initial=initial)
    latest = dl.latest_notice_date(meeting)
    published_on = timezone.localdate(notice.published_at) if notice and notice.published_at else None
    return {
        "meeting": meeting,
        "notice": notice,
        "form": form if editable else None,
        "latest": latest,
        "late_days": dl.days_late(latest, published_on) if published_on else 0,
        "public_url": request.build_absolute_uri(reverse("meetings:dl_public", args=[meeting.public_token])),
    }


@never_cache
@view_permission("meeting.view")
def notice_view(request, pk):
    meeting = _meeting(request, pk)
    return render(request, "meetings/dl/notice.html", _notice_context(request, meeting))


@require_POST
@view_permission("meeting.manage")
def notice_save(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.manage", meeting.organization)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请检查填写的内容。")
        return render(request, "meetings/dl/notice.html", _notice_context(request, meeting, form))
    try:
        notice = dl.save_notice(meeting, actor=request.user, data=form.cleaned_data)
        if request.POST.get("publish"):
            dl.publish_notice(notice, actor=request.user)
    except DomainError as exc:
        _show_error(request, exc)
        return render(request, "meetings/dl/notice.html", _notice_context(request, meeting, form))
    if request.POST.get("publish"):
        messages.success(request, "公告已发布。")
    else:
        messages.success(request, "公告已保存（草稿）。")
    return _back(meeting, "dl_notice")


@never_cache
@view_permission("meeting.view")
def notice_print(request, pk):
    meeting = _meeting(request, pk)
    notice = dl.notice_for(meeting)
    if notice is None:
        raise Http404("尚未拟写公告")
    return render(request, "meetings/dl/notice_print.html", {"meeting": meeting, "notice": notice})


@public_view
def public_page(request, token):
    """The team's public page: the published notice (DL-2.3.c) and the published 通报 (DL-4.3.b)."""
    meeting = get_object_or_404(Meeting.objects.select_related("organization", "leading_team"), public_token=token, kind=MeetingKind.DEMOCRATIC_LIFE)
    notice = meeting.notices.filter(kind="meeting_notice", is_public=True, published_at__isnull=False).order_by("-published_at").first()
    circular = None
    try:
        from rectification.choices import CircularStatus
        from rectification.models import Circular

        circular = Circular.objects.filter(meeting=meeting, is_public=True, status=CircularStatus.PUBLISHED).first()
    except ImportError:  # pragma: no cover
        pass
    if notice is None and circular is None:
        raise Http404("没有公开的内容")
    opinion_url = None
    if meeting.opinion_link_open:
        try:
            opinion_url = reverse("meetings:public_opinion", args=[meeting.opinion_token])
        except Exception:  # ol-prep's public form not merged yet
            opinion_url = None
    response = render(request, "meetings/dl/public.html", {"meeting": meeting, "notice": notice, "circular": circular, "opinion_url": opinion_url})
    response["X-Robots-Tag"] = "noindex"
    return response


# -- study tally (DL-2.4) ----------------------------------------------------------------------
@never_cache
@view_permission("meeting.view")
def study_view(request, pk):
    """DL-2.4.b/d: per leader, days studied before the meeting (about 3, of which ≥ 1 concentrated)."""
    meeting = _meeting(request, pk)
    book = dl.rulebook_of(meeting)
    per_day = Decimal(str(book.param("study_day_hours") or 6))
    typical = Decimal(str(book.param("dl_study_typical_days") or 3))
    tolerance = Decimal(str(book.param("dl_study_tolerance_days") or 0))
    concentrated_min = Decimal(str(book.param("dl_study_concentrated_min_days") or 1))
    until = meeting.scheduled_date
    seats = dl.team_order(meeting)
    rows = []
    attendance = StudyAttendance.objects.filter(session__meeting=meeting, member__in=[s.member_id for s in seats]).select_related("session")
    if until:
        attendance = attendance.filter(session__date__lte=until)
    by_member: dict[int, list] = {}
    for a in attendance:
        by_member.setdefault(a.member_id, []).append(a)
    for seat in seats:
        total = conc = Decimal(0)
        for a in by_member.get(seat.member_id, []):
            if a.mode == ParticipationMode.ABSENT:
                continue
            hours = a.hours if a.hours is not None else a.session.hours
            total += hours
            if a.session.form in CONCENTRATED_FORMS:
                conc += hours
        days, conc_days = total / per_day, conc / per_day
        rows.append(
            {
                "seat": seat,
                "days": days.quantize(Decimal("0.1")),
                "concentrated_days": conc_days.quantize(Decimal("0.1")),
                "short_total": days < typical - tolerance,
                "short_concentrated": conc_days < concentrated_min,
            }
        )
    sessions = list(meeting.study_sessions.all())
    study_url = None
    try:
        study_url = reverse("meetings:study", args=[meeting.pk])
    except Exception:  # ol-core's study pages not merged yet
        study_url = None
    return render(
        request,
        "meetings/dl/study.html",
        {
            "meeting": meeting,
            "rows": rows,
            "sessions": sessions,
            "typical": typical,
            "tolerance": tolerance,
            "concentrated_min": concentrated_min,
            "per_day": per_day,
            "study_url": study_url,
        },
    )


# -- 4. the meeting ----------------------------------------------------------------------------
class OpenForm(forms.Form):
    date = forms.DateField(label="会议日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=200, required=False)
    guide_name = forms.CharField(label="上级指导同志（姓名职务）", max_length=100, required=False)
    recorder = forms.CharField(label="记录人", max_length=50, required=False)


class StatementForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="发言类型", choices=CriticismKind.choices)
    speaker = forms.ModelChoiceField(label="发言人（班子成员）", queryset=Member.objects.none(), required=False)
    observer = forms.ModelChoiceField(label="或：列席人员", queryset=Observer.objects.none(), required=False)
    content = forms.CharField(label="发言内容（具体问题和事实）", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    suggestion = forms.CharField(label="改进意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, meeting, sitting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = _leaders(meeting)
        self.fields["observer"].queryset = sitting.observers.all() if sitting else Observer.objects.none()


class CompleteForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    notes = forms.CharField(label="本议程记录", widget=forms.Textarea(attrs={"rows": 4}), required=False)


class AttendanceForm(forms.Form):
    member = forms.ModelChoiceField(label="班子成员", queryset=Member.objects.none())
    mode = forms.ChoiceField(label="出席情况", choices=[(ParticipationMode.IN_PERSON, "出席"), (ParticipationMode.ABSENT, "因故缺席")])
    absence_reason = forms.CharField(label="缺席原因", max_length=200, required=False)
    proxy = forms.ModelChoiceField(label="代为宣读发言提纲的同志", queryset=Member.objects.none(), required=False)

    def __init__(self, meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = self.fields["proxy"].queryset = _leaders(meeting)


class ObserverForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    category = forms.ChoiceField(label="类别", choices=ObserverCategory.choices)
    affiliation = forms.CharField(label="单位/身份", max_length=100, required=False)


class AgendaAddForm(forms.Form):
    title = forms.CharField(label="议题", max_length=200, required=False)


class CommentaryForm(forms.Form):
    on_preparation = forms.CharField(label="对准备情况的点评", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    on_criticism = forms.CharField(label="对批评与自我批评情况的点评", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    on_effect = forms.CharField(label="对会议效果的点评", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    guidance = forms.CharField(
        label="对班子建设和下一步整改的希望和要求（每行一条）", widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="DL-3.4.b"
    )


class ClosingForm(forms.Form):
    shortcomings = forms.CharField(label="指出不足", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    rectification_opinions = forms.CharField(label="整改意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    commitment = forms.CharField(label="落实整改表态", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    opinions_response = forms.CharField(label="对党员群众意见的落实表态", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RelayForm(forms.Form):
    delivered_on = forms.DateField(label="转达日期", widget=DATE)
    mode = forms.ChoiceField(label="方式", choices=FeedbackMode.choices)
    acknowledged_on = forms.DateField(label="本人签收日期", widget=DATE, required=False)


def _sitting_context(request, meeting, **forms_):
    sitting = dl.dl_sitting(meeting)
    can_record = has_perm(request.user, "meeting.record", meeting.organization)
    can_manage = has_perm(request.user, "meeting.manage", meeting.organization)
    can_guide = has_perm(request.user, "meeting.guide", meeting.organization)
    ctx = {"meeting": meeting, "sitting": sitting, "can_record": can_record, "can_manage": can_manage, "can_guide": can_guide, "slots": DLSlot}
    if sitting is None:
        ctx["open_form"] = forms_.get("open_form") or (
            OpenForm(initial={"date": meeting.scheduled_date, "place": meeting.plan.place}) if can_manage and meeting.stage == Stage.READY else None
        )
        ctx["state"] = dl.filing_state(meeting)
        return ctx
    items = list(sitting.agenda.select_related("subject").prefetch_related("criticisms__speaker", "criticisms__speaker_observer", "criticisms__target"))
    current = next((i for i in items if not i.completed_at), None)
    for item in items:
        item.is_current = current is not None and item.pk == current.pk
        if item.slot in (DLSlot.TEAM_EXAMINATION, DLSlot.MAIN_LEADER_ROUND, DLSlot.MEMBER_ROUNDS) and (item.is_current or item.completed_at):
            item.state = dl.round_state(sitting, item)
    is_open = sitting.status == SittingStatus.OPEN
    ctx.update(
        {
            "items": items,
            "current": current,
            "is_open": is_open,
            "attendance": list(sitting.attendance.select_related("member", "proxy")),
            "observers": list(sitting.observers.all()),
            "commentary": getattr(meeting, "commentary", None) if hasattr(meeting, "commentary") else None,
            "closing": getattr(meeting, "closing", None) if hasattr(meeting, "closing") else None,
            "relays": list(Feedback.objects.filter(meeting=meeting, kind=FeedbackKind.ABSENT_CRITICISM).select_related("recipient", "delivered_by")),
            "relay_form": RelayForm(initial={"delivered_on": timezone.localdate()}) if can_record else None,
        }
    )
    if is_open and can_record and current is not None:
        suggested = CriticismKind.MUTUAL
        st = getattr(current, "state", None)
        speaker = None
        if st is not None:
            if not st["has_self"]:
                suggested = CriticismKind.REPORT if current.slot == DLSlot.TEAM_EXAMINATION else CriticismKind.SELF
                speaker = st.get("main") if current.slot == DLSlot.TEAM_EXAMINATION else st["subject"]
            elif st["next"] is not None:
                speaker = st["next"]
            elif current.slot != DLSlot.TEAM_EXAMINATION:
                suggested, speaker = CriticismKind.RESPONSE, st["subject"]
        ctx["statement_form"] = forms_.get("statement_form") or StatementForm(
            meeting, sitting, initial={"item": current.pk, "kind": suggested, "speaker": getattr(speaker, "pk", None)}
        )
        ctx["complete_form"] = forms_.get("complete_form") or CompleteForm(initial={"item": current.pk, "notes": current.notes})
        ctx["attendance_form"] = forms_.get("attendance_form") or AttendanceForm(meeting)
        ctx["observer_form"] = forms_.get("observer_form") or ObserverForm()
        ctx["agenda_form"] = AgendaAddForm()
        ctx["closing_form"] = forms_.get("closing_form") or ClosingForm()
    if is_open and can_guide and current is not None and current.slot == DLSlot.COMMENTARY:
        ctx["commentary_form"] = forms_.get("commentary_form") or CommentaryForm()
    return ctx


def _render_sitting(request, meeting, **forms_):
    return render(request, "meetings/dl/sitting.html", _sitting_context(request, meeting, **forms_))


@never_cache
@view_permission("meeting.view")
def sitting_view(request, pk):
    meeting = _meeting(request, pk)
    return _render_sitting(request, meeting)


@require_POST
@view_permission("meeting.manage")
def sitting_open(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.manage", meeting.organization)
    form = OpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写会议日期。")
        return _render_sitting(request, meeting, open_form=form)
    try:
        dl.open_sitting(meeting, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        _show_error(request, exc)
        return _render_sitting(request, meeting, open_form=form)
    messages.success(request, "会议记录已开始：议程按①—⑦顺序进行。")
    return _back(meeting, "dl_sitting")


def _sitting_or_404(meeting):
    sitting = dl.dl_sitting(meeting)
    if sitting is None:
        raise Http404("会议尚未开始")
    return sitting


def _item(sitting, pk):
    try:
        return sitting.agenda.get(pk=pk)
    except Exception as exc:
        raise DomainError("请选择议程。") from exc


@require_POST
@view_permission("meeting.record")
def statement_add(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.record", meeting.organization)
    sitting = _sitting_or_404(meeting)
    form = StatementForm(meeting, sitting, request.POST)
    if not form.is_valid():
        messages.error(request, "请检查填写的内容。")
        return _render_sitting(request, meeting, statement_form=form)
    data = form.cleaned_data
    try:
        dl.record_statement(
            sitting,
            actor=request.user,
            item=_item(sitting, data["item"]),
            kind=data["kind"],
            content=data["content"],
            speaker=data["speaker"],
            observer=data["observer"],
            suggestion=data["suggestion"],
        )
    except DomainError as exc:
        _show_error(request, exc)
        return _render_sitting(request, meeting, statement_form=form)
    messages.success(request, "已记录。")
    return _back(meeting, "dl_sitting")


@require_POST
@view_permission("meeting.record")
def item_complete(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.record", meeting.organization)
    sitting = _sitting_or_404(meeting)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择议程。")
        return _back(meeting, "dl_sitting")
    try:
        dl.complete_item(_item(sitting, form.cleaned_data["item"]), actor=request.user, notes=form.cleaned_data["notes"])
    except DomainError as exc:
        _show_error(request, exc)
        return _render_sitting(request, meeting, complete_form=form)
    messages.success(request, "本项议程已完成。")
    return _back(meeting, "dl_sitting")


@require_POST
@view_permission("meeting.record")
def agenda_add(request, pk):
    """DL-1.3: offered so that the refusal is explicit; the service always refuses."""
    meeting = _meeting(request, pk)
    require(request.user, "meeting.record", meeting.organization)
    sitting = _sitting_or_404(meeting)
    try:
        dl.add_agenda_item(sitting, actor=request.user, title=request.POST.get("title", ""))
    except DomainError as exc:
        _show_error(request, exc)
    return _back(meeting, "dl_sitting")


@require_POST
@view_permission("meeting.record")
def attendance_set(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.record", meeting.organization)
    sitting = _sitting_or_404(meeting)
    form = AttendanceForm(meeting, request.POST)
    if not form.is_valid():
        messages.error(request, "请检查填写的内容。")
        return _render_sitting(request, meeting, attendance_form=form)
    data = form.cleaned_data
    try:
        dl.set_attendance(sitting, data["member"], actor=request.user, mode=data["mode"], absence_reason=data["absence_reason"], proxy=data["proxy"])
    except DomainError as exc:
        _show_error(request, exc)
        return _render_sitting(request, meeting, attendance_form=form)
    messages.success(request, "出席情况已登记。")
    return _back(meeting, "dl_sitting")


@require_POST
@view_permission("meeting.record")
def observer_add(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.record", meeting.organization)
    sitting = _sitting_or_404(meeting)
    form = ObserverForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写列席人员姓名和类别。")
        return _render_sitting(request, meeting, observer_form=form)
    try:
        dl.add_observer(sitting, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        _show_error(request, exc)
        return _render_sitting(request, meeting, observer_form=form)
    messages.success(request, "列席人员已登记。")
    return _back(meeting, "dl_sitting")


@require_POST
@view_permission("meeting.guide")
def commentary_add(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.guide", meeting.organization)
    sitting = _sitting_or_404(meeting)
    form = CommentaryForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    try:
        dl.record_commentary(
            sitting,
            actor=request.user,
            on_preparation=data.get("on_preparation", ""),
            on_criticism=data.get("on_criticism", ""),
            on_effect=data.get("on_effect", ""),
            guidance=(data.get("guidance") or "").splitlines(),
        )
    except DomainError as exc:
        _show_error(request, exc)
        return _render_sitting(request, meeting, commentary_form=form)
    messages.success(request, "点评已记录。")
    return _back(meeting, "dl_sitting")


@require_POST
@view_permission("meeting.record")
def closing_add(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.record", meeting.organization)
    sitting = _sitting_or_404(meeting)
    form = ClosingForm(request.POST)
    form.is_valid()
    try:
        dl.record_closing(sitting, actor=request.user, **{k: form.cleaned_data.get(k, "") for k in ClosingForm.base_fields})
    except DomainError as exc:
        _show_error(request, exc)
        return _render_sitting(request, meeting, closing_form=form)
    messages.success(request, "小结已记录。")
    return _back(meeting, "dl_sitting")


@require_POST
@view_permission("meeting.manage")
def sitting_close(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "meeting.manage", meeting.organization)
    sitting = _sitting_or_404(meeting)
    try:
        dl.close_sitting(sitting, actor=request.user)
    except DomainError as exc:
        _show_error(request, exc)
        return _back(meeting, "dl_sitting")
    messages.success(request, "会议记录已结束，会议进入“已召开”阶段。")
    return _back(meeting, "dl_sitting")


@require_POST
@view_permission("meeting.record")
def relay_record(request, pk):
    feedback = get_object_or_404(
        Feedback.objects.filter(meeting__in=Meeting.objects.visible_to(request.user)).select_related("meeting__organization"),
        pk=pk,
        kind=FeedbackKind.ABSENT_CRITICISM,
    )
    meeting = feedback.meeting
    require(request.user, "meeting.record", meeting.organization)
    form = RelayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写转达日期和方式。")
        return _back(meeting, "dl_sitting")
    try:
        dl.record_relay(feedback, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        _show_error(request, exc)
        return _back(meeting, "dl_sitting")
    messages.success(request, "已记录转达情况。")
    return _back(meeting, "dl_sitting")


# -- 5. after the meeting ----------------------------------------------------------------------
class MeasureForm(forms.Form):
    owner = forms.ModelChoiceField(label="属于", queryset=Member.objects.none(), required=False, empty_label="领导班子（班子整改措施）")
    description = forms.CharField(label="问题", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    goal = forms.CharField(label="整改目标", max_length=500, required=False)
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label="完成时限", widget=DATE)

    def __init__(self, meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _leaders(meeting)


def _after_context(request, meeting, form=None):
    from rectification.models import Circular, RectificationItem, Report

    items = list(RectificationItem.objects.filter(meeting=meeting).select_related("problem", "responsible_member").order_by("problem__scope", "pk"))
    seats = dl.team_order(meeting)
    owners = {i.responsible_member_id for i in items if i.problem.scope == "personal"}
    report = Report.objects.filter(meeting=meeting).prefetch_related("versions").first()
    versions = list(report.versions.order_by("number")) if report else []
    can_manage = has_perm(request.user, "rectification.manage", meeting.organization)
    return {
        "meeting": meeting,
        "team_items": [i for i in items if i.problem.scope != "personal"],
        "personal_items": [i for i in items if i.problem.scope == "personal"],
        "without_personal": [s.member for s in seats if s.member_id not in owners],
        "form": (form or MeasureForm(meeting)) if can_manage and meeting.stage in (Stage.HELD, Stage.RECTIFYING, Stage.REPORTED) else None,
        "report": report,
        "versions": versions,
        "circular": Circular.objects.filter(meeting=meeting).first(),
    }


@never_cache
@view_permission("meeting.view")
def after_view(request, pk):
    meeting = _meeting(request, pk)
    return render(request, "meetings/dl/after.html", _after_context(request, meeting))


@require_POST
@view_permission("rectification.manage")
def measure_add(request, pk):
    meeting = _meeting(request, pk)
    require(request.user, "rectification.manage", meeting.organization)
    form = MeasureForm(meeting, request.POST)
    if not form.is_valid():
        messages.error(request, "请填写问题、整改措施和完成时限。")
        return render(request, "meetings/dl/after.html", _after_context(request, meeting, form))
    data = form.cleaned_data
    try:
        dl.add_measure(
            meeting,
            actor=request.user,
            measure=dl.Measure(description=data["description"], goal=data["goal"], measures=data["measures"], deadline=data["deadline"], owner=data["owner"]),
        )
    except DomainError as exc:
        _show_error(request, exc)
        return render(request, "meetings/dl/after.html", _after_context(request, meeting, form))
    messages.success(request, "整改措施已列入整改台账。")
    return _back(meeting, "dl_after")


# -- 分管 (P-DL-2.6.c) ------------------------------------------------------------------------------
def _team_or_404(request, pk, perm="meeting.view"):
    from organizations.models import LeadingTeam

    return get_visible_or_404(LeadingTeam.objects.select_related("organization"), request.user, perm, pk=pk)


def _oversight_context(request, team):
    from organizations.choices import PositionKind
    from organizations.models import Position

    seats = list(team.current_memberships().prefetch_related("overseen"))
    candidates = list(dl.oversight_candidates(team))
    heads = dict(
        Position.objects.current()
        .filter(organization__in=[c.pk for c in candidates], kind=PositionKind.SECRETARY)
        .values_list("organization_id", "member__name")
    )
    rows = []
    for seat in seats:
        chosen = {o.pk for o in seat.overseen.all()}
        rows.append({"seat": seat, "chosen": [(c, heads.get(c.pk, "")) for c in candidates if c.pk in chosen], "chosen_ids": chosen})
    return {
        "team": team,
        "rows": rows,
        "candidates": candidates,
        "heads": heads,
        "can_edit": has_perm(request.user, "meeting.manage", team.organization),
        "back": request.GET.get("meeting", ""),
    }


@never_cache
@view_permission("meeting.view")
def team_oversight(request, pk):
    """Which units each leader oversees (分管); their heads are the leader's talk partners (P-DL-2.6.c)."""
    team = _team_or_404(request, pk)
    return render(request, "meetings/dl/oversight.html", _oversight_context(request, team))


@require_POST
@view_permission("meeting.manage")
def team_oversight_save(request, pk):
    from organizations.models import LeadingTeamMembership

    team = _team_or_404(request, pk, "meeting.manage")
    seat_id = request.POST.get("membership", "")
    seat = LeadingTeamMembership.objects.filter(team=team, pk=int(seat_id) if seat_id.isdigit() else 0).select_related("member").first()
    if seat is None:
        raise Http404("未找到该班子成员")
    ids = [int(x) for x in request.POST.getlist("units") if x.isdigit()]
    try:
        dl.set_overseen_units(seat, actor=request.user, organizations=[Organization(pk=i) for i in ids])
    except DomainError as exc:
        _show_error(request, exc)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "没有该操作的权限。")
    else:
        messages.success(request, f"已保存{seat.member.name}的分管单位（{len(ids)}个）。")
    url = reverse("meetings:dl_team_oversight", args=[team.pk])
    back = request.POST.get("meeting", "")
    return redirect(f"{url}?meeting={back}" if back.isdigit() else url)
