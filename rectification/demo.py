"""Demo: a held 组织生活会 of 幸福社区第一党支部 with items in every state (draft, open,
overdue, closure requested, closed), published on the branch's public page.

Idempotent: the step does nothing once its problems exist. Deadlines are set relative to the
day the demo is loaded, so "overdue" and "open" stay meaningful whenever it is loaded.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from core.demo import register

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)

# (source, scope, owner index in the roster or None, problem, goal, measures, deadline offset in days, state)
ITEMS = [
    (
        "opinion",
        "organization",
        None,
        "部分居民反映社区党员志愿服务活动通知不及时，参与渠道少。",
        "建立党员志愿服务活动每月预告制度，居民知晓率明显提高。",
        "每月25日前在居民群和公示栏发布下月活动安排；设立线上报名；季度末征求居民意见。",
        45,
        "open",
    ),
    (
        "commentary",
        "organization",
        None,
        "“三会一课”记录不规范，部分支委会会议没有完整记录。",
        "“三会一课”记录完整规范，做到每会必记。",
        "统一记录本和电子台账格式；指定专人记录；支部书记每月检查签字。",
        -20,
        "overdue",
    ),
    (
        "criticism",
        "organization",
        None,
        "联系服务流动党员不够，个别流动党员半年未参加组织生活。",
        "流动党员每季度至少参加一次组织生活或线上学习。",
        "建立流动党员联系台账，支委分片包联，每月电话联系一次并记录。",
        10,
        "closure_requested",
    ),
    (
        "opinion",
        "organization",
        None,
        "社区党员活动室开放时间短，周末无法使用。",
        "党员活动室周末半天开放。",
        "调整值班安排，周六上午由党员志愿者轮值开放。",
        -5,
        "closed",
    ),
    (
        "self_examination",
        "personal",
        3,
        "理论学习不够系统，学习强国等平台学习时断时续。",
        "坚持每天学习，每季度撰写一篇学习体会。",
        "制定个人学习计划；每周参加一次党小组学习交流；学习体会交党小组长。",
        60,
        "open",
    ),
    (
        "criticism",
        "personal",
        1,
        "对分管的网格走访不够深入，对困难党员情况掌握不全。",
        "",
        "",
        None,
        "draft",
    ),
]


@register(70, "整改事项、台账与公开页面")
def load(context: dict) -> None:
    from meetings.choices import Half, MeetingKind, Stage
    from meetings.models import Meeting

    from . import services
    from .models import Problem

    orgs, users, members = context["orgs"], context["users"], context["members"]
    branch = orgs["DEMO-B04"]
    if Problem.objects.filter(organization=branch, description=ITEMS[0][3]).exists():
        return
    today = timezone.localdate()
    held = min(datetime.date(today.year - 1, 12, 26), today - datetime.timedelta(days=60))
    meeting = (
        Meeting.objects.filter(organization=branch, kind=MeetingKind.ORG_LIFE, stage__in=(Stage.HELD, Stage.RECTIFYING, Stage.REPORTED))
        .order_by("-year")
        .first()
    )
    if meeting is None:
        meeting, _ = Meeting.objects.get_or_create(
            organization=branch,
            kind=MeetingKind.ORG_LIFE,
            year=held.year,
            half=Half.YEAR_END,
            special=False,
            defaults={
                "title": f"{branch.name}{held.year}年度组织生活会",
                "theme": "学思想、强党性、重实践、建新功",
                "scheduled_date": held,
                "stage": Stage.RECTIFYING,
                "rulebook_slug": "district-2024",
                "rulebook_version": "1",
            },
        )
    secretary, reviewer = users["shuji"], users["shenhe"]
    roster = members["DEMO-B04"]
    with transaction.atomic():
        for source, scope, owner, problem_text, goal, measures, offset, state in ITEMS:
            owner_member = roster[owner] if owner is not None else None
            problem = services.add_problem(meeting, actor=secretary, source=source, description=problem_text, scope=scope, owner_member=owner_member)
            deadline = None if offset is None else max(today + datetime.timedelta(days=offset), held)
            item = services.create_item(
                problem,
                actor=secretary,
                goal=goal,
                measures=measures,
                responsible_member=owner_member,
                responsible_organization=None if owner_member else branch,
                deadline=deadline,
            )
            if state == "draft":
                continue
            item = services.finalize_item(item, actor=secretary)
            if state in ("closure_requested", "closed"):
                services.report_progress(item, actor=secretary, note="已按措施完成，附工作记录照片。", files=[services.Upload("工作记录.png", PNG)])
                item = services.request_closure(item, actor=secretary)
            if state == "closed":
                services.confirm_closure(item, actor=reviewer, note="经现场查看，整改到位。")
            if state == "overdue":
                services.report_progress(item, actor=secretary, note="已统一记录本格式，电子台账尚在整理。")
        services.publish_rectification(meeting, actor=secretary, form="网上公开页面、社区公示栏", scope="社区党员群众")
        board = services.board_for(branch)
        services.update_board(
            board,
            actor=secretary,
            version=board.version,
            show_responsible_names=False,
            comments_open=True,
            supervision_contact="社区党群服务中心 电话 010-0000 0000",
        )
        comment = services.submit_comment(board, content="活动预告发到小区群里很方便，希望周末活动再多一些。", signature="幸福小区居民")
        services.moderate_comment(comment, actor=secretary, status="approved", reply="感谢您的建议，我们将增加周末活动场次。")
    services.flag_overdue(today)
