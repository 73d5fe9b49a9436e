"""The dated obligations a superior tracks across a subtree, per meeting (issue 8 item 6): the
meeting itself, held by the end of its slot (OL-1.2.a, DL-1.2.a), plan filing (DL-2.2.c), public
notice (DL-2.3.a; OL-2.5.e for community branches), report (OL-4.2.a, DL-4.2.a) and 通报
(DL-4.3.a).

Dates come from `rulebook.dates` (the one interpretation of "15日前", "15日内", "一个月内")
with the numbers of the meeting's pinned rulebook, exactly as `rulebook.timeline` computes them;
they are stored as `Obligation` rows so the dashboard counts overdue ones in SQL.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

from django.db import transaction

from rulebook import dates

from .choices import ObligationKind
from .models import Obligation

DEFAULT_PARAMS = {
    "ol_meetings_per_year": 2,
    "ol_mid_year_window": {"start": "06-01", "end": "08-31"},
    "ol_year_end_window": {"start": "11-01", "end": "01-31"},
    "dl_plan_report_lead_days": 15,
    "dl_public_notice_lead_days": 15,
    "ol_report_within_days": 15,
    "dl_report_within_days": 15,
    "dl_circular_within_months": 1,
    "date_counting": dates.INCLUSIVE,
}


@dataclass(frozen=True)
class Due:
    kind: str
    clause: str
    due_on: datetime.date
    done_on: datetime.date | None
    role: str


@lru_cache(maxsize=64)
def params(slug: str, version: str) -> dict:
    """The numbers the obligations need from one rulebook version (cached: rulebooks are immutable)."""
    from rulebook import engine

    try:
        rulebook = engine.load(slug or engine.DEFAULT_SLUG, version or None)
    except Exception:  # an unknown pinned version must not stop the dashboard; documented defaults apply
        return dict(DEFAULT_PARAMS)
    return {name: rulebook.param(name, default) for name, default in DEFAULT_PARAMS.items()}


def compute(
    *,
    kind: str,
    sector: str,
    meeting_day,
    ended_on,
    filed_on,
    notice_on,
    reported_on,
    circular_on,
    p: dict,
    half: str = "",
    year=None,
    window_end=None,
    special: bool = False,
) -> list[Due]:
    """Pure: the obligations of one meeting from its dates. `meeting_day` is T (planned or held),
    `ended_on` the last closed sitting (None until held); `year`, `half` and the round's
    `window_end` place its slot (no slot obligation without `year`)."""
    counting = p["date_counting"]
    out = []
    slot_end = dates.slot_end(kind=kind, half=half, year=year, window_end=window_end, params=p, special=special) if year else None
    if slot_end:
        clause, role = ("DL-1.2.a", "main_leader") if kind == "democratic_life" else ("OL-1.2.a", "secretary")
        out.append(Due(ObligationKind.HELD, clause, slot_end, ended_on, role))
    if kind == "democratic_life":
        if meeting_day:
            out.append(
                Due(ObligationKind.PLAN_FILING, "DL-2.2.c", dates.days_before(meeting_day, p["dl_plan_report_lead_days"], counting), filed_on, "main_leader")
            )
            out.append(
                Due(ObligationKind.NOTICE, "DL-2.3.a", dates.days_before(meeting_day, p["dl_public_notice_lead_days"], counting), notice_on, "main_leader")
            )
        if ended_on:
            out.append(Due(ObligationKind.REPORT, "DL-4.2.a", dates.days_after(ended_on, p["dl_report_within_days"], counting), reported_on, "main_leader"))
            out.append(
                Due(
                    ObligationKind.CIRCULAR, "DL-4.3.a", dates.months_after(ended_on, int(p["dl_circular_within_months"]), counting), circular_on, "main_leader"
                )
            )
    else:
        if meeting_day and sector == "community":
            out.append(Due(ObligationKind.NOTICE, "OL-2.5.e", meeting_day, notice_on, "secretary"))
        if ended_on:
            out.append(Due(ObligationKind.REPORT, "OL-4.2.a", dates.days_after(ended_on, p["ol_report_within_days"], counting), reported_on, "secretary"))
    return out


def _day(value):
    if value is None:
        return None
    return value.date() if isinstance(value, datetime.datetime) else value


def for_meeting(meeting) -> list[Due]:
    """Read the meeting's dates (a fixed number of small queries) and compute its obligations.
    Callers read the meeting with its organization, plan and campaign (`select_related`)."""
    from django.db.models import Max, Min

    from meetings.choices import NoticeKind, SittingStatus
    from meetings.models import PlanFiling, PublicNotice, Sitting
    from rectification.models import Circular, Report

    plan = getattr(meeting, "plan", None) if hasattr(meeting, "plan") else None
    meeting_day = (plan.scheduled_date if plan and plan.scheduled_date else None) or meeting.scheduled_date
    sittings = Sitting.objects.filter(meeting=meeting)
    ended_on = None
    if sittings.exists() and not sittings.exclude(status=SittingStatus.CLOSED).exists():
        ended_on = sittings.aggregate(d=Max("date"))["d"]
    filed_on = _day(plan.filed_at) if plan else None
    if plan and filed_on is None:
        filed_on = _day(PlanFiling.objects.filter(plan=plan).aggregate(d=Min("filed_at"))["d"])
    notice_kind = NoticeKind.MEETING_NOTICE if meeting.is_democratic_life else NoticeKind.PROBLEM_LIST
    notice_on = _day(PublicNotice.objects.filter(meeting=meeting, kind=notice_kind, published_at__isnull=False).aggregate(d=Min("published_at"))["d"])
    report = Report.objects.filter(meeting=meeting).only("first_submitted_at").first()
    circular = Circular.objects.filter(meeting=meeting).only("published_at").first()
    return compute(
        kind=meeting.kind,
        sector=meeting.organization.sector,
        meeting_day=meeting_day,
        ended_on=ended_on,
        filed_on=filed_on,
        notice_on=notice_on,
        reported_on=_day(report.first_submitted_at) if report else None,
        circular_on=_day(circular.published_at) if circular else None,
        p=params(meeting.rulebook_slug, meeting.rulebook_version),
        half=meeting.half,
        year=meeting.year,
        window_end=meeting.campaign.window_end if meeting.campaign_id else None,
        special=meeting.special,
    )


def refresh(meeting) -> list[Obligation]:
    """Replace the meeting's stored obligations with freshly computed ones."""
    dues = for_meeting(meeting)
    with transaction.atomic():
        Obligation.objects.filter(meeting=meeting).exclude(kind__in=[d.kind for d in dues]).delete()
        rows = []
        for d in dues:
            row, _ = Obligation.objects.update_or_create(
                meeting=meeting,
                kind=d.kind,
                defaults={"organization_id": meeting.organization_id, "clause": d.clause, "due_on": d.due_on, "done_on": d.done_on, "role": d.role},
            )
            rows.append(row)
    return rows
