"""The rules pages and choosing a rulebook (database)."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from rulebook import engine
from rulebook.models import RulebookChoice
from rulebook.services import choose_rulebook

pytestmark = pytest.mark.django_db


def test_index_lists_both_rulebooks_in_chinese(client, world):
    client.force_login(world.member)
    html = client.get(reverse("rulebook:index")).content.decode()
    assert "本区生活会制度（2024）" in html and "全国党内法规基线" in html
    assert "幸福社区党支部" in html  # the member's own organization and what applies to it
    assert "为本辖区选用规则库" not in html


def test_detail_shows_parameters_rules_and_source_text_side_by_side(client, world):
    """OL-3.1.g's source text sits next to its rule and its guidance (抹开面子)."""
    client.force_login(world.member)
    html = client.get(reverse("rulebook:detail", kwargs={"slug": "district-2024", "version": "1"})).content.decode()
    assert "组织生活会学习时间下限" in html and "ol_study_min_days" in html
    assert "OL-2.4.a" in html and "上级党组织负责同志尚未与党支部书记谈心谈话" in html
    assert "「相互批评要抹开面子，直截了当指出问题和不足，真心实意提出改进意见」" in html
    assert "人工判断" in html


def test_detail_for_democratic_life_marks_proposals(client, world):
    client.force_login(world.member)
    url = reverse("rulebook:detail_latest", kwargs={"slug": "district-2024"}) + "?kind=democratic_life"
    html = client.get(url).content.decode()
    assert "P-DL-2.6.a" in html and "提议，非本地制度原文" in html
    assert "DL-2.2.c.late" in html and "可豁免：纪委/组织部" in html


def test_unknown_rulebook_or_version_is_404(client, world):
    client.force_login(world.member)
    assert client.get(reverse("rulebook:detail", kwargs={"slug": "district-2024", "version": "9"})).status_code == 404
    assert client.get(reverse("rulebook:detail_latest", kwargs={"slug": "nowhere"})).status_code == 404


def test_rules_pages_need_login(client):
    response = client.get(reverse("rulebook:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_inspector_chooses_a_rulebook_for_the_district(client, world):
    client.force_login(world.inspector_org)
    response = client.post(reverse("rulebook:choose", kwargs={"pk": world.district.pk}), {"slug": "national-baseline", "note": "试点"})
    assert response.status_code == 302
    choice = RulebookChoice.objects.get(organization=world.district)
    assert (choice.slug, choice.note, choice.chosen_by) == ("national-baseline", "试点", world.inspector_org)
    assert engine.current_for(world.b1).slug == "national-baseline"
    entry = AuditEntry.objects.filter(action="rulebook.chosen").get()
    assert entry.data["slug"] == ["", "national-baseline"]


def test_unknown_slug_is_refused_with_a_chinese_message(client, world):
    client.force_login(world.operator)
    response = client.post(reverse("rulebook:choose", kwargs={"pk": world.district.pk}), {"slug": "made-up"}, follow=True)
    assert "没有名为“made-up”的规则库" in response.content.decode()
    assert not RulebookChoice.objects.exists()


def test_secretary_cannot_choose(client, world):
    client.force_login(world.secretary)
    response = client.post(reverse("rulebook:choose", kwargs={"pk": world.b1.pk}), {"slug": "national-baseline"})
    assert response.status_code == 403
    assert not RulebookChoice.objects.exists()


def test_outsider_gets_404_for_an_organization_outside_their_scope(client, world):
    client.force_login(world.outsider)
    assert client.post(reverse("rulebook:choose", kwargs={"pk": world.b1.pk}), {"slug": "national-baseline"}).status_code in (403, 404)


def test_choosing_again_updates_the_choice(world):
    choose_rulebook(world.p1, "national-baseline", actor=world.operator)
    choose_rulebook(world.p1, "district-2024", actor=world.operator)
    assert RulebookChoice.objects.get(organization=world.p1).slug == "district-2024"
    assert AuditEntry.objects.filter(action="rulebook.chosen").count() == 2


def test_partials_render_findings_timeline_and_guidance(world):
    """The templates other apps include: findings with clause links, timeline, guidance."""
    from dataclasses import replace

    from django.template.loader import render_to_string

    from rulebook import samples, timeline

    rb = engine.load()
    snap = samples.democratic_life(stage="preparing")
    snap = replace(snap, plan=replace(snap.plan, filed_offices=frozenset({"discipline"})), overrides=frozenset({"DL-2.2.c"}))
    html = render_to_string("rulebook/_findings.html", {"findings": engine.check(replace(snap, talks=()), rb), "rulebook": rb})
    assert "已豁免" in html and "提议，非本地制度原文" in html
    assert reverse("rulebook:detail", kwargs={"slug": rb.slug, "version": rb.version}) + "?kind=democratic_life#clause-DL-2.2.c" in html
    without_rulebook = render_to_string("rulebook/_findings.html", {"findings": engine.check(replace(snap, talks=()), rb)})
    assert "DL-2.2.c" in without_rulebook and "#clause-" not in without_rulebook  # the clauses named, not linked
    ol = render_to_string("rulebook/_findings.html", {"findings": engine.check(replace(samples.org_life(stage="preparing"), talks=()), rb), "rulebook": rb})
    assert "?kind=org_life#clause-OL-" in ol and "?kind=democratic_life" not in ol
    html = render_to_string("rulebook/_timeline.html", {"obligations": timeline.display_rows(timeline.timeline(snap, rb)), "ics_url": "/x.ics"})
    assert "方案报上级纪委和组织部门" in html and "2024年12月5日" in html and "/x.ics" in html
    html = render_to_string("rulebook/_guidance.html", {"guidance": engine.guidance_for("org_life", "criticism", rb)})
    assert "抹开面子" in html and "OL-3.1.g" in html


def test_findings_escape_every_value_and_show_names_hint_and_gate(world):
    """`findings_html` writes the markup in Python: every value it prints is escaped (a name or a
    message may hold "<"), and each part shows as the template did: severity, role, hint, whom it
    concerns (or that the names are withheld), the gated stage, an empty list's message."""
    from django.template.loader import render_to_string

    from meetings.findings_display import Shown
    from rulebook.constants import STAGE_LABELS
    from rulebook.engine import Finding

    bad = "<script>alert(1)</script>"
    finding = Finding(rule_id="OL-2.4.c", severity="blocker", message=f"谈话未完成{bad}", clause_ids=("OL-2.4.c",), hint=f"补谈{bad}", gates="ready")
    html = render_to_string("rulebook/_findings.html", {"findings": [Shown(finding, names=(f"张三{bad}", "李四"))]})
    assert "<script>" not in html and html.count("&lt;script&gt;") == 3
    assert 'data-rule="OL-2.4.c" role="alert"' in html and "怎么办：补谈" in html and "涉及：张三&lt;script&gt;alert(1)&lt;/script&gt;、李四" in html
    assert f"影响进入“{STAGE_LABELS['ready']}”" in html
    withheld = render_to_string("rulebook/_findings.html", {"findings": [Shown(finding, (), withheld=True)]})
    assert "涉及人员保密" in withheld and "涉及：" not in withheld
    assert "没有需要处理的问题" in render_to_string("rulebook/_findings.html", {"findings": []})


def test_rules_page_names_the_values_a_meeting_fills_in(client, world):
    client.force_login(world.member)
    html = client.get(reverse("rulebook:detail_latest", kwargs={"slug": "district-2024"}) + "?kind=democratic_life").content.decode()
    assert "{n}" not in html and "{start}" not in html
    assert "方案应在召开民主生活会15日前（最迟某日）报上级纪委和组织部门" in html
