"""Progress, evidence, 销号 and overdue items (OL-4.3.*, DL-4.4.*)."""

import datetime
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from core.errors import DomainError
from meetings.choices import MeetingKind
from rectification import services
from rectification.choices import EventKind, ItemStatus
from rectification.models import Evidence, RectificationItem
from tests.factories import make_leading_team

from .factories import PDF, PNG, make_item, make_meeting

pytestmark = pytest.mark.django_db


def _requested(world, **kwargs):
    item = make_item(make_meeting(world.b1), **kwargs)
    services.report_progress(item, actor=world.secretary, note="已完成", files=[services.Upload("记录.png", PNG)])
    return services.request_closure(item, actor=world.secretary)


def test_OL_4_3_c_only_a_reviewer_of_the_superior_can_close(world):
    """The branch secretary, the sibling committee's reviewer and the owner cannot 销号."""
    item = _requested(world, responsible_member=world.member_member)
    for user in (world.secretary, world.committee_member, world.member, world.outsider, world.reviewer2, world.operator):
        with pytest.raises(PermissionDenied):
            services.confirm_closure(item, actor=user)
    closed = services.confirm_closure(item, actor=world.reviewer, note="核实到位")
    assert closed.status == ItemStatus.CLOSED and closed.closed_by == world.reviewer
    assert AuditEntry.objects.filter(action="item.closed", object_id=str(item.pk), role="reviewer").exists()


def test_OL_4_3_c_inspector_cannot_close_org_life_item_but_may_note_it(world):
    item = _requested(world)
    with pytest.raises(PermissionDenied, match="OL-4.3.c"):
        services.confirm_closure(item, actor=world.inspector)
    services.add_inspection_note(item, actor=world.inspector, note="请补充照片")
    assert item.events.filter(kind=EventKind.NOTE).count() == 1


def test_DL_4_4_c_dl_item_closed_by_inspector_or_superior_reviewer(world):
    team, leaders = make_leading_team(world.p1, size=2)
    meeting = make_meeting(world.p1, kind=MeetingKind.DEMOCRATIC_LIFE, leading_team=team)
    item = make_item(meeting, responsible_member=leaders[0])
    services.report_progress(item, actor=leaders[0].user, note="已落实", files=[services.Upload("a.pdf", PDF)])
    services.request_closure(item, actor=leaders[0].user)
    with pytest.raises(PermissionDenied):
        services.confirm_closure(item, actor=world.reviewer)  # the team's own committee is not its superior
    with pytest.raises(PermissionDenied):
        services.confirm_closure(item, actor=leaders[1].user)
    assert services.confirm_closure(item, actor=world.inspector_org).status == ItemStatus.CLOSED


def test_OL_4_3_c_closure_needs_evidence_first(world):
    item = make_item(make_meeting(world.b1))
    services.report_progress(item, actor=world.secretary, note="正在整改")
    with pytest.raises(DomainError, match="佐证材料"):
        services.request_closure(item, actor=world.secretary)
    with pytest.raises(DomainError, match="尚未申请销号"):
        services.confirm_closure(item, actor=world.reviewer)


