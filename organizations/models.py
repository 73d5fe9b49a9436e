import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from accounts.scoping import ScopedQuerySet, scoped_queryset
from core import crypto
from core.masking import mask_id_number, mask_phone

from . import idnumber
from .choices import FlowDirection, Gender, OrgKind, PositionKind, Sector


class OrganizationQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    org_field = ""
    view_permission = "organization.view"

    def subtree_of(self, org, include_self=True):
        """One indexed range query (materialized path prefix)."""
        qs = self.filter(path__startswith=org.path)
        return qs if include_self else qs.exclude(pk=org.pk)

    def branches(self):
        return self.filter(kind=OrgKind.BRANCH)


class OrganizationManager(MP_NodeManager):
    def get_queryset(self):
        return OrganizationQuerySet(self.model, using=self._db).order_by("path")

    def visible_to(self, user, perm=None):
        return self.get_queryset().visible_to(user, perm)

    def subtree_of(self, org, include_self=True):
        return self.get_queryset().subtree_of(org, include_self)


class Organization(MP_Node):
    """A node of the Party-organization tree (区委 → 党委/党组 → 党总支 → 党支部)."""

    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    code = models.CharField("组织编码", max_length=40, unique=True)
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    sector = models.CharField("领域", max_length=20, choices=Sector.choices, default=Sector.OTHER)
    has_committee = models.BooleanField("设支委会", default=False)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    node_order_by = []
    objects = OrganizationManager()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        indexes = [
            # LIKE 'prefix%' on PostgreSQL needs pattern ops unless the collation is C.
            models.Index(fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kind", "path"], name="org_kind_path"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_branch(self) -> bool:
        return self.kind == OrgKind.BRANCH

    def parent(self):
        return Organization.objects.get_parent(self)

    def ancestors(self):
        return Organization.objects.get_ancestors(self)


class PartySmallGroup(models.Model):
    """党小组: a group of members inside one branch."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="small_groups", verbose_name="所属支部")
    name = models.CharField("名称", max_length=50)

    objects = scoped_queryset("organization", "organization.view").as_manager()

    class Meta:
        verbose_name = "党小组"
        verbose_name_plural = "党小组"
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="small_group_unique_name")]

    def __str__(self):
        return self.name


class MemberQuerySet(ScopedQuerySet):
    org_field = "organization"
    view_permission = "member.view"

    def on_roster(self):
        return self.filter(is_active=True)

    def with_id_number(self, raw: str):
        return self.filter(id_number_index=crypto.blind_index(idnumber.normalize(raw), "id_number"))


class Member(models.Model):
    """A Party member on exactly one branch's roster.

    The ID number and the phone are stored once, encrypted; lists show the masked copies,
    and the full values are read only through an audited reveal.
    """

    uid = models.UUIDField("标识", default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="members", verbose_name="所在支部")
    small_group = models.ForeignKey(PartySmallGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name="党小组")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="member", verbose_name="登录账号")
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices, blank=True)
    id_number_ciphertext = models.BinaryField("身份证号（密文）", editable=False)
    id_number_index = models.CharField("身份证号索引", max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField("身份证号", max_length=18, editable=False)
    phone_ciphertext = models.BinaryField("手机号（密文）", null=True, editable=False)
    phone_masked = models.CharField("手机号", max_length=20, blank=True, editable=False)
    joined_on = models.DateField("入党日期", null=True, blank=True)
    job_title = models.CharField("职务/岗位", max_length=100, blank=True)
    is_probationary = models.BooleanField("预备党员", default=False)
    is_leading_cadre = models.BooleanField("党员领导干部", default=False)
    is_elderly_or_infirm = models.BooleanField("年老体弱/行动不便", default=False)
    is_mobile = models.BooleanField("外出流动党员", default=False)
    flow_direction = models.CharField("流动方向", max_length=5, choices=FlowDirection.choices, blank=True, default="")
    flow_organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="流入/流出党组织")
    flow_organization_name = models.CharField("流入/流出党组织名称", max_length=100, blank=True)
    is_in_difficulty = models.BooleanField("困难党员", default=False)
    is_active = models.BooleanField("在册", default=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = MemberQuerySet.as_manager()

    #: fields that hold personal data (docs/pi-inventory.md must list the same)
    PII_FIELDS = ("id_number_ciphertext", "id_number_index", "id_number_masked", "phone_ciphertext", "phone_masked")

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        indexes = [models.Index(fields=["organization", "is_active", "name"], name="member_org_roster")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_mobile=False) | ~Q(flow_direction=""),
                name="member_mobile_has_direction",
                violation_error_message="流动党员须注明流入或流出",
            )
        ]

    def __str__(self):
        return self.name

    # -- personal data ---------------------------------------------------------------
    def set_id_number(self, raw: str) -> None:
        value = idnumber.validate(raw)
        self.id_number_index = crypto.blind_index(value, "id_number")
        self.id_number_ciphertext = crypto.encrypt(value, f"member.id_number:{self.id_number_index}")
        self.id_number_masked = mask_id_number(value)
        if not self.gender:
            self.gender = idnumber.gender(value)

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_ciphertext, f"member.id_number:{self.id_number_index}")

    def set_phone(self, raw: str | None) -> None:
        from accounts.models import normalize_phone

        value = normalize_phone(raw or "")
        if not value:
            self.phone_ciphertext, self.phone_masked = None, ""
            return
        self.phone_ciphertext = crypto.encrypt(value, f"member.phone:{self.uid}")
        self.phone_masked = mask_phone(value)

    @property
    def phone(self) -> str:
        if not self.phone_ciphertext:
            return ""
        return crypto.decrypt(self.phone_ciphertext, f"member.phone:{self.uid}")

    # -- questions -------------------------------------------------------------------
    @property
    def needs_special_care(self) -> bool:
        """OL-2.4.e: mobile, in-difficulty and elderly/infirm members get a care talk."""
        return self.is_mobile or self.is_in_difficulty or self.is_elderly_or_infirm

    def flags_display(self) -> list[str]:
        flags = []
        for field in ("is_probationary", "is_leading_cadre", "is_elderly_or_infirm", "is_mobile", "is_in_difficulty"):
            if getattr(self, field):
                flags.append(self._meta.get_field(field).verbose_name)
        return flags


class PositionQuerySet(ScopedQuerySet):
    org_field = "organization"
    view_permission = "member.view"

    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on), started_on__lte=on)


class Position(models.Model):
    """An office in a branch committee with its term; ended rows are the history."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="positions", verbose_name="党组织")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="positions", verbose_name="党员")
    kind = models.CharField("职务", max_length=20, choices=PositionKind.choices)
    started_on = models.DateField("任职日期", default=timezone.localdate)
    ended_on = models.DateField("离任日期", null=True, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = "支部职务"
        verbose_name_plural = "支部职务"
        ordering = ["organization", "kind", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(kind=PositionKind.SECRETARY, ended_on__isnull=True),
                name="one_current_secretary",
                violation_error_message="该组织已有在任书记",
            )
        ]

    def __str__(self):
        return f"{self.organization} {self.get_kind_display()} {self.member}"

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.started_on <= on and (self.ended_on is None or self.ended_on >= on)


class LeadingTeam(models.Model):
    """领导班子 of a party committee, party group or the district committee (DL-0.3)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="leading_team", verbose_name="党组织")
    name = models.CharField("班子名称", max_length=100)

    objects = scoped_queryset("organization", "organization.view").as_manager()

    class Meta:
        verbose_name = "领导班子"
        verbose_name_plural = "领导班子"

    def __str__(self):
        return self.name

    def current_memberships(self, on=None):
        on = on or timezone.localdate()
        return self.memberships.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on), started_on__lte=on).select_related("member").order_by("rank", "pk")

    @property
    def main_leader(self):
        membership = self.current_memberships().filter(is_main_leader=True).first()
        return membership.member if membership else None


class LeadingTeamMembership(models.Model):
    """A leader's seat in a team, with term; the rank orders criticism rounds (DL-3.3.d)."""

    team = models.ForeignKey(LeadingTeam, on_delete=models.CASCADE, related_name="memberships", verbose_name="领导班子")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="team_memberships", verbose_name="班子成员")
    title = models.CharField("职务", max_length=100)
    is_main_leader = models.BooleanField("主要负责人", default=False)
    rank = models.PositiveSmallIntegerField("排序", default=10)
    started_on = models.DateField("任职日期", default=timezone.localdate)
    ended_on = models.DateField("离任日期", null=True, blank=True)
    # 分管 (P-DL-2.6.c): the units this leader oversees; each unit's head is its secretary.
    overseen = models.ManyToManyField(Organization, blank=True, related_name="overseen_by", verbose_name="分管单位")

    class Meta:
        verbose_name = "班子成员"
        verbose_name_plural = "班子成员"
        ordering = ["team", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(is_main_leader=True, ended_on__isnull=True),
                name="one_current_main_leader",
                violation_error_message="该班子已有在任主要负责人",
            )
        ]

    def __str__(self):
        return f"{self.team} {self.title} {self.member}"


def overseen_heads(team_id: int, on=None) -> dict[int, list[int]]:
    """分管 (P-DL-2.6.c): for each current leader of the team (member id), the member ids of the
    heads of the units they oversee — a unit's head is its current secretary (负责人). One query."""
    from .choices import PositionKind

    on = on or timezone.localdate()
    seat = Q(organization__overseen_by__team_id=team_id, organization__overseen_by__started_on__lte=on) & (
        Q(organization__overseen_by__ended_on__isnull=True) | Q(organization__overseen_by__ended_on__gte=on)
    )
    rows = (
        Position.objects.current(on)
        .filter(seat, kind=PositionKind.SECRETARY, member__is_active=True)
        .order_by("organization__path", "pk")
        .values_list("organization__overseen_by__member_id", "member_id")
    )
    heads: dict[int, list[int]] = {}
    for leader_id, head_id in rows:
        if head_id != leader_id and head_id not in heads.setdefault(leader_id, []):
            heads[leader_id].append(head_id)
    return heads
