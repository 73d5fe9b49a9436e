"""Reminders (issue 8 item 7): due within 3 days and overdue, in the app and by one e-mail a day,
a reviewers' digest, nothing twice, and a personal .ics feed behind a token."""

import datetime

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from conftest import login
from meetings.choices import Stage
from oversight import obligations, reminders
from oversight.models import CalendarToken, EmailSent, Notification
from rectification.tests.factories import make_item, make_meeting

from .factories import days


def _setup(world):
    for u in (world.secretary, world.member, world.reviewer, world.outsider):
        u.email = f"{u.username}@example.org"
        u.save(update_fields=["email"])
    m = make_meeting(world.b1, stage=Stage.RECTIFYING, held_on=days(-13))  # report due in 2 days (OL-4.2.a)
    obligations.refresh(m)
    own = make_item(m, responsible_member=world.member_member, deadline=days(3))  # due soon → the member
    org_item = make_item(m, deadline=days(-1))  # overdue, the branch's → the secretary
    later = make_item(m, responsible_member=world.member_member, deadline=days(20))  # not yet
    return m, own, org_item, later


def test_OL_4_3_c_reminders_reach_the_responsible_users(world):
    _m, own, org_item, later = _setup(world)
    result = reminders.run()
    keys = set(Notification.objects.values_list("user_id", "key", "kind"))
    assert (world.member.pk, f"item.{own.pk}", "due_soon") in keys
    assert (world.secretary.pk, f"item.{org_item.pk}", "overdue") in keys
    assert not any(k == f"item.{later.pk}" for _, k, _ in keys)
    assert any(uid == world.secretary.pk and k.startswith("obligation.") for uid, k, _ in keys)  # the report (OL-4.2.a)
    assert not Notification.objects.filter(user=world.outsider).exists()
    digest = Notification.objects.get(user=world.reviewer, kind="digest")
    assert "整改事项逾期 1" in digest.body
    assert result["emails"] == len(mail.outbox) == 3  # member, secretary, reviewer: one each


def test_running_the_task_twice_sends_nothing_twice(world):
    _setup(world)
    reminders.run()
    notes, mails = Notification.objects.count(), len(mail.outbox)
    again = reminders.run()
    assert again == {"notifications": 0, "emails": 0}
    assert Notification.objects.count() == notes and len(mail.outbox) == mails
    assert EmailSent.objects.count() == mails
    # The next day reminds again (once).
    reminders.run(datetime.date.today() + datetime.timedelta(days=1))
    assert Notification.objects.count() > notes


def test_run_daily_command_is_idempotent(world):
    _setup(world)
    call_command("run_daily")
    count = Notification.objects.count()
    call_command("run_daily")
    assert Notification.objects.count() == count


def test_bell_page_and_read(world, client):
    _setup(world)
    reminders.run()
    login(client, world.member)
    response = client.get(reverse("oversight:notifications"))
    assert response.status_code == 200 and response.context["unread"] == 1
    client.post(reverse("oversight:notifications_read"))
    assert not Notification.objects.filter(user=world.member, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=world.secretary, read_at__isnull=True).exists()


def test_ics_feed_lists_own_deadlines_behind_a_token(world, client):
    _m, own, org_item, later = _setup(world)
    login(client, world.member)
    client.post(reverse("oversight:calendar_token"))
    token = CalendarToken.objects.get(user=world.member).token
    client.logout()
    body = client.get(reverse("oversight:calendar_feed", args=[token])).content.decode()
    assert f"item.{own.pk}" in body and f"item.{later.pk}" in body
    assert f"item.{org_item.pk}" not in body and "obligation." not in body
    assert client.get(reverse("oversight:calendar_feed", args=["wrong" * 8])).status_code == 404
    login(client, world.member)
    client.post(reverse("oversight:calendar_token"))
    client.logout()
    assert client.get(reverse("oversight:calendar_feed", args=[token])).status_code == 404  # revoked


def test_reviewer_digest_covers_only_their_subtree(world):
    from accounts.choices import Role
    from meetings.choices import MeetingKind
    from tests.factories import make_role_user

    _setup(world)
    dl = make_meeting(world.p2, kind=MeetingKind.DEMOCRATIC_LIFE, stage=Stage.PLANNING, held_on=days(12), sitting=False)
    obligations.refresh(dl)  # plan filing due T-15: overdue, in P2
    district_reviewer = make_role_user(Role.REVIEWER, world.district)
    reminders.run()
    p1 = Notification.objects.get(user=world.reviewer, kind="digest").body
    p2 = Notification.objects.get(user=world.reviewer2, kind="digest").body
    whole = Notification.objects.get(user=district_reviewer, kind="digest").body
    assert "整改事项逾期 1" in p1 and "期限事项逾期 1" in p1  # B1's problem list never published (OL-2.5.e)
    assert "期限事项逾期 2" in p2 and "整改事项" not in p2  # DL-2.2.c and DL-2.3.a, both 15日前
    assert "期限事项逾期 3" in whole and "整改事项逾期 1" in whole


def test_home_shows_unread_reminders(world, client):
    _setup(world)
    reminders.run()
    login(client, world.member)
    assert "未读提醒 1 条" in client.get("/").content.decode()
    client.post(reverse("oversight:notifications_read"))
    assert "未读提醒" not in client.get("/").content.decode()