def test_OL_4_3_c_returned_and_reopened_items_keep_their_history(world, changed, django_capture_on_commit_callbacks):
    item = _requested(world)
    with pytest.raises(DomainError, match="理由"):
        services.return_closure(item, actor=world.reviewer, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        item = services.return_closure(item, actor=world.reviewer, reason="照片不能说明问题已解决")
    assert item.status == ItemStatus.OPEN
    services.report_progress(item, actor=world.secretary, note="补充会议记录", files=[services.Upload("会议记录.pdf", PDF)])
    services.request_closure(item, actor=world.secretary)
    services.confirm_closure(item, actor=world.reviewer)
    item = services.reopen_item(item, actor=world.reviewer, reason="群众反映问题反弹")
    assert item.status == ItemStatus.OPEN and item.closed_at is None
    kinds = list(item.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [
        EventKind.PROGRESS,
        EventKind.CLOSURE_REQUESTED,
        EventKind.RETURNED,
        EventKind.PROGRESS,
        EventKind.CLOSURE_REQUESTED,
        EventKind.CLOSED,
        EventKind.REOPENED,
    ]
    assert item.events.get(kind=EventKind.RETURNED).note == "照片不能说明问题已解决"
    assert item.evidence.count() == 2
    assert changed == [item.meeting_id]


def test_OL_4_3_c_second_close_has_no_effect(world):
    item = _requested(world)
    services.confirm_closure(item, actor=world.reviewer)
    with pytest.raises(DomainError, match="已经销号"):
        services.confirm_closure(item, actor=world.reviewer)
    assert item.events.filter(kind=EventKind.CLOSED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_OL_4_3_c_concurrent_closures_yield_one_effect(world):
    """Abuse case 9: simultaneous 销号 POSTs — the row lock lets exactly one through (PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serializes writers anyway")
    item = _requested(world)
    results = []
    barrier = threading.Barrier(6)

    def close():
        from django.db import connections

        barrier.wait()
        try:
            services.confirm_closure(RectificationItem.objects.get(pk=item.pk), actor=world.reviewer)
            results.append("ok")
        except DomainError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok"] + ["refused"] * 5
    assert item.events.filter(kind=EventKind.CLOSED).count() == 1


def test_OL_4_3_b_evidence_is_sniffed_size_limited_and_private(world, client):
    item = make_item(make_meeting(world.b1), responsible_member=world.member_member)
    with pytest.raises(DomainError, match="文件格式不符"):
        services.report_progress(item, actor=world.member, note="x", files=[services.Upload("照片.pdf", b"MZ\x90\x00 not a pdf")])
    with pytest.raises(DomainError, match="上限"):
        services.report_progress(item, actor=world.member, note="x", files=[services.Upload("大.pdf", b"%PDF-" + b"0" * services.EVIDENCE_MAX_BYTES)])
    assert not Evidence.objects.exists()
    services.report_progress(item, actor=world.member, note="已整改", files=[services.Upload("../../etc/整改照片.jpg", PNG)])
    evidence = Evidence.objects.get()
    assert evidence.name == "整改照片.png" and evidence.kind == "png"
    stored = Path(settings.PRIVATE_MEDIA_ROOT) / evidence.path
    assert stored.read_bytes() == PNG
    assert stored.resolve().is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve()) and "整改照片" not in evidence.path
    url = reverse("rectification:evidence", args=[evidence.pk])
    for user, status in ((world.member, 200), (world.secretary, 200), (world.reviewer, 200), (world.outsider, 404), (world.reviewer2, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert response["X-Content-Type-Options"] == "nosniff" and "attachment" in response["Content-Disposition"]
    other_member = world.committee_member
    client.force_login(other_member)
    assert client.get(url).status_code == 200  # the committee keeps the branch's ledger (OL-4.3.b)


def test_OL_4_3_b_only_the_owner_or_the_secretary_reports_progress(world):
    item = make_item(make_meeting(world.b1), responsible_member=world.member_member)
    for user in (world.committee_member, world.outsider, world.reviewer):
        with pytest.raises(PermissionDenied):
            services.report_progress(item, actor=user, note="不是我的")
    with pytest.raises(DomainError, match="整改进展"):
        services.report_progress(item, actor=world.member, note=" ")


def test_OL_4_3_c_overdue_from_the_day_after_the_deadline(world):
    deadline = datetime.date(2026, 3, 31)
    item = make_item(make_meeting(world.b1, held_on=datetime.date(2026, 1, 10)), deadline=deadline)
    assert not item.is_overdue(deadline)
    assert item.is_overdue(deadline + datetime.timedelta(days=1))
    assert services.flag_overdue(deadline) == 0
    assert services.flag_overdue(deadline + datetime.timedelta(days=1)) == 1
    assert services.flag_overdue(deadline + datetime.timedelta(days=2)) == 0  # flagged once
    item.refresh_from_db()
    assert item.overdue_since == deadline + datetime.timedelta(days=1)
    assert item.events.filter(kind=EventKind.OVERDUE).count() == 1
    closed = make_item(item.meeting, deadline=deadline, status=ItemStatus.CLOSED)
    assert not closed.is_overdue(deadline + datetime.timedelta(days=5))


def test_views_close_and_return_through_post_only(world, client):
    item = _requested(world)
    client.force_login(world.reviewer)
    url = reverse("rectification:item_close", args=[item.pk])
    assert client.get(url).status_code == 405
    response = client.post(reverse("rectification:item_return", args=[item.pk]), {"reason": ""}, follow=True)
    assert "请填写理由" in response.content.decode()
    client.post(url, {"note": "同意销号"})
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED
    assert timezone.localdate(item.closed_at) == timezone.localdate()


def test_OL_4_3_a_the_superior_supervises_items_with_notes(world, client):
    item = make_item(make_meeting(world.b1))
    services.add_inspection_note(item, actor=world.reviewer, note="请本月底前补齐台账")
    for user in (world.secretary, world.reviewer2):
        with pytest.raises(PermissionDenied):
            services.add_inspection_note(item, actor=user, note="x")
    client.force_login(world.secretary)
    assert "请本月底前补齐台账" in client.get(reverse("rectification:item", args=[item.pk])).content.decode()


def test_DL_4_4_a_b_inspectors_oversee_dl_items_in_the_ledger(world, client):
    team, leaders = make_leading_team(world.p1, size=2)
    meeting = make_meeting(world.p1, kind=MeetingKind.DEMOCRATIC_LIFE, leading_team=team)
    item = make_item(meeting, goal="班子整改方案第一项", responsible_member=leaders[1])
    services.add_inspection_note(item, actor=world.inspector, note="纪委督查：进度滞后")
    client.force_login(world.inspector_org)
    response = client.get(reverse("rectification:ledger") + "?kind=democratic_life")
    assert [i.goal for i in response.context["page"].object_list] == ["班子整改方案第一项"]
    client.force_login(leaders[1].user)
    assert "纪委督查：进度滞后" in client.get(reverse("rectification:item", args=[item.pk])).content.decode()


def test_daily_task_flags_overdue_items(world):
    from rectification.tasks import flag_overdue_items

    make_item(make_meeting(world.b1), deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert flag_overdue_items.call() == 1
    assert flag_overdue_items.call() == 0
