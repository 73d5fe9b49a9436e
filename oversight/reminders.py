"""Daily reminders (issue 8 item 7): obligations due within `reminder_lead_days` (3) and
overdue ones, to the users who answer for them, in the app and by one e-mail a day; a digest for
reviewers. Idempotent: a `Notification` is unique per (user, obligation, day) and inserted with
ON CONFLICT DO NOTHING; the e-mail of a day is guarded by inserting `EmailSent(user, day)` first.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .choices import OVERDUE_FIELD
from .models import EmailSent, Notification, Obligation

LEAD_DAYS = 3


@dataclass(frozen=True)
class Due:
    """One dated obligation of one user (also what the .ics feed lists)."""

    key: str
    title: str
    due: datetime.date
    clause: str
    url: str
    done: bool = False


def _secretaries(org_ids) -> dict[int, set[int]]:
    from organizations.choices import PositionKind
    from organizations.models import Position

    out = defaultdict(set)
    rows = Position.objects.current().filter(kind=PositionKind.SECRETARY, organization_id__in=org_ids, member__user__isnull=False, member__is_active=True)
    for org_id, user_id in rows.values_list("organization_id", "member__user_id"):
        out[org_id].add(user_id)
    return out


def _main_leaders(team_ids) -> dict[int, set[int]]:
    from organizations.models import LeadingTeamMembership

    out = defaultdict(set)
    today = timezone.localdate()
    rows = LeadingTeamMembership.objects.filter(team_id__in=team_ids, is_main_leader=True, member__user__isnull=False, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )
    for team_id, user_id in rows.values_list("team_id", "member__user_id"):
        out[team_id].add(user_id)
    return out


def _meeting_url(meeting_id: int) -> str:
    try:
        return reverse("meetings:detail", args=[meeting_id])
    except Exception:  # noqa: BLE001 - the meeting page lands with ol-core
        return reverse("rectification:meeting", args=[meeting_id])


def obligations_by_user(today, *, user=None, until=None, include_done=False) -> dict[int, list[Due]]:
    """{user id: [Due]} for meeting obligations and rectification items due by `until`
    (default today + 3 days), or only `user`'s when given. A fixed number of queries."""
    from organizations.models import LeadingTeam
    from rectification.choices import OPEN_STATUSES, ItemStatus, ProblemScope
    from rectification.models import RectificationItem

    until = until or today + datetime.timedelta(days=LEAD_DAYS)
    out: dict[int, list[Due]] = defaultdict(list)

    obligations = Obligation.objects.filter(due_on__lte=until).select_related("meeting")
    if not include_done:
        obligations = obligations.filter(done_on__isnull=True)
    if user is not None:
        from accounts.grants import load_grants

        orgs = {g.organization_id for g in load_grants(user) if g.role in ("secretary", "main_leader")}
        obligations = obligations.filter(organization_id__in=orgs)
    obligations = list(obligations)
    secretaries = _secretaries({o.organization_id for o in obligations if o.role == "secretary"})
    dl_orgs = {o.organization_id for o in obligations if o.role == "main_leader"}
    teams = {t.organization_id: t.pk for t in LeadingTeam.objects.filter(organization_id__in=dl_orgs)}
    leaders = _main_leaders(teams.values())
    for o in obligations:
        users = secretaries.get(o.organization_id, set()) if o.role == "secretary" else leaders.get(teams.get(o.organization_id), set())
        for uid in users:
            if user is not None and uid != user.pk:
                continue
            title = f"{o.get_kind_display()}：{o.meeting.title}"
            out[uid].append(Due(f"obligation.{o.pk}", title, o.due_on, o.clause, _meeting_url(o.meeting_id), o.done_on is not None))

    items = RectificationItem.objects.filter(deadline__lte=until).select_related("problem__owner_member", "responsible_member", "meeting")
    items = items.filter(status__in=OPEN_STATUSES) if not include_done else items.exclude(status=ItemStatus.DRAFT)
    if user is not None:
        items = items.filter(
            Q(responsible_member__user=user)
            | Q(problem__scope=ProblemScope.PERSONAL, problem__owner_member__user=user)
            | Q(
                responsible_member__isnull=True,
                problem__scope=ProblemScope.ORGANIZATION,
                organization_id__in=[g.organization_id for g in load_grants(user) if g.role == "secretary"],
            )
        )
    items = list(items)
    item_secretaries = _secretaries({i.organization_id for i in items if i.responsible_member_id is None})
    for item in items:
        if item.responsible_member_id and item.responsible_member.user_id:
            users = {item.responsible_member.user_id}
        elif item.problem.scope == ProblemScope.PERSONAL and item.problem.owner_member_id and item.problem.owner_member.user_id:
            users = {item.problem.owner_member.user_id}
        else:
            users = item_secretaries.get(item.organization_id, set())
        clause = "OL-4.3.c" if item.meeting.is_org_life else "DL-4.4.c"
        for uid in users:
            if user is not None and uid != user.pk:
                continue
            out[uid].append(
                Due(
                    f"item.{item.pk}",
                    f"整改事项销号：{item.goal[:60]}",
                    item.deadline,
                    clause,
                    reverse("rectification:item", args=[item.pk]),
                    item.status == ItemStatus.CLOSED,
                )
            )
    return out


