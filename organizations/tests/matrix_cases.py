from organizations.choices import PositionKind
from tests.factories import make_member, make_position
from tests.matrix import ALL, case, no_object

# Pages without an organization object: every persona holding the permission anywhere.
case("core:home", expected=ALL)(no_object)
case("accounts:password_change", expected=ALL)(no_object)
case("organizations:tree", expected=ALL)(no_object)
case("organizations:my_members", expected=ALL)(no_object)
case("organizations:roster_template", expected={(p, pl) for p, pl in ALL if p in ("secretary", "outsider", "operator")})(no_object)


@case("organizations:tree_children")
@case("organizations:detail")
@case("organizations:member_list")
@case("organizations:roster_import")
def _org(world, org):
    return {"pk": org.pk}


@case("organizations:member_detail")
@case("organizations:member_edit")
def _member(world, org):
    return {"uid": make_member(org).uid}


@case("organizations:member_reveal", method="POST", perm="member.reveal")
@case("organizations:member_account", method="POST")
def _member_post(world, org):
    return {"uid": make_member(org).uid}


@case("organizations:position_appoint", method="POST")
def _appoint(world, org):
    return {"pk": org.pk}


@case("organizations:position_end", method="POST")
def _position(world, org):
    return {"pk": make_position(org, make_member(org), PositionKind.COMMITTEE_MEMBER).pk}
