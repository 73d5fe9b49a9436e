"""Opinions, the public form, talks, sittings, 点评/小结 and the problem list in a real browser at
1280 px and 390 px (screenshots in test-artifacts/screenshots/prep_*.png are looked at)."""

import pytest
from django.core.cache import cache

from meetings.choices import CriticismKind, FeedbackMode, Half, OpinionChannel, SittingKind, Stage, TalkFlagKind, TalkKind
from meetings.services import opinions, problems, sittings, talks
from tests.browser import DESKTOP, PHONE, assert_no_horizontal_scroll, log_in, small_tap_targets
from tests.factories import make_member

from .factories_prep import days_ago, make_ol_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill(world, monkeypatch):
    from rulebook import engine

    monkeypatch.setattr(engine, "blockers", lambda *a, **k: [])
    sec, com, mem = world.secretary_member, world.committee_member_member, world.member_member
    old = make_member(world.b1, name="高秀英", is_elderly_or_infirm=True)
    make_member(world.b1, name="外出党员刘强", is_mobile=True, flow_direction="out", flow_organization_name="深圳市南山区某流动党员党支部")
    prep = make_ol_meeting(world.b1)
    E = opinions.Entry
    opinions.record_opinions(
        prep,
        actor=world.secretary,
        channel=OpinionChannel.HOME_VISIT,
        received_on=days_ago(3),
        entries=[
            E("社区党员活动室周末不开放，上班的党员无法参加活动，建议周六上午开放。", giver_kind="群众", strong_public_concern=True),
            E("钱委员负责的网格今年只走访过两次，独居老人反映联系不上。", target_member=com, giver_name="王大妈", giver_kind="服务对象"),
            E("希望加强学习", giver_kind="党员"),
        ],
    )
    opinions.set_link(prep, actor=world.secretary, open=True)
    opinions.submit_public(prep, entries=[E("居民议事会一年只开过一次，加装电梯的事没有充分商量。", is_anonymous=True)])
    opinions.freeze_summary(prep, actor=world.secretary, intro="走访居民30户，召开座谈会1次。", none_received=[f"m{sec.pk}"], expected_number=0)
    opinions.notify_team(prep, actor=world.secretary, mode=FeedbackMode.MEETING, delivered_on=days_ago(1))
    talks.record_talk(prep, actor=world.secretary, member_a=sec, member_b=mem, held_on=days_ago(2), form="face", key_points="交流了参加组织生活的情况")
    talks.record_talk(prep, actor=world.secretary, member_a=sec, member_b=old, held_on=days_ago(2), kind=TalkKind.CARE, form="home")
    talks.schedule_talk(prep, actor=world.secretary, member_a=sec, member_b=com, scheduled_on=days_ago(-2))
    talks.add_flag(prep, actor=world.secretary, kind=TalkFlagKind.CONFLICT, member_a=mem, member_b=old, note="因楼道堆物有过争执")

    held = make_ol_meeting(world.b1, stage=Stage.READY, half=Half.MID_YEAR)
    concern = opinions.Entry("活动室周末不开放。", strong_public_concern=True)
    held.stage = Stage.PREPARING
    held.save()
    [strong] = opinions.record_opinions(held, actor=world.secretary, channel=OpinionChannel.FORUM, received_on=days_ago(5), entries=[concern])
    held.stage = Stage.READY
    held.save()
    c = sittings.open_sitting(held, actor=world.secretary, kind=SittingKind.COMMITTEE, date=days_ago(2), place="党群服务中心")
    sittings.add_statement(c, actor=world.secretary, kind=CriticismKind.SELF, speaker=sec, content="本人联系群众不够，全年只走访12户。")
    sittings.add_statement(
        c, actor=world.secretary, kind=CriticismKind.MUTUAL, speaker=sec, target=com, content="网格只走访过两次。", suggestion="每月走访一次。"
    )
    sittings.add_statement(c, actor=world.secretary, kind=CriticismKind.SELF, speaker=com, content="学习不够系统。")
    st = sittings.add_statement(
        c, actor=world.secretary, kind=CriticismKind.MUTUAL, speaker=com, target=sec, content="主题党日形式单一。", suggestion="请党员轮流主持。"
    )
    sittings.respond(st, actor=world.secretary, response="虚心接受")
    c.refresh_from_db()
    sittings.close_sitting(c, actor=world.secretary, version=c.version)
    g = sittings.open_sitting(held, actor=world.secretary, kind=SittingKind.GENERAL, date=days_ago(1), place="党群服务中心")
    sittings.add_statement(
        g, actor=world.secretary, kind=CriticismKind.REPORT, speaker=sec, content="通报支部班子对照检查情况：查摆问题4条。", answers=[strong]
    )
    sittings.add_statement(
        g, actor=world.secretary, kind=CriticismKind.MUTUAL, speaker=mem, about_team=True, content="开会通知太晚。", suggestion="提前三天通知。"
    )
    sittings.save_commentary(
        held,
        actor=world.reviewer,
        expected="",
        on_preparation="准备充分",
        on_criticism="批评直奔问题",
        on_effect="达到效果",
        guidance=["加强流动党员管理", "规范三会一课记录"],
    )
    return prep, held, g


