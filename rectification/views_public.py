"""The organization's public page (no login) and its settings and comment moderation."""

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.scoping import get_visible_or_404
from core import throttle
from core.errors import ConcurrentEditError, DomainError
from core.views import public_view, view_permission
from organizations.models import Organization

from . import services
from .choices import CircularStatus, CommentStatus, ItemStatus, ProblemScope
from .forms import BoardForm, ModerateForm, PublicCommentForm
from .models import Circular, PublicBoard, PublicComment, RectificationItem

COMMENT_LIMIT = (5, 600)  # per address: 5 comments in 10 minutes
BOARD_DAILY_LIMIT = 300  # per page and day, whoever sends them


def _published_items(board):
    """Items the organization marked public, once their meeting's measures were published (OL-4.1.d)."""
    from meetings.choices import NoticeKind
    from meetings.models import PublicNotice

    published = PublicNotice.objects.filter(meeting=OuterRef("meeting"), kind=NoticeKind.RECTIFICATION, published_at__isnull=False)
    return (
        RectificationItem.objects.filter(organization=board.organization, is_public=True)
        .exclude(status=ItemStatus.DRAFT)
        .filter(Exists(published))
        .select_related("problem", "meeting", "responsible_member", "responsible_organization")
        .order_by("-meeting__year", "meeting_id", "deadline", "pk")
    )


def _public_context(board, form=None):
    from meetings.choices import NoticeKind
    from meetings.models import PublicNotice

    items = list(_published_items(board))
    notices = PublicNotice.objects.filter(meeting__organization=board.organization, kind=NoticeKind.RECTIFICATION, published_at__isnull=False).order_by(
        "-published_at"
    )[:10]
    circulars = Circular.objects.filter(organization=board.organization, status=CircularStatus.PUBLISHED, is_public=True).order_by("-published_at")[:5]
    comments = PublicComment.objects.filter(board=board, status=CommentStatus.APPROVED).select_related("item").order_by("-created_at")[:50]
    today = timezone.localdate()
    return {
        "board": board,
        "organization": board.organization,
        "items": items,
        "notices": notices,
        "circulars": circulars,
        "comments": comments,
        "form": form or PublicCommentForm(),
        "today": today,
        "personal": ProblemScope.PERSONAL,
        "counts": {
            "total": len(items),
            "closed": sum(1 for i in items if i.status == ItemStatus.CLOSED),
            "overdue": sum(1 for i in items if i.is_overdue(today)),
        },
    }


def _board(token):
    board = PublicBoard.objects.filter(token=token).select_related("organization").first()
    if board is None or not board.organization.is_active:
        raise Http404("页面不存在")
    return board


@public_view
def public_page(request, token):
    """整改公示 (OL-4.1.d, OL-2.5.e) and public circulars (DL-4.3.b): no login, no personal data
    beyond what the organization chose to show."""
    response = render(request, "rectification/public.html", _public_context(_board(token)))
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
@public_view
def public_comment(request, token):
    """A throttled, captcha-free comment form; comments appear after moderation."""
    board = _board(token)
    form = PublicCommentForm(request.POST)
    if not form.is_valid():
        return render(request, "rectification/public.html", _public_context(board, form), status=400)
    if form.cleaned_data["website"]:
        messages.success(request, "留言已收到，经审核后公开。")  # a robot: accept silently, keep nothing
        return redirect("rectification:public", token=token)
    allowed = throttle.allow(request, f"rect-comment:{board.pk}", *COMMENT_LIMIT)
    allowed = allowed and throttle.hit(f"throttle:rect-comment-board:{board.pk}:{timezone.localdate():%Y%m%d}", BOARD_DAILY_LIMIT, 86400)
    if not allowed:
        form.add_error(None, "留言过于频繁，请稍后再试。您填写的内容仍保留在下方。")
        return render(request, "rectification/public.html", _public_context(board, form), status=429)
    item = None
    if form.cleaned_data.get("item"):
        item = RectificationItem.objects.filter(pk=form.cleaned_data["item"], organization=board.organization).first()
    try:
        services.submit_comment(board, content=form.cleaned_data["content"], signature=form.cleaned_data["signature"], item=item)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return render(request, "rectification/public.html", _public_context(board, form), status=400)
    messages.success(request, "留言已收到，经审核后公开。感谢您的监督。")
    return redirect("rectification:public", token=token)


@view_permission("rectification.manage")
def board_settings(request, pk):
    organization = get_visible_or_404(Organization.objects, request.user, "rectification.manage", pk=pk)
    board = services.board_for(organization)
    initial = {
        "show_responsible_names": board.show_responsible_names,
        "comments_open": board.comments_open,
        "supervision_contact": board.supervision_contact,
        "version": board.version,
    }
    form = BoardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_board(
                board,
                actor=request.user,
                version=data["version"],
                show_responsible_names=data["show_responsible_names"],
                comments_open=data["comments_open"],
                supervision_contact=data["supervision_contact"],
            )
        except (ConcurrentEditError, DomainError) as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存公开页面设置。")
            return redirect("rectification:board", pk=organization.pk)
    comments = PublicComment.objects.filter(board=board).select_related("item").order_by("status", "-created_at")[:100]
    public_url = request.build_absolute_uri(reverse("rectification:public", args=[board.token]))
    return render(
        request,
        "rectification/board.html",
        {"organization": organization, "board": board, "form": form, "comments": comments, "moderate_form": ModerateForm(), "public_url": public_url},
    )


@require_POST
@view_permission("rectification.manage")
def comment_moderate(request, pk):
    comment = get_visible_or_404(PublicComment.objects.select_related("organization"), request.user, "rectification.manage", pk=pk)
    form = ModerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择公开或不公开。")
    else:
        try:
            services.moderate_comment(comment, actor=request.user, status=form.cleaned_data["status"], reply=form.cleaned_data["reply"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已处理留言。")
    return redirect("rectification:board", pk=comment.organization_id)
