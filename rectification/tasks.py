"""The home to-do list entries of this app, and the daily overdue flag."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from core.home import Task

from .choices import OPEN_STATUSES, CircularStatus, FilingStatus, ItemStatus, ProblemScope, ReportStatus

MAX_PERSONAL = 20


@task()
def flag_overdue_items() -> int:
    """Daily: flag items overdue from the day after their deadline (idempotent; see services.flag_overdue).
    The oversight app's daily run enqueues or calls this."""
    from .services import flag_overdue

    return flag_overdue()


def home_tasks(user) -> list[Task]:
    """Own items to work on; 销号 and reports waiting for a superior; reports and circulars due."""
    from accounts.choices import Role
    from accounts.grants import load_grants
    from accounts.permissions import has_perm_anywhere

    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    tasks: list[Task] = []
    grants = load_grants(user)
    roles = {g.role for g in grants}
    if has_perm_anywhere(user, "rectification.progress"):
        tasks += _own_items(user, today)
    if has_perm_anywhere(user, "rectification.close"):
        tasks += _closure_requests(user, Role.REVIEWER in roles)
    if has_perm_anywhere(user, "report.receive"):
        tasks += _filings(user, grants)
    if has_perm_anywhere(user, "report.prepare"):
        tasks += _reports_due(user, today)
    return tasks


def _own_items(user, today) -> list[Task]:
    from .models import RectificationItem

    mine = Q(responsible_member__user=user) | Q(problem__scope=ProblemScope.PERSONAL, problem__owner_member__user=user)
    rows = RectificationItem.objects.filter(mine, status__in=(*OPEN_STATUSES, ItemStatus.DRAFT)).order_by("deadline", "pk")[:MAX_PERSONAL]
    tasks = []
    for item in rows:
        if item.status == ItemStatus.DRAFT:
            title, tags = f"制定整改措施：{item.goal or item.problem.description}"[:80], ["草稿"]
        else:
            title, tags = f"整改：{item.goal}"[:80], [item.get_status_display()]
        overdue = item.is_overdue(today)
        tasks.append(
            Task(
                title=title,
                url=reverse("rectification:item", args=[item.pk]),
                due=item.deadline if item.status != ItemStatus.DRAFT else None,
                kind="overdue" if overdue else "todo",
                tags=tags,
            )
        )
    return tasks


def _closure_requests(user, is_reviewer: bool) -> list[Task]:
    from meetings.choices import MeetingKind

    from .models import RectificationItem

    qs = RectificationItem.objects.visible_to(user, "rectification.close").filter(status=ItemStatus.CLOSURE_REQUESTED)
    if not is_reviewer:
        qs = qs.filter(meeting__kind=MeetingKind.DEMOCRATIC_LIFE)
    count = qs.count()
    if not count:
        return []
    url = reverse("rectification:ledger") + f"?status={ItemStatus.CLOSURE_REQUESTED}"
    return [Task(title=f"待确认销号的整改事项 {count} 项", url=url, kind="review", detail="核实佐证材料后销号，或说明理由退回（OL-4.3.c）。")]


def _filings(user, grants) -> list[Task]:
    from django.db.models import F

    from accounts.choices import Role

    from .models import ReportFiling

    offices = {g.office for g in grants if g.role == Role.INSPECTOR and g.office}
    mine = Q(office__in=offices) | (Q(office="") if any(g.role == Role.REVIEWER for g in grants) else Q(pk__in=[]))
    count = ReportFiling.objects.visible_to(user).filter(mine, status=FilingStatus.PENDING, report_version__number=F("report__current_number")).count()
    if not count:
        return []
    return [Task(title=f"待接收的上报材料 {count} 份", url=reverse("rectification:inbox"), kind="review")]


def _reports_due(user, today) -> list[Task]:
    """Held meetings of the user's organization whose package or circular is still owed."""
    from meetings.choices import Stage
    from meetings.models import Meeting

    from . import deadlines
    from .models import Circular, Report

    meetings = list(
        Meeting.objects.visible_to(user, "report.prepare").filter(stage__in=(Stage.HELD, Stage.RECTIFYING, Stage.REPORTED)).order_by("-year", "pk")[:10]
    )
    if not meetings:
        return []
    reports = {r.meeting_id: r for r in Report.objects.filter(meeting__in=meetings)}
    circulars = {c.meeting_id: c for c in Circular.objects.filter(meeting__in=meetings)}
    tasks = []
    for meeting in meetings:
        report = reports.get(meeting.pk)
        if report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            returned = report is not None and report.status == ReportStatus.RETURNED
            tasks.append(
                Task(
                    title=("上报材料被退回，请修改后重新报送：" if returned else "报送会议材料：") + meeting.title,
                    url=reverse("rectification:report", args=[meeting.pk]),
                    due=(report.due_on if report and report.due_on else deadlines.report_due(meeting)),
                    kind="todo",
                    tags=["OL-4.2" if meeting.is_org_life else "DL-4.2"],
                )
            )
        circular = circulars.get(meeting.pk)
        if meeting.is_democratic_life and (circular is None or circular.status != CircularStatus.PUBLISHED):
            tasks.append(
                Task(
                    title="发布民主生活会通报：" + meeting.title,
                    url=reverse("rectification:circular", args=[meeting.pk]),
                    due=deadlines.circular_due(meeting),
                    tags=["DL-4.3"],
                )
            )
    return tasks
