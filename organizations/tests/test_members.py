"""Members, masking, positions and the member list (issue 3 items 3 and 8)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from core.errors import ConcurrentEditError, DomainError
from organizations import idnumber, services
from organizations.choices import PositionKind
from organizations.models import Member, Position
from tests.factories import make_member, make_position, valid_id_number


def _list_queries(client, org):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("organizations:member_list", args=[org.pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_member_list_query_count_is_the_same_for_10_and_1000_members(world, client):
    client.force_login(world.reviewer)
    for i in range(10):
        make_member(world.b1, name=f"甲{i}")
    for i in range(1000):
        make_member(world.b2, name=f"乙{i}")
    small = _list_queries(client, world.b1)
    large = _list_queries(client, world.b2)
    assert small == large


def test_member_list_is_paginated_and_searchable(world, client):
    for i in range(60):
        make_member(world.b1, name=f"分页{i:02d}")
    client.force_login(world.secretary)
    url = reverse("organizations:member_list", args=[world.b1.pk])
    page1 = client.get(url).content.decode()
    assert "第 1 / 2 页" in page1
    found = client.get(url, {"q": "分页07"}).content.decode()
    assert "分页07" in found and "分页08" not in found
    target = Member.objects.get(name="分页09")
    by_id = client.get(url, {"q": target.id_number}).content.decode()
    assert "分页09" in by_id and "分页10" not in by_id


def test_personal_data_is_masked_by_default(world, client):
    member = world.member_member
    client.force_login(world.reviewer)
    html = client.get(reverse("organizations:member_detail", args=[member.uid])).content.decode()
    assert member.id_number not in html and member.phone not in html
    assert member.id_number_masked in html
    assert "显示完整身份证号" not in html  # a reviewer may not unmask


@pytest.mark.parametrize("who", ["secretary", "operator", "member"])
def test_unmasking_by_secretary_operator_or_self_is_audited(world, client, who):
    member = world.member_member
    client.force_login(getattr(world, who))
    response = client.post(reverse("organizations:member_reveal", args=[member.uid]))
    assert response.status_code == 200
    assert member.id_number in response.content.decode()
    entry = AuditEntry.objects.filter(action="member.revealed", object_id=str(member.pk)).latest("seq")
    assert entry.actor_id == getattr(world, who).pk


@pytest.mark.parametrize("who", ["reviewer", "committee_member", "outsider"])
def test_unmasking_is_refused_to_others(world, client, who):
    member = world.member_member
    client.force_login(getattr(world, who))
    response = client.post(reverse("organizations:member_reveal", args=[member.uid]))
    assert response.status_code in (403, 404)
    assert member.id_number not in response.content.decode()
    assert not AuditEntry.objects.filter(action="member.revealed").exists()


def test_id_number_is_encrypted_at_rest_and_bound_to_its_row(world):
    member = world.member_member
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number_ciphertext FROM organizations_member WHERE id = %s", [member.pk])
        raw = bytes(cursor.fetchone()[0])
    assert member.id_number.encode() not in raw
    other = world.secretary_member
    other.id_number_ciphertext = member.id_number_ciphertext  # copied between rows
    with pytest.raises(ValueError):
        other.id_number  # noqa: B018


def test_id_number_checksum_gb11643():
    assert idnumber.validate("11010519491231002X") == "11010519491231002X"
    assert idnumber.validate("11010519491231002x") == "11010519491231002X"
    for bad, message in (("110105194912310021", "校验位"), ("1101051949123100", "18位"), ("11010519491331002X", "出生日期"), ("11010519491231A02X", "数字")):
        with pytest.raises(ValueError, match=message):
            idnumber.validate(bad)


def test_id_number_is_stored_once(world):
    same = world.member_member.id_number
    member = Member(organization=world.b2, name="重复")
    member.set_id_number(same)
    member.set_phone("13900000000")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        member.save()


def test_edit_refuses_a_stale_version_and_keeps_the_newer_data(world):
    member = world.member_member
    services.update_member(member, actor=world.secretary, changes={"job_title": "网格员"}, version=1)
    with pytest.raises(ConcurrentEditError):
        services.update_member(member, actor=world.secretary, changes={"job_title": "会计"}, version=1)
    member.refresh_from_db()
    assert member.job_title == "网格员" and member.version == 2


def test_concurrent_edit_in_the_browser_form_shows_a_message_and_keeps_input(world, client):
    member = world.member_member
    client.force_login(world.secretary)
    url = reverse("organizations:member_edit", args=[member.uid])
    data = {"name": member.name, "joined_on": "2005-07-01", "job_title": "第一人的修改", "version": 1}
    assert client.post(url, data).status_code == 302
    data["job_title"] = "第二人的修改"
    response = client.post(url, data)
    html = response.content.decode()
    assert "已被他人修改" in html and "第二人的修改" in html
    member.refresh_from_db()
    assert member.job_title == "第一人的修改"


def test_position_change_keeps_history_and_moves_the_secretary_role(world):
    from accounts.grants import forget_grants, roles_of

    new = make_member(world.b1, user=True, name="新书记")
    services.appoint(world.b1, new, PositionKind.SECRETARY, actor=world.secretary, on=datetime.date.today())
    old = Position.objects.get(organization=world.b1, member=world.secretary_member, kind=PositionKind.SECRETARY)
    assert old.ended_on == datetime.date.today() - datetime.timedelta(days=1)
    assert Position.objects.filter(organization=world.b1, kind=PositionKind.SECRETARY).count() == 2
    forget_grants(world.secretary)
    assert "secretary" not in roles_of(world.secretary)
    assert "secretary" in roles_of(new.user)
    assert AuditEntry.objects.filter(action="position.ended").exists()


def test_only_members_of_the_branch_can_hold_its_offices(world):
    with pytest.raises(DomainError, match="本支部党员"):
        services.appoint(world.b1, world.outsider_member, PositionKind.COMMITTEE_MEMBER, actor=world.operator)


def test_leading_team_roles_come_from_team_membership(world):
    from accounts.grants import roles_of
    from tests.factories import make_leading_team

    team, leaders = make_leading_team(world.p2, size=3)
    assert "main_leader" in roles_of(leaders[0].user)
    assert "leader" in roles_of(leaders[1].user)
    assert team.main_leader == leaders[0]


def test_member_account_is_created_once_with_a_one_time_password(world):
    member = make_member(world.b1)
    user, password = services.create_member_account(member, actor=world.secretary)
    assert user.must_change_password and user.check_password(password)
    with pytest.raises(DomainError):
        services.create_member_account(member, actor=world.secretary)


def test_sequential_ids_of_another_branch_are_404(world, client):
    hidden = make_member(world.b3)
    client.force_login(world.secretary)
    assert client.get(reverse("organizations:member_detail", args=[hidden.uid])).status_code == 404
    assert client.get(reverse("organizations:detail", args=[world.b3.pk])).status_code == 404


def test_valid_id_factory_makes_unique_valid_numbers():
    numbers = {valid_id_number() for _ in range(50)}
    assert len(numbers) == 50 and all(idnumber.validate(n) for n in numbers)
    assert make_position  # imported for readers: positions are created with the factory


def test_grants_come_from_assignments_roster_positions_and_seats_in_one_read(world, django_assert_max_num_queries):
    """`load_grants` reads role assignments, positions and leading-team seats as one union (one
    more read for the roster entry): each current one grants its role, ended and future ones do
    not."""
    from accounts.grants import Grant, forget_grants, load_grants
    from accounts.models import RoleAssignment
    from tests.factories import make_leading_team

    team, leaders = make_leading_team(world.p2, size=2)
    user, today = leaders[1].user, datetime.date.today()
    member = leaders[1]
    make_position(world.b1, member, PositionKind.COMMITTEE_MEMBER)  # current, in another branch
    Position.objects.create(
        organization=world.b3, member=member, kind=PositionKind.SECRETARY, started_on=datetime.date(2020, 1, 1), ended_on=today - datetime.timedelta(days=1)
    )
    RoleAssignment.objects.create(user=user, role="reviewer", organization=world.p1, office="", started_on=datetime.date(2020, 1, 1))
    RoleAssignment.objects.create(user=user, role="inspector", organization=world.p1, started_on=today + datetime.timedelta(days=1))
    forget_grants(user)
    with django_assert_max_num_queries(2):
        grants = load_grants(user)
    assert set(grants) == {
        Grant("reviewer", world.p1.pk, world.p1.path),
        Grant("member", member.organization.pk, member.organization.path, source="roster"),
        Grant("committee_member", world.b1.pk, world.b1.path, source="position"),
        Grant("leader", world.p2.pk, world.p2.path, source="team"),
    }
    assert grants[0].source == "assignment" and grants[1].source == "roster"
