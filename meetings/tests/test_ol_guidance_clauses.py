"""The OL clauses that people, not rules, judge (OL-1.1.a/b/c, OL-2.2.f, OL-3.1.i): each one's
text is put where the rulebook says it guides — the plan, the study page, the meeting page at the
sitting, the superior's commentary form. Each test fails if its text stops being shown there, on
either rulebook."""

import pytest
from django.urls import reverse

from meetings.choices import Stage

from .factories_core import make_meeting

pytestmark = pytest.mark.django_db
RULEBOOKS = ["district-2024", "national-baseline"]


def _meeting(org, stage, slug):
    from rulebook import engine

    meeting = make_meeting(org, stage=stage)
    meeting.rulebook_slug, meeting.rulebook_version = slug, engine.load(slug).version
    meeting.save(update_fields=["rulebook_slug", "rulebook_version"])
    return meeting


def _page(client, user, name, meeting):
    client.force_login(user)
    response = client.get(reverse(name, args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("slug", RULEBOOKS)
def test_OL_1_1_a_plan_page_states_self_education_first(world, client, slug):
    meeting = _meeting(world.b1, Stage.PLANNING, slug)
    page = _page(client, world.secretary, "meetings:plan", meeting)
    assert "组织生活会应坚持自我教育为主的原则" in page and "OL-1.1.a" in page


@pytest.mark.parametrize("slug", RULEBOOKS)
def test_OL_1_1_b_unity_criticism_unity_is_shown_at_the_sitting(world, client, slug):
    meeting = _meeting(world.b1, Stage.READY, slug)
    page = _page(client, world.member, "meetings:detail", meeting)
    assert "遵循“团结——批评与自我批评——团结”的方针" in page and "OL-1.1.b" in page


@pytest.mark.parametrize("slug", RULEBOOKS)
def test_OL_3_1_i_the_intended_effect_is_shown_at_the_sitting(world, client, slug):
    meeting = _meeting(world.b1, Stage.READY, slug)
    page = _page(client, world.member, "meetings:detail", meeting)
    assert "既红脸出汗、触动思想，又增进团结、促进工作的效果" in page and "OL-3.1.i" in page


@pytest.mark.parametrize("slug", RULEBOOKS)
def test_OL_2_2_f_study_page_asks_to_link_theory_with_practice(world, client, slug):
    meeting = _meeting(world.b1, Stage.PREPARING, slug)
    page = _page(client, world.member, "meetings:study", meeting)
    assert "理论联系实际" in page and "OL-2.2.f" in page


@pytest.mark.parametrize("slug", RULEBOOKS)
def test_OL_1_1_c_commentary_form_uses_the_aim_as_criteria(world, client, slug):
    meeting = _meeting(world.b1, Stage.READY, slug)
    page = _page(client, world.reviewer, "meetings:commentary", meeting)
    assert "纠正了缺点、增进了团结" in page and "OL-1.1.c" in page
