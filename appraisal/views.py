"""民主评议 pages: overview, self-assessment, peer comments, the ballot, paper tallies,
results, ratings and 不合格 handling."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.grants import member_of
from accounts.permissions import permission_set
from accounts.scoping import get_visible_or_404
from audit.services import record
from core.errors import DomainError
from core.views import show_domain_error as _show_error
from core.views import view_permission
from meetings.models import Meeting

from . import results, services
from .choices import GRADE_ORDER, Grade, PaperStatus, RatingStatus, RightChannel
from .forms import DecisionForm, DispositionForm, OpenVotingForm, PeerCommentForm, ResolutionForm, SelfAssessmentForm, StepDoneForm
from .models import Appraisal, Appraisee, Disposition, DispositionStep, PaperCount, PeerComment, Rating, SelfAssessment, VotingRight


def _appraisal(request, pk, perm="appraisal.view"):
    return get_visible_or_404(Appraisal.objects.select_related("meeting", "organization", "sitting"), request.user, perm, pk=pk)


def _own_member(request, appraisal):
    member = member_of(request.user)
    return member if member is not None and member.organization_id == appraisal.organization_id else None


# -- overview ------------------------------------------------------------------------------
@view_permission("appraisal.view")
def meeting_view(request, pk):
    """The meeting's 民主评议 step: state, what to do next, links by role."""
    meeting = get_visible_or_404(Meeting.objects.select_related("organization"), request.user, "appraisal.view", pk=pk)
    appraisal = Appraisal.objects.filter(meeting=meeting).select_related("sitting").first()
    perms = permission_set(request.user, meeting.organization)
    context = {"meeting": meeting, "appraisal": appraisal, "perms": perms}
    if appraisal is not None:
        member = _own_member(request, appraisal)
        context.update(
            member=member,
            right=VotingRight.objects.filter(appraisal=appraisal, member=member).first() if member else None,
            closed_reason=services.voting_closed_for_voters(appraisal),
            self_done=SelfAssessment.objects.filter(appraisal=appraisal, submitted_at__isnull=False).count(),
            appraised=Appraisee.objects.filter(appraisal=appraisal).count(),
            voted=VotingRight.objects.filter(appraisal=appraisal, used=True).count() if "appraisal.manage" in perms else None,
            paper=PaperCount.objects.filter(appraisal=appraisal).first(),
            open_form=OpenVotingForm(meeting) if "appraisal.manage" in perms and appraisal.voting_status == "not_opened" else None,
            findings=results.voting_findings(appraisal),
        )
    return render(request, "appraisal/meeting.html", context)


@require_POST
@view_permission("appraisal.manage")
def start(request, pk):
    meeting = get_visible_or_404(Meeting.objects.select_related("organization"), request.user, "appraisal.manage", pk=pk)
    try:
        services.start(meeting, actor=request.user)
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, "已开展民主评议：党员可以填写个人自评和互评意见。")
    return redirect("appraisal:meeting", pk=meeting.pk)


@require_POST
@view_permission("appraisal.manage")
def open_voting(request, pk):
    appraisal = _appraisal(request, pk, "appraisal.manage")
    form = OpenVotingForm(appraisal.meeting, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.open_voting(appraisal, actor=request.user, mode=data["mode"], sitting=data["sitting"], window_end=data["window_end"])
        except DomainError as exc:
            _show_error(request, exc)
        else:
            messages.success(request, "民主测评已开始，党员可以匿名投票。")
            return redirect("appraisal:meeting", pk=appraisal.meeting_id)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("appraisal:meeting", pk=appraisal.meeting_id)


@require_POST
@view_permission("appraisal.manage")
def close_voting(request, pk):
    appraisal = _appraisal(request, pk, "appraisal.manage")
    try:
        appraisal = services.close_voting(appraisal, actor=request.user)
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, f"民主测评已结束，共收回{appraisal.ballots_cast}张测评票。")
        if not appraisal.quorum_met:
            messages.warning(request, "收回票数未达到规定的有效参与比例，测评结果已标注。")
    return redirect("appraisal:meeting", pk=appraisal.meeting_id)