def _shoot(page, artifacts, name):
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(artifacts / f"prep_{name}.png"), full_page=True)


def test_prep_pages_at_desktop_and_phone(world, live_server, browser, artifacts, monkeypatch):
    cache.clear()
    prep, held, general = _fill(world, monkeypatch)
    base = f"{live_server.url}/meetings"
    for viewport, label in ((DESKTOP, "1280"), (PHONE, "390")):
        context = browser.new_context(viewport=viewport, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server, world.secretary.username)
        for name, url in [
            ("opinions", f"{base}/{prep.pk}/opinions/"),
            ("summary", f"{base}/{prep.pk}/opinions/summary/"),
            ("feedback", f"{base}/{prep.pk}/opinions/feedback/"),
            ("talks", f"{base}/{prep.pk}/talks/"),
            ("sittings", f"{base}/{held.pk}/sittings/"),
            ("sitting", f"{base}/sittings/{general.pk}/"),
            ("closing", f"{base}/{held.pk}/closing/"),
        ]:
            page.goto(url)
            assert page.locator("h1").count() == 1
            _shoot(page, artifacts, f"{name}_{label}")
        if label == "390":
            assert small_tap_targets(page) == []
        context.close()

    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, world.reviewer.username)
    page.goto(f"{base}/{held.pk}/commentary/")
    _shoot(page, artifacts, "commentary_390")
    context.close()


def test_public_form_from_a_phone_and_the_closing_to_problems(world, live_server, browser, artifacts, monkeypatch):
    cache.clear()
    prep, held, general = _fill(world, monkeypatch)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/meetings/o/{prep.opinion_token}/")
    _shoot(page, artifacts, "public_form_390")
    page.fill("#id_content", "小区东门路灯坏了一个多月，晚上出行不便。")
    page.get_by_role("button", name="提交意见").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("感谢您的意见建议").is_visible()
    _shoot(page, artifacts, "public_thanks_390")
    context.close()

    # the secretary writes the 小结 in the browser, closes the 党员大会, and generates the problems
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, world.secretary.username)
    page.goto(f"{live_server.url}/meetings/{held.pk}/closing/")
    page.fill("#id_guidance_0", "建立流动党员联系台账")
    page.fill("#id_guidance_1", "指定专人记录")
    page.fill("#id_opinions_response", "逐条落实")
    page.fill("#id_commitment", "坚决整改")
    page.get_by_role("button", name="保存小结").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/meetings/sittings/{general.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结束党员大会").click()
    page.wait_for_load_state("networkidle")
    held.refresh_from_db()
    assert held.stage == Stage.HELD
    page.goto(f"{live_server.url}/meetings/{held.pk}/problems/")
    page.get_by_role("button", name="生成问题清单").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("来自上级点评").is_visible()
    _shoot(page, artifacts, "problems_1280")
    context.close()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server, world.secretary.username)
    page.goto(f"{live_server.url}/meetings/{held.pk}/problems/")
    _shoot(page, artifacts, "problems_390")
    context.close()
    assert problems.problems_of(held).count() >= 5
