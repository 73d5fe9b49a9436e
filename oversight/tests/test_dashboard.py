"""督导看板 (issue 8 item 6): counts in SQL over the subtree, drill-down, export, scoping,
rollups equal to live counts, and a query count independent of the subtree's size."""

import datetime

import pytest
from django.urls import reverse

from conftest import login
from meetings.choices import DocStatus, MeetingKind, PlanStatus, SelfExamKind, Stage
from meetings.models import Plan, SelfExamination
from oversight import counts, obligations, rollups
from oversight.models import Obligation, OrgRollup
from rectification.choices import ItemStatus, ReportStatus
from rectification.models import Report
from rectification.tests.factories import make_item, make_meeting

from .factories import bulk_branches, days


def _fill(world):
    """B1: an OL meeting being prepared (plan submitted, a material awaiting review); B2: a held
    OL meeting with open, overdue and closed items and a returned late report; P2: a DL meeting
    of the committee 20 days ahead with nothing filed (plan filing overdue: due T-15)."""
    m1 = make_meeting(world.b1, stage=Stage.PREPARING, held_on=days(10), sitting=False)
    Plan.objects.create(meeting=m1, status=PlanStatus.SUBMITTED, scheduled_date=days(10))
    SelfExamination.objects.create(meeting=m1, member=world.member_member, doc_kind=SelfExamKind.BRIEF_CHECK, status=DocStatus.SUBMITTED)
    m2 = make_meeting(world.b2, stage=Stage.RECTIFYING, held_on=days(-40))
    make_item(m2, deadline=days(5))
    make_item(m2, deadline=days(-1))
    make_item(m2, status=ItemStatus.CLOSED, deadline=days(-3))
    make_item(m2, status=ItemStatus.DRAFT)
    Report.objects.create(
        meeting=m2,
        organization=world.b2,
        status=ReportStatus.RETURNED,
        due_on=days(-25),
        first_submitted_at=datetime.datetime.combine(days(-20), datetime.time(10), tzinfo=datetime.UTC),
    )
    m3 = make_meeting(world.p2, kind=MeetingKind.DEMOCRATIC_LIFE, stage=Stage.PLANNING, held_on=days(12), sitting=False)
    for m in (m1, m2, m3):
        obligations.refresh(m)
    return m1, m2, m3


def test_obligations_use_rulebook_dates(world):
    _m1, m2, m3 = _fill(world)
    dl = {o.kind: o for o in Obligation.objects.filter(meeting=m3)}
    assert dl["plan_filing"].due_on == days(12) - datetime.timedelta(days=15)  # DL-2.2.c 15日前
    assert dl["plan_filing"].clause == "DL-2.2.c" and dl["plan_filing"].done_on is None
    assert "report" not in dl  # not held yet
    ol = {o.kind: o for o in Obligation.objects.filter(meeting=m2)}
    assert ol["report"].due_on == days(-40) + datetime.timedelta(days=15)  # OL-4.2.a (15日内, proposal)
    assert ol["report"].done_on == days(-20)


def test_live_counts_of_the_district(world):
    _fill(world)
    totals, by_child = counts.live(world.district)
    assert totals["ol_preparing"] == 1 and totals["ol_rectifying"] == 1 and totals["dl_planning"] == 1
    assert totals["plans_awaiting"] == 1 and totals["materials_awaiting"] == 1
    # DL-2.2.c and DL-2.3.a (both 15日前) for P2; OL-2.5.e problem list never published by community B2
    assert totals["overdue_plan_filing"] == 1 and totals["overdue_notice"] == 2
    assert totals["overdue_report"] == 0  # submitted (late) → done
    assert (totals["items_open"], totals["items_overdue"], totals["items_closed"]) == (2, 1, 1)
    assert totals["reports_late"] == 1 and totals["reports_returned"] == 1
    assert set(by_child) == {world.p1.path, world.p2.path}
    assert by_child[world.p2.path]["dl_planning"] == 1
    assert by_child[world.p1.path]["items_open"] == 2