# -- self-assessment and peer comments ------------------------------------------------------
@never_cache
@view_permission("appraisal.take_part")
def self_assessment(request, pk):
    appraisal = _appraisal(request, pk, "appraisal.take_part")
    member = _own_member(request, appraisal)
    if member is None:
        raise PermissionDenied("只有本支部党员可以填写个人自评")
    current = SelfAssessment.objects.filter(appraisal=appraisal, member=member).first()
    initial = {"text": current.text if current else "", "version": current.version if current else None}
    form = SelfAssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.save_self_assessment(appraisal, actor=request.user, text=form.cleaned_data["text"], submit=submit, version=form.cleaned_data["version"])
        except DomainError as exc:
            _show_error(request, exc)
        else:
            messages.success(request, "个人自评已提交。" if submit else "已保存为草稿。")
            return redirect("appraisal:self_assessment", pk=appraisal.pk)
    return render(request, "appraisal/self_assessment.html", {"appraisal": appraisal, "form": form, "current": current})


@never_cache
@view_permission("appraisal.take_part")
def peer(request, pk):
    appraisal = _appraisal(request, pk, "appraisal.take_part")
    member = _own_member(request, appraisal)
    if member is None:
        raise PermissionDenied("只有本支部党员可以参加互评")
    form = PeerCommentForm(appraisal, member, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_peer_comment(appraisal, actor=request.user, subject=form.cleaned_data["subject"], text=form.cleaned_data["text"])
        except DomainError as exc:
            _show_error(request, exc)
        else:
            messages.success(request, "互评意见已提交。")
            return redirect("appraisal:peer", pk=appraisal.pk)
    context = {
        "appraisal": appraisal,
        "form": form,
        "written": PeerComment.objects.filter(appraisal=appraisal, author=member).select_related("subject"),
        "about_me": PeerComment.objects.filter(appraisal=appraisal, subject=member).select_related("author"),
        "anonymous": bool(services.rulebook_of(appraisal.meeting).param("appraisal_peer_review_anonymous", False)),
    }
    return render(request, "appraisal/peer.html", context)


# -- the ballot ----------------------------------------------------------------------------
@never_cache
@view_permission("appraisal.take_part")
def ballot(request, pk):
    """The anonymous ballot (phone first). Nothing about the submitted ballot is shown back,
    logged or kept in the session: only that this member has voted."""
    appraisal = _appraisal(request, pk, "appraisal.take_part")
    member = _own_member(request, appraisal)
    if member is None:
        raise PermissionDenied("只有本支部党员可以参加民主测评")
    appraisees = list(Appraisee.objects.filter(appraisal=appraisal).order_by("position"))
    chosen = {}
    if request.method == "POST":
        chosen = {a.pk: request.POST.get(f"g{a.pk}", "") for a in appraisees}
        try:
            services.cast_ballot(appraisal, actor=request.user, grades={k: v for k, v in chosen.items() if v})
        except DomainError as exc:
            _show_error(request, exc)
        else:
            messages.success(request, "您的测评票已匿名提交，谢谢。")
            return redirect("appraisal:ballot", pk=appraisal.pk)
    right = VotingRight.objects.filter(appraisal=appraisal, member=member).first()
    rows = [(a, [(g, label, chosen.get(a.pk) == g) for g, label in Grade.choices]) for a in appraisees]
    context = {
        "appraisal": appraisal,
        "rows": rows,
        "right": right,
        "closed_reason": services.voting_closed_for_voters(appraisal),
        "paper": right is not None and right.channel == RightChannel.PAPER,
    }
    return render(request, "appraisal/ballot.html", context)


@view_permission("appraisal.manage")
def blank_sheet(request, pk):
    """Printable blank paper ballot (for members who cannot vote online)."""
    appraisal = _appraisal(request, pk, "appraisal.manage")
    appraisees = Appraisee.objects.filter(appraisal=appraisal).order_by("position")
    if not appraisees:
        from organizations.models import Member

        appraisees = [
            {"name": m.name, "is_probationary": m.is_probationary}
            for m in Member.objects.filter(organization_id=appraisal.organization_id, is_active=True).order_by("name", "pk")
        ]
    raw = request.GET.get("copies", "1")
    copies = min(max(int(raw), 1), 50) if raw.isdigit() else 1
    return render(request, "appraisal/sheet.html", {"appraisal": appraisal, "appraisees": appraisees, "grades": Grade.choices, "copies": range(copies)})


# -- paper ballots -------------------------------------------------------------------------
@never_cache
@view_permission("appraisal.confirm_paper")
def paper(request, pk):
    appraisal = _appraisal(request, pk, "appraisal.confirm_paper")
    perms = permission_set(request.user, appraisal.organization)
    paper = PaperCount.objects.filter(appraisal=appraisal).select_related("entered_by", "confirmed_by").first()
    appraisees = list(Appraisee.objects.filter(appraisal=appraisal).order_by("position"))
    rights = list(VotingRight.objects.filter(appraisal=appraisal).select_related("member").order_by("member__name", "member_id"))
    counts = {(t.appraisee_id, t.grade): t.count for t in paper.tallies.all()} if paper else {}
    ballots = paper.ballots if paper else 0
    ticked = {r.member_id for r in rights if r.channel == RightChannel.PAPER}
    if request.method == "POST":
        if "appraisal.manage" not in perms:
            raise PermissionDenied("只有支部书记可以录入纸质票统计")
        counts, errors = {}, []
        for a in appraisees:
            for g in GRADE_ORDER:
                raw = request.POST.get(f"c{a.pk}_{g}", "").strip() or "0"
                if not raw.isdigit():
                    errors.append(f"{a.name}的票数须为非负整数。")
                    raw = "0"
                counts[(a.pk, g)] = int(raw)
        raw_ballots = request.POST.get("ballots", "0").strip() or "0"
        ballots = int(raw_ballots) if raw_ballots.isdigit() else -1
        ticked = {int(v) for v in request.POST.getlist("voters") if v.isdigit()}
        if errors or ballots < 0:
            for e in errors or ["收回的纸质票数须为非负整数。"]:
                messages.error(request, e)
        else:
            voters = [r.member for r in rights if r.member_id in ticked]
            version = request.POST.get("version")
            try:
                services.record_paper(
                    appraisal,
                    actor=request.user,
                    voters=voters,
                    ballots=ballots,
                    tallies=counts,
                    version=int(version) if version and version.isdigit() else None,
                )
            except DomainError as exc:
                _show_error(request, exc)
            else:
                messages.success(request, "纸质票统计已保存，请另一名支部委员核对确认。")
                return redirect("appraisal:paper", pk=appraisal.pk)
    rows = [(a, [(g, label, counts.get((a.pk, g), 0)) for g, label in Grade.choices]) for a in appraisees]
    context = {
        "appraisal": appraisal,
        "paper": paper,
        "perms": perms,
        "rows": rows,
        "rights": rights,
        "ticked": ticked,
        "ballots": ballots,
        "editable": appraisal.is_open and (paper is None or paper.status == PaperStatus.DRAFT),
        "can_confirm": paper is not None and paper.status == PaperStatus.DRAFT and paper.entered_by_id != request.user.pk,
    }
    return render(request, "appraisal/paper.html", context)


@require_POST
@view_permission("appraisal.confirm_paper")
def paper_confirm(request, pk):
    appraisal = _appraisal(request, pk, "appraisal.confirm_paper")
    version = request.POST.get("version", "")
    try:
        services.confirm_paper(appraisal, actor=request.user, version=int(version) if version.isdigit() else None)
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, "已确认纸质票统计。")
    return redirect("appraisal:paper", pk=appraisal.pk)


