"""How the regulations' time phrases become dates — the ONE place they are interpreted.

The meeting day is called T. Days are calendar days (Party rules count 日 as calendar days).

* **"会前" (before the meeting)** — a preparation record counts when it is dated on or before
  the first sitting's date (T). Records carry a date, not a time, so a talk or study on the
  morning of the meeting day still counts; anything dated after T does not (OL-2.0, OL-2.2.e).
* **"N日前" (N days before)**, e.g. DL-2.2.c 「召开民主生活会15日前」 — the step must be done
  no later than ``T − N``. With the default ``date_counting: inclusive`` that day itself is
  still on time: for a meeting on 20 March, filing on 5 March is on time, 6 March is late.
* **"N日内" (within N days after)**, e.g. DL-4.2.a 「民主生活会后15日内」 — done no later than
  ``T + N``, T being the day the meeting ended (its last sitting): for a meeting on 20 March,
  4 April is the last day on time.
* **"一个月内" (within one month)**, e.g. DL-4.3.a — done no later than the same day of the
  next calendar month; when that month is shorter, its last day: 31 Jan → 28 Feb (29 Feb in
  a leap year), 31 Mar → 30 Apr, 15 Dec → 15 Jan of the next year.
* **``date_counting: exclusive``** (a rulebook parameter, for jurisdictions that do not count
  the end day) makes every limit one day stricter: "15日前" → ``T − 16``, "15日内" → ``T + 14``,
  "一个月内" → the day before the inclusive date.
* **Working days** (only `ol_rectification_display_days`): Monday to Friday; public holidays
  and adjusted working weekends are not modelled.

A deadline is **met** when the step's date is on or before the limit; it is **overdue** from
the day after the limit while the step is not done (`status`).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

INCLUSIVE = "inclusive"
EXCLUSIVE = "exclusive"


def _shift(counting: str) -> int:
    if counting not in (INCLUSIVE, EXCLUSIVE):
        raise ValueError(f"date_counting must be 'inclusive' or 'exclusive', not {counting!r}")
    return 0 if counting == INCLUSIVE else 1


def days_before(t: date, days: int | float, counting: str = INCLUSIVE) -> date:
    """Latest date for a step required "N日前" (N days before T)."""
    return t - timedelta(days=int(days) + _shift(counting))


def days_after(t: date, days: int | float, counting: str = INCLUSIVE) -> date:
    """Latest date for a step required "N日内" after T."""
    return t + timedelta(days=int(days) - _shift(counting))


def add_months(d: date, months: int) -> date:
    """Same day `months` later, clamped to the end of a shorter month (31 Jan + 1 → 28/29 Feb)."""
    index = d.year * 12 + (d.month - 1) + int(months)
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last))


def months_after(t: date, months: int, counting: str = INCLUSIVE) -> date:
    """Latest date for a step required "N个月内" after T."""
    return add_months(t, months) - timedelta(days=_shift(counting))


def slot_window(spec: dict, year: int) -> tuple[date, date]:
    """A rulebook window such as `ol_year_end_window` ({"start": "MM-DD", "end": "MM-DD"}) in the
    meeting's year; an end before the start runs into the next year (11-01 … 01-31)."""
    sm, sd = (int(x) for x in spec["start"].split("-"))
    em, ed = (int(x) for x in spec["end"].split("-"))
    return date(year, sm, sd), date(year + (1 if (em, ed) < (sm, sd) else 0), em, ed)


def slot_end(*, kind: str, half: str, year: int, window_end: date | None, params, special: bool = False) -> date | None:
    """OL-1.2.a / DL-1.2.a: the last day a meeting of this slot is held on time: the end of the
    window the superior set for the round (the campaign), else the rulebook's window for the half
    (`ol_mid_year_window`, `ol_year_end_window`) or, for a 民主生活会, the end of its year. None for
    a 组织生活会 without a half, and for the mid-year one where the rulebook asks for one a year
    (`ol_meetings_per_year` 1: the national baseline), and for a special 民主生活会 (extra to the
    yearly one, DL-1.2.a). `params` maps parameter names to values."""
    if special:
        return None
    if kind == "org_life":
        if half not in ("mid_year", "year_end") or (half == "mid_year" and params["ol_meetings_per_year"] < 2):
            return None
        if window_end:
            return window_end
        return slot_window(params["ol_mid_year_window" if half == "mid_year" else "ol_year_end_window"], year)[1]
    return window_end or date(year, 12, 31)


def counts_before(record: date | None, t: date | None) -> bool:
    """Does a preparation record dated `record` count as "会前" for a meeting on `t`?"""
    if record is None:
        return False
    return t is None or record <= t


def add_working_days(start: date, days: int) -> date:
    """The last day of a period of `days` working days starting on `start` (counted if a weekday)."""
    d = start
    counted = 1 if d.weekday() < 5 else 0
    while counted < days:
        d += timedelta(days=1)
        if d.weekday() < 5:
            counted += 1
    return d


def working_days(start: date, end: date) -> int:
    """Working days from `start` to `end`, both included."""
    if end < start:
        return 0
    full, rest = divmod((end - start).days + 1, 7)
    count = full * 5
    for i in range(rest):
        if (start + timedelta(days=full * 7 + i)).weekday() < 5:
            count += 1
    return count


def status(due: date | None, done_on: date | None, today: date) -> str:
    """done | due | overdue. A step with no date limit is "due" until done."""
    if done_on is not None:
        return "done"
    if due is not None and today > due:
        return "overdue"
    return "due"


def written(d: date | None, *, year: bool = True) -> str:
    """A date as the messages and the timeline write it: 2026年12月5日 (or 12月5日); "" for none."""
    if d is None:
        return ""
    return f"{d.year}年{d.month}月{d.day}日" if year else f"{d.month}月{d.day}日"
