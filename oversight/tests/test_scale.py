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
