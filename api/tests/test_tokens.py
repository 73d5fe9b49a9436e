"""Personal API tokens: shown once, stored hashed, scoped to the user's roles, revocable."""

import pytest
from django.urls import reverse

from api.models import ApiToken
from api.tokens import create_token, digest, revoke_token
from audit.models import AuditEntry
from core.errors import DomainError
from rectification.tests.factories import make_item, make_meeting

pytestmark = pytest.mark.django_db


def _get(client, raw, path):
    return client.get("/api" + path, headers={"Authorization": f"Bearer {raw}"})


def test_token_is_shown_once_and_stored_hashed(client, world):
    client.force_login(world.secretary)
    response = client.post(reverse("api:token_create"), {"name": "数据看板", "days": 90, "read_only": "on"})
    assert response.status_code == 302
    page = client.get(reverse("api:tokens")).content.decode()
    token = ApiToken.objects.get(user=world.secretary)
    raw = page.split('<code class="token-value">')[1].split("</code>")[0]
    assert raw.startswith("shh_") and len(raw) > 40
    assert token.digest == digest(raw) and raw not in (token.digest, token.prefix)
    assert not ApiToken.objects.filter(digest__contains=raw[5:15]).exists()
    again = client.get(reverse("api:tokens")).content.decode()
    assert raw not in again  # only once
    assert AuditEntry.objects.filter(action="api.token_created", actor=world.secretary).exists()


def test_revoked_token_stops_working_at_once(client, world):
    token, raw = create_token(world.secretary, name="x")
    assert _get(client, raw, "/me").status_code == 200
    revoke_token(token, actor=world.secretary)
    assert _get(client, raw, "/me").status_code == 401
    assert AuditEntry.objects.filter(action="api.token_revoked").exists()


def test_revoke_through_the_page_only_own_tokens(client, world):
    token, raw = create_token(world.secretary, name="x")
    client.force_login(world.outsider)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    client.force_login(world.secretary)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 302
    assert _get(client, raw, "/me").status_code == 401


def test_expired_token_and_inactive_user_are_refused(client, world):
    from django.utils import timezone

    token, raw = create_token(world.secretary, name="x")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert _get(client, raw, "/me").status_code == 401
    _, raw2 = create_token(world.member, name="y")
    world.member.is_active = False
    world.member.save(update_fields=["is_active"])
    assert _get(client, raw2, "/me").status_code == 401


def test_no_token_or_a_wrong_one_is_401(client, world):
    assert client.get("/api/meetings").status_code == 401
    assert _get(client, "shh_" + "x" * 43, "/meetings").status_code == 401
    client.force_login(world.secretary)  # a browser session is not an API credential
    assert client.get("/api/meetings").status_code == 401


def test_token_scoped_to_one_of_the_users_roles(client, world):
    """The reviewer who is also a member of B1: a token limited to `member` sees only B1's
    meetings, not the reviewer's subtree."""
    from organizations.models import Member

    Member.objects.filter(pk=world.member_member.pk).update(user=None)
    Member.objects.filter(pk=world.member_member.pk).update(user=world.reviewer)
    own, other = make_meeting(world.b1), make_meeting(world.b2)
    _, full = create_token(world.reviewer, name="all")
    _, narrow = create_token(world.reviewer, name="member only", roles=["member"])
    ids_full = {m["id"] for m in _get(client, full, "/meetings").json()["results"]}
    ids_narrow = {m["id"] for m in _get(client, narrow, "/meetings").json()["results"]}
    assert {own.pk, other.pk} <= ids_full
    assert own.pk in ids_narrow and other.pk not in ids_narrow
    assert _get(client, narrow, f"/meetings/{other.pk}").status_code == 404
    assert _get(client, narrow, "/me").json()["roles"] == ["member"]


def test_token_cannot_claim_a_role_the_user_lacks(world):
    with pytest.raises(DomainError):
        create_token(world.member, name="x", roles=["reviewer"])


def test_admins_get_no_tokens(world):
    from accounts.choices import Role
    from tests.factories import make_role_user

    with pytest.raises(DomainError):
        create_token(make_role_user(Role.AUDITADMIN, world.district), name="x")


