"""The meeting page's query count: pinned, and independent of the number of members and of
their materials this year and last year (perf pass, issue 11 item 2)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import prepared
from meetings import snapshot
from meetings.choices import Stage
from meetings.models import Commentary, Plan
from tests.factories import make_member

from .factories_materials import make_material, make_meeting, make_opinion

pytestmark = pytest.mark.django_db

# Before the perf pass: 66 with these 14 members (the previous year's materials were read one query
# each, so the count grew with the roster); 53 on the district dataset (one material), then 43; 30
# since the meeting, its one-to-one records (report, circular, appraisal) and the latest opinion
# summary are one read shared by the page and the snapshot, the grants' three office reads one,
# the roster's offices ride on the members' read and last year's materials on this year's.
MEETING_PAGE_QUERIES = 30
# On PostgreSQL the reads whose parameters are known up front go in one round trip
# (`core.prepared.together`): the grants' two, the snapshot's and its contributors' ~20.
MEETING_PAGE_ROUND_TRIPS_POSTGRESQL = 9


def _meeting(world):
    year = timezone.localdate().year
    last = make_meeting(world.b1, year=year - 1, stage=Stage.CLOSED)
    meeting = make_meeting(world.b1, year=year, stage=Stage.PREPARING)
    Plan.objects.create(meeting=meeting, status="approved", scheduled_date=meeting.scheduled_date)
    return last, meeting


def _grow(world, last, meeting, n, start):
    for i in range(start, start + n):
        member = make_member(world.b1, name=f"党员{i}")
        make_material(last, member, problems=f"去年第{i}条问题")
        make_material(meeting, member, problems=f"今年第{i}条问题：学习不够深入")
        make_opinion(meeting, content=f"第{i}条意见", member=member)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_meeting_page_queries_pinned_and_flat(world, client, django_assert_max_num_queries):
    last, meeting = _meeting(world)
    client.force_login(world.secretary)
    url = reverse("meetings:detail", args=[meeting.pk])
    _grow(world, last, meeting, 2, 0)
    client.get(url)  # warm the caches (rulebook, grants)
    small = _count(client, url)
    _grow(world, last, meeting, 12, 2)
    with django_assert_max_num_queries(MEETING_PAGE_ROUND_TRIPS_POSTGRESQL if connection.vendor == "postgresql" else MEETING_PAGE_QUERIES):
        client.get(url)
    assert _count(client, url) == small


def test_snapshot_read_together_equals_the_snapshot_read_one_by_one(world, monkeypatch):
    """Fetching the builder's reads ahead (`_ahead`, one round trip on PostgreSQL) changes nothing
    in the snapshot: the same value as reading each table when its turn comes."""
    from meetings.models import GateOverride

    last, meeting = _meeting(world)
    _grow(world, last, meeting, 3, 0)
    GateOverride.objects.create(meeting=meeting, rule_id="OL-2.1.c", reason="上级书面同意", by=world.secretary, role="reviewer")
    snapshot.build(meeting)  # compiles every read, so the next build has them all to fetch ahead
    assert len(snapshot._ahead(snapshot.load(meeting.pk), timezone.localdate())) >= 15
    together = snapshot.build(snapshot.load(meeting.pk))
    monkeypatch.setattr(snapshot, "_ahead", lambda m, today: [])
    one_by_one = snapshot.build(snapshot.load(meeting.pk))
    assert together == one_by_one
    assert len(together.self_exams) == 3 and len(together.opinions) == 3 and together.overrides == frozenset({"OL-2.1.c"})


def test_contributors_records_come_with_the_meeting(world, django_assert_max_num_queries):
    """The report, 通报 and appraisal (`with_meeting`) are read in the meeting's own query: the
    snapshot of a meeting that has all three gives what the contributors read alone give."""
    from appraisal.snapshot import contribute as appraisal_part
    from appraisal.tests.factories import make_appraisal
    from rectification import report_services
    from rectification.models import Circular
    from rectification.snapshot import contribute as rectification_part

    meeting = make_appraisal(world.b1).meeting
    report_services.report_for(meeting)
    Circular.objects.create(meeting=meeting, organization=world.b1, status="draft", scope="全体党员", form="会议通报")
    loaded = snapshot.load(meeting.pk)
    with django_assert_max_num_queries(0):
        assert loaded.report.meeting_id == loaded.circular.meeting_id == loaded.appraisal.meeting_id == meeting.pk
    snap = snapshot.build(loaded)
    alone = {**rectification_part(meeting), **appraisal_part(meeting)}
    assert snap.report == alone["report"] and snap.report is not None
    assert snap.circular == alone["circular"] and snap.circular.scope == "全体党员"
    assert snap.appraisal == alone["appraisal"] and snap.appraisal.exists


def test_snapshot_reads_one_to_one_records_and_counts_with_the_meeting(world, django_assert_max_num_queries):
    """The builder's plan, commentary, closing, reading and observer counts come with the meeting
    row; the values are those of the records."""
    last, meeting = _meeting(world)
    Commentary.objects.create(meeting=meeting, author=world.secretary, on_preparation="准备充分", guidance=["意见一", ""])
    snap = snapshot.build(meeting)
    assert snap.plan.status == "approved"
    assert snap.commentary is not None and snap.commentary.has_preparation and snap.commentary.guidance_count == 1
    assert snap.closing is None
    assert snap.observers == 0 and snap.reading_count == 0


def test_builder_skips_self_exams_a_contributor_provides(world, django_assert_num_queries):
    _last, meeting = _meeting(world)
    assert "self_exams" in snapshot._provided()
    with CaptureQueriesContext(connection) as with_contributor:
        snap = snapshot.build(meeting)
    assert isinstance(snap.self_exams, tuple)
    sql = " ".join(q["sql"] for q in with_contributor.captured_queries)
    # on PostgreSQL the log shows `EXECUTE shh_prepared_N(…)`: the statement's SQL stands for it
    sql = re.sub(r"EXECUTE (shh_prepared_\d+)", lambda m: prepared.STATEMENTS[m.group(1)], sql)
    assert sql.count('FROM "meetings_review"') == 1  # the materials contributor's, not the builder's too


def test_history_and_overrides_show_who_in_the_same_query_count(world, client):
    """The page's stage changes and overrides (read through core.prepared with their user) show
    the user, the system for an automatic move, and the override's reason; two more rows of each
    cost no query."""
    from meetings.models import GateOverride, StageChange

    _last, meeting = _meeting(world)
    client.force_login(world.secretary)
    url = reverse("meetings:detail", args=[meeting.pk])
    StageChange.objects.create(meeting=meeting, from_stage="planning", to_stage="preparing", by=world.secretary, findings=[])
    GateOverride.objects.create(meeting=meeting, rule_id="OL-2.1.c", reason="上级书面同意", by=world.secretary, role="reviewer")
    client.get(url)
    before = _count(client, url)
    StageChange.objects.create(meeting=meeting, from_stage="preparing", to_stage="ready", by=None, findings=[])
    GateOverride.objects.create(meeting=meeting, rule_id="OL-2.2.c", reason="已补学", by=world.reviewer, role="reviewer")
    page = client.get(url).content.decode()
    assert _count(client, url) == before
    assert page.count(str(world.secretary)) >= 2 and "系统" in page and str(world.reviewer) in page
    assert "上级书面同意" in page and "已补学" in page


def test_get_meeting_answers_as_the_scoped_query_for_every_persona_and_permission(world, rf):
    """`get_meeting` reads by key and checks `has_perm`; the answer (meeting or 404) must be the one
    `get_visible_or_404` gives with the SQL of `scope_q`, for OWN, SUBTREE and BELOW scopes."""
    from django.http import Http404

    from accounts.scoping import get_visible_or_404
    from meetings.models import Meeting
    from meetings.views.meeting import get_meeting

    meetings = [make_meeting(org) for org in (world.b1, world.b2, world.b3)] + [make_meeting(world.p1, kind="democratic_life")]
    personas = ["secretary", "committee_member", "member", "outsider", "b3_secretary", "reviewer", "reviewer2", "inspector", "operator"]
    agreed = seen = 0
    for persona in personas:
        user = getattr(world, persona)
        for perm in ("meeting.view", "meeting.manage", "plan.approve"):
            for meeting in meetings:
                request = rf.get("/")
                request.user = user
                try:
                    expected = get_visible_or_404(Meeting.objects.all(), user, perm, pk=meeting.pk).pk
                except Http404:
                    expected = None
                try:
                    got = get_meeting(request, meeting.pk, perm).pk
                except Http404:
                    got = None
                assert got == expected, (persona, perm, meeting.organization.name)
                agreed += 1
                seen += expected is not None
    assert seen and seen < agreed  # both answers occur
    request = rf.get("/")
    request.user = world.secretary
    with pytest.raises(Http404):
        get_meeting(request, 10**9)


def test_step_urls_are_the_reversed_urls_under_any_script_prefix(world):
    """`steps.url_of` reverses each step once per process and prefix, then only puts in the pk."""
    from django.urls import set_script_prefix

    from meetings import steps

    try:
        for prefix in ("/", "/shh/"):
            set_script_prefix(prefix)
            for step in steps.STEPS.values():
                for pk in (1, 42, 1234567):
                    assert steps.url_of(step, pk) == reverse(step.url_name, args=[pk])
    finally:
        set_script_prefix("/")


def test_snapshot_reads_the_meeting_again_unless_the_caller_says_it_is_as_read(world):
    """A page reads its meeting with `snapshot.load`; a write later in the same request (a plan
    saved, then submitted) must not leave the rule check on the copy read before it. Only the
    meeting page, which writes nothing, passes `as_read=True`."""
    _last, meeting = _meeting(world)
    loaded = snapshot.load(meeting.pk)
    assert snapshot.build(loaded).plan.has_place is False
    Plan.objects.filter(meeting=meeting).update(place="党员活动室")
    assert snapshot.build(loaded).plan.has_place is True  # read again
    assert snapshot.build(loaded, as_read=True).plan.has_place is False  # the copy, as the caller said
    assert snapshot.build(snapshot.load(meeting.pk), as_read=True).plan.has_place is True
