"""Factories shared by every app's tests."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from accounts.models import RoleAssignment
from organizations import idnumber
from organizations.choices import OrgKind, PositionKind, Sector
from organizations.models import LeadingTeam, LeadingTeamMembership, Member, Organization, PartySmallGroup, Position

_serial = itertools.count(1)
PASSWORD = "Test@pass2026"


def valid_id_number(serial: int | None = None, birth=datetime.date(1980, 5, 17)) -> str:
    serial = next(_serial) if serial is None else serial
    body = f"{110100 + serial // 1000 % 900:06d}{birth:%Y%m%d}{serial % 1000:03d}"
    return body + idnumber.check_digit(body)


def make_org(parent=None, *, kind=OrgKind.BRANCH, sector=Sector.OTHER, has_committee=False, name=None, code=None) -> Organization:
    n = next(_serial)
    values = {
        "name": name or f"测试{dict(OrgKind.choices)[kind]}{n}",
        "code": code or f"T{n:06d}",
        "kind": kind,
        "sector": sector,
        "has_committee": has_committee,
    }
    if parent is None:
        return Organization.objects.add_root(values)
    parent = Organization.objects.get(pk=parent.pk)
    return Organization.objects.add_child(parent, values)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    organization = None
    name = factory.Sequence(lambda n: f"党员{n}")
    joined_on = datetime.date(2005, 7, 1)

    @factory.post_generation
    def identity(obj, create, extracted, **kwargs):
        obj.set_id_number(extracted or valid_id_number())
        obj.set_phone(kwargs.get("phone") or f"138{next(_serial):08d}")
        if create:
            obj.save()


def make_member(org, *, user=False, **kwargs) -> Member:
    member = MemberFactory(organization=org, **kwargs)
    if user:
        member.user = UserFactory(display_name=member.name)
        member.save(update_fields=["user"])
    return member


def make_position(org, member, kind=PositionKind.SECRETARY, started_on=datetime.date(2024, 1, 1)) -> Position:
    return Position.objects.create(organization=org, member=member, kind=kind, started_on=started_on)


def make_role_user(role, org, office="", **kwargs):
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=role, organization=org, office=office, started_on=datetime.date(2020, 1, 1))
    return user


def make_small_group(org, name="第一党小组") -> PartySmallGroup:
    return PartySmallGroup.objects.create(organization=org, name=name)


def make_leading_team(org, size=5, home_branch=None):
    """A team whose leaders are members of `home_branch`; the first is the main leader."""
    team = LeadingTeam.objects.create(organization=org, name=f"{org.name}领导班子")
    home_branch = home_branch or make_org(org, sector=Sector.DISTRICT_ORGAN, has_committee=True)
    leaders = []
    for rank in range(1, size + 1):
        leader = make_member(home_branch, user=True, is_leading_cadre=True)
        LeadingTeamMembership.objects.create(
            team=team, member=leader, title="书记" if rank == 1 else "委员", is_main_leader=rank == 1, rank=rank, started_on=datetime.date(2023, 1, 1)
        )
        leaders.append(leader)
    return team, leaders


def totp_now(device) -> str:
    """The code a TOTP authenticator app shows now for `device` (tests log reviewers in with it)."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