# -- results -------------------------------------------------------------------------------
@view_permission("appraisal.results")
def results_view(request, pk):
    """Per-member tallies and ratings for the secretary and the superior; hidden until closing."""
    appraisal = _appraisal(request, pk, "appraisal.results")
    context = {"appraisal": appraisal, "perms": permission_set(request.user, appraisal.organization)}
    if appraisal.is_closed:
        rows = results.tallies(appraisal)
        context.update(
            rows=rows,
            grades=Grade.choices,
            findings=results.voting_findings(appraisal) + results.rating_findings(appraisal, [r.rating for r in rows if r.rating]),
            comments=PeerComment.objects.filter(appraisal=appraisal).select_related("author", "subject").order_by("subject__name", "created_at"),
        )
    return render(request, "appraisal/results.html", context)


@view_permission("appraisal.results")
def results_export(request, pk):
    appraisal = _appraisal(request, pk, "appraisal.results")
    try:
        rows = results.tallies(appraisal)
    except DomainError as exc:
        _show_error(request, exc)
        return redirect("appraisal:results", pk=appraisal.pk)
    content = results.result_sheet(appraisal, rows)
    record(request.user, appraisal.organization, appraisal, "appraisal.results_exported", {"rows": len(rows)})
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"{appraisal.meeting.title}民主评议结果.xlsx")
    return response


