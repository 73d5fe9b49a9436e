"""The tree's queries and the demo district (issue 3 items 2 and 6)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.choices import OrgKind, Sector
from organizations.models import LeadingTeam, Member, Organization
from tests.factories import make_org


def test_subtree_and_ancestors_are_one_query_each(world):
    for _ in range(20):
        make_org(world.p1)
    with CaptureQueriesContext(connection) as ctx:
        subtree = list(Organization.objects.subtree_of(world.p1))
        ancestors = list(world.b1.ancestors())
    assert len(ctx.captured_queries) == 2
    assert world.b1 in subtree and world.b3 not in subtree
    assert [a.pk for a in ancestors] == [world.district.pk, world.p1.pk]


def test_descendant_query_uses_the_path_index_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN format checked on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = Organization.objects.subtree_of(world.p1).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "org_path_prefix" in plan or "Index" in plan, plan


@pytest.mark.django_db
def test_load_demo_is_deterministic_idempotent_and_complete():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    first = sorted(Member.objects.values_list("id_number_index", "name"))
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert sorted(Member.objects.values_list("id_number_index", "name")) == first
    assert 140 <= len(first) <= 170
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert {OrgKind.DISTRICT_COMMITTEE, OrgKind.PARTY_COMMITTEE, OrgKind.PARTY_GROUP, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH} <= kinds
    assert Organization.objects.filter(kind__in=[OrgKind.PARTY_COMMITTEE, OrgKind.PARTY_GROUP]).count() >= 3
    branches = Organization.objects.filter(kind=OrgKind.BRANCH)
    assert branches.count() >= 8
    assert {True, False} <= set(branches.values_list("has_committee", flat=True))
    sectors = set(branches.values_list("sector", flat=True))
    assert {Sector.DISTRICT_ORGAN, Sector.PUBLIC_INSTITUTION, Sector.SUBDISTRICT, Sector.STATION, Sector.SCHOOL, Sector.COMMUNITY, Sector.OTHER} <= sectors
    for flag in ("is_probationary", "is_leading_cadre", "is_elderly_or_infirm", "is_mobile", "is_in_difficulty"):
        assert Member.objects.filter(**{flag: True}).exists(), flag
    assert Member.objects.filter(is_mobile=True, flow_direction="in").exists()
    assert Member.objects.filter(is_mobile=True, flow_direction="out").exists()
    team = LeadingTeam.objects.get()
    assert team.current_memberships().count() == 7 and team.main_leader is not None
    from django.contrib.auth import get_user_model

    roles = set(get_user_model().objects.values_list("role_assignments__role", flat=True))
    assert {"reviewer", "inspector", "operator", "sysadmin", "secadmin", "auditadmin"} <= roles
