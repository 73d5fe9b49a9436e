"""Errors are shown in Chinese, never as a stack trace (issue 12 item 6)."""

import pytest
from django.test import Client
from django.urls import path

from core.views import public_view


@public_view
def _boom(request):
    raise RuntimeError("secret internal detail")


urlpatterns = [path("boom/", _boom)]
handler500 = "core.views.error_500"


def test_404_page_is_chinese_and_helpful(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "未找到该页面" in response.content.decode()


@pytest.mark.urls("core.tests.test_error_pages")
def test_500_page_is_chinese_without_details(db, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统繁忙" in body and "secret internal detail" not in body and "Traceback" not in body


def test_403_page_explains_in_chinese(world, client):
    from django.urls import reverse

    client.force_login(world.member)
    response = client.get(reverse("organizations:roster_import", args=[world.b1.pk]))
    assert response.status_code == 403
    assert "权限" in response.content.decode()


def test_csrf_failure_page_is_chinese(world, settings):
    settings.CSRF_FAILURE_VIEW = "core.views.csrf_failure"
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.secretary)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_page_titles_name_the_page_then_the_product(client, world):
    client.force_login(world.secretary)
    assert "<title>我的待办 · 生活会</title>" in client.get("/").content.decode()
    assert "<title>未找到 · 生活会</title>" in client.get("/no/such/page/").content.decode()
