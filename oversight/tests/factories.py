"""Oversight test data: many branches fast (materialized paths computed directly), and a
meeting world with something in every counter."""

import datetime
import itertools

from django.utils import timezone

from organizations.choices import OrgKind
from organizations.models import Organization

_serial = itertools.count(1)


def bulk_branches(parent, n: int) -> list[Organization]:
    """n branches under `parent` in one insert (treebeard MP paths computed as treebeard would)."""
    parent = Organization.objects.get(pk=parent.pk)
    start = parent.numchild
    rows = []
    for i in range(n):
        k = next(_serial)
        rows.append(
            Organization(
                path=Organization._get_path(parent.path, parent.depth + 1, start + i + 1),
                depth=parent.depth + 1,
                numchild=0,
                name=f"批量支部{k}",
                code=f"BULK{k:07d}",
                kind=OrgKind.BRANCH,
            )
        )
    Organization.objects.bulk_create(rows, batch_size=500)
    Organization.objects.filter(pk=parent.pk).update(numchild=start + n)
    return rows


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)
