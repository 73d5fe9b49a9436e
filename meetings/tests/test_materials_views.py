"""The materials pages through the client: list, my material, edit (kept input on a stale save),
submit, review with diff, and the 404 for members looking at someone else's material."""

import pytest
from django.urls import reverse

from meetings.choices import DocStatus
from meetings.models import SelfExamination
from meetings.services import materials as services

from .factories_materials import make_dl, make_material, make_meeting, make_opinion

pytestmark = pytest.mark.django_db


def _form(se, **changes):
    data = {"version": se.version, "problems": se.problems, "causes": se.causes, "measures": se.measures, "last_rectification": "", "preparation": ""}
    for i, item in enumerate(se.structured_items or ()):
        data.update(
            {
                f"item-{i}-problem": item["problem"],
                f"item-{i}-cause": item["cause"],
                f"item-{i}-measure": item["measure"],
                f"item-{i}-opinions": ",".join(map(str, item["opinion_ids"])),
            }
        )
    data.update(changes)
    return data


def test_journey_generate_write_submit_return_resubmit_approve(client, world):
    meeting = make_meeting(world.b1)
    make_opinion(meeting, "书记走访群众少", member=world.secretary_member)
    client.force_login(world.secretary)
    assert client.post(reverse("meetings:materials_prepare", args=[meeting.pk])).status_code == 302
    page = client.get(reverse("meetings:materials", args=[meeting.pk]))
    assert "赵书记" in page.content.decode() and "班子" in page.content.decode()
    se = SelfExamination.objects.get(meeting=meeting, member=world.secretary_member)
    edit = reverse("meetings:material_edit", args=[se.pk])
    page = client.get(edit)
    body = page.content.decode()
    assert page.status_code == 200 and "书记走访群众少" in body and "来自征求意见" in body
    data = _form(se, **{"item-0-cause": "宗旨意识淡薄", "item-0-measure": "每月走访网格", "problems": "见清单", "submit": "1"})
    response = client.post(edit, data)
    assert response.status_code == 302
    se.refresh_from_db()
    assert se.status == DocStatus.SUBMITTED and se.structured_items[0]["measure"] == "每月走访网格"
    assert se.answered_opinions.count() == 1

    client.force_login(world.reviewer)
    detail = reverse("meetings:material", args=[se.pk])
    assert "提交审核结果" in client.get(detail).content.decode()
    client.post(reverse("meetings:material_review", args=[se.pk]), {"decision": "returned", "comment": "措施要更具体"})
    se.refresh_from_db()
    assert se.status == DocStatus.RETURNED

    client.force_login(world.secretary)
    assert "措施要更具体" in client.get(edit).content.decode()
    client.post(edit, _form(se, **{"item-0-measure": "每月走访网格不少于4次，建立台账", "submit": "1"}))
    se.refresh_from_db()
    assert se.status == DocStatus.SUBMITTED and se.versions.count() == 2

    client.force_login(world.reviewer)
    page = client.get(detail + "?a=1&b=2&mode=side").content.decode()
    assert "<ins>不少于4次，建立台账</ins>" in page and "修改前" in page
    inline = client.get(detail + "?a=1&b=2&mode=inline").content.decode()
    assert "<ins>不少于4次，建立台账</ins>" in inline
    client.post(reverse("meetings:material_review", args=[se.pk]), {"decision": "approved"})
    se.refresh_from_db()
    assert se.status == DocStatus.APPROVED


def test_stale_save_keeps_the_input_and_says_why(client, world):
    meeting = make_meeting(world.b1)
    se = make_material(meeting, world.secretary_member, problems="原文")
    stale = _form(se, problems="我刚写的一大段新内容")
    services.save_draft(se, {"problems": "别人先保存的"}, actor=world.secretary, version=se.version)
    client.force_login(world.secretary)
    page = client.post(reverse("meetings:material_edit", args=[se.pk]), stale)
    assert page.status_code == 200
    body = page.content.decode()
    assert "我刚写的一大段新内容" in body and "已被他人修改" in body
    se.refresh_from_db()
    assert se.problems == "别人先保存的"


def test_member_gets_404_for_another_members_material_and_sees_only_own_rows(client, world):
    meeting = make_meeting(world.b1)
    other = make_material(meeting, world.secretary_member, problems="书记的问题")
    own = make_material(meeting, world.member_member, doc_kind="outline")
    client.force_login(world.member)
    assert client.get(reverse("meetings:material", args=[other.pk])).status_code == 404
    assert client.get(reverse("meetings:material", args=[own.pk])).status_code == 200
    listing = client.get(reverse("meetings:materials", args=[meeting.pk])).content.decode()
    assert "孙党员" in listing and "赵书记" not in listing
    assert client.get(reverse("meetings:material_edit", args=[other.pk])).status_code == 404
    client.force_login(world.secretary)
    assert client.get(reverse("meetings:material_edit", args=[own.pk])).status_code == 403  # sees it, may not write it
    assert client.get(reverse("meetings:material", args=[own.pk])).status_code == 200


def test_my_material_starts_only_what_is_required(client, world):
    meeting = make_meeting(world.b1)
    client.force_login(world.member)
    page = client.get(reverse("meetings:material_mine", args=[meeting.pk])).content.decode()
    assert "不要求您撰写" in page
    client.post(reverse("meetings:material_start", args=[meeting.pk]))
    assert not SelfExamination.objects.filter(meeting=meeting).exists()
    client.force_login(world.secretary)
    response = client.post(reverse("meetings:material_start", args=[meeting.pk]))
    se = SelfExamination.objects.get(meeting=meeting, member=world.secretary_member)
    assert response.url == reverse("meetings:material_edit", args=[se.pk])
    assert client.get(reverse("meetings:material_mine", args=[meeting.pk])).url == response.url


def test_dl_wrong_level_reviewer_gets_a_clear_message(client, world):
    meeting, leaders, superior = make_dl(world)
    se = make_material(meeting, leaders[1], status=DocStatus.SUBMITTED)
    client.force_login(superior)
    response = client.post(reverse("meetings:material_review", args=[se.pk]), {"decision": "approved"}, follow=True)
    assert "等待班子主要负责人审核" in response.content.decode()
    se.refresh_from_db()
    assert se.status == DocStatus.SUBMITTED and not se.reviews.exists()


def test_author_sees_similarity_without_the_other_persons_name(client, world):
    from .test_materials_services import TEXT_A

    meeting = make_meeting(world.b1)
    se = make_material(meeting, world.committee_member_member, problems=TEXT_A, doc_kind="outline")
    make_material(meeting, world.secretary_member, problems=TEXT_A)
    client.force_login(world.committee_member)
    page = client.get(reverse("meetings:material_edit", args=[se.pk])).content.decode()
    assert "相似度" in page and "另一位同志的材料" in page and "赵书记" not in page
    client.force_login(world.reviewer)
    assert "赵书记" in client.get(reverse("meetings:material", args=[se.pk])).content.decode()
