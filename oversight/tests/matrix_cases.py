"""Every oversight view × persona × place (see tests/matrix.py).

The dashboard: the branch committee sees its own organization's figures, superiors (reviewer,
纪委/组织部, operator) their subtree; members do not oversee. Without an organization in the URL the
dashboard opens at the user's own top organization. Reminders and the calendar token are the
user's own (login only); the .ics feed is public behind its token.
"""

from tests.matrix import ALL, PLACES, allow, case, expect

DASHBOARD = allow(secretary={"b1"}, committee_member={"b1"}, outsider={"b2"}, reviewer={"b1", "b2", "p1"}, inspector=set(PLACES), operator=set(PLACES))
expect("oversight.view", DASHBOARD)
HOLDERS = {(p, place) for p, place in ALL if p in ("secretary", "committee_member", "outsider", "reviewer", "inspector", "operator")}


@case("oversight:dashboard_org")
@case("oversight:dashboard_export_org")
def _dashboard_org(world, org):
    return {"org": org.pk}


case("oversight:dashboard", expected=HOLDERS)(lambda w, o: {})
case("oversight:dashboard_export", expected=HOLDERS)(lambda w, o: {})
case("oversight:notifications")(lambda w, o: {})
case("oversight:notifications_read", method="POST")(lambda w, o: {})
case("oversight:calendar_token", method="POST")(lambda w, o: {})
