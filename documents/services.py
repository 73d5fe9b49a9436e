"""State changes of the documents app (templates are in `documents.templates`)."""

from __future__ import annotations

from django.db import transaction

from accounts.permissions import require
from audit.services import record
from core.errors import DomainError


def start_batch(organization, *, meeting_kind: str, year: int, actor):
    """A superior asks for the ZIP of its subtree's reports; the task runs after the commit."""
    from meetings.choices import MeetingKind

    from .models import BatchJob, BatchStatus
    from .tasks import build_batch

    acting = require(actor, "document.batch", organization)
    if meeting_kind not in MeetingKind.values:
        raise DomainError("请选择会议类型。")
    if not 2000 <= int(year) <= 2100:
        raise DomainError("年度不正确。")
    with transaction.atomic():
        running = BatchJob.objects.filter(organization=organization, requested_by=actor, status__in=(BatchStatus.QUEUED, BatchStatus.RUNNING)).exists()
        if running:
            raise DomainError("已有一个打包任务正在进行，请等待完成后再申请。")
        job = BatchJob.objects.create(organization=organization, meeting_kind=meeting_kind, year=year, requested_by=actor)
        record(acting, organization, job, "document_batch.requested", {"kind": meeting_kind, "year": year})
        transaction.on_commit(lambda: build_batch.enqueue(job.pk))
    return job
