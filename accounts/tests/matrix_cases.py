"""Accounts pages × personas × places. No business persona holds an administrator role
(三员分立): the three administrators' pages deny all seven personas; their own access is
tested in test_admin_roles.py."""

from tests.matrix import case, expect

expect("account.manage", set())
expect("security.manage", set())
expect("audit.view", set())

case("accounts:otp_setup")(lambda w, o: {})
case("accounts:otp_verify")(lambda w, o: {})
case("accounts:admin_users")(lambda w, o: {})
case("accounts:policy")(lambda w, o: {})
case("accounts:audit_log")(lambda w, o: {})


@case("accounts:user_deactivate", method="POST")
@case("accounts:user_activate", method="POST")
@case("accounts:user_force_password", method="POST")
@case("accounts:user_reset_otp", method="POST")
def _user(world, org):
    return {"pk": world.member.pk}
