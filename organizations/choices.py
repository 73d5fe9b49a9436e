from django.db import models


class OrgKind(models.TextChoices):
    DISTRICT_COMMITTEE = "district_committee", "区委"
    PARTY_COMMITTEE = "party_committee", "党委/党工委"
    PARTY_GROUP = "party_group", "党组"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"


class Sector(models.TextChoices):
    """Decides which self-examination document is required (OL-2.5.a–f)."""

    DISTRICT_ORGAN = "district_organ", "区直机关"
    PUBLIC_INSTITUTION = "public_institution", "直属事业单位"
    SUBDISTRICT = "subdistrict", "办事处机关"
    STATION = "station", "站所"
    SCHOOL = "school", "学校"
    COMMUNITY = "community", "社区"
    OTHER = "other", "其他"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class FlowDirection(models.TextChoices):
    NONE = "", "—"
    INFLOW = "in", "流入"
    OUTFLOW = "out", "流出"


class PositionKind(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    COMMITTEE_MEMBER = "committee_member", "委员"


# Which kinds may sit directly under which (design.md §2).
ALLOWED_PARENTS = {
    OrgKind.DISTRICT_COMMITTEE: {None},
    OrgKind.PARTY_COMMITTEE: {OrgKind.DISTRICT_COMMITTEE, OrgKind.PARTY_COMMITTEE},
    OrgKind.PARTY_GROUP: {OrgKind.DISTRICT_COMMITTEE},
    OrgKind.GENERAL_BRANCH: {OrgKind.DISTRICT_COMMITTEE, OrgKind.PARTY_COMMITTEE, OrgKind.PARTY_GROUP},
    OrgKind.BRANCH: {OrgKind.DISTRICT_COMMITTEE, OrgKind.PARTY_COMMITTEE, OrgKind.PARTY_GROUP, OrgKind.GENERAL_BRANCH},
}
