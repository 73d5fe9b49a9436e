"""District templates: validated by rendering with sample data, versions kept, subtree inheritance,
a broken template refused with the missing field named and the old one kept in use."""

import io

import pytest
from docx import Document

from core.errors import DomainError
from documents import kinds, templates
from documents.layout import GovDoc, page_setup
from documents.models import DocumentTemplate

from .factories import full_meeting
from .test_generate import text_of

pytestmark = pytest.mark.django_db


def template_with(*lines) -> bytes:
    doc = GovDoc("{{ title }}")
    for line in lines:
        doc.para(line)
    return doc.save()


GOOD = template_with("致{{ addressee }}", "{%p for s in sections %}", "{{ s.heading }}", "{%p endfor %}", "区级格式 {{ organization }} {{ today_cn }}")


@pytest.mark.parametrize("key", sorted(templates.BUILTIN_DIR.glob("*.docx")), ids=lambda p: p.stem)
def test_shipped_templates_validate_and_keep_the_page(key):
    data = key.read_bytes()
    assert templates.validate(key.stem, data)
    assert page_setup(Document(io.BytesIO(templates.render(data, __import__("documents.samples", fromlist=["x"]).sample_context(key.stem))))) == {
        "width": 210,
        "height": 297,
        "top": 37,
        "bottom": 35,
        "left": 28,
        "right": 26,
    }


def test_uploaded_template_is_used_by_the_branch_below(world):
    meeting, _ = full_meeting(world)
    template = templates.upload(world.district, "situation_report", GOOD, actor=world.operator, name="区委格式.docx")
    assert template.number == 1 and template.is_active and "sections" in template.fields_used
    assert templates.active_for(world.b1, "situation_report") == template  # inherited by the subtree
    _, body = kinds.generate("situation_report", meeting)
    text = text_of(body)
    assert "区级格式 幸福社区党支部 二〇" in text and "致第一街道党工委" in text and "一、会议基本情况" in text


def test_lower_level_template_wins_and_versions_are_kept(world):
    first = templates.upload(world.district, "notice", template_with("{{ organization }} {{ meeting_time }} 第一版"), actor=world.operator)
    second = templates.upload(world.district, "notice", template_with("{{ organization }} {{ meeting_time }} 第二版"), actor=world.operator)
    first.refresh_from_db()
    assert (first.is_active, second.is_active, second.number) == (False, True, 2)
    own = templates.upload(world.p1, "notice", template_with("{{ organization }} {{ meeting_time }} 街道版"), actor=world.operator)
    assert templates.active_for(world.b1, "notice") == own
    assert templates.active_for(world.b3, "notice") == second
    templates.activate(first, actor=world.operator)
    assert templates.active_for(world.b3, "notice") == first
    assert DocumentTemplate.objects.filter(organization=world.district, kind="notice").count() == 2


def test_broken_template_is_refused_naming_the_field_and_the_old_one_stays(world):
    old = templates.upload(world.district, "situation_report", GOOD, actor=world.operator)
    with pytest.raises(DomainError) as exc:
        templates.upload(world.district, "situation_report", template_with("{{ title }}", "{{ meeting_dat }}", "{{ sections }}"), actor=world.operator)
    assert "meeting_dat" in exc.value.message and "不存在的字段" in exc.value.message
    with pytest.raises(DomainError) as exc:
        templates.upload(world.district, "situation_report", template_with("{{ organization }}"), actor=world.operator)
    assert "缺少必需字段" in exc.value.message and "sections" in exc.value.message
    with pytest.raises(DomainError) as exc:
        templates.upload(world.district, "situation_report", template_with("{% for s in sections %}{{ s.heading }}"), actor=world.operator)
    assert "模板" in exc.value.message
    with pytest.raises(DomainError) as exc:
        templates.upload(world.district, "situation_report", template_with("{% for s in sections %}{{ s.nonexistent }}{% endfor %}"), actor=world.operator)
    assert "nonexistent" in exc.value.message
    with pytest.raises(DomainError):
        templates.upload(world.district, "situation_report", b"not a docx", actor=world.operator)
    assert templates.active_for(world.b1, "situation_report") == old
    assert DocumentTemplate.objects.count() == 1


def test_only_the_operator_uploads(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        templates.upload(world.b1, "notice", GOOD, actor=world.secretary)


def test_upload_page_shows_the_message_and_keeps_the_old_template(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    old = templates.upload(world.district, "situation_report", GOOD, actor=world.operator)
    client.force_login(world.operator)
    bad = SimpleUploadedFile("坏模板.docx", template_with("{{ title }}", "{{ meeting_dat }}", "{{ sections }}"))
    response = client.post(f"/documents/templates/org/{world.district.pk}/upload/", {"kind": "situation_report", "file": bad})
    assert response.status_code == 400
    assert "meeting_dat" in response.content.decode() and "原模板继续使用" in response.content.decode()
    assert templates.active_for(world.b1, "situation_report") == old
    good = SimpleUploadedFile("好模板.docx", GOOD)
    response = client.post(f"/documents/templates/org/{world.district.pk}/upload/", {"kind": "situation_report", "file": good})
    assert response.status_code == 302
    assert templates.active_for(world.b1, "situation_report").number == 2


def test_district_template_escapes_user_text(world):
    from meetings.models import Plan

    meeting, _ = full_meeting(world)
    Plan.objects.filter(meeting=meeting).update(place="党群服务中心<三楼> & 会议室")
    templates.upload(world.district, "notice", template_with("{{ organization }} {{ meeting_time }} 地点：{{ place }}"), actor=world.operator)
    _, body = kinds.generate("notice", meeting)
    assert "地点：党群服务中心<三楼> & 会议室" in text_of(body)
