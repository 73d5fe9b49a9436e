"""Demo: 幸福社区第一党支部 (every member can log in).

- This year's year-end 组织生活会: the appraisal is under way — self-assessments, peer
  comments, online voting open for ten days with some ballots cast (the demo accounts
  shuji, weiyuan and dangyuan have not voted yet, so they can try the ballot page).
- Last year's year-end 组织生活会: the appraisal is closed, with tallies and final ratings.

Idempotent: a meeting that already has an appraisal is left alone. Deterministic: the grades
come from a seeded generator.
"""

import datetime
import random

from django.utils import timezone

from core.demo import register

SELF_TEXTS = [
    "一年来坚持参加支部集中学习，按时交纳党费；参与社区志愿服务12次。不足是理论学习系统性不够，联系群众还不够主动。",
    "认真完成网格走访任务，带头参加疫情防控和文明创建。存在的不足：学习时断时续，对困难群众的帮扶办法不多。",
    "能够遵守党的纪律，积极参加组织生活。对照党员标准，发挥先锋模范作用还不够明显，今后要多承担志愿服务任务。",
]
PEER_TEXTS = [
    "工作热情高，志愿服务积极；建议在理论学习上再下功夫。",
    "联系群众主动，解决问题有办法；建议多参加支部组织的集中学习。",
]


def _meeting(branch, year, stage, day):
    from meetings.models import Meeting

    meeting = Meeting.objects.filter(organization=branch, kind="org_life", year=year, half="year_end", special=False).first()
    if meeting is None:
        meeting = Meeting.objects.create(
            organization=branch,
            kind="org_life",
            year=year,
            half="year_end",
            title=f"{branch.name}{year}年度组织生活会",
            theme="学思想、强党性、重实践、建新功",
            scheduled_date=day,
            stage=stage,
            rulebook_slug="district-2024",
            rulebook_version="1",
        )
    return meeting


def _voters(members):
    return [m for m in members if m.user_id and not m.is_probationary]


def _grades(appraisal, rng, lean: dict | None = None):
    from .choices import Grade
    from .models import Appraisee

    grades = {}
    for a in Appraisee.objects.filter(appraisal=appraisal).order_by("position"):
        roll = rng.random()
        grade = Grade.EXCELLENT if roll < 0.3 else Grade.QUALIFIED if roll < 0.95 else Grade.BASICALLY_QUALIFIED
        grades[a.pk] = (lean or {}).get(a.member_id, grade) if rng.random() < 0.8 else grade
    return grades


@register(75, "民主评议党员（进行中和已结束各一次）")
def load(context: dict) -> None:
    from . import services
    from .choices import Grade, VotingMode
    from .models import Appraisal, Appraisee
    from .results import tallies

    orgs, users, members = context["orgs"], context["users"], context["members"]
    branch = orgs["DEMO-B04"]
    roster = members["DEMO-B04"]
    secretary = users["shuji"]
    rng = random.Random(2026)
    today = timezone.localdate()

    # Last year: closed with results and final ratings.
    last = _meeting(branch, today.year - 1, "rectifying", datetime.date(today.year - 1, 12, 26))
    if not Appraisal.objects.filter(meeting=last).exists():
        appraisal = services.start(last, actor=secretary)
        for i, member in enumerate(roster[:12]):
            if member.user_id:
                services.save_self_assessment(appraisal, actor=member.user, text=SELF_TEXTS[i % len(SELF_TEXTS)], submit=True)
        appraisal = services.open_voting(appraisal, actor=secretary, mode=VotingMode.WINDOW, window_end=timezone.now() + datetime.timedelta(hours=1))
        lean = {roster[3].pk: Grade.EXCELLENT, roster[4].pk: Grade.EXCELLENT, roster[12].pk: Grade.BASICALLY_QUALIFIED}
        for i, member in enumerate(roster):
            if member.user_id and not member.is_probationary and i not in (6, 9):  # two elderly members voted on paper
                member.user.__dict__.pop("_member_cache", None)
                services.cast_ballot(appraisal, actor=member.user, grades=_grades(appraisal, rng, lean))
        first = Appraisee.objects.filter(appraisal=appraisal).order_by("position").first()
        services.record_paper(appraisal, actor=secretary, voters=[roster[6], roster[9]], ballots=2, tallies={(first.pk, Grade.QUALIFIED): 2})
        services.confirm_paper(appraisal, actor=users["weiyuan"])
        appraisal = services.close_voting(appraisal, actor=secretary)
        rows = tallies(appraisal)
        proposals = {r.appraisee.pk: (r.suggested or Grade.QUALIFIED, "") for r in rows}
        services.propose_ratings(appraisal, actor=secretary, proposals=proposals)
        services.finalize_ratings(appraisal, actor=secretary)

    # This year: under way, voting open, some ballots cast.
    current = _meeting(branch, today.year, "ready", today + datetime.timedelta(days=14))
    if Appraisal.objects.filter(meeting=current).exists() or current.stage not in services.ACTIVE_STAGES:
        return
    appraisal = services.start(current, actor=secretary)
    for i, member in enumerate(roster[3:9], start=3):
        if member.user_id:
            member.user.__dict__.pop("_member_cache", None)
            services.save_self_assessment(appraisal, actor=member.user, text=SELF_TEXTS[i % len(SELF_TEXTS)], submit=i != 8)
    services.add_peer_comment(appraisal, actor=roster[4].user, subject=roster[5], text=PEER_TEXTS[0])
    services.add_peer_comment(appraisal, actor=roster[5].user, subject=roster[4], text=PEER_TEXTS[1])
    appraisal = services.open_voting(appraisal, actor=secretary, mode=VotingMode.WINDOW, window_end=timezone.now() + datetime.timedelta(days=10))
    demo_accounts = {users["shuji"].pk, users["weiyuan"].pk, users["dangyuan"].pk}
    cast = 0
    for member in _voters(roster):
        if member.user_id in demo_accounts or cast >= 9:
            continue
        services.cast_ballot(appraisal, actor=member.user, grades=_grades(appraisal, rng))
        cast += 1
