"""generate_scale (issue 11 item 1) on a small scale: a valid treebeard tree, every stage of both
kinds, rollups equal to live counts."""

from django.core.management import call_command

from meetings.models import Meeting
from organizations.models import Organization
from oversight import counts, scale
from oversight.models import Obligation


def test_generated_tree_is_valid_and_counts_agree(db):
    result = scale.build(1_600, 2, log=lambda s: None)  # 2 districts → one city root
    root = Organization.objects.get(pk=result["root_id"])
    assert Organization.objects.filter(kind="branch").count() == 1_600
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    assert Organization.objects.get_descendant_count(root) == Organization.objects.count() - 1
    stages = set(Meeting.objects.values_list("kind", "stage").distinct())
    assert {(k, s) for k in ("org_life", "democratic_life") for s in scale.STAGES} <= stages
    assert Obligation.objects.filter(done_on__isnull=True).exists()
    live, _ = counts.live(root)
    rolled, _, _ = counts.from_rollups(root)
    assert live == rolled
    assert live["items_open"] and live["items_overdue"] and live["items_closed"]


def test_command_with_explicit_size(db):
    call_command("generate_scale", "--branches", "40", "--members-per-branch", "2")
    assert Organization.objects.filter(kind="branch").count() == 40


def test_province_shape_at_small_size(db):
    """`generate_scale --preset province --branches N`: the province's tree (province root →
    cities → districts → committees → branches) with few branches, the rollups equal to live
    counts at the province root and at a city (the province preset's code paths, in seconds)."""
    branches, members, per_district = scale.shape_of("province", 40)
    assert (branches, members, per_district) == (40, 20, 1)
    result = scale.build(branches, 1, log=lambda s: None, branches_per_district=per_district)
    root = Organization.objects.get(pk=result["root_id"])
    cities = list(Organization.objects.get_children(root))
    assert root.depth == 1 and len(cities) == 3  # 40 districts, 15 a city
    assert Organization.objects.filter(kind="branch").count() == 40
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    for org in (root, cities[0]):
        live, live_children = counts.live(org)
        rolled, rolled_children, _ = counts.from_rollups(org)
        assert live == rolled

        def nonzero(children):
            return {k: v for k, v in children.items() if any(v.values())}

        assert nonzero(live_children) == nonzero(rolled_children)
