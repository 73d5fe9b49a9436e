"""Roster import (issue 3 item 5): all-or-nothing, every bad row listed, idempotent by ID number."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from audit.models import AuditEntry
from organizations.models import Member
from organizations.roster import COLUMNS, import_roster
from tests.factories import valid_id_number

HEADERS = [c.header for c in COLUMNS]


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(branch, **overrides):
    values = {
        "姓名": "王芳",
        "公民身份号码": valid_id_number(),
        "手机号码": "13912345678",
        "所在党支部编码": branch.code,
        "入党日期": "2010-07-01",
        "预备党员": "否",
    }
    values.update(overrides)
    return values


@pytest.fixture
def scope(world):
    return world.p1


def errors_of(result):
    return [(e.row, e.column, e.message) for e in result.errors]


def test_good_file_creates_members_and_reimport_changes_nothing(world, scope):
    data = xlsx([row(world.b1, 姓名="甲"), row(world.b2, 姓名="乙", 流动党员="是", 流动方向="流出", **{"流入/流出党组织": "外省某支部"})])
    before = Member.objects.count()
    result = import_roster(data, scope, actor=world.operator)
    assert result.ok and (result.created, result.updated) == (2, 0)
    assert Member.objects.count() == before + 2
    audit_count = AuditEntry.objects.count()
    again = import_roster(data, scope, actor=world.operator)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEntry.objects.count() == audit_count
    mobile = Member.objects.get(name="乙")
    assert mobile.is_mobile and mobile.flow_direction == "out" and mobile.flow_organization_name == "外省某支部"


def test_changed_row_updates_member_and_is_audited(world, scope):
    id_number = valid_id_number()
    import_roster(xlsx([row(world.b1, 姓名="张三", 公民身份号码=id_number)]), scope, actor=world.operator)
    result = import_roster(xlsx([row(world.b1, 姓名="张三", 公民身份号码=id_number, 困难党员="是")]), scope, actor=world.operator)
    assert (result.created, result.updated) == (0, 1)
    member = Member.objects.with_id_number(id_number).get()
    assert member.is_in_difficulty and member.version == 2
    entry = AuditEntry.objects.filter(action="member.updated", object_id=str(member.pk)).get()
    assert entry.data["changes"]["is_in_difficulty"] == ["False", "True"]


@pytest.mark.parametrize(
    ("make_rows", "headers", "expected"),
    [
        (lambda w: [row(w.b1)], [h for h in HEADERS if h != "公民身份号码"], (1, "公民身份号码", "缺少必填列")),
        (lambda w: [row(w.b1, 所在党支部编码="NOPE")], HEADERS, (2, "所在党支部编码", "不是您管理范围内的党支部编码")),
        (lambda w: [row(w.b3)], HEADERS, (2, "所在党支部编码", "不是您管理范围内的党支部编码")),
        (lambda w: [row(w.b1, 公民身份号码="110105194912310021")], HEADERS, (2, "公民身份号码", "校验位错误")),
        (lambda w: [row(w.b1, 入党日期="去年七月")], HEADERS, (2, "入党日期", "日期格式无法识别")),
        (lambda w: [row(w.b1, 预备党员="也许")], HEADERS, (2, "预备党员", "应填“是”或“否”")),
        (lambda w: [row(w.b1, 流动党员="是")], HEADERS, (2, "流动方向", "须填写流入或流出")),
    ],
)
def test_bad_row_is_reported_and_nothing_is_written(world, scope, make_rows, headers, expected):
    good = row(world.b1, 姓名="好行")
    data = xlsx([good, *make_rows(world)], headers=headers) if headers == HEADERS else xlsx(make_rows(world), headers=headers)
    before = (Member.objects.count(), AuditEntry.objects.count())
    result = import_roster(data, scope, actor=world.operator)
    assert not result.ok
    line, column, message = expected
    line = line + 1 if headers == HEADERS else line
    assert any(e.row == line and e.column == column and message in e.message for e in result.errors), errors_of(result)
    assert (Member.objects.count(), AuditEntry.objects.count()) == before


def test_duplicate_id_in_file_lists_both_rows(world, scope):
    same = valid_id_number()
    result = import_roster(xlsx([row(world.b1, 公民身份号码=same), row(world.b1, 公民身份号码=same)]), scope, actor=world.operator)
    assert errors_of(result) == [(3, "公民身份号码", "与第2行重复")]
    assert not Member.objects.with_id_number(same).exists()


def test_every_bad_row_is_listed_not_only_the_first(world, scope):
    rows = [row(world.b1, 公民身份号码="123"), row(world.b1), row(world.b1, 入党日期="x"), row(world.b1, 姓名="")]
    result = import_roster(xlsx(rows), scope, actor=world.operator)
    assert {(e.row, e.column) for e in result.errors} == {(2, "公民身份号码"), (4, "入党日期"), (5, "姓名")}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00 this is a renamed exe", "不是Excel"),
        (b"name,id\n1,2\n", "不是Excel"),
        (b"PK\x03\x04" + b"\x00" * 100, "损坏"),
        (b"x" * (10 * 1024 * 1024 + 1), "超过10MB"),
    ],
)
def test_file_level_problems_are_refused(world, scope, data, message):
    before = Member.objects.count()
    result = import_roster(data, scope, actor=world.operator)
    assert not result.ok and message in result.errors[0].message
    assert Member.objects.count() == before


def test_formula_cells_are_refused(world, scope):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    values = row(world.b1)
    values["姓名"] = '=HYPERLINK("http://x","点我")'
    ws.append([values.get(h, "") for h in HEADERS])
    out = io.BytesIO()
    wb.save(out)
    result = import_roster(out.getvalue(), scope, actor=world.operator)
    assert any("公式" in e.message for e in result.errors)


def test_member_registered_outside_the_importers_scope_is_not_moved(world):
    other = Member.objects.get(pk=world.b3_secretary.member.pk)
    result = import_roster(xlsx([row(world.b1, 公民身份号码=other.id_number)]), world.p1, actor=world.reviewer)
    assert any("管理范围以外" in e.message for e in result.errors)
    other.refresh_from_db()
    assert other.organization_id == world.b3.pk


def test_full_width_digits_and_lowercase_x_are_accepted(world, scope):
    ascii_id = valid_id_number()
    full_width = ascii_id[:-1].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + ascii_id[-1].lower()
    result = import_roster(xlsx([row(world.b1, 公民身份号码=full_width)]), scope, actor=world.operator)
    assert result.ok, errors_of(result)
    assert Member.objects.with_id_number(ascii_id).exists()


def test_upload_view_lists_errors_and_writes_nothing(world, client):
    client.force_login(world.secretary)
    data = xlsx([row(world.b1, 公民身份号码="110105194912310021")])
    before = Member.objects.count()
    response = client.post(reverse("organizations:roster_import", args=[world.b1.pk]), {"file": io.BytesIO(data)})
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode() and "未导入任何数据" in response.content.decode()
    assert Member.objects.count() == before


def test_template_download_has_chinese_headers_and_an_example_row(world, client):
    from openpyxl import load_workbook

    client.force_login(world.secretary)
    response = client.get(reverse("organizations:roster_template"))
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]] == HEADERS
    assert ws["B2"].value == "11010519491231002X"


def test_management_command_imports_and_fails_loudly(world, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([row(world.b1, 姓名="命令导入")]))
    call_command("import_roster", str(path), organization=world.p1.code)
    assert Member.objects.filter(name="命令导入").exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([row(world.b1, 公民身份号码="1")]))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_roster", str(bad), organization=world.p1.code)
