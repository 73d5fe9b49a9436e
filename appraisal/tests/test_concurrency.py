"""Concurrent submissions on PostgreSQL: real transactions in threads (skipped on SQLite,
which serializes writers). Also shows the `xmin` link the closing reshuffle removes."""

import threading

import pytest
from django.db import connection, connections

from appraisal import services
from appraisal.models import Ballot, VotingRight
from core.errors import DomainError
from organizations.models import Member

from .factories import all_grades, open_appraisal

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real concurrency"),
]


def _race(calls):
    """Run the callables at the same moment in threads; return their outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(i, fn):
        try:
            barrier.wait()
            fn()
            outcomes[i] = "ok"
        except DomainError as exc:
            outcomes[i] = exc.message
        except Exception as exc:  # noqa: BLE001 - reported to the test
            outcomes[i] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_two_concurrent_requests_of_one_voter_store_exactly_one_ballot(world):
    appraisal = open_appraisal(world)
    grades = all_grades(appraisal)
    outcomes = _race([lambda: services.cast_ballot(appraisal, actor=world.member, grades=grades)] * 2)
    assert sorted(outcomes) == sorted(["ok", "您已经投过票了，每人只能投一次。"])
    assert Ballot.objects.filter(appraisal=appraisal).count() == 1
    assert VotingRight.objects.filter(appraisal=appraisal, used=True).count() == 1


def test_two_concurrent_posts_through_the_web_store_exactly_one_ballot(world):
    from django.test import Client

    appraisal = open_appraisal(world)
    data = {f"g{pk}": g for pk, g in all_grades(appraisal).items()}
    statuses = []

    def post():
        client = Client()
        client.force_login(world.member)
        statuses.append(client.post(f"/appraisal/{appraisal.pk}/ballot/", data).status_code)

    assert _race([post, post]) == ["ok", "ok"]
    assert sorted(statuses) == [200, 302]  # the refused one re-renders the page with the message
    assert Ballot.objects.filter(appraisal=appraisal).count() == 1


def test_many_voters_at_once_each_store_one_ballot_and_closing_waits_for_them(world):
    appraisal = open_appraisal(world, extra=9)
    voters = [m.user for m in Member.objects.filter(organization=world.b1)]
    grades = all_grades(appraisal)
    outcomes = _race([(lambda u=u: services.cast_ballot(appraisal, actor=u, grades=grades)) for u in voters] * 2)
    assert outcomes.count("ok") == len(voters)
    assert Ballot.objects.filter(appraisal=appraisal).count() == len(voters)
    closed = services.close_voting(appraisal, actor=world.secretary)
    assert closed.ballots_cast == len(voters)


def test_closing_erases_the_transaction_id_link_between_ballots_and_rights(world):
    """While voting is open, a ballot and the right it consumed share `xmin` (same transaction);
    after closing, every ballot and every right carries the closing transaction's id."""
    appraisal = open_appraisal(world)
    for user in (world.secretary, world.committee_member, world.member):
        services.cast_ballot(appraisal, actor=user, grades=all_grades(appraisal))
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM appraisal_ballot WHERE appraisal_id = %s", [appraisal.pk])
        ballot_xids = {r[0] for r in cursor.fetchall()}
        cursor.execute("SELECT xmin::text FROM appraisal_votingright WHERE appraisal_id = %s AND used", [appraisal.pk])
        right_xids = {r[0] for r in cursor.fetchall()}
    assert len(ballot_xids) == 3 and ballot_xids == right_xids  # the threat, demonstrated
    services.close_voting(appraisal, actor=world.secretary)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT xmin::text FROM appraisal_ballot WHERE appraisal_id = %s UNION SELECT DISTINCT xmin::text FROM appraisal_votingright WHERE appraisal_id = %s",
            [appraisal.pk, appraisal.pk],
        )
        after = {r[0] for r in cursor.fetchall()}
    assert len(after) == 1 and after.isdisjoint(ballot_xids)
