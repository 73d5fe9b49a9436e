"""Anonymity in the data, not the view (issue 7 §3; docs/anonymity.md).

The schema tests fail as soon as anyone adds a model, column or relation that could tie a
ballot to the person who cast it."""

import uuid

import pytest
from django.apps import apps
from django.db import connection, models

from appraisal import services
from appraisal.choices import Grade
from appraisal.models import Appraisal, Appraisee, Ballot, Tally, VotingRight
from audit.models import AuditEntry

from .factories import all_grades, open_appraisal

BALLOT_MODELS = (Ballot,)
# The only relation that may touch a ballot: it belongs to its appraisal. Nothing names a voter,
# and nothing points at a ballot.
ALLOWED_EDGES = {("appraisal.ballot", "appraisal", "appraisal.appraisal")}
ALLOWED_COLUMNS = {
    Ballot: {"id", "appraisal_id", "grades"},
    Tally: {"id", "appraisee_id", "grade", "count"},
    VotingRight: {"id", "appraisal_id", "member_id", "used", "channel"},
    Appraisee: {"id", "appraisal_id", "member_id", "name", "is_probationary", "position"},
}


def _edges():
    """Every relation field in the project whose one end is a ballot model."""
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created and not field.concrete:
                continue
            target = field.related_model
            if target is None:  # GenericForeignKey: checked below
                continue
            if model in BALLOT_MODELS or target in BALLOT_MODELS:
                found.add((model._meta.label_lower, field.name, target._meta.label_lower))
    return found


def test_no_model_links_a_ballot_to_a_user_or_a_member():
    assert _edges() == ALLOWED_EDGES, "a relation to or from a ballot was added: it must never name the voter (docs/anonymity.md)"
    user_model = apps.get_model("accounts", "User")
    member_model = apps.get_model("organizations", "Member")
    for model in BALLOT_MODELS:
        for field in model._meta.get_fields():
            assert getattr(field, "related_model", None) not in (user_model, member_model), f"{model.__name__}.{field.name}"


def test_no_generic_relation_can_point_at_ballots():
    from django.contrib.contenttypes.fields import GenericForeignKey

    generic = [(m._meta.label, f.name) for m in apps.get_models() for f in m._meta.private_fields if isinstance(f, GenericForeignKey)]
    assert generic == [], "a generic relation could reference a ballot; review it against docs/anonymity.md"


def test_ballot_columns_and_participation_columns_are_exactly_these():
    """No timestamp, no sequence, no user or session on a ballot; no time or ballot on a right."""
    for model, allowed in ALLOWED_COLUMNS.items():
        assert {f.column for f in model._meta.concrete_fields} == allowed, model.__name__
    for model in BALLOT_MODELS:
        pk = model._meta.pk
        assert isinstance(pk, models.UUIDField) and pk.default is uuid.uuid4, "ballot ids are random UUIDs, never sequential"
        assert not model._meta.ordering, "no default ordering on ballots"


@pytest.mark.django_db
def test_database_tables_match_the_models():
    """The same check against the live schema, so a hand-written migration cannot slip a column in."""
    with connection.cursor() as cursor:
        for model, allowed in ALLOWED_COLUMNS.items():
            columns = {c.name for c in connection.introspection.get_table_description(cursor, model._meta.db_table)}
            assert columns == allowed, model._meta.db_table
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            relations = connection.introspection.get_relations(cursor, table)
            for column, (_target_column, target_table) in relations.items():
                assert target_table != Ballot._meta.db_table, f"{table}.{column} references ballots"


@pytest.mark.django_db
def test_the_audit_trail_says_only_that_a_ballot_was_cast(world, client):
    appraisal = open_appraisal(world)
    client.force_login(world.member)
    data = {f"g{pk}": g for pk, g in all_grades(appraisal).items()}
    response = client.post(f"/appraisal/{appraisal.pk}/ballot/", data, REMOTE_ADDR="10.1.2.3", follow=True)
    assert "已匿名提交" in response.content.decode()
    entry = AuditEntry.objects.get(action="appraisal.ballot_cast")
    assert entry.actor_id is None and entry.actor_label == "系统" and entry.role == ""
    assert (entry.object_type, entry.object_id) == ("appraisal.appraisal", str(appraisal.pk))
    assert entry.data == {} and entry.ip == "" and entry.request_id == ""
    ballot = Ballot.objects.get()
    ids = {str(ballot.pk), ballot.pk.hex}
    for other in AuditEntry.objects.all():
        text = f"{other.object_id} {other.object_repr} {other.data}"
        assert not any(i in text for i in ids)
        assert other.object_type not in ("appraisal.ballot", "appraisal.ballotmark")
    page = response.content.decode()
    assert not any(i in page for i in ids)
    assert "测评票" not in str(dict(client.session))


@pytest.mark.django_db
def test_closing_rewrites_ballots_with_new_ids_in_a_new_order_and_keeps_the_votes(world):
    appraisal = open_appraisal(world)
    target = Appraisee.objects.get(appraisal=appraisal, member=world.member_member)
    for user, grade in ((world.secretary, Grade.EXCELLENT), (world.committee_member, Grade.QUALIFIED), (world.member, Grade.BASICALLY_QUALIFIED)):
        services.cast_ballot(appraisal, actor=user, grades=all_grades(appraisal, overrides={target.pk: grade}))
    before_ids = set(Ballot.objects.values_list("pk", flat=True))
    before = sorted(Ballot.objects.values_list("grades", flat=True))
    rights_before = sorted(VotingRight.objects.values_list("member_id", "used", "channel"))
    services.close_voting(appraisal, actor=world.secretary)
    after_ids = set(Ballot.objects.values_list("pk", flat=True))
    assert before_ids.isdisjoint(after_ids)
    assert sorted(Ballot.objects.values_list("grades", flat=True)) == before
    assert sorted(VotingRight.objects.values_list("member_id", "used", "channel")) == rights_before
    assert Ballot.objects.count() == 3
    assert Appraisal.objects.get(pk=appraisal.pk).ballots_cast == 3
    counts = {(t.appraisee_id, t.grade): t.count for t in Tally.objects.all()}
    assert counts[(target.pk, Grade.EXCELLENT)] == counts[(target.pk, Grade.QUALIFIED)] == counts[(target.pk, Grade.BASICALLY_QUALIFIED)] == 1
