"""`permission_set` (one pass over the grants, for templates) answers as `has_perm` code by code."""

import pytest

from accounts.permissions import PERMISSIONS, has_perm, permission_set

pytestmark = pytest.mark.django_db


def test_permission_set_equals_has_perm_for_every_code(world):
    personas = ["secretary", "committee_member", "member", "outsider", "reviewer", "reviewer2", "inspector", "inspector_org", "operator"]
    places = [world.district, world.p1, world.p2, world.b1, world.b2, world.b3]
    sizes = set()
    for persona in personas:
        user = getattr(world, persona)
        for org in places:
            expected = frozenset(code for code in PERMISSIONS if has_perm(user, code, org))
            assert permission_set(user, org) == expected, (persona, org.name)
            sizes.add(len(expected))
    assert 0 in sizes and len(sizes) > 3  # outside their scope people hold nothing; inside, different sets
