"""current_for(): the nearest ancestor's choice wins, found in one query (database)."""

import pytest

from rulebook import engine
from rulebook.models import RulebookChoice
from rulebook.selection import ancestor_paths
from tests.factories import make_org

pytestmark = pytest.mark.django_db


def test_default_when_nobody_chose(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert engine.current_for(world.b1).slug == "district-2024"


def test_nearest_ancestor_wins_in_one_query(world, django_assert_num_queries):
    RulebookChoice.objects.create(organization=world.district, slug="national-baseline")
    RulebookChoice.objects.create(organization=world.p1, slug="district-2024")
    deep = make_org(world.b1.__class__.objects.get(pk=world.p1.pk))
    with django_assert_num_queries(1):
        assert engine.current_for(world.b1).slug == "district-2024"  # P1's choice
    with django_assert_num_queries(1):
        assert engine.current_for(world.b3).slug == "national-baseline"  # the district's
    assert engine.current_for(deep).slug == "district-2024"
    assert engine.current_for(world.district).slug == "national-baseline"


def test_own_choice_beats_the_ancestors(world):
    RulebookChoice.objects.create(organization=world.p1, slug="district-2024")
    RulebookChoice.objects.create(organization=world.b1, slug="national-baseline")
    assert engine.current_for(world.b1).slug == "national-baseline"
    assert engine.current_for(world.b2).slug == "district-2024"


def test_ancestor_paths_come_from_the_materialized_path(world):
    paths = ancestor_paths(world.b1)
    assert paths == [world.district.path, world.p1.path, world.b1.path]


def test_current_for_returns_the_latest_version(world):
    rb = engine.current_for(world.b1)
    assert rb.version == engine.versions("district-2024")[-1]
