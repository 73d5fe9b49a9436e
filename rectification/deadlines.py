"""Dates the rectification rules imply, in one place.

The rulebook's `rulebook.dates` module (branch `rulebook`) is the one documented interpretation
of the regulations' time phrases; when it is importable these functions delegate to it, and
until then they implement the same interpretation with inclusive counting:

- "会后15日内" (DL-4.2.a; OL-4.2.a has no number, `ol_report_within_days` defaults to 15):
  due on T + N, T being the day the meeting ended (its last sitting); a meeting on 1 March
  may report until 16 March inclusive; late from the day after.
- "一个月内" (DL-4.3.a): the same day of the next calendar month, clamped to the month's last
  day (31 January → 28/29 February).
- 公示 period (OL-4.1.d, `ol_rectification_display_days`, 5 working days proposed in
  parameters.md): N working days (Monday–Friday) starting on the day of publication;
  public holidays are not modelled.
- `date_counting: exclusive` (a rulebook parameter) makes each limit one day stricter.
"""

from __future__ import annotations

import calendar
import datetime

DEFAULTS = {
    "ol_report_within_days": 15,
    "dl_report_within_days": 15,
    "dl_circular_within_months": 1,
    "ol_rectification_display_days": 5,
    "date_counting": "inclusive",
}


def param(meeting, name: str):
    """A rulebook parameter for the meeting's pinned rulebook version, with the documented default."""
    from rulebook import engine

    try:
        rulebook = engine.load(meeting.rulebook_slug or engine.DEFAULT_SLUG, meeting.rulebook_version or None)
    except Exception:  # an unknown slug must not stop the ledger; the default applies
        return DEFAULTS[name]
    getter = getattr(rulebook, "param", None)
    value = None
    if callable(getter):
        try:
            value = getter(name)
        except (KeyError, LookupError):
            value = None
    if value is None:
        value = (getattr(rulebook, "params", None) or {}).get(name)
    return DEFAULTS[name] if value is None else value


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _dates():
    try:
        from rulebook import dates  # the rulebook issue's interpretation, once merged
    except ImportError:
        return None
    return dates


def _shift(counting: str) -> int:
    return 1 if counting == "exclusive" else 0


def within_days(start: datetime.date, days: int, counting: str = "inclusive") -> datetime.date:
    module = _dates()
    if module is not None:
        return module.days_after(start, days, counting)
    return start + datetime.timedelta(days=int(days) - _shift(counting))


def within_months(start: datetime.date, months: int, counting: str = "inclusive") -> datetime.date:
    module = _dates()
    if module is not None:
        return module.months_after(start, months, counting)
    return add_months(start, int(months)) - datetime.timedelta(days=_shift(counting))


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """Last day of a period of `days` working days starting on `start` (counted if a weekday)."""
    module = _dates()
    if module is not None:
        return module.add_working_days(start, int(days))
    day, counted = start, (1 if start.weekday() < 5 else 0)
    while counted < int(days):
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


def meeting_date(meeting) -> datetime.date | None:
    """The day the meeting ended: its last sitting with a date, else its scheduled date."""
    dates = [d for d in meeting.sittings.values_list("date", flat=True) if d is not None]
    return max(dates) if dates else meeting.scheduled_date


def report_due(meeting, held_on: datetime.date | None = None) -> datetime.date | None:
    """OL-4.2.a / DL-4.2.a."""
    held_on = held_on or meeting_date(meeting)
    if held_on is None:
        return None
    name = "dl_report_within_days" if meeting.is_democratic_life else "ol_report_within_days"
    return within_days(held_on, param(meeting, name), param(meeting, "date_counting"))


def circular_due(meeting, held_on: datetime.date | None = None) -> datetime.date | None:
    """DL-4.3.a."""
    held_on = held_on or meeting_date(meeting)
    if held_on is None:
        return None
    return within_months(held_on, param(meeting, "dl_circular_within_months"), param(meeting, "date_counting"))


def display_until(meeting, start: datetime.date) -> datetime.date:
    """OL-4.1.d: last day of the 公示 period that starts on `start`."""
    return add_working_days(start, param(meeting, "ol_rectification_display_days"))


def days_late(due: datetime.date | None, on: datetime.date) -> int:
    if due is None or on <= due:
        return 0
    return (on - due).days
