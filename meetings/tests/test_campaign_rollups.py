"""OL-1.2: a campaign launch shows on the superior's dashboard at once — the rollups are
refreshed for the whole subtree in one go after the bulk insert, not one hook call per meeting
and not only at the daily rebuild."""

import datetime

import pytest
from django.db import connection

from meetings.services import campaign as campaigns
from meetings.services.meeting import create_meeting
from oversight import counts, rollups
from oversight.models import OrgRollup
from oversight.tests.factories import bulk_branches

pytestmark = pytest.mark.django_db
W0, W1 = datetime.date(2026, 11, 1), datetime.date(2027, 1, 31)
# The whole launch, the commit callbacks included, for 10 branches or 100.
LAUNCH_QUERIES = 33


def _launch(org, actor):
    return campaigns.launch_campaign(
        org, kind="org_life", year=2026, half="year_end", theme="学思想、强党性", window_start=W0, window_end=W1, readings=["党章"], actor=actor
    )


def _same(root):
    live_totals, live_children = counts.live(root)
    roll_totals, roll_children, _ = counts.from_rollups(root)
    assert roll_totals == live_totals, root
    for path, values in live_children.items():
        assert roll_children.get(path, counts.empty()) == values, (root, path)
    return roll_totals


@pytest.mark.parametrize("n", [10, 100])
def test_OL_1_2_launch_updates_the_dashboard_rollups_in_bulk(world, n, django_capture_on_commit_callbacks, django_assert_max_num_queries, monkeypatch):
    # Django splits an SQLite bulk insert at 999 parameters (about 49 meetings); the SQLite in use
    # takes 32,766, so lift the cap: the count below is then the launch's own, as on PostgreSQL.
    if connection.vendor == "sqlite":
        monkeypatch.setattr(connection.features, "max_query_params", 32766)
    create_meeting(world.b2, kind="org_life", year=2026, half="year_end", actor=world.outsider)  # started on its own
    create_meeting(world.b3, kind="org_life", year=2026, half="mid_year", actor=world.b3_secretary)  # elsewhere in the district
    branches = bulk_branches(world.p1, n)
    rollups.rebuild()
    before = OrgRollup.objects.get(organization=world.district).ol_planning
    with django_assert_max_num_queries(LAUNCH_QUERIES), django_capture_on_commit_callbacks(execute=True):
        _, created = _launch(world.p1, world.reviewer)
    assert created == n + 1  # the bulk branches and B1; B2 had its own meeting
    totals = {}
    for root in (world.district, world.p1, world.p2, world.b1, world.b2):
        totals[root.pk] = _same(root)
    assert totals[world.district.pk]["ol_planning"] == before + n + 1
    assert totals[world.p1.pk]["ol_planning"] == n + 2 and totals[world.p2.pk]["ol_planning"] == 1
    one = OrgRollup.objects.get(organization_id=branches[0].pk)
    assert (one.ol_planning, one.own) == (1, {"ol_planning": 1})
    # a second launch of the same round creates nothing and changes nothing
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert _launch(world.p1, world.reviewer)[1] == 0
    assert callbacks == []
    _same(world.district)


def test_OL_1_2_launch_without_built_rollups_leaves_the_dashboard_live(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert _launch(world.district, world.operator)[1] == 3
    assert not OrgRollup.objects.exists()
    assert counts.from_rollups(world.district) is None  # the dashboard counts live


def test_OL_1_2_subtree_refresh_repairs_a_stale_subtree_and_its_ancestors(world):
    """The bulk refresh recounts, it does not assume: rows made stale by hand are put right."""
    create_meeting(world.b1, kind="org_life", year=2026, half="year_end", actor=world.secretary)
    rollups.rebuild()
    OrgRollup.objects.filter(organization=world.b1).update(ol_planning=7, own={"ol_planning": 7})
    OrgRollup.objects.filter(organization__in=(world.p1, world.district)).update(ol_planning=7)
    assert rollups.refresh_subtree(world.p1)
    assert OrgRollup.objects.get(organization=world.b1).ol_planning == 1
    assert OrgRollup.objects.get(organization=world.p1).ol_planning == 1
    assert OrgRollup.objects.get(organization=world.district).ol_planning == 1
    assert not rollups.refresh_subtree(world.p1)  # nothing left to change


def test_OL_1_2_launch_reaches_branches_created_after_the_last_rebuild(world, django_capture_on_commit_callbacks):
    rollups.rebuild()
    new = bulk_branches(world.p2, 3)  # no rollup rows yet: the subtree's rows are rewritten
    with django_capture_on_commit_callbacks(execute=True):
        assert _launch(world.district, world.operator)[1] == 6
    for root in (world.district, world.p1, world.p2):
        _same(root)
    assert OrgRollup.objects.get(organization_id=new[0].pk).ol_planning == 1
    assert OrgRollup.objects.get(organization=world.district).ol_planning == 6
