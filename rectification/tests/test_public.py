"""Public display and the masses' comments (OL-4.1.d, OL-2.5.e, DL-4.3.b)."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from meetings.choices import NoticeKind
from meetings.models import PublicNotice
from rectification import deadlines, services
from rectification.choices import CommentStatus, ItemStatus
from rectification.models import PublicComment

from .factories import make_item, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(world):
    meeting = make_meeting(world.b1)
    items = {
        "public": make_item(meeting, goal="公开的整改目标", responsible_member=world.committee_member_member),
        "hidden": make_item(meeting, goal="不公开的整改目标", is_public=False),
        "draft": make_item(meeting, goal="草稿目标", status=ItemStatus.DRAFT),
        "personal": make_item(meeting, goal="个人公开目标", responsible_member=world.member_member),
    }
    services.publish_rectification(meeting, actor=world.secretary, form="公示栏", scope="社区群众")
    return meeting, items


def _page(client, org):
    board = services.board_for(org)
    client.logout()
    response = client.get(reverse("rectification:public", args=[board.token]))
    assert response.status_code == 200
    return board, response.content.decode()


def test_OL_4_1_d_public_page_lists_published_public_items_without_login(world, client, published):
    meeting, items = published
    board, body = _page(client, world.b1)
    assert "公开的整改目标" in body and "个人公开目标" in body
    assert "不公开的整改目标" not in body and "草稿目标" not in body
    # no names unless the organization opts in
    assert world.committee_member_member.name not in body and world.member_member.name not in body
    assert "党员个人" in body
    services.update_board(
        board, actor=world.secretary, version=board.version, show_responsible_names=True, comments_open=True, supervision_contact="电话 12345"
    )
    _, body = _page(client, world.b1)
    assert world.committee_member_member.name in body and "电话 12345" in body


def test_OL_4_1_d_items_appear_only_after_publication(world, client):
    make_item(make_meeting(world.b1), goal="还没公示的目标")
    _, body = _page(client, world.b1)
    assert "还没公示的目标" not in body and "目前没有公示中的整改事项" in body


def test_OL_4_1_d_publication_is_recorded_with_its_display_period(world, published):
    meeting, _ = published
    notice = PublicNotice.objects.get(meeting=meeting, kind=NoticeKind.RECTIFICATION)
    start = timezone.localdate(notice.published_at)
    assert notice.display_until == deadlines.add_working_days(start, 5)  # ol_rectification_display_days: 5 working days
    assert 4 <= (notice.display_until - start).days <= 6
    assert (notice.form, notice.scope, notice.is_public) == ("公示栏", "社区群众", True)
    with pytest.raises(DomainError, match="已经公示"):
        services.publish_rectification(meeting, actor=world.secretary)


def test_OL_4_1_d_nothing_to_publish_is_refused(world):
    meeting = make_meeting(world.b1)
    make_item(meeting, is_public=False)
    with pytest.raises(DomainError, match="没有可公示"):
        services.publish_rectification(meeting, actor=world.secretary)


def test_OL_2_5_e_sibling_and_unknown_tokens_show_nothing(world, client, published):
    board, _ = _page(client, world.b2)
    assert "公开的整改目标" not in client.get(reverse("rectification:public", args=[board.token])).content.decode()
    assert client.get(reverse("rectification:public", args=["not-a-token"])).status_code == 404


def test_public_comment_is_moderated_before_it_shows(world, client, published):
    board, _ = _page(client, world.b1)
    url = reverse("rectification:public_comment", args=[board.token])
    response = client.post(url, {"content": "<script>alert(1)</script>希望加快整改", "signature": "居民"}, follow=True)
    assert "经审核后公开" in response.content.decode()
    comment = PublicComment.objects.get()
    assert comment.status == CommentStatus.PENDING
    _, body = _page(client, world.b1)
    assert "希望加快整改" not in body
    services.moderate_comment(comment, actor=world.secretary, status=CommentStatus.APPROVED, reply="已采纳")
    _, body = _page(client, world.b1)
    assert "希望加快整改" in body and "&lt;script&gt;" in body and "<script>alert" not in body and "已采纳" in body


def test_public_comment_form_is_throttled_and_keeps_input(world, client, published):
    board, _ = _page(client, world.b1)
    url = reverse("rectification:public_comment", args=[board.token])
    for i in range(5):
        assert client.post(url, {"content": f"第{i}条意见建议内容"}).status_code == 302
    response = client.post(url, {"content": "第六条意见建议内容"})
    assert response.status_code == 429
    assert "第六条意见建议内容" in response.content.decode() and "过于频繁" in response.content.decode()
    assert PublicComment.objects.count() == 5


def test_public_comment_honeypot_and_short_input(world, client, published):
    board, _ = _page(client, world.b1)
    url = reverse("rectification:public_comment", args=[board.token])
    assert client.post(url, {"content": "机器人填写的内容", "website": "http://spam"}).status_code == 302
    assert client.post(url, {"content": "短"}).status_code == 400
    assert not PublicComment.objects.exists()
    services.update_board(board, actor=world.secretary, version=board.version, show_responsible_names=False, comments_open=False, supervision_contact="")
    response = client.post(url, {"content": "关闭后的留言内容"})
    assert response.status_code == 400 and not PublicComment.objects.exists()


def test_comment_moderation_is_the_organizations(world, client, published):
    board, _ = _page(client, world.b1)
    comment = services.submit_comment(board, content="请问整改什么时候完成")
    client.force_login(world.outsider)
    assert client.post(reverse("rectification:comment_moderate", args=[comment.pk]), {"status": "approved"}).status_code == 404
    client.force_login(world.secretary)
    client.post(reverse("rectification:comment_moderate", args=[comment.pk]), {"status": "approved", "reply": "本月底"})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED and comment.reply == "本月底"
