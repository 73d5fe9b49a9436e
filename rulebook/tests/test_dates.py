"""Deadline arithmetic ("15日前", "15日内", "一个月内"): properties and month ends. Pure."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rulebook import dates

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


def test_DL_2_2_c_fifteen_days_before_is_inclusive():
    """DL-2.2.c 「15日前」: for a meeting on 20 March, 5 March is the last day on time."""
    assert dates.days_before(date(2025, 3, 20), 15) == date(2025, 3, 5)
    assert dates.days_before(date(2025, 3, 20), 15, "exclusive") == date(2025, 3, 4)


def test_DL_4_2_a_within_fifteen_days_after():
    """DL-4.2.a 「15日内」: for a meeting on 20 March, 4 April is the last day on time."""
    assert dates.days_after(date(2025, 3, 20), 15) == date(2025, 4, 4)
    assert dates.days_after(date(2025, 3, 20), 15, "exclusive") == date(2025, 4, 3)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (date(2025, 1, 31), date(2025, 2, 28)),
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year
        (date(2024, 1, 29), date(2024, 2, 29)),
        (date(2025, 1, 29), date(2025, 2, 28)),
        (date(2025, 3, 31), date(2025, 4, 30)),
        (date(2024, 12, 15), date(2025, 1, 15)),  # across the year
        (date(2024, 12, 31), date(2025, 1, 31)),
        (date(2025, 2, 28), date(2025, 3, 28)),
    ],
)
def test_DL_4_3_a_one_calendar_month(start, due):
    """DL-4.3.a 「一个月内」: same day next month, or its last day when shorter."""
    assert dates.months_after(start, 1) == due


def test_DL_4_3_a_exclusive_month_is_one_day_earlier():
    assert dates.months_after(date(2025, 1, 31), 1, "exclusive") == date(2025, 2, 27)


def test_unknown_counting_is_refused():
    with pytest.raises(ValueError, match="date_counting"):
        dates.days_before(date(2025, 1, 1), 15, "sometimes")


@given(days, st.integers(min_value=0, max_value=400))
def test_before_and_after_are_mirror_images(t, n):
    assert dates.days_after(dates.days_before(t, n), n) == t
    assert (t - dates.days_before(t, n)).days == n
    assert (dates.days_before(t, n) - dates.days_before(t, n, "exclusive")).days == 1
    assert (dates.days_after(t, n) - dates.days_after(t, n, "exclusive")).days == 1


@given(days, st.integers(min_value=-36, max_value=36))
def test_add_months_stays_in_the_target_month_and_clamps_to_its_end(d, k):
    r = dates.add_months(d, k)
    assert (r.year * 12 + r.month) - (d.year * 12 + d.month) == k
    last = calendar.monthrange(r.year, r.month)[1]
    assert r.day == min(d.day, last)


@given(days)
def test_one_month_later_is_never_more_than_31_days_nor_less_than_28(d):
    gap = (dates.months_after(d, 1) - d).days
    assert 28 <= gap <= 31


@given(st.integers(min_value=2000, max_value=2099))
def test_january_31_plus_one_month_is_end_of_february(year):
    expected = 29 if calendar.isleap(year) else 28
    assert dates.add_months(date(year, 1, 31), 1) == date(year, 2, expected)


@given(days, st.integers(min_value=1, max_value=30))
def test_working_days_round_trip(start, n):
    end = dates.add_working_days(start, n)
    first = start if start.weekday() < 5 else start + timedelta(days=7 - start.weekday())
    assert dates.working_days(first, end) == n
    assert end.weekday() < 5


@given(days, days)
def test_working_days_counts_weekdays(a, b):
    if b < a:
        a, b = b, a
    b = min(b, a + timedelta(days=60))
    brute = sum(1 for i in range((b - a).days + 1) if (a + timedelta(days=i)).weekday() < 5)
    assert dates.working_days(a, b) == brute


@given(days, st.one_of(st.none(), days), days)
def test_status(due, done_on, today):
    s = dates.status(due, done_on, today)
    assert s == ("done" if done_on else "overdue" if today > due else "due")


def test_OL_2_0_meeting_day_counts_as_before():
    """OL-2.0: a record dated on the meeting day counts; the day after does not."""
    t = date(2025, 6, 10)
    assert dates.counts_before(t, t)
    assert not dates.counts_before(t + timedelta(days=1), t)
    assert not dates.counts_before(None, t)
    assert dates.counts_before(t, None)
