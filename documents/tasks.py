"""The batch ZIP of a subtree's 会议情况报告, built in the background (django-tasks)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks import task

BATCH_DIR = "documents/batch"
PROGRESS_EVERY = 20


def batch_meetings(job):
    from meetings.choices import Stage
    from meetings.models import Meeting

    return (
        Meeting.objects.filter(organization__path__startswith=job.organization.path, kind=job.meeting_kind, year=job.year)
        .exclude(stage__in=(Stage.PLANNING, Stage.PREPARING, Stage.READY))
        .select_related("organization", "leading_team")
        .order_by("organization__path", "pk")
    )


def result_file(job) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / BATCH_DIR / f"{job.uid}.zip"


def run_batch(job_pk: int) -> int:
    """Write the ZIP to private storage, one report per meeting under its organization's name;
    progress is saved every PROGRESS_EVERY meetings so the page can show it. Returns the count."""
    from .kinds import generate, safe_name
    from .models import BatchJob, BatchStatus

    job = BatchJob.objects.select_related("organization").get(pk=job_pk)
    meetings = list(batch_meetings(job))
    BatchJob.objects.filter(pk=job.pk).update(status=BatchStatus.RUNNING, total=len(meetings), done=0)
    path = result_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for n, meeting in enumerate(meetings, 1):
                name, body = generate("situation_report", meeting)
                zf.writestr(f"{safe_name(meeting.organization.name)}/{name}", body)
                if n % PROGRESS_EVERY == 0:
                    BatchJob.objects.filter(pk=job.pk).update(done=n)
            zf.writestr(
                "说明.txt", f"{job.organization.name}{job.year}年度会议情况报告，共{len(meetings)}份。生成时间：{timezone.localtime():%Y-%m-%d %H:%M}\n"
            )
    except Exception as exc:
        path.unlink(missing_ok=True)
        BatchJob.objects.filter(pk=job.pk).update(status=BatchStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise
    BatchJob.objects.filter(pk=job.pk).update(
        status=BatchStatus.DONE,
        done=len(meetings),
        result_path=str(path.relative_to(settings.PRIVATE_MEDIA_ROOT)),
        result_bytes=path.stat().st_size,
        finished_at=timezone.now(),
    )
    return len(meetings)


@task()
def build_batch(job_pk: int) -> int:
    return run_batch(job_pk)
