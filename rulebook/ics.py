"""A meeting's obligations as an iCalendar file (RFC 5545), one all-day event per dated step
with a reminder `reminder_lead_days` before. Events keep stable UIDs, so a calendar that
subscribes to the file updates them instead of duplicating them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from .constants import ROLE_LABELS
from .timeline import Obligation


def to_ics(obligations: Iterable[Obligation], *, name: str, uid_prefix: str, url: str = "", now: datetime | None = None) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//shenghuohui//rulebook//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = now or datetime.now(UTC)
    for o in obligations:
        if o.due is None:
            continue
        event = Event()
        event.add("uid", f"{uid_prefix}-{o.key}@shenghuohui")
        event.add("dtstamp", stamp)
        event.add("dtstart", o.due)
        event.add("dtend", o.due + timedelta(days=1))
        mark = {"done": "【已完成】", "overdue": "【已逾期】"}.get(o.status, "")
        event.add("summary", f"{mark}{o.title}")
        lines = [f"依据：{'、'.join(o.clause_ids)}", f"责任：{ROLE_LABELS.get(o.role, o.role)}", f"状态：{o.status_label}"]
        if o.proposal:
            lines.append("期限为提议值，非本地制度原文规定")
        if url:
            lines.append(url)
            event.add("url", url)
        event.add("description", "\n".join(lines))
        event.add("transp", "TRANSPARENT")
        if o.status != "done" and o.remind_on and o.remind_on < o.due:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", o.title)
            alarm.add("trigger", timedelta(days=-(o.due - o.remind_on).days))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
