"""The one daily entry point (django-tasks has no scheduler: cron or a systemd timer runs
`manage.py run_daily` once a day, see docs/scaling.md)."""

import datetime

from django.utils import timezone
from django_tasks import task


def run_daily_now(today: datetime.date | None = None) -> dict:
    """Close expired online votes, flag overdue items, rebuild the rollups (overdue counts move
    with the date), send reminders. Every part is idempotent, so a second run on the same day
    changes and sends nothing."""
    from appraisal.services import close_expired
    from rectification.services import flag_overdue

    from . import reminders, rollups

    today = today or timezone.localdate()
    closed_votes = close_expired()
    flagged = flag_overdue(today)
    rolled = rollups.rebuild(today)
    sent = reminders.run(today)
    return {"closed_votes": closed_votes, "flagged_overdue": flagged, "rollups": rolled, **sent}


@task()
def daily(day: str = "") -> dict:
    return run_daily_now(datetime.date.fromisoformat(day) if day else None)
