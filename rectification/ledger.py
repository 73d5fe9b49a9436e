"""台账 (OL-4.3.b, DL-4.4.b): the filtered, scoped list of items and its .xlsx export.

One query for the page whatever the number of items: the latest progress note and the
evidence count come from correlated subqueries, everything else from joins.
"""

from __future__ import annotations

from django import forms
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from meetings.choices import MeetingKind
from organizations.models import Organization

from .choices import OPEN_STATUSES, EventKind, ItemStatus, ProblemScope, ProblemSource
from .models import Evidence, ItemEvent, RectificationItem

PERM = "rectification.ledger"
ALL_FINAL = ""


class LedgerFilter(forms.Form):
    org = forms.IntegerField(required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(label="状态", required=False, choices=[(ALL_FINAL, "全部（不含草稿）"), *ItemStatus.choices])
    source = forms.ChoiceField(label="问题来源", required=False, choices=[("", "全部来源"), *ProblemSource.choices])
    scope = forms.ChoiceField(label="类型", required=False, choices=[("", "党组织和个人"), *ProblemScope.choices])
    kind = forms.ChoiceField(label="会议类型", required=False, choices=[("", "全部会议"), *MeetingKind.choices])
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    owner = forms.CharField(label="责任人/责任单位", required=False, max_length=50)
    overdue = forms.BooleanField(label="只看逾期", required=False)

    def params(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


def organization_for(user, org_pk):
    """The subtree root the ledger is filtered to, if the user may see it (else None = all visible)."""
    if not org_pk:
        return None
    return Organization.objects.visible_to(user, PERM).filter(pk=org_pk).first()


def top_organizations(user):
    """The highest organizations whose ledger the user sees (the roots to drill down from)."""
    from accounts.grants import load_grants
    from accounts.permissions import PERMISSIONS

    roles = PERMISSIONS[PERM]
    paths = sorted({g.path for g in load_grants(user) if g.role in roles})
    roots = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    return Organization.objects.visible_to(user, PERM).filter(path__in=roots)


def items(user, params: dict, organization=None, today=None):
    """The ledger rows `user` may see, filtered. Scoped by the permission map in SQL."""
    today = today or timezone.localdate()
    qs = RectificationItem.objects.visible_to(user, PERM)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    status = params.get("status", ALL_FINAL)
    qs = qs.filter(status=status) if status else qs.exclude(status=ItemStatus.DRAFT)
    if params.get("source"):
        qs = qs.filter(problem__source=params["source"])
    if params.get("scope"):
        qs = qs.filter(problem__scope=params["scope"])
    if params.get("kind"):
        qs = qs.filter(meeting__kind=params["kind"])
    if params.get("year"):
        qs = qs.filter(meeting__year=params["year"])
    if params.get("owner"):
        owner = params["owner"]
        qs = qs.filter(Q(responsible_member__name__icontains=owner) | Q(responsible_organization__name__icontains=owner))
    if params.get("overdue"):
        qs = qs.filter(status__in=OPEN_STATUSES, deadline__lt=today)
    return annotate(qs).order_by("organization__path", "-meeting__year", "meeting_id", "deadline", "pk")


def annotate(qs):
    """Joins and the latest progress note/date and evidence count (correlated subqueries): one
    query for any number of items. Shared with the meeting's 整改台账 (`documents.excel`)."""
    latest = ItemEvent.objects.filter(item=OuterRef("pk"), kind=EventKind.PROGRESS).order_by("-at", "-pk")
    evidence = Evidence.objects.filter(item=OuterRef("pk")).order_by().values("item").annotate(n=Count("pk")).values("n")
    return qs.select_related(
        "organization", "meeting", "problem", "problem__owner_member", "responsible_member", "responsible_organization", "closed_by"
    ).annotate(
        latest_progress=Subquery(latest.values("note")[:1]),
        latest_progress_at=Subquery(latest.values("at")[:1]),
        evidence_count=Coalesce(Subquery(evidence, output_field=IntegerField()), Value(0)),
    )


def summary(queryset, today=None) -> dict:
    """Counts for the ledger header, in one aggregate query."""
    today = today or timezone.localdate()
    return queryset.order_by().aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=ItemStatus.OPEN)),
        requested=Count("pk", filter=Q(status=ItemStatus.CLOSURE_REQUESTED)),
        closed=Count("pk", filter=Q(status=ItemStatus.CLOSED)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
    )


def export_xlsx(queryset, today=None) -> bytes:
    """The ledger as .xlsx through the one Excel writer (`documents.excel`): frozen header, set
    widths, real dates, overdue rows highlighted, A4 print setup, and every user-entered text
    typed as a string so "=…" never becomes a formula (abuse case 3)."""
    from documents.excel import subtree_ledger

    return subtree_ledger(queryset, today or timezone.localdate())