def _digest_notifications(today) -> list[Notification]:
    """One digest a day per reviewer: what waits for them or is late in their subtree."""
    from accounts.choices import Role
    from accounts.models import RoleAssignment

    from . import counts

    out = []
    for ra in RoleAssignment.objects.active(today).filter(role=Role.REVIEWER).select_related("organization", "user"):
        totals, _ = counts.live(ra.organization, today)
        overdue = sum(totals[field] for field in OVERDUE_FIELD.values())
        parts = [
            ("方案待审批", totals["plans_awaiting"]),
            ("材料待审核", totals["materials_awaiting"]),
            ("期限事项逾期", overdue),
            ("整改事项逾期", totals["items_overdue"]),
            ("上报材料被退回待重报", totals["reports_returned"]),
        ]
        parts = [(label, n) for label, n in parts if n]
        if not parts:
            continue
        body = "；".join(f"{label} {n}" for label, n in parts)
        out.append(
            Notification(
                user_id=ra.user_id,
                key=f"digest.{ra.organization_id}",
                day=today,
                kind="digest",
                title=f"{ra.organization.name}及下级组织今日督导摘要",
                body=body,
                url=reverse("oversight:dashboard_org", args=[ra.organization_id]),
            )
        )
    return out


def run(today=None) -> dict:
    """Create today's notifications and send each user at most one e-mail. Returns counts."""
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    candidates = []
    for uid, dues in obligations_by_user(today).items():
        for d in dues:
            overdue = d.due < today
            candidates.append(
                Notification(
                    user_id=uid,
                    key=d.key,
                    day=today,
                    kind="overdue" if overdue else "due_soon",
                    title=("【已逾期】" if overdue else "【即将到期】") + d.title,
                    body=f"截止日期 {d.due:%Y-%m-%d}（{d.clause}）",
                    url=d.url,
                    due_on=d.due,
                )
            )
    candidates += _digest_notifications(today)
    existing = set(Notification.objects.filter(day=today).values_list("user_id", "key"))
    fresh = [n for n in candidates if (n.user_id, n.key) not in existing]
    # ON CONFLICT DO NOTHING: a concurrent run inserting the same (user, key, day) loses nothing and duplicates nothing.
    Notification.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)

    emailed = 0
    User = get_user_model()
    todays = defaultdict(list)
    for n in Notification.objects.filter(day=today).order_by("kind", "due_on", "pk"):
        todays[n.user_id].append(n)
    already = set(EmailSent.objects.filter(day=today).values_list("user_id", flat=True))
    users = {u.pk: u for u in User.objects.filter(pk__in=[uid for uid in todays if uid not in already], is_active=True).exclude(email="")}
    for uid, notes in todays.items():
        user = users.get(uid)
        if user is None:
            continue
        try:
            with transaction.atomic():
                EmailSent.objects.create(user=user, day=today, count=len(notes))
        except IntegrityError:
            continue  # another run sent today's mail already
        lines = [f"{user.display_name or user.username}，您好：", "", f"今天（{today:%Y-%m-%d}）需要您关注的事项："]
        lines += [f"- {n.title}  {n.body}" for n in notes]
        lines += ["", "请登录系统查看并办理。此邮件每天最多发送一次。"]
        send_mail(f"【组织生活会】今日提醒 {len(notes)} 项", "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=True)
        emailed += 1
    return {"notifications": len(fresh), "emails": emailed}
