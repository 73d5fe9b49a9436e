"""The engine's plain vocabularies stay in step with the Django choices it mirrors."""

from accounts.choices import Role
from meetings.choices import STAGE_ORDER, MeetingKind
from organizations.choices import OrgKind, Sector
from rulebook import constants


def test_vocabularies_match_the_models():
    assert list(constants.STAGES) == STAGE_ORDER
    assert set(constants.KINDS) == set(MeetingKind.values)
    assert set(constants.SECTORS) == set(Sector.values)
    assert set(constants.ORG_KINDS) == set(OrgKind.values) == set(constants.ORG_KIND_LABELS)
    assert set(constants.ROLES) <= set(Role.values)
