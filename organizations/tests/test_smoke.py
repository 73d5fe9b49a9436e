import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_secretary_sees_own_branch_members_and_not_the_sibling(client, world):
    client.force_login(world.secretary)
    own = client.get(reverse("organizations:member_list", args=[world.b1.pk]))
    assert own.status_code == 200
    assert "孙党员" in own.content.decode()
    other = client.get(reverse("organizations:member_list", args=[world.b2.pk]))
    assert other.status_code == 404
