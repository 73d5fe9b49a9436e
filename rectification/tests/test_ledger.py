"""台账: scoping, filters, constant query count and the .xlsx export (OL-4.3.b, DL-4.4.b)."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from rectification import services
from rectification.choices import ItemStatus, ProblemScope, ProblemSource

from .factories import PNG, make_item, make_meeting, make_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(world):
    """One item in each branch plus one of the committee itself."""
    return {place: make_item(make_meeting(getattr(world, place)), goal=f"{place}的整改目标") for place in ("b1", "b2", "b3", "p1")}


def _goals(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("rectification:ledger") + query)
    assert response.status_code == 200
    return {item.goal for item in response.context["page"].object_list}


def test_OL_4_3_b_each_user_sees_only_their_subtree(world, client, spread):
    assert _goals(client, world.secretary) == {"b1的整改目标"}
    assert _goals(client, world.outsider) == {"b2的整改目标"}
    assert _goals(client, world.reviewer) == {"b1的整改目标", "b2的整改目标", "p1的整改目标"}
    assert _goals(client, world.reviewer2) == {"b3的整改目标"}
    assert _goals(client, world.inspector) == {f"{p}的整改目标" for p in ("b1", "b2", "b3", "p1")}
    # a subtree the user cannot see is ignored, never widened
    assert _goals(client, world.secretary, f"?org={world.p2.pk}") == {"b1的整改目标"}
    assert _goals(client, world.reviewer, f"?org={world.b2.pk}") == {"b2的整改目标"}
    client.force_login(world.member)
    assert client.get(reverse("rectification:ledger")).status_code == 403


def test_OL_4_3_b_ledger_filters(world, client):
    meeting = make_meeting(world.b1)
    overdue = make_item(meeting, goal="逾期的", deadline=timezone.localdate() - datetime.timedelta(days=1))
    make_item(meeting, goal="按期的", deadline=timezone.localdate())
    make_item(meeting, goal="已销号的", status=ItemStatus.CLOSED, deadline=timezone.localdate() - datetime.timedelta(days=9))
    make_item(meeting, goal="草稿", status=ItemStatus.DRAFT)
    personal = make_item(meeting, goal="个人的", responsible_member=world.member_member)
    appraisal = make_item(problem=make_problem(meeting, source=ProblemSource.APPRAISAL), goal="测评的")
    everyone = {"逾期的", "按期的", "已销号的", "个人的", "测评的"}
    assert _goals(client, world.reviewer) == everyone
    assert _goals(client, world.reviewer, "?overdue=on") == {overdue.goal}
    assert _goals(client, world.reviewer, "?status=closed") == {"已销号的"}
    assert _goals(client, world.reviewer, "?status=draft") == {"草稿"}
    assert _goals(client, world.reviewer, "?source=appraisal") == {appraisal.goal}
    assert _goals(client, world.reviewer, f"?scope={ProblemScope.PERSONAL}") == {personal.goal}
    assert _goals(client, world.reviewer, "?owner=孙党员") == {personal.goal}
    assert _goals(client, world.reviewer, f"?org={world.b1.pk}&year={meeting.year}") == everyone
    assert _goals(client, world.reviewer, f"?year={meeting.year + 1}") == set()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_OL_4_3_b_ledger_query_count_does_not_grow_with_items(world, client):
    meeting = make_meeting(world.b1)
    client.force_login(world.reviewer)
    url = reverse("rectification:ledger") + f"?org={world.p1.pk}"
    export = reverse("rectification:ledger_export") + f"?org={world.p1.pk}"

    def add(n):
        for i in range(n):
            item = make_item(meeting, goal=f"目标{i}", responsible_member=world.member_member if i % 2 else None)
            services.report_progress(item, actor=world.secretary, note=f"进展{i}", files=[services.Upload("p.png", PNG)] if i % 3 == 0 else [])

    add(2)
    few, few_export = _count_queries(client, url), _count_queries(client, export)
    add(30)
    assert _count_queries(client, url) == few
    assert _count_queries(client, export) == few_export


def test_OL_4_3_b_export_is_a_proper_safe_workbook(world, client):
    meeting = make_meeting(world.b1)
    make_item(meeting, goal='=HYPERLINK("http://x","点我")', measures="+1+cmd", deadline=timezone.localdate() - datetime.timedelta(days=3))
    make_item(meeting, goal="按期推进", deadline=timezone.localdate() + datetime.timedelta(days=3))
    client.force_login(world.secretary)
    response = client.get(reverse("rectification:ledger_export") + "?overdue=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["序号", "党组织", "会议"]
    assert sheet.column_dimensions["F"].width >= 30
    rows = {row[6].value: row for row in sheet.iter_rows(min_row=2)}
    injected = rows['=HYPERLINK("http://x","点我")']
    assert injected[6].data_type == "s" and injected[7].data_type == "s"
    deadline_col = header.index("完成时限")
    assert injected[deadline_col].is_date and injected[deadline_col].value.date() == timezone.localdate() - datetime.timedelta(days=3)
    assert injected[0].fill.fgColor.rgb.endswith("FDECEA")  # overdue highlighted
    assert rows["按期推进"][header.index("是否逾期")].value in (None, "")
    assert not rows["按期推进"][0].fill.fgColor.rgb.endswith("FDECEA")
    assert injected[header.index("是否逾期")].value == "逾期" and injected[header.index("状态")].value == "整改中"
    assert injected[header.index("会议")].value == meeting.title and injected[header.index("党组织")].value == world.b1.name
    assert injected[header.index("佐证材料（份）")].value == 0 and injected[header.index("佐证材料（份）")].data_type == "n"
    # the one Excel writer's print setup: A4 landscape fitted to the width, header repeated
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$1:$1"
    assert AuditEntry.objects.filter(action="ledger.exported", actor=world.secretary).exists()


def test_ledger_page_shows_totals_and_overdue_rows(world, client):
    meeting = make_meeting(world.b1)
    make_item(meeting, goal="逾期项", deadline=timezone.localdate() - datetime.timedelta(days=2))
    client.force_login(world.secretary)
    body = client.get(reverse("rectification:ledger")).content.decode()
    assert "row-overdue" in body and "逾期 1" in body


def test_OL_4_3_b_export_progress_and_closure_dates_are_dates(world, client):
    from rectification.models import RectificationItem

    meeting = make_meeting(world.b1)
    item = make_item(meeting, goal="有进展的")
    services.report_progress(item, actor=world.secretary, note="已走访12户", files=[services.Upload("p.png", PNG)])
    closed = make_item(meeting, goal="已销号的", status=ItemStatus.CLOSED)
    RectificationItem.objects.filter(pk=closed.pk).update(closed_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 10)), closed_by=world.reviewer)
    client.force_login(world.secretary)
    sheet = load_workbook(io.BytesIO(client.get(reverse("rectification:ledger_export")).content)).active
    header = [c.value for c in sheet[1]]
    rows = {row[header.index("整改目标")].value: row for row in sheet.iter_rows(min_row=2)}
    progress = rows["有进展的"]
    assert progress[header.index("最新进展")].value == "已走访12户" and progress[header.index("佐证材料（份）")].value == 1
    assert progress[header.index("进展日期")].is_date and progress[header.index("进展日期")].value.date() == timezone.localdate()
    done = rows["已销号的"]
    assert done[header.index("状态")].value == "已销号" and done[header.index("销号时间")].is_date
    assert done[header.index("销号时间")].value.date() == datetime.date(2026, 3, 2) and done[header.index("销号人")].value == str(world.reviewer)
    assert done[header.index("销号时间")].number_format == "yyyy-mm-dd"
