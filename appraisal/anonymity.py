"""What keeps ballots unlinkable below the ORM (docs/anonymity.md).

PostgreSQL stores rows in insertion order (the heap) and stamps every row with the id of
the transaction that wrote it (`xmin`). A ballot and the voting right it consumed are written
by the same transaction, so while voting is open an operator who reads `xmin` can pair them.
When voting closes, `reshuffle` re-writes every ballot (new random ids, random order) and every
voting right (in member order) in the closing transaction: afterwards all of them carry the
closing transaction's id and an order that says nothing. `vacuum` then lets PostgreSQL drop
the dead row versions that still carried the old ids.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict

from django.db import connection

_rng = random.SystemRandom()


def shuffled(items) -> list:
    items = list(items)
    _rng.shuffle(items)
    return items


def reshuffle(appraisal) -> int:
    """Re-write the appraisal's ballots and voting rights (call inside the closing transaction)."""
    from .models import Ballot, BallotMark, VotingRight

    marks = defaultdict(list)
    for ballot_id, appraisee_id, grade in BallotMark.objects.filter(ballot__appraisal=appraisal).values_list("ballot_id", "appraisee_id", "grade"):
        marks[ballot_id].append((appraisee_id, grade))
    groups = shuffled(marks.values())
    BallotMark.objects.filter(ballot__appraisal=appraisal).delete()
    Ballot.objects.filter(appraisal=appraisal).delete()
    new_ballots, new_marks = [], []
    for group in groups:
        ballot = Ballot(id=uuid.uuid4(), appraisal=appraisal)
        new_ballots.append(ballot)
        new_marks.extend(BallotMark(id=uuid.uuid4(), ballot=ballot, appraisee_id=a, grade=g) for a, g in shuffled(group))
    Ballot.objects.bulk_create(new_ballots, batch_size=500)
    BallotMark.objects.bulk_create(new_marks, batch_size=2000)

    rights = list(VotingRight.objects.filter(appraisal=appraisal).order_by("member_id").values("member_id", "used", "channel"))
    VotingRight.objects.filter(appraisal=appraisal).delete()
    VotingRight.objects.bulk_create([VotingRight(appraisal=appraisal, **r) for r in rights], batch_size=1000)
    return len(new_ballots)


def vacuum() -> None:
    """Reclaim the dead row versions left by `reshuffle` (PostgreSQL; outside a transaction)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    from .models import Ballot, BallotMark, VotingRight

    with connection.cursor() as cursor:
        for model in (Ballot, BallotMark, VotingRight):
            cursor.execute(f"VACUUM {model._meta.db_table}")