def test_read_only_token_cannot_write(client, world):
    item = make_item(make_meeting(world.b1))
    _, read_only = create_token(world.secretary, name="ro", read_only=True)
    _, read_write = create_token(world.secretary, name="rw", read_only=False)
    headers = lambda raw: {"Authorization": f"Bearer {raw}"}  # noqa: E731
    url = f"/api/items/{item.pk}/progress"
    response = client.post(url, data={"note": "已整改"}, content_type="application/json", headers=headers(read_only))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="api.denied", actor=world.secretary, outcome="denied").exists()
    response = client.post(url, data={"note": "已整改"}, content_type="application/json", headers=headers(read_write))
    assert response.status_code == 201
    assert response.json()["events"][-1]["note"] == "已整改"
    assert AuditEntry.objects.filter(action="item.progress", actor=world.secretary).exists()


def test_api_uses_the_service_rules(client, world):
    """The same domain refusal as the web: a closure request without evidence (OL-4.3.c)."""
    item = make_item(make_meeting(world.b1))
    _, raw = create_token(world.secretary, name="rw", read_only=False)
    response = client.post(
        f"/api/items/{item.pk}/request-closure", data={"note": ""}, content_type="application/json", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 422 and "OL-4.3.c" in response.json()["detail"]


def test_mass_assignment_and_nul_bytes_are_rejected(client, world):
    item = make_item(make_meeting(world.b1))
    _, raw = create_token(world.secretary, name="rw", read_only=False)
    headers = {"Authorization": f"Bearer {raw}"}
    url = f"/api/items/{item.pk}/progress"
    assert client.post(url, data={"note": "x", "status": "closed"}, content_type="application/json", headers=headers).status_code == 422
    assert client.post(url, data={"note": "a\x00b"}, content_type="application/json", headers=headers).status_code == 422
    item.refresh_from_db()
    assert item.status == "open"


def test_members_are_masked_in_json(client, world):
    _, raw = create_token(world.secretary, name="x")
    body = _get(client, raw, "/members").content.decode()
    member = world.member_member
    assert member.id_number not in body and member.phone not in body
    assert member.id_number_masked in body


def test_meeting_filters_stage_overdue_subtree(client, world):
    import datetime

    from meetings.choices import Stage

    late = make_meeting(world.b1)
    make_item(late, deadline=datetime.date(2020, 1, 1))
    on_time = make_meeting(world.b2, stage=Stage.PREPARING)
    elsewhere = make_meeting(world.b3)
    _, raw = create_token(world.operator, name="x")
    ids = lambda path: {m["id"] for m in _get(client, raw, path).json()["results"]}  # noqa: E731
    assert ids("/meetings?overdue=true") == {late.pk}
    assert ids(f"/meetings?stage={Stage.PREPARING}") == {on_time.pk}
    assert ids(f"/meetings?subtree={world.p1.pk}") == {late.pk, on_time.pk}
    assert elsewhere.pk in ids("/meetings")
    page = _get(client, raw, "/meetings?page_size=1&page=2").json()
    assert page["count"] == 3 and len(page["results"]) == 1
    _, member_raw = create_token(world.member, name="m")
    assert _get(client, member_raw, f"/meetings?subtree={world.p1.pk}").status_code == 404


def test_openapi_and_docs(client):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200 and "/api/meetings" in schema.json()["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    body = docs.content.decode()
    assert "cdn." not in body and "swagger-ui-bundle.js" in body


def test_meeting_detail_has_stage_timeline_and_findings(client, world):
    meeting = make_meeting(world.b1)
    _, raw = create_token(world.reviewer, name="x")
    data = _get(client, raw, f"/meetings/{meeting.pk}").json()
    assert data["stage"] == meeting.stage and data["stage_label"]
    assert data["checks_available"] is True
    assert data["timeline"] and all(o["status"] in ("done", "due", "overdue") for o in data["timeline"])
    assert all(f["clause_ids"] for f in data["findings"])


def test_opinions_are_recorded_through_the_prep_service(client, world):
    from meetings.choices import Stage
    from meetings.models import Opinion

    meeting = make_meeting(world.b1, stage=Stage.PREPARING)
    _, raw = create_token(world.committee_member, name="rw", read_only=False)
    body = {
        "channel": "forum",
        "received_on": "2026-01-05",
        "entries": [{"content": "建议每月公开党费收缴情况，方便党员监督", "is_anonymous": True, "giver_name": "张三"}],
    }
    response = client.post(f"/api/meetings/{meeting.pk}/opinions", data=body, content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 201, response.content
    opinion = Opinion.objects.get(meeting=meeting)
    assert opinion.is_anonymous and opinion.giver_name == ""
    assert AuditEntry.objects.filter(action="opinion.recorded", actor=world.committee_member).exists()
    planning = make_meeting(world.b1, stage=Stage.PLANNING)
    response = client.post(f"/api/meetings/{planning.pk}/opinions", data=body, content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 422  # OL-2.1: nothing opens before the plan is approved
