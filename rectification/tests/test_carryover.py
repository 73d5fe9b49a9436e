"""回头看 (DL-3.2.b agenda ②, DL-4.4.c) and this app's part of the rule-check snapshot."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from meetings.choices import Half, MeetingKind
from rectification import report_services
from rectification.carryover import previous_items, previous_meeting
from rectification.choices import ItemStatus
from rectification.snapshot import contribute
from rulebook.snapshot import PreviousMeetingInfo

from .factories import make_item, make_meeting, make_summary

pytestmark = pytest.mark.django_db


def test_DL_4_4_c_next_meeting_shows_last_meetings_items_and_status(world):
    old = make_meeting(world.b1, year=2024, half=Half.YEAR_END, held_on=datetime.date(2024, 12, 20))
    last = make_meeting(world.b1, year=2025, half=Half.MID_YEAR, held_on=datetime.date(2025, 6, 20))
    current = make_meeting(world.b1, year=2025, half=Half.YEAR_END, held_on=datetime.date(2025, 12, 20))
    make_meeting(world.b2, year=2025, half=Half.MID_YEAR)  # another organization
    make_meeting(world.b1, kind=MeetingKind.DEMOCRATIC_LIFE, year=2025, half=Half.NONE, held_on=datetime.date(2025, 9, 1))  # another kind
    make_item(old, goal="更早的事项")
    closed = make_item(last, goal="已完成的事项", status=ItemStatus.CLOSED)
    overdue = make_item(last, goal="逾期的事项", deadline=timezone.localdate() - datetime.timedelta(days=3))
    make_item(last, goal="草稿不算", status=ItemStatus.DRAFT)
    assert previous_meeting(current) == last
    assert previous_meeting(old) is None
    assert set(previous_items(current)) == {closed, overdue}
    html = Template("{% load rectification %}{% carry_over meeting %}").render(Context({"meeting": current}))
    assert "已完成的事项" in html and "逾期的事项" in html and "草稿不算" not in html and "更早的事项" not in html
    assert "已销号 1 项" in html and "逾期 <strong>1</strong> 项" in html
    first = Template("{% load rectification %}{% carry_over meeting %}").render(Context({"meeting": old}))
    assert "第一次同类会议" in first


def test_snapshot_contribution_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    last = make_meeting(world.b1, year=2020, held_on=datetime.date(2020, 6, 1))
    current = make_meeting(world.b1, year=2021, held_on=datetime.date(2021, 6, 1))
    for status in (ItemStatus.OPEN, ItemStatus.CLOSED, ItemStatus.CLOSED):
        make_item(last, status=status, deadline=datetime.date(2020, 7, 1))
    with django_assert_max_num_queries(6):
        part = contribute(current)
    assert part["report"] is None and part["circular"] is None
    assert part["previous"] == PreviousMeetingInfo(exists=True, items_total=3, items_closed=2, items_overdue=1)
    for _ in range(20):
        make_item(last, status=ItemStatus.OPEN)
    report = report_services.report_for(current)
    make_summary(current, world.secretary)
    report_services.save_report(
        report, actor=world.secretary, version=report.version, sections={k: "内容" for k in ("basic", "criticism", "problems", "measures")}
    )
    with django_assert_max_num_queries(7):
        part = contribute(current)
    assert part["report"].has_situation_report and part["report"].has_opinion_summary and not part["report"].has_minutes_scan
    assert part["report"].status == "draft" and part["report"].filed_offices == frozenset()
