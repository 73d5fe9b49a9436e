"""The token pages in the web matrix: every user manages only their own tokens."""

from tests.matrix import ALL, case


def _own(persona):
    return {(p, place) for p, place in ALL if p == persona}


case("api:tokens", expected=ALL)(lambda w, o: {})
case("api:token_create", method="POST", expected=ALL, data=lambda w, kw: {"name": "矩阵", "days": 30, "read_only": "on"})(lambda w, o: {})


@case("api:token_revoke", method="POST", expected=_own("secretary"))
def _secretary_token(world, org):
    from django.utils import timezone

    from api.models import ApiToken
    from api.tokens import create_token

    ApiToken.objects.filter(user=world.secretary).update(revoked_at=timezone.now())  # stay under the per-user limit
    return {"pk": create_token(world.secretary, name="矩阵")[0].pk}
