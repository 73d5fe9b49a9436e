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

from django.db import connection

_rng = random.SystemRandom()


def shuffled(items) -> list:
    items = list(items)
    _rng.shuffle(items)
    return items


def reshuffle(appraisal) -> int:
    """Re-write the appraisal's ballots and voting rights (call inside the closing transaction)."""
    from .models import Ballot, VotingRight

    grades = shuffled(Ballot.objects.filter(appraisal=appraisal).values_list("grades", flat=True))
    Ballot.objects.filter(appraisal=appraisal).delete()
    Ballot.objects.bulk_create([Ballot(id=uuid.uuid4(), appraisal=appraisal, grades=g) for g in grades], batch_size=1000)
    rights = list(VotingRight.objects.filter(appraisal=appraisal).order_by("member_id").values("member_id", "used", "channel"))
    VotingRight.objects.filter(appraisal=appraisal).delete()
    VotingRight.objects.bulk_create([VotingRight(appraisal=appraisal, **r) for r in rights], batch_size=1000)
    return len(grades)


def vacuum() -> None:
    """Reclaim the dead row versions left by `reshuffle` (PostgreSQL; outside a transaction)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    from .models import Ballot, VotingRight

    with connection.cursor() as cursor:
        for model in (Ballot, VotingRight):
            cursor.execute(f"VACUUM {model._meta.db_table}")
