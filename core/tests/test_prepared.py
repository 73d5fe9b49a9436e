"""`core.prepared.Prepared` gives what the queryset gives: same rows, same Python values (dates,
decimals, booleans, JSON, annotations), for each new parameter value, one query per call."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q

from core.prepared import PREFIX, SMALL, Prepared, together
from meetings.models import Opinion, SelfExamination, StudySession
from meetings.tests.factories_materials import make_material, make_meeting, make_opinion
from organizations.models import Member, Organization, Position
from tests.factories import make_member, make_position

pytestmark = pytest.mark.django_db


def _opinions(meeting):
    return (
        Opinion.objects.filter(meeting_id=meeting, merged_into__isnull=True)
        .annotate(in_exam=Exists(SelfExamination.answered_opinions.through.objects.filter(opinion_id=OuterRef("pk"))))
        .values("id", "target", "target_member_id", "received_on", "is_vague", "in_exam")
    )


def test_rows_equal_the_querysets_for_each_parameter_value(world):
    first, second = make_meeting(world.b1), make_meeting(world.b3)
    member = make_member(world.b1, name="王党员")
    answered = make_opinion(first, member=member)
    make_opinion(first, content="第二条意见")
    make_opinion(second, content="别的会议的意见")
    material = make_material(first, member)
    material.answered_opinions.add(answered)
    StudySession.objects.create(meeting=first, form="concentrated", title="集中学习", date=datetime.date(2026, 3, 2), hours=Decimal("2.5"))

    opinions = Prepared(_opinions, meeting=int)
    sessions = Prepared(lambda meeting: StudySession.objects.filter(meeting_id=meeting).values("id", "date", "hours"), meeting=int)
    for meeting in (first, second):
        assert opinions.rows(meeting=meeting.pk) == list(_opinions(meeting.pk))
        assert sessions.rows(meeting=meeting.pk) == list(StudySession.objects.filter(meeting_id=meeting.pk).values("id", "date", "hours"))
    rows = opinions.rows(meeting=first.pk)
    assert {r["id"]: r["in_exam"] for r in rows} == {o.pk: o.pk == answered.pk for o in Opinion.objects.filter(meeting=first)}
    assert isinstance(rows[0]["received_on"], datetime.date) and isinstance(rows[0]["in_exam"], bool)
    assert sessions.rows(meeting=first.pk)[0]["hours"] == Decimal("2.5")


def test_dates_tuples_flat_and_aggregates(world):
    today = datetime.date(2026, 6, 1)
    old = make_member(world.b1, name="卸任委员")
    make_position(world.b1, old, "committee_member")
    Position.objects.filter(member=old).update(ended_on=datetime.date(2026, 1, 1))

    def current(org, today):
        return Position.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today), organization_id=org, started_on__lte=today).values_list(
            "member_id", "kind"
        )

    positions = Prepared(current, org=int, today=datetime.date)
    for day in (today, datetime.date(2025, 6, 1)):
        assert sorted(positions.tuples(org=world.b1.pk, today=day)) == sorted(current(world.b1.pk, day))
    names = Prepared(lambda org: Member.objects.filter(organization_id=org).order_by("name").values_list("name", flat=True), org=int)
    assert names.flat(org=world.b1.pk) == list(Member.objects.filter(organization_id=world.b1.pk).order_by("name").values_list("name", flat=True))
    counted = Prepared(lambda kind: Organization.objects.filter(kind=kind).values("kind").annotate(n=Count("pk")).order_by(), kind=str)
    assert counted.rows(kind="branch") == [{"kind": "branch", "n": Organization.objects.filter(kind="branch").count()}]


def test_prefix_parameters_are_escaped_like_startswith(world):
    subtree = Prepared(lambda root: Organization.objects.filter(path__startswith=root).order_by("path").values_list("pk", flat=True), root=PREFIX)
    for org in (world.district, world.p1, world.b1):
        assert subtree.flat(root=org.path) == list(Organization.objects.filter(path__startswith=org.path).order_by("path").values_list("pk", flat=True))
    assert subtree.flat(root="%") == []  # a LIKE wildcard in the value is a literal, as in the ORM


def test_one_query_per_call_and_the_sql_is_compiled_once(world, django_assert_num_queries):
    members = Prepared(lambda org: Member.objects.filter(organization_id=org).values("id"), org=int)
    members.rows(org=world.b1.pk)
    compiled = members.compiled()
    with django_assert_num_queries(1):
        members.rows(org=world.b2.pk)
    assert members.compiled() is compiled


def test_a_parameter_the_query_does_not_use_is_refused(world):
    unused = Prepared(lambda org, today: Member.objects.filter(organization_id=org).values("id"), org=int, today=datetime.date)
    with pytest.raises(ImproperlyConfigured):
        unused.rows(org=world.b1.pk, today=datetime.date(2026, 1, 1))
    with pytest.raises(ImproperlyConfigured):
        Prepared(lambda org: Member.objects.filter(organization_id=org), org=int).rows(org=world.b1.pk)  # a model queryset: objects()


def test_model_instances_with_select_related_and_annotations_equal_the_querysets(world, django_assert_num_queries):
    """`objects()`: the instances `list(qs)` gives, their select_related rows (a forward FK, a null
    FK, reverse one-to-ones present and absent) cached, annotations set; one query in all."""
    from meetings.models import Commentary, Meeting, Reading

    with_commentary, without = make_meeting(world.b1), make_meeting(world.b3)
    Commentary.objects.create(meeting=with_commentary, author=make_member(world.p1, user=True).user, on_preparation="准备充分")
    Reading.objects.create(meeting=with_commentary, title="必读篇目一")
    Reading.objects.create(meeting=with_commentary, title="必读篇目二")

    def build(meeting):
        return (
            Meeting.objects.select_related("organization", "campaign", "commentary", "closing")
            .annotate(reading_n=Count("readings", distinct=True))
            .filter(pk=meeting)
        )

    meetings = Prepared(build, meeting=int)
    for meeting in (with_commentary, without):
        expected = list(build(meeting.pk))
        readings = Reading.objects.filter(meeting=meeting).count()
        with django_assert_num_queries(1):
            got = meetings.objects(meeting=meeting.pk)
            assert [m.pk for m in got] == [m.pk for m in expected]
            m, e = got[0], expected[0]
            assert {f.attname: getattr(m, f.attname) for f in Meeting._meta.concrete_fields} == {
                f.attname: getattr(e, f.attname) for f in Meeting._meta.concrete_fields
            }
            assert m.organization == e.organization and m.organization.path == e.organization.path
            assert m.campaign is None and m.reading_n == e.reading_n == readings == (2 if meeting is with_commentary else 0)
            assert not m._state.adding and m._state.db == "default"
            if meeting is with_commentary:
                assert m.commentary.on_preparation == "准备充分" and m.commentary.meeting is m
            else:
                with pytest.raises(Commentary.DoesNotExist):
                    _ = m.commentary
    assert meetings.objects(meeting=0) == []
    with pytest.raises(ImproperlyConfigured):
        meetings.rows(meeting=without.pk)
    with pytest.raises(ImproperlyConfigured):
        Prepared(lambda org: Member.objects.filter(organization_id=org).values("id"), org=int).objects(org=world.b1.pk)


def test_small_integer_parameters_for_year_columns(world):
    """A year column is a small integer: the ORM compiles the far-off `int` sentinel to nothing on
    PostgreSQL (out of range), so such parameters take the SMALL kind."""
    from meetings.models import Meeting

    this_year = make_meeting(world.b1)
    make_meeting(world.b1, year=this_year.year - 1)
    by_year = Prepared(lambda org, year: Meeting.objects.filter(organization_id=org, year=year).values_list("pk", flat=True), org=int, year=SMALL)
    for year in (this_year.year, this_year.year - 1, 1999):
        assert by_year.flat(org=world.b1.pk, year=year) == list(Meeting.objects.filter(organization_id=world.b1.pk, year=year).values_list("pk", flat=True))
    assert by_year.flat(org=world.b1.pk, year=this_year.year) == [this_year.pk]


def test_together_answers_each_read_as_alone_in_one_round_trip_on_postgresql(world, django_assert_num_queries):
    """`together` fetches several reads at once on PostgreSQL (joined statements, `nextset`) and
    answers each call from them: same rows, same Python values (dates, decimals, JSON, model
    instances), each result used once; SQLite runs each read as usual."""
    first = make_meeting(world.b1)
    member = make_member(world.b1, name="王党员")
    make_opinion(first, member=member)
    make_material(first, member)
    StudySession.objects.create(meeting=first, form="concentrated", title="集中学习", date=datetime.date(2026, 3, 2), hours=Decimal("2.5"))
    opinions = Prepared(_opinions, meeting=int)
    sessions = Prepared(lambda meeting: StudySession.objects.filter(meeting_id=meeting).values("id", "date", "hours"), meeting=int)
    materials = Prepared(lambda meeting: SelfExamination.objects.filter(meeting_id=meeting).select_related("member"), meeting=int)
    empty = Prepared(lambda meeting: StudySession.objects.filter(meeting_id=meeting).values("id"), meeting=int)
    alone = (opinions.rows(meeting=first.pk), sessions.tuples(meeting=first.pk), materials.objects(meeting=first.pk), empty.flat(meeting=10**9))
    reads = [(opinions, {"meeting": first.pk}), (sessions, {"meeting": first.pk}), (materials, {"meeting": first.pk}), (empty, {"meeting": 10**9})]
    batched = connection.vendor == "postgresql"
    with django_assert_num_queries(1 if batched else 4):
        with together(reads):
            got = (opinions.rows(meeting=first.pk), sessions.tuples(meeting=first.pk), materials.objects(meeting=first.pk), empty.flat(meeting=10**9))
    assert got[0] == alone[0] and got[1] == alone[1] and got[3] == [] and got[1][0][2] == Decimal("2.5")
    assert [(m.pk, m.member.name, m.problems) for m in got[2]] == [(m.pk, m.member.name, m.problems) for m in alone[2]]
    # PostgreSQL: the batch, then the second call (each fetched result answers one call), the call
    # with another value and the call after the block; SQLite: the four calls.
    with django_assert_num_queries(4):
        with together(reads):
            sessions.tuples(meeting=first.pk)
            assert sessions.tuples(meeting=first.pk) == alone[1]
            sessions.tuples(meeting=first.pk + 1)
        assert opinions.rows(meeting=first.pk) == alone[0]  # outside the block: read again


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side statements are PostgreSQL's")
@pytest.mark.django_db(transaction=True)  # the connection is closed and opened again
def test_postgresql_plans_each_read_once_per_connection(world, settings):
    """On PostgreSQL a prepared read runs as `EXECUTE` of a statement declared (`PREPARE`) once per
    connection, as connection setup (not among a request's queries): same rows as the queryset, a
    `LIKE` prefix with a literal `%` kept; a new connection declares it again; with
    `DB_SERVER_STATEMENTS` off the plain SQL runs."""
    from django.test.utils import CaptureQueriesContext

    def declared(name):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [name])
            return cursor.fetchone()[0]

    world_org = Organization.objects.get(pk=world.b1.pk)
    by_prefix = Prepared(lambda prefix: Organization.objects.filter(path__startswith=prefix).order_by("path").values_list("name", flat=True), prefix=PREFIX)
    expected = list(Organization.objects.filter(path__startswith=world_org.path).order_by("path").values_list("name", flat=True))
    with CaptureQueriesContext(connection) as first:
        assert by_prefix.flat(prefix=world_org.path) == expected
        assert by_prefix.flat(prefix="50%_") == []  # % and _ are literal in the prefix
    name = by_prefix.compiled().server[0]
    assert [q["sql"][: len(name) + 9] for q in first.captured_queries] == [f"EXECUTE {name}("] * 2 and declared(name) == 1
    connection.close()
    assert declared(name) == 0  # a new connection holds none
    with CaptureQueriesContext(connection) as again:
        assert by_prefix.flat(prefix=world_org.path) == expected
    assert len(again.captured_queries) == 1 and declared(name) == 1
    settings.DB_SERVER_STATEMENTS = False
    plain = Prepared(lambda prefix: Organization.objects.filter(path__startswith=prefix).values_list("name", flat=True), prefix=PREFIX)
    with CaptureQueriesContext(connection) as off:
        assert sorted(plain.flat(prefix=world_org.path)) == sorted(expected)
    assert off.captured_queries[0]["sql"].startswith("SELECT")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side statements are PostgreSQL's")
@pytest.mark.django_db(transaction=True)  # the failed batch must not leave the test's transaction aborted
def test_a_declaration_failing_part_way_does_not_break_the_connection_later(world):
    """The statements declared before a failing one in the same batch stay on the server
    (PostgreSQL's PREPARE outlives the failure): the connection asks the server what it holds
    before it declares again, instead of failing on them with "already exists" from then on."""
    from django.db import ProgrammingError
    from django.db.models.expressions import RawSQL

    names = Prepared(lambda org: Organization.objects.filter(pk=org).values_list("name", flat=True), org=int)
    broken = Prepared(lambda org: Organization.objects.filter(pk=org).annotate(x=RawSQL("no_such_column", [])).values_list("x", flat=True), org=int)
    reads = [(names, {"org": world.b1.pk}), (broken, {"org": world.b1.pk})]
    with pytest.raises(ProgrammingError), together(reads):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [names.compiled().server[0]])
        assert cursor.fetchone()[0] == 1  # declared by the failed batch
    assert names.flat(org=world.b1.pk) == [world.b1.name]
    with together([(names, {"org": world.b3.pk}), (names, {"org": world.b1.pk})]):
        assert names.flat(org=world.b3.pk) == [world.b3.name]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side statements are PostgreSQL's")
def test_a_read_planned_per_call_is_never_a_server_side_statement(world):
    """`per_call_plan`: the read runs as plain SQL, so PostgreSQL plans it for each call's values
    (a subtree prefix matching one district or a whole province needs different plans), never a
    generic plan of a statement prepared on the connection."""
    from django.test.utils import CaptureQueriesContext

    world_org = Organization.objects.get(pk=world.b1.pk)
    by_prefix = Prepared(
        lambda prefix: Organization.objects.filter(path__startswith=prefix).order_by("path").values_list("name", flat=True), per_call_plan=True, prefix=PREFIX
    )
    expected = list(Organization.objects.filter(path__startswith=world_org.path).order_by("path").values_list("name", flat=True))
    with CaptureQueriesContext(connection) as captured:
        for _ in range(7):  # past the five calls after which a prepared statement may go generic
            assert by_prefix.flat(prefix=world_org.path) == expected
    assert by_prefix.compiled().server is None
    assert all(q["sql"].startswith("SELECT") for q in captured.captured_queries) and len(captured.captured_queries) == 7
