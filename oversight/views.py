"""督导看板, the reminder list and the personal deadline calendar."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.scoping import not_visible
from audit.services import record
from core.views import public_view, view_permission
from organizations.models import Organization

from . import dashboard as dash
from .models import CalendarToken, Notification


def _organization(request, org_pk=None):
    org_pk = org_pk or request.GET.get("org")
    if org_pk:
        try:
            org = Organization.objects.visible_to(request.user, dash.PERM).filter(pk=int(org_pk)).first()
        except ValueError:
            org = None
        if org is None:
            raise not_visible()
        return org, []
    tops = dash.top_organizations(request.user)
    if not tops:
        raise not_visible()
    return tops[0], tops[1:]


@never_cache
@view_permission(dash.PERM)
def dashboard(request, org=None):
    """Counts over the chosen organization's subtree; one row per child to drill down."""
    org, others = _organization(request, org)
    context = dash.build(request.user, org, source=request.GET.get("source", "auto"))
    context["other_roots"] = others
    return render(request, "oversight/dashboard.html", context)


@never_cache
@view_permission(dash.PERM)
def dashboard_export(request, org=None):
    org, _ = _organization(request, org)
    context = dash.build(request.user, org, source=request.GET.get("source", "auto"))
    data = dash.export_xlsx(context)
    record(request.user, org, dash.PERM, "oversight.exported", {"organization": org.pk, "bytes": len(data)})
    name = f"督导看板_{org.name}_{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@view_permission(None)
def notifications(request):
    """The bell: the user's own reminders, newest first."""
    rows = list(Notification.objects.filter(user=request.user).order_by("read_at", "-day", "-pk")[:100])
    token = CalendarToken.objects.filter(user=request.user).first()
    feed = request.build_absolute_uri(reverse("oversight:calendar_feed", args=[token.token])) if token else ""
    return render(request, "oversight/notifications.html", {"rows": rows, "feed": feed, "unread": sum(1 for n in rows if n.read_at is None)})


@require_POST
@view_permission(None)
def notifications_read(request):
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, "已全部标记为已读。")
    return redirect("oversight:notifications")


@require_POST
@view_permission(None)
def calendar_token(request):
    """Create or replace the secret of the user's .ics feed (a new link revokes the old one)."""
    CalendarToken.objects.filter(user=request.user).delete()
    CalendarToken.objects.create(user=request.user)
    record(request.user, None, "oversight.calendartoken", "calendar.token_reset", {})
    messages.success(request, "已生成新的日历订阅链接，旧链接随即失效。")
    return redirect("oversight:notifications")


@never_cache
@public_view
def calendar_feed(request, token):
    """The user's own deadlines as iCalendar; the unguessable token is the only credential."""
    from rulebook.ics import to_ics
    from rulebook.timeline import Obligation as Step

    from .reminders import obligations_by_user

    row = CalendarToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if row is None:
        raise Http404("订阅链接无效")
    today = timezone.localdate()
    dues = obligations_by_user(today, user=row.user, until=today.replace(year=today.year + 2), include_done=True).get(row.user.pk, [])
    steps = [
        Step(
            key=d.key,
            title=d.title,
            due=d.due,
            status="done" if d.done else ("overdue" if d.due < today else "due"),
            clause_ids=(d.clause,),
            role="",
            remind_on=d.due - timedelta(days=3),
        )
        for d in dues
    ]
    body = to_ics(steps, name="我的组织生活会期限", uid_prefix=f"u{row.user.pk}")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