@view_permission("appraisal.take_part")
def my_result(request, pk):
    """Each member sees only their own result, after closing."""
    appraisal = _appraisal(request, pk, "appraisal.take_part")
    member = _own_member(request, appraisal)
    if member is None:
        raise PermissionDenied("只有本支部党员可以查看本人的评议结果")
    row = results.own_result(appraisal, member) if appraisal.is_closed else None
    context = {
        "appraisal": appraisal,
        "row": row,
        "hidden": row is not None and appraisal.ballots_cast < appraisal.min_ballots_for_person_results,
        "comments": PeerComment.objects.filter(appraisal=appraisal, subject=member).select_related("author") if appraisal.is_closed else [],
    }
    return render(request, "appraisal/my_result.html", context)


# -- organizational rating -----------------------------------------------------------------
@never_cache
@view_permission("appraisal.manage")
def ratings(request, pk):
    appraisal = _appraisal(request, pk, "appraisal.manage")
    if not appraisal.is_closed:
        messages.error(request, "民主测评结束后才能进行组织评定。")
        return redirect("appraisal:meeting", pk=appraisal.meeting_id)
    rows = results.tallies(appraisal)
    if request.method == "POST":
        proposals = {r.appraisee.pk: (request.POST.get(f"r{r.appraisee.pk}", ""), request.POST.get(f"m{r.appraisee.pk}", "").strip()[:500]) for r in rows}
        version = request.POST.get("version", "")
        try:
            services.propose_ratings(appraisal, actor=request.user, proposals=proposals, version=int(version) if version.isdigit() else None)
        except DomainError as exc:
            _show_error(request, exc)
            chosen = proposals
        else:
            messages.success(request, "已保存拟定的评定等次。")
            return redirect("appraisal:ratings", pk=appraisal.pk)
    else:
        chosen = {r.appraisee.pk: ((r.rating.grade, r.rating.remarks) if r.rating else (r.suggested, "")) for r in rows}
    editable = {RatingStatus.PROPOSED, RatingStatus.RETURNED}
    table = [
        (r, chosen.get(r.appraisee.pk, ("", ""))[0], chosen.get(r.appraisee.pk, ("", ""))[1], r.rating is None or r.rating.status in editable) for r in rows
    ]
    context = {
        "appraisal": appraisal,
        "table": table,
        # Nothing to save or confirm once every rating is final or with the superior.
        "any_editable": any(row[3] for row in table),
        "grades": Grade.choices,
        "findings": results.voting_findings(appraisal) + results.rating_findings(appraisal, [r.rating for r in rows if r.rating]),
    }
    return render(request, "appraisal/ratings.html", context)


@require_POST
@view_permission("appraisal.manage")
def ratings_finalize(request, pk):
    appraisal = _appraisal(request, pk, "appraisal.manage")
    try:
        findings = services.finalize_ratings(appraisal, actor=request.user)
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, "评定结果已确定。")
        for f in findings:
            messages.warning(request, f.message)
    return redirect("appraisal:ratings", pk=appraisal.pk)


def _rating(request, pk, perm):
    return get_visible_or_404(
        Rating.objects.select_related("appraisee__appraisal__meeting", "appraisee__appraisal__organization", "decided_by"),
        request.user,
        perm,
        pk=pk,
    )


