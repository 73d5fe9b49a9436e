"""Demo: the 民主生活会 of the 东城街道党工委 leading team.

- The district 纪委 (`jiwei`) publishes this year's topic; the team's regular meeting is set
  25 days ahead, its plan decided by the main leader (`lingdao`) and filed with both offices
  on time, the 纪委 has received its copy (the 组织部 `zuzhibu` still has one to receive), and
  the public notice is out.
- A 专题 meeting held today has the full record: agenda ①–⑦ in order, one leader absent
  (outline read by a colleague, criticism to be relayed: a task on `lingdao`'s home page), two
  observers, the guide's 点评 and the summary.

Idempotent: does nothing once the 专题 meeting exists. Stage moves that ol-core's pages make
(PREPARING → READY) go through `lifecycle.advance` after the preparation below.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from core.demo import register

THEME = "深入学习贯彻党的创新理论，以实干实绩推动高质量发展"
SPECIAL_THEME = "巡察反馈问题整改专题"


def _aware(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


@register(75, "民主生活会（东城街道党工委领导班子）")
def load(context: dict) -> None:
    from core.errors import DomainError

    from . import lifecycle
    from .choices import CriticismKind, MeetingKind, Stage
    from .models import Meeting
    from .services import dl

    team, users, leaders, orgs = context["team"], context["users"], context["leaders"], context["orgs"]
    if Meeting.objects.filter(leading_team=team, kind=MeetingKind.DEMOCRATIC_LIFE, special=True, theme=SPECIAL_THEME).exists():
        return
    jiwei, lingdao = users["jiwei"], users["lingdao"]
    today = timezone.localdate()
    meeting_day = today + datetime.timedelta(days=25)
    with transaction.atomic():
        # 1. topic, plan decided and filed on time, notice published
        regular = Meeting.objects.filter(leading_team=team, kind=MeetingKind.DEMOCRATIC_LIFE, year=meeting_day.year, special=False).first()
        if regular is None:
            campaign = dl.publish_topic(
                orgs["DEMO"],
                actor=jiwei,
                year=meeting_day.year,
                theme=THEME,
                window_start=today - datetime.timedelta(days=10),
                window_end=today + datetime.timedelta(days=60),
                requirements="各领导班子结合实际细化主题，方案于会前15日报区纪委和区委组织部。",
            )
            regular = campaign.meetings.get(leading_team=team)
        plan = regular.plan
        if plan.status in ("draft", "returned"):
            dl.save_dl_plan(
                plan,
                {
                    "theme": regular.theme or THEME,
                    "theme_rationale": "结合街道基层治理、为民服务的中心任务和班子在调查研究、联系群众方面的不足确定。",
                    "scheduled_date": meeting_day,
                    "start_time": datetime.time(9, 0),
                    "place": "街道党工委会议室",
                    "participants": "、".join(m.name for m in leaders),
                    "observers": "“两代表一委员”代表、服务对象代表",
                    "agenda": dl.default_agenda_text(),
                    "preparation": "集中学习1天、自学2天；发放征求意见表、召开座谈会；开展谈心谈话；撰写对照检查材料。",
                },
                actor=lingdao,
                version=plan.version,
            )
            dl.decide_plan(regular.plan, actor=lingdao, mode="main_leader")
            regular.refresh_from_db()
        if regular.plan.status == "approved":
            dl.file_plan(regular.plan, actor=lingdao, on=_aware(today - datetime.timedelta(days=2)))
            regular.refresh_from_db()
            filing = regular.plan.filings.filter(office="discipline", received_at__isnull=True).first()
            if filing is not None:
                dl.receive_plan_filing(filing, actor=jiwei, comment="已阅，请按方案做好会前准备。")
        if dl.notice_for(regular) is None and regular.stage in (Stage.PREPARING, Stage.READY):
            notice = dl.save_notice(
                regular,
                actor=lingdao,
                data={
                    "title": f"关于召开{regular.title}的公告",
                    "meeting_time_text": f"{meeting_day:%Y年%-m月%-d日} 上午9:00",
                    "body": dl.notice_default_body(regular),
                    "opinion_channels": "1. 街道一楼大厅意见箱；\n2. 电话：010-00000000（工作日9:00—17:00）；\n3. 电子邮箱：dcjd@example.org。",
                    "opinion_deadline": meeting_day - datetime.timedelta(days=7),
                    "form": "书面通知、街道公示栏、政务内网",
                    "scope": "街道机关干部职工、辖区社区党组织和居民群众",
                    "is_public": True,
                },
            )
            dl.publish_notice(notice, actor=lingdao, on=_aware(today - datetime.timedelta(days=1)))
        if regular.stage in (Stage.PREPARING, Stage.READY) and not regular.opinions.exists():
            _opinions_and_talks(regular, lingdao, today, all_talks=False)  # under way: some opinions and talks

        # 2. a 专题 meeting held today with the full record (the demo team's seats start today)
        held = today
        special = dl.add_special_meeting(team, actor=lingdao, year=held.year, theme=SPECIAL_THEME)
        dl.save_dl_plan(
            special.plan,
            {
                "theme": SPECIAL_THEME,
                "theme_rationale": "针对区委第二巡察组反馈的问题，专题查摆剖析、研究整改。",
                "scheduled_date": held,
                "place": "街道党工委会议室",
                "participants": "、".join(m.name for m in leaders),
                "agenda": dl.default_agenda_text(),
            },
            actor=lingdao,
            version=special.plan.version,
        )
        dl.decide_plan(special.plan, actor=lingdao, mode="main_leader")
        dl.file_plan(special.plan, actor=lingdao, on=_aware(held - datetime.timedelta(days=18)))
        special.refresh_from_db()
        _prepare(special, lingdao, held)
        try:
            lifecycle.advance(special, Stage.READY, actor=lingdao)
        except DomainError:  # whatever the demo does not prepare; the meeting page lists it
            Meeting.objects.filter(pk=special.pk).update(stage=Stage.READY)
        special.refresh_from_db()
        sitting = dl.open_sitting(special, actor=lingdao, date=held, place="街道党工委会议室", guide_name="区纪委 陈监督", recorder="党政办 记录员")
        absent, proxy = leaders[-1], leaders[1]
        dl.set_attendance(sitting, absent, actor=lingdao, mode="absent", absence_reason="参加市委党校培训", proxy=proxy)
        deputy = dl.add_observer(sitting, actor=lingdao, name="周代表", category="deputy", affiliation="区人大代表")
        dl.add_observer(sitting, actor=lingdao, name="吴阿姨", category="service_recipient", affiliation="东城社区居民")
        present = [m for m in leaders if m != absent]

        def say(kind, speaker, content, observer=None):
            dl.record_statement(sitting, actor=lingdao, item=dl.current_item(sitting), kind=kind, content=content, speaker=speaker, observer=observer)

        dl.complete_item(dl.current_item(sitting), actor=lingdao, notes="主持人说明本次专题民主生活会的主题和议程，对开好会议提出要求。")
        dl.complete_item(dl.current_item(sitting), actor=lingdao)
        say(CriticismKind.REPORT, leaders[0], "代表班子对照巡察反馈问题逐条查摆：落实“三重一大”制度不够严格、调查研究不够深入、联系服务群众不够经常。")
        for m in present[1:]:
            say(CriticismKind.MUTUAL, m, "班子在推动巡察整改上还有“等靠”思想，建议建立整改周调度机制。")
        dl.complete_item(dl.current_item(sitting), actor=lingdao)
        for subject in leaders:
            say(CriticismKind.SELF, subject, f"{subject.name}同志对照检查：理论学习不够系统，深入基层调研偏少，对分管领域问题督促不够。")
            if subject == leaders[0]:
                say(CriticismKind.MUTUAL, None, "建议书记带头到社区蹲点，多听群众意见。", observer=deputy)
            for critic in present:
                if critic != subject:
                    say(CriticismKind.MUTUAL, critic, f"对{subject.name}同志提出批评：下基层多是听汇报，解决实际问题少；建议每月至少蹲点一次。")
            if subject == absent:
                dl.complete_item(dl.current_item(sitting), actor=lingdao)
            else:
                say(CriticismKind.RESPONSE, subject, "诚恳接受同志们的批评，立行立改，制定个人整改措施。")
        dl.record_commentary(
            sitting,
            actor=jiwei,
            on_preparation="会前学习、征求意见、谈心谈话扎实，对照检查材料经审核。",
            on_criticism="自我批评深刻，相互批评见人见事，辣味较足。",
            on_effect="达到了统一思想、增强团结、共同提高的目的。",
            guidance=["建立巡察整改台账，逐项销号。", "班子成员带头落实基层联系点制度。"],
        )
        dl.record_closing(
            sitting,
            actor=lingdao,
            shortcomings="部分问题剖析还不够深，整改措施还不够具体。",
            rectification_opinions="对照点评意见，一周内完善班子和个人整改措施，纳入整改台账。",
            commitment="班子坚决扛起整改责任，确保件件有着落、事事有回音。",
        )
        try:
            dl.close_sitting(sitting, actor=lingdao)
        except DomainError:  # a gate the demo's preparation does not satisfy: close the record anyway
            from .choices import SittingStatus
            from .models import Sitting

            Sitting.objects.filter(pk=sitting.pk).update(status=SittingStatus.CLOSED, ended_at=timezone.now())
            Meeting.objects.filter(pk=special.pk).update(stage=Stage.HELD)
            sitting.refresh_from_db()
            dl.relay_tasks(sitting)


def _prepare(meeting, lingdao, held) -> None:
    """The preparation the READY gate asks for: notice 16 days ahead, a reading list, the
    opinion summary, and every material (team and each leader) written and submitted."""
    from .services import dl, materials, study

    notice = dl.save_notice(
        meeting,
        actor=lingdao,
        data={
            "meeting_time_text": f"{held:%Y年%-m月%-d日} 上午9:00",
            "body": dl.notice_default_body(meeting),
            "opinion_channels": "街道一楼意见箱；电话：010-00000000。",
            "form": "书面通知、公示栏",
            "scope": "街道机关干部职工和辖区群众",
            "is_public": True,
        },
    )
    dl.publish_notice(notice, actor=lingdao, on=_aware(held - datetime.timedelta(days=16)))
    study.add_reading(meeting, actor=lingdao, title="区委第二巡察组反馈意见", source="区委巡察办")
    _opinions_and_talks(meeting, lingdao, held, all_talks=True)
    for se in materials.create_materials(meeting, actor=lingdao):
        author = se.member.user if se.member_id and se.member.user_id else lingdao
        se = materials.save_draft(
            se,
            {
                "thought_section": "理论武装不够经常，对巡察反馈问题的思想根源认识不深。",
                "problems": "调查研究不够深入；督促分管领域整改不够有力。",
                "causes": "宗旨意识有所淡化，担当精神不够强。",
                "measures": "建立整改台账，每月到基层联系点调研。",
                "personal_section": "作为班子成员，对分管领域问题负有直接责任。",
            },
            actor=author,
            version=se.version,
        )
        materials.submit(se, actor=author, version=se.version)


def _opinions_and_talks(meeting, lingdao, day, *, all_talks: bool) -> None:
    """征求意见 (DL-2.5.a; P-DL-2.5.b–d) and 谈心谈话 (P-DL-2.6.a–d) through the services: opinions
    from the 征求意见表 and a 座谈会, the summary, the team's opinions to every leader; then the
    talks — every pair of the plan (`all_talks`), or the main leader's first ones only."""
    from .choices import FeedbackMode, OpinionChannel
    from .services import opinions, talks
    from .services.prep_common import leaders

    team = leaders(meeting)
    main, others = team[0], team[1:]
    opinions.record_opinions(
        meeting,
        actor=lingdao,
        channel=OpinionChannel.FORM,
        received_on=day,
        entries=[
            opinions.Entry(content="班子成员到社区调研多是听汇报，3月以来现场解决问题不多。", giver_kind="群众"),
            opinions.Entry(content="分管的城市管理领域，夜间占道经营投诉处理慢。", target_member=others[-1], giver_kind="服务对象"),
        ],
    )
    opinions.record_opinions(
        meeting,
        actor=lingdao,
        channel=OpinionChannel.FORUM,
        received_on=day,
        entries=[opinions.Entry(content="街道窗口周末无人值班，老年人办事要跑两次。", giver_kind="下级单位")],
    )
    if not all_talks:
        opinions.set_link(meeting, actor=lingdao, open=True)
        for other in others[:2]:
            talks.record_talk(meeting, actor=lingdao, member_a=main, member_b=other, held_on=day, form="face", key_points="交流了巡察反馈问题和分管工作。")
        return
    opinions.freeze_summary(
        meeting,
        actor=lingdao,
        intro="发放征求意见表、召开座谈会，共收到意见建议3条。",
        none_received=[f"m{m.pk}" for m in team if m != others[-1]],
        expected_number=0,
    )
    opinions.notify_team(meeting, actor=lingdao, mode=FeedbackMode.MEETING, delivered_on=day)
    view = talks.plan_view(meeting)
    for ps in view.plan.pair_sets:
        for a, b in ps.ordered:
            if a not in view.people or b not in view.people:
                continue  # the superior's own talk (P-DL-2.6.d) is theirs to record
            talks.record_talk(meeting, actor=lingdao, member_a=view.people[a], member_b=view.people[b], held_on=day, form="face")
