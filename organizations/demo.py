"""The demo district: deterministic and idempotent (codes, ID numbers and usernames are fixed).

Other apps add their own demo steps through `core.demo.register`; they receive the
context built here (organizations by code, users by username, members).
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.choices import Office, Role
from accounts.models import RoleAssignment

from . import idnumber
from .choices import FlowDirection, OrgKind, PositionKind, Sector
from .models import LeadingTeam, LeadingTeamMembership, Member, Organization, PartySmallGroup, Position

DEMO_PASSWORD = "Shh@2026demo"

# code, name, short name, kind, sector, has_committee, parent code, members
TREE = [
    ("DEMO", "示范区委", "区委", OrgKind.DISTRICT_COMMITTEE, Sector.OTHER, False, None, 0),
    ("DEMO-JG", "中共示范区直属机关工作委员会", "区直机关工委", OrgKind.PARTY_COMMITTEE, Sector.DISTRICT_ORGAN, False, "DEMO", 0),
    ("DEMO-B01", "区发展和改革局机关党支部", "发改局支部", OrgKind.BRANCH, Sector.DISTRICT_ORGAN, True, "DEMO-JG", 14),
    ("DEMO-B02", "区档案馆党支部", "档案馆支部", OrgKind.BRANCH, Sector.PUBLIC_INSTITUTION, False, "DEMO-JG", 6),
    ("DEMO-DC", "中共示范区东城街道工作委员会", "东城街道党工委", OrgKind.PARTY_COMMITTEE, Sector.SUBDISTRICT, False, "DEMO", 0),
    ("DEMO-B03", "东城街道机关党支部", "街道机关支部", OrgKind.BRANCH, Sector.SUBDISTRICT, True, "DEMO-DC", 24),
    ("DEMO-G01", "幸福社区党总支", "幸福社区党总支", OrgKind.GENERAL_BRANCH, Sector.COMMUNITY, False, "DEMO-DC", 0),
    ("DEMO-B04", "幸福社区第一党支部", "幸福社区一支部", OrgKind.BRANCH, Sector.COMMUNITY, True, "DEMO-G01", 25),
    ("DEMO-B05", "幸福社区第二党支部", "幸福社区二支部", OrgKind.BRANCH, Sector.COMMUNITY, False, "DEMO-G01", 14),
    ("DEMO-B06", "东城城管执法站党支部", "城管站支部", OrgKind.BRANCH, Sector.STATION, False, "DEMO-DC", 8),
    ("DEMO-JY", "中共示范区教育局党组", "教育局党组", OrgKind.PARTY_GROUP, Sector.DISTRICT_ORGAN, False, "DEMO", 0),
    ("DEMO-B07", "示范区第一中学党支部", "一中支部", OrgKind.BRANCH, Sector.SCHOOL, True, "DEMO-JY", 24),
    ("DEMO-B08", "示范区实验小学党支部", "实验小学支部", OrgKind.BRANCH, Sector.SCHOOL, False, "DEMO-JY", 10),
    ("DEMO-LX", "中共示范区非公有制经济组织和社会组织委员会", "区两新党委", OrgKind.PARTY_COMMITTEE, Sector.OTHER, False, "DEMO", 0),
    ("DEMO-B09", "示范科技有限公司党支部", "科技公司支部", OrgKind.BRANCH, Sector.OTHER, True, "DEMO-LX", 16),
    ("DEMO-B10", "示范区物流协会党支部", "物流协会支部", OrgKind.BRANCH, Sector.OTHER, False, "DEMO-LX", 9),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文斌玉兰晓东海燕春梅丹凤建华晨宇欣怡子涵浩然梓萱宇轩思远佳怡俊杰雨桐"
TITLES = ["科员", "副科长", "科长", "教师", "社区工作者", "网格员", "退休职工", "个体经营者", "工程师", "会计", "驾驶员", "协管员"]

# The leading team of 东城街道党工委 (DL): 7 leaders, all members of the 街道机关党支部.
TEAM = [
    ("党工委书记", True),
    ("党工委副书记、办事处主任", False),
    ("党工委副书记", False),
    ("党工委委员、纪工委书记", False),
    ("党工委委员、组织委员", False),
    ("党工委委员、武装部长", False),
    ("党工委委员、办事处副主任", False),
]

# Which units the leaders (by index in TEAM) oversee (分管).
OVERSEEN = {1: ["DEMO-B03"], 2: ["DEMO-B04", "DEMO-B05"], 6: ["DEMO-B06"]}


def _id_number(rng: random.Random, serial: int) -> str:
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 52))
    body = f"110105{birth:%Y%m%d}{serial % 1000:03d}"
    return body + idnumber.check_digit(body)


def _org(code, name, short, kind, sector, has_committee, parent_code, orgs):
    existing = Organization.objects.filter(code=code).first()
    if existing:
        return existing
    values = {"code": code, "name": name, "short_name": short, "kind": kind, "sector": sector, "has_committee": has_committee}
    if parent_code is None:
        return Organization.objects.add_root(values)
    parent = Organization.objects.get(pk=orgs[parent_code].pk)  # fresh numchild
    return Organization.objects.add_child(parent, values)


def _user(username, display_name, *, member=None):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=display_name)
        user.set_password(DEMO_PASSWORD)
        if member is not None and member.phone:
            user.set_phone(member.phone)
        user.save()
    if member is not None and member.user_id != user.pk:
        member.user = user
        member.save(update_fields=["user"])
    return user


def _role(user, role, org, office=""):
    RoleAssignment.objects.get_or_create(user=user, role=role, organization=org, defaults={"office": office})


@transaction.atomic
def build(stdout=None) -> dict:
    rng = random.Random(2026)
    orgs: dict[str, Organization] = {}
    for code, name, short, kind, sector, has_committee, parent, _ in TREE:
        orgs[code] = _org(code, name, short, kind, sector, has_committee, parent, orgs)

    members: dict[str, list[Member]] = {}
    serial = 0
    for code, *_rest, count in TREE:
        if not count:
            continue
        branch = orgs[code]
        groups = []
        if count >= 20:
            groups = [PartySmallGroup.objects.get_or_create(organization=branch, name=n)[0] for n in ("第一党小组", "第二党小组")]
        members[code] = []
        for i in range(count):
            serial += 1
            id_number = _id_number(rng, serial)
            # Draw every random value whether or not the member exists, so reruns stay in step.
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            joined_on = datetime.date(1975 + rng.randrange(45), rng.randrange(1, 13), 1)
            job_title = rng.choice(TITLES)
            phone = f"139{serial:08d}"
            member = Member.objects.with_id_number(id_number).first()
            if member is None:
                member = Member(organization=branch, name=name, joined_on=joined_on, job_title=job_title)
                member.set_id_number(id_number)
                member.set_phone(phone)
                member.small_group = groups[i % 2] if groups else None
                _flags(member, code, i, orgs)
                member.save()
            members[code].append(member)

    # Branch offices: secretary first, then committee members where there is a committee.
    for code, *_rest, has_committee, _parent, count in TREE:
        if not count:
            continue
        roster = members[code]
        branch = orgs[code]
        _position(branch, roster[0], PositionKind.SECRETARY)
        if has_committee:
            _position(branch, roster[1], PositionKind.DEPUTY_SECRETARY if count >= 20 and code != "DEMO-B04" else PositionKind.COMMITTEE_MEMBER)
            _position(branch, roster[2], PositionKind.COMMITTEE_MEMBER)
            if count >= 20 and code != "DEMO-B04":
                _position(branch, roster[3], PositionKind.COMMITTEE_MEMBER)

    # Leading team of 东城街道党工委: the first seven of the 街道机关党支部 roster after its committee.
    team, _ = LeadingTeam.objects.get_or_create(organization=orgs["DEMO-DC"], defaults={"name": "东城街道党工委领导班子"})
    leaders = members["DEMO-B03"][4:11]
    for rank, ((title, main), leader) in enumerate(zip(TEAM, leaders), start=1):
        if not leader.is_leading_cadre:
            leader.is_leading_cadre = True
            leader.save(update_fields=["is_leading_cadre"])
        LeadingTeamMembership.objects.get_or_create(team=team, member=leader, defaults={"title": title, "is_main_leader": main, "rank": rank})
    # 分管 (P-DL-2.6.c): the units some leaders oversee; their secretaries are talk partners.
    for index, codes in OVERSEEN.items():
        seat = LeadingTeamMembership.objects.get(team=team, member=leaders[index])
        if not seat.overseen.exists():
            seat.overseen.set([orgs[c] for c in codes])

    users = _users(orgs, members, leaders)
    return {"orgs": orgs, "members": members, "users": users, "team": team, "leaders": leaders}


def _flags(member, code, i, orgs):
    """Every flag appears somewhere, several in the community branch used by the walkthrough."""
    if i in (5, 17):
        member.is_probationary = True
    if i == 6:
        member.is_elderly_or_infirm = True
    if i == 7 and code in ("DEMO-B04", "DEMO-B05", "DEMO-B09"):
        member.is_mobile = True
        member.flow_direction = FlowDirection.OUTFLOW if code != "DEMO-B09" else FlowDirection.INFLOW
        member.flow_organization_name = "广东省深圳市南山区某流动党员党支部" if code != "DEMO-B09" else "示范区实验小学党支部"
    if i == 8 and code in ("DEMO-B04", "DEMO-B07", "DEMO-B10"):
        member.is_in_difficulty = True
    if i == 9 and code == "DEMO-B04":
        member.is_elderly_or_infirm = True
    if code == "DEMO-B01" and i < 3:
        member.is_leading_cadre = True


def _position(branch, member, kind):
    if not Position.objects.filter(organization=branch, member=member, kind=kind, ended_on__isnull=True).exists():
        Position.objects.create(organization=branch, member=member, kind=kind, started_on=datetime.date(2024, 1, 1))


def _users(orgs, members, leaders) -> dict:
    b04 = members["DEMO-B04"]
    users = {
        "shuji": _user("shuji", b04[0].name, member=b04[0]),
        "weiyuan": _user("weiyuan", b04[1].name, member=b04[1]),
        "dangyuan": _user("dangyuan", b04[3].name, member=b04[3]),
        "shuji2": _user("shuji2", members["DEMO-B05"][0].name, member=members["DEMO-B05"][0]),
        "shuji3": _user("shuji3", members["DEMO-B09"][0].name, member=members["DEMO-B09"][0]),
        "lingdao": _user("lingdao", leaders[0].name, member=leaders[0]),
        "banzi": _user("banzi", leaders[1].name, member=leaders[1]),
        "shenhe": _user("shenhe", "周审核"),
        "jiwei": _user("jiwei", "纪委 陈监督"),
        "zuzhibu": _user("zuzhibu", "组织部 林组织"),
        "yunying": _user("yunying", "区委组织部 业务管理员"),
        "xitong": _user("xitong", "系统管理员"),
        "anquan": _user("anquan", "安全管理员"),
        "shenji": _user("shenji", "审计管理员"),
    }
    # Every member of the community branch and every leader can log in with their phone.
    for i, member in enumerate(b04):
        if member.user_id is None:
            _user(f"xf{i + 1:02d}", member.name, member=member)
    for i, leader in enumerate(leaders):
        if leader.user_id is None:
            _user(f"ld{i + 1:02d}", leader.name, member=leader)
    _role(users["shenhe"], Role.REVIEWER, orgs["DEMO-DC"])
    _role(users["jiwei"], Role.INSPECTOR, orgs["DEMO"], Office.DISCIPLINE)
    _role(users["zuzhibu"], Role.INSPECTOR, orgs["DEMO"], Office.ORGANIZATION_DEPT)
    _role(users["yunying"], Role.OPERATOR, orgs["DEMO"])
    _role(users["xitong"], Role.SYSADMIN, orgs["DEMO"])
    _role(users["anquan"], Role.SECADMIN, orgs["DEMO"])
    _role(users["shenji"], Role.AUDITADMIN, orgs["DEMO"])
    # The 区委 reviews the party committees' own branches' superiors (e.g. 教育局党组 branches).
    reviewer2 = _user("shenhe2", "吴审核")
    _role(reviewer2, Role.REVIEWER, orgs["DEMO-JY"])
    users["shenhe2"] = reviewer2
    return users


LOGINS = [
    ("shuji", "支部书记（幸福社区第一党支部，社区，设支委会）"),
    ("weiyuan", "支部委员（幸福社区第一党支部）"),
    ("dangyuan", "党员（幸福社区第一党支部）"),
    ("shuji2", "支部书记（幸福社区第二党支部，不设支委会）"),
    ("shuji3", "支部书记（示范科技有限公司党支部，其他领域）"),
    ("shenhe", "上级审核人（东城街道党工委）"),
    ("shenhe2", "上级审核人（区教育局党组）"),
    ("jiwei", "区纪委（督导、接收民主生活会方案和报告）"),
    ("zuzhibu", "区委组织部（督导、接收民主生活会方案和报告）"),
    ("lingdao", "主要负责人（东城街道党工委领导班子）"),
    ("banzi", "班子成员（东城街道党工委领导班子）"),
    ("yunying", "业务管理员（后台管理）"),
    ("xitong", "系统管理员"),
    ("anquan", "安全管理员"),
    ("shenji", "审计管理员"),
]