def test_live_counts_are_planned_for_each_subtree(world):
    """The live aggregates run as plain SQL on PostgreSQL, planned for the root at hand: as
    server-side statements they went to one generic plan after five calls, and the city root's
    counts took 420 ms instead of 220 (docs/performance.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _fill(world)
    with CaptureQueriesContext(connection) as captured:
        for _ in range(6):
            counts.live(world.district)
    assert captured.captured_queries and all(not q["sql"].startswith("EXECUTE") for q in captured.captured_queries)


def test_rollups_equal_live_counts_after_rebuild_and_after_a_change(world, django_capture_on_commit_callbacks):
    _m1, m2, _m3 = _fill(world)
    rollups.rebuild()
    for org in (world.district, world.p1, world.p2, world.b1, world.b2):
        live_totals, live_children = counts.live(org)
        roll_totals, roll_children, _ = counts.from_rollups(org)
        assert roll_totals == live_totals, org
        for path, values in live_children.items():
            assert roll_children.get(path, counts.empty()) == values
    # An incremental change through the hook: a new overdue item in B2.
    from core import hooks

    with django_capture_on_commit_callbacks(execute=True):
        make_item(m2, deadline=days(-2))
        hooks.meeting_changed(m2.pk)
    assert counts.from_rollups(world.district)[0] == counts.live(world.district)[0]
    assert OrgRollup.objects.get(organization=world.district).items_overdue == 2


def test_query_count_does_not_grow_with_the_subtree(world, client, django_assert_max_num_queries):
    """10 branches or 1,000: the same number of queries (live counting and rollups)."""
    _fill(world)
    login(client, world.inspector)
    url = reverse("oversight:dashboard") + f"?org={world.p1.pk}&source=live"
    bulk_branches(world.p1, 8)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    bulk_branches(world.p1, 990)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["rows"]) == 1000
    rollups.rebuild()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("oversight:dashboard") + f"?org={world.p1.pk}")
    assert response.context["source"] == "rollup" and len(response.context["rows"]) == 1000


def test_user_sees_only_their_subtree(world, client):
    _fill(world)
    login(client, world.reviewer)  # reviewer of P1
    response = client.get(reverse("oversight:dashboard"))
    assert response.status_code == 200
    assert response.context["organization"] == world.p1
    assert response.context["totals"]["dl_planning"] == 0  # P2's meeting is not in P1's subtree
    assert client.get(reverse("oversight:dashboard") + f"?org={world.district.pk}").status_code == 404
    assert client.get(reverse("oversight:dashboard") + f"?org={world.p2.pk}").status_code == 404
    login(client, world.outsider)  # secretary of B2
    assert client.get(reverse("oversight:dashboard") + f"?org={world.b1.pk}").status_code == 404
    response = client.get(reverse("oversight:dashboard"))
    assert response.context["organization"] == world.b2 and response.context["meetings"]
    login(client, world.member)
    assert client.get(reverse("oversight:dashboard")).status_code == 403


def test_drill_down_and_export(world, client):
    _fill(world)
    login(client, world.inspector)
    response = client.get(reverse("oversight:dashboard"))
    assert response.context["organization"] == world.district
    body = response.content.decode()
    assert reverse("oversight:dashboard_org", args=[world.p1.pk]) in body and "方案报备逾期" in body
    response = client.get(reverse("oversight:dashboard") + f"?org={world.p1.pk}")
    assert [r.organization for r in response.context["rows"]] == [world.b1, world.b2]
    export = client.get(reverse("oversight:dashboard_export") + f"?org={world.district.pk}")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(export.content)).active
    names = [row[0].value for row in ws.iter_rows(min_row=3)]
    assert names[-1] == "合计" and world.p1.name in names
    # issue 9 item 3: header frozen, widths set, counts as numbers
    assert ws.freeze_panes == "A3" and ws["A2"].value == "党组织" and ws.column_dimensions["A"].width >= 30
    assert all(isinstance(c.value, int) for c in ws[ws.max_row][1:])


@pytest.mark.parametrize("source", ["live", "rollup"])
def test_stale_rollups_fall_back_to_live(world, client, source):
    _fill(world)
    rollups.rebuild(datetime.date(2000, 1, 1))
    login(client, world.inspector)
    response = client.get(reverse("oversight:dashboard") + ("?source=live" if source == "live" else ""))
    assert response.context["source"] == "live"


def test_obligation_dates_agree_with_the_rulebook_timeline(world):
    """The stored obligations are the same dates `rulebook.timeline` shows on the meeting page
    (DL-2.2.c, DL-2.3.a, OL-4.2.a, DL-4.2.a, DL-4.3.a)."""
    from meetings import lifecycle, snapshot
    from rulebook.timeline import timeline

    dl_held = make_meeting(world.p1, kind=MeetingKind.DEMOCRATIC_LIFE, stage=Stage.RECTIFYING, held_on=days(-31))
    dl_next = make_meeting(world.p2, kind=MeetingKind.DEMOCRATIC_LIFE, stage=Stage.PLANNING, held_on=days(40), sitting=False)
    ol = make_meeting(world.b2, stage=Stage.RECTIFYING, held_on=days(-10))
    keys = {"held": "slot", "plan_filing": "plan.filing", "notice": "notice.meeting", "report": "report", "circular": "circular"}
    for meeting in (dl_held, dl_next, ol):
        mine = {o.kind: o.due_on for o in obligations.refresh(meeting)}
        steps = {o.key: o.due for o in timeline(snapshot.build(meeting), lifecycle.rulebook_of(meeting))}
        for kind, due in mine.items():
            if kind == "notice" and meeting.is_org_life:
                continue  # OL-2.5.e: the timeline shows it only for community branches, as here
            assert steps[keys[kind]] == due, (meeting, kind)
        assert mine, meeting


def test_OL_1_2_a_a_slot_passed_without_the_meeting_shows_on_the_dashboard_until_it_is_held(world, client, django_capture_on_commit_callbacks):
    """OL-1.2.a: the superior sees a branch whose 组织生活会 slot ended without the meeting (the
    round's window, else the rulebook's), counted live and in the rollups alike; the branch's
    secretary is reminded; holding the meeting clears it. A mid-year meeting pinned to the
    national baseline (one meeting a year) has no slot deadline."""
    from core import hooks
    from meetings.choices import SittingKind, SittingStatus
    from meetings.models import Campaign, Sitting
    from oversight import reminders
    from oversight.models import Notification

    year = days(0).year - 2  # long past whatever the date is today
    late = make_meeting(world.b1, year=year, half="mid_year", stage=Stage.PREPARING, sitting=False)
    campaign = Campaign.objects.create(
        organization=world.p1,
        kind=MeetingKind.ORG_LIFE,
        year=year,
        half="year_end",
        theme="主题",
        window_start=datetime.date(year, 11, 1),
        window_end=datetime.date(year, 12, 15),
        created_by=world.reviewer,
    )
    round_late = make_meeting(world.b2, year=year, half="year_end", stage=Stage.PLANNING, sitting=False)
    round_late.campaign = campaign
    round_late.save(update_fields=["campaign"])
    national = make_meeting(world.b2, year=year, half="mid_year", stage=Stage.PLANNING, sitting=False)
    national.rulebook_slug, national.rulebook_version = "national-baseline", "1"
    national.save(update_fields=["rulebook_slug", "rulebook_version"])
    dues = {m.pk: {o.kind: o for o in obligations.refresh(m)} for m in (late, round_late, national)}
    assert dues[late.pk]["held"].due_on == datetime.date(year, 8, 31) and dues[late.pk]["held"].clause == "OL-1.2.a"
    assert dues[round_late.pk]["held"].due_on == datetime.date(year, 12, 15)
    assert "held" not in dues[national.pk]
    rollups.rebuild()
    assert counts.live(world.district)[0]["overdue_held"] == counts.from_rollups(world.district)[0]["overdue_held"] == 2
    login(client, world.inspector)
    assert "会期已过未召开" in client.get(reverse("oversight:dashboard")).content.decode()
    reminders.run()
    assert Notification.objects.filter(user=world.secretary, key=f"obligation.{Obligation.objects.get(meeting=late, kind='held').pk}", kind="overdue").exists()
    with django_capture_on_commit_callbacks(execute=True):
        Sitting.objects.create(
            meeting=late, kind=SittingKind.GENERAL, order=1, status=SittingStatus.CLOSED, date=datetime.date(year, 9, 10), place="党员活动室"
        )
        hooks.meeting_changed(late.pk)
    held = Obligation.objects.get(meeting=late, kind="held")
    assert held.done_on == datetime.date(year, 9, 10)  # held, late: no longer open
    assert counts.from_rollups(world.district)[0]["overdue_held"] == counts.live(world.district)[0]["overdue_held"] == 1
