"""Matrix cases of the materials part (see tests/matrix.py). Allow-sets written from the roles:
every reader of the meeting sees the list and the team's material; writing needs a seat in the
meeting (member / committee / secretary; leaders for a 民主生活会); generating the materials and
editing the team's is the secretary's (main leader's); review is for the superior's reviewer
(OL-2.5.i) — never the branch itself, a sibling, or the 纪委/组织部."""

from meetings.choices import DocStatus
from tests.matrix import EXPECTED, PLACES, allow, case, expect

from .factories_materials import make_material, make_meeting

VIEW = allow(
    secretary={"b1"}, committee_member={"b1"}, member={"b1"}, outsider={"b2"}, reviewer={"b1", "b2", "p1"}, inspector=set(PLACES), operator=set(PLACES)
)
MANAGE = allow(secretary={"b1"}, outsider={"b2"})
PARTICIPATE = allow(secretary={"b1"}, committee_member={"b1"}, member={"b1"}, outsider={"b2"})
REVIEW = allow(reviewer={"b1", "b2"})

expect("material.review", REVIEW)
# Shared meeting codes: matrix_core (imported first) owns their rows; these are the same sets,
# registered only while that part has not landed.
for _code, _allowed in (("meeting.view", VIEW), ("meeting.manage", MANAGE), ("meeting.participate", PARTICIPATE)):
    if _code not in EXPECTED:
        expect(_code, _allowed)


@case("meetings:materials", expected=VIEW)
@case("meetings:material_mine", expected=PARTICIPATE)
def _meeting(world, org):
    return {"pk": make_meeting(org).pk}


@case("meetings:materials_prepare", method="POST", expected=MANAGE)
@case("meetings:material_start", method="POST", expected=PARTICIPATE)
def _meeting_post(world, org):
    return {"pk": make_meeting(org).pk}


@case("meetings:material", expected=VIEW)
@case("meetings:material_edit", expected=MANAGE)
def _team_material(world, org):
    return {"pk": make_material(make_meeting(org)).pk}


@case("meetings:material_review", method="POST", expected=REVIEW, data=lambda w, kw: {"decision": "approved"})
def _submitted(world, org):
    return {"pk": make_material(make_meeting(org), status=DocStatus.SUBMITTED).pk}


@case("meetings:materials_publish", method="POST", expected=MANAGE, data=lambda w, kw: {"form": "社区公示栏"})
def _publish(world, org):
    return {"pk": make_meeting(org).pk}


@case("meetings:material_file", expected=VIEW)
def _with_file(world, org):
    from core.uploads import store_private

    from .factories_materials import PDF

    se = make_material(make_meeting(org))
    se.upload.name = store_private(PDF, "self_exams", "pdf")
    se.save(update_fields=["upload"])
    return {"pk": se.pk}