@never_cache
@view_permission("appraisal.results")
def rating_view(request, pk):
    """A 不合格 rating: the branch's resolution, the superior's decision, then the 组织处置."""
    rating = _rating(request, pk, "appraisal.results")
    appraisal = rating.appraisee.appraisal
    context = {
        "rating": rating,
        "appraisal": appraisal,
        "perms": permission_set(request.user, appraisal.organization),
        "resolution_form": ResolutionForm(initial={"body": "committee" if appraisal.organization.has_committee else "general"}),
        "decision_form": DecisionForm(),
        "disposition_form": DispositionForm(),
        "disposition": Disposition.objects.filter(rating=rating).first(),
    }
    return render(request, "appraisal/rating.html", context)


@require_POST
@view_permission("appraisal.manage")
def rating_submit(request, pk):
    rating = _rating(request, pk, "appraisal.manage")
    form = ResolutionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_unqualified(rating, actor=request.user, body=data["body"], resolution_date=data["resolution_date"], text=data["text"])
        except DomainError as exc:
            _show_error(request, exc)
        else:
            messages.success(request, "已记录支部决议并报上级党组织审批。")
    else:
        messages.error(request, "请填写作出决议的会议、日期和决议内容。")
    return redirect("appraisal:rating", pk=rating.pk)


@require_POST
@view_permission("appraisal.approve")
def rating_approve(request, pk):
    rating = _rating(request, pk, "appraisal.approve")
    try:
        services.approve_unqualified(rating, actor=request.user, comment=request.POST.get("comment", ""))
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, "已批准，评定结果确定；支部应启动组织处置。")
    return redirect("appraisal:rating", pk=rating.pk)


@require_POST
@view_permission("appraisal.approve")
def rating_return(request, pk):
    rating = _rating(request, pk, "appraisal.approve")
    try:
        services.return_unqualified(rating, actor=request.user, comment=request.POST.get("comment", ""))
    except DomainError as exc:
        _show_error(request, exc)
    else:
        messages.success(request, "已退回支部。")
    return redirect("appraisal:rating", pk=rating.pk)


@require_POST
@view_permission("appraisal.manage")
def disposition_open(request, pk):
    rating = _rating(request, pk, "appraisal.manage")
    form = DispositionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            disposition = services.open_disposition(rating, actor=request.user, kind=data["kind"], decided_on=data["decided_on"], period_end=data["period_end"])
        except DomainError as exc:
            _show_error(request, exc)
        else:
            messages.success(request, "已启动组织处置，请按期限办理各步骤。")
            return redirect("appraisal:disposition", pk=disposition.pk)
    else:
        messages.error(request, "请选择处置方式并填写决定日期。")
    return redirect("appraisal:rating", pk=rating.pk)


@view_permission("appraisal.results")
def disposition_view(request, pk):
    disposition = get_visible_or_404(
        Disposition.objects.select_related("rating__appraisee__appraisal__meeting", "organization"), request.user, "appraisal.results", pk=pk
    )
    from django.utils import timezone

    context = {
        "disposition": disposition,
        "steps": disposition.steps.all(),
        "perms": permission_set(request.user, disposition.organization),
        "form": StepDoneForm(initial={"done_on": timezone.localdate()}),
        "today": timezone.localdate(),
    }
    return render(request, "appraisal/disposition.html", context)


@require_POST
@view_permission("appraisal.manage")
def step_done(request, pk):
    step = get_visible_or_404(DispositionStep.objects.select_related("disposition__organization"), request.user, "appraisal.manage", pk=pk)
    form = StepDoneForm(request.POST)
    if form.is_valid():
        try:
            services.complete_step(step, actor=request.user, done_on=form.cleaned_data["done_on"], note=form.cleaned_data["note"])
        except DomainError as exc:
            _show_error(request, exc)
        else:
            messages.success(request, "已办结该步骤。")
    else:
        messages.error(request, "请填写完成日期。")
    return redirect("appraisal:disposition", pk=step.disposition_id)
