"""The 会议情况报告 drafted from the records, the package check, and the circular draft.

`draft_situation(meeting)` drafts the four sections from the records; the secretary edits the
text before submission and the edited text is stored on the report and frozen in each
`ReportVersion`. `situation_text(meeting)` returns whichever is current: that is what the
documents app should render as the Word 情况报告.
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from rulebook.engine import Finding

from . import deadlines
from .choices import ItemStatus, ProblemScope, ReportSection

SECTION_KEYS = tuple(ReportSection.values)
# The drafted text marks what only a person can write; the package is not sent while it remains.
PLACEHOLDER = "（请补充"


def headings(meeting) -> dict[str, str]:
    labels = dict(ReportSection.choices)
    if meeting.is_democratic_life:
        labels[ReportSection.MEASURES] = "四、整改方案和措施"  # DL-4.2.c
    return labels


def _d(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "（日期未记录）"


def _sentence(text: str) -> str:
    """A user's phrase as one sentence, whether or not they ended it with punctuation."""
    return text.strip().rstrip("。；;，,. ") + "。"


def _people(names: list[str]) -> str:
    return "、".join(names) if names else "无"


def _basic(meeting) -> tuple[str, dict]:
    from meetings.choices import ParticipationMode
    from meetings.models import Observer, Sitting

    sittings = list(
        Sitting.objects.filter(meeting=meeting)
        .select_related("host", "guide")
        .annotate(
            expected=Count("attendance", distinct=True),
            absent=Count("attendance", filter=Q(attendance__mode=ParticipationMode.ABSENT), distinct=True),
        )
        .order_by("order")
    )
    observers = Observer.objects.filter(sitting__meeting=meeting).count()
    study = meeting.study_sessions.aggregate(n=Count("pk"), hours=Sum("hours"))
    opinions = meeting.opinions.filter(merged_into__isnull=True).aggregate(
        total=Count("pk"), team=Count("pk", filter=Q(target="team")), person=Count("pk", filter=Q(target="person"))
    )
    talks = meeting.talks.filter(held_on__isnull=False).count()
    exams = meeting.self_examinations.count()
    lines = []
    what = "民主生活会" if meeting.is_democratic_life else "组织生活会"
    theme = f"，主题是“{meeting.theme}”" if meeting.theme else ""
    lines.append(f"{meeting.organization.name}{meeting.year}年度{what}{theme}。")
    for s in sittings:
        present = s.expected - s.absent
        parts = [f"{_d(s.date)}召开{s.get_kind_display()}"]
        if s.place:
            parts.append(f"地点：{s.place}")
        if s.host_id:
            parts.append(f"主持人：{s.host.name}")
        if s.expected:
            parts.append(f"应到{s.expected}人，实到{present}人")
        guide = s.guide_name or (str(s.guide) if s.guide_id else "")
        if guide:
            parts.append(f"上级指导同志：{guide}")
        lines.append("，".join(parts) + "。")
    if not sittings:
        lines.append(f"会议于{_d(meeting.scheduled_date)}召开。")
    if observers:
        lines.append(f"列席人员{observers}人。")
    lines.append(
        f"会前组织学习{study['n'] or 0}次、共{_number(study['hours'])}小时；征求意见建议{opinions['total'] or 0}条"
        f"（对班子{opinions['team'] or 0}条、对个人{opinions['person'] or 0}条）；开展谈心谈话{talks}人次；"
        f"形成对照检查材料或发言提纲{exams}份。"
    )
    facts = {
        "sittings": len(sittings),
        "study_sessions": study["n"] or 0,
        "study_hours": float(study["hours"] or 0),
        "opinions": opinions["total"] or 0,
        "talks": talks,
        "self_examinations": exams,
        "observers": observers,
    }
    return "\n".join(lines), facts


def _criticism(meeting) -> tuple[str, dict]:
    from meetings.choices import CriticismKind
    from meetings.models import Commentary, Criticism

    counts = Criticism.objects.filter(sitting__meeting=meeting).aggregate(
        self_=Count("pk", filter=Q(kind=CriticismKind.SELF)),
        mutual=Count("pk", filter=Q(kind=CriticismKind.MUTUAL)),
        # A response is recorded either as its own statement or with the criticism it answers.
        response=Count("pk", filter=Q(kind=CriticismKind.RESPONSE) | (Q(kind=CriticismKind.MUTUAL) & ~Q(response=""))),
        report=Count("pk", filter=Q(kind=CriticismKind.REPORT)),
        speakers=Count("speaker", distinct=True),
    )
    commentary = Commentary.objects.filter(meeting=meeting).first()
    lines = []
    if counts["report"]:
        lines.append("会上通报了班子对照检查情况。")
    lines.append(
        f"会上{counts['speakers']}名同志作了发言，进行自我批评{counts['self_']}人次，相互批评{counts['mutual']}条，被批评同志作回应表态{counts['response']}次。"
    )
    if commentary and commentary.on_criticism.strip():
        lines.append(f"上级点评认为：{commentary.on_criticism.strip()}")
    if commentary and commentary.on_effect.strip():
        lines.append(f"关于会议效果：{commentary.on_effect.strip()}")
    lines.append(f"{PLACEHOLDER}对批评与自我批评质量的评价。）")
    counts["self"] = counts.pop("self_")
    return "\n".join(lines), counts


def _problems(meeting) -> tuple[str, dict]:
    from .models import Problem

    problems = list(
        Problem.objects.filter(meeting=meeting)
        .select_related("owner_member")
        .only("scope", "description", "owner_member__name")
        .order_by("scope", "owner_member__name", "pk")
    )
    team = [p for p in problems if p.scope != ProblemScope.PERSONAL]
    personal = [p for p in problems if p.scope == ProblemScope.PERSONAL]
    who = "班子" if meeting.is_democratic_life else "党组织"
    lines = []
    if team:
        lines.append(f"（一）{who}存在的问题")
        lines += [f"{i}. {_one_line(p.description)}" for i, p in enumerate(team, 1)]
    if personal:
        lines.append("（二）个人存在的问题")
        by_owner: dict[str, list] = {}
        for p in personal:
            by_owner.setdefault(p.owner_member.name, []).append(_one_line(p.description).rstrip("。；;，, "))
        for name, descriptions in by_owner.items():
            text = "；".join(descriptions)
            lines.append(f"{name}：{text}{'' if text.endswith(('。', '）', '！', '？')) else '。'}")
    if not problems:
        lines.append("（尚未登记问题。）")
    return "\n".join(lines), {"organization": len(team), "personal": len(personal)}


def _number(value) -> str:
    """8 hours, not 8.0 (a sum of decimals); 7.5 stays 7.5."""
    value = value or 0
    return str(int(value)) if value == int(value) else str(value).rstrip("0")


def _one_line(text: str) -> str:
    """A problem as one line of the report (descriptions may carry the suggestion on a second line)."""
    return "".join(line.strip() for line in (text or "").splitlines())


def _measures(meeting) -> tuple[str, dict]:
    from .models import RectificationItem

    items = list(
        RectificationItem.objects.filter(meeting=meeting)
        .exclude(status=ItemStatus.DRAFT)
        .select_related("responsible_member", "responsible_organization")
        .only("goal", "measures", "deadline", "responsible_member__name", "responsible_organization__name")
        .order_by("problem__scope", "deadline", "pk")
    )
    lines = []
    if meeting.is_democratic_life:
        lines.append("班子针对查摆出的问题制定了整改方案，逐项明确整改目标、措施、责任和时限（整改方案见整改台账）；班子成员分别制定了个人整改措施。")
    for i, item in enumerate(items, 1):
        lines.append(f"{i}. {_sentence(item.goal)}措施：{_sentence(item.measures)}责任：{item.responsible_display()}。时限：{_d(item.deadline)}前。")
    if not items:
        lines.append("（尚未确定整改事项。）")
    return "\n".join(lines), {"items": len(items)}


def draft_document(meeting) -> dict:
    """The automatic draft with everything around it: ``{"title", "headings", "sections", "facts"}``."""
    basic, basic_facts = _basic(meeting)
    criticism, criticism_facts = _criticism(meeting)
    problems, problem_facts = _problems(meeting)
    measures, measure_facts = _measures(meeting)
    return {
        "title": situation_title(meeting),
        "headings": headings(meeting),
        "sections": {"basic": basic, "criticism": criticism, "problems": problems, "measures": measures},
        "facts": {**basic_facts, "criticism": criticism_facts, "problems": problem_facts, **measure_facts},
    }


def situation_title(meeting) -> str:
    what = "民主生活会" if meeting.is_democratic_life else "组织生活会"
    return f"{meeting.organization.name}关于召开{meeting.year}年度{what}情况的报告"


def draft_situation(meeting) -> dict[str, str]:
    """The four required sections of the 会议情况报告 drafted from the records (OL-4.2.b, DL-4.2.c):
    ``{"basic", "criticism", "problems", "measures"}`` → text, paragraphs separated by "\n".
    Text only a person can write is marked with `PLACEHOLDER` and blocks submission."""
    return draft_document(meeting)["sections"]


def situation_text(meeting) -> dict[str, str]:
    """The report text as it stands — the secretary's edit (kept on the report and frozen in
    each submitted version), else the automatic draft. Same keys as `draft_situation`; this is
    what the Word 情况报告 should print."""
    from .models import Report

    draft = draft_situation(meeting)
    report = Report.objects.filter(meeting=meeting).first()
    edited = (report.sections if report else None) or {}
    if report and report.current_number and not edited:
        version = report.versions.order_by("-number").first()
        edited = version.sections if version else {}
    if edited:
        return {key: edited.get(key, draft[key]) for key in SECTION_KEYS}
    return draft


def latest_opinion_summary(meeting):
    """The latest frozen 征求意见汇总 (OL-2.3.c), part of the package."""
    from meetings.models import OpinionSummary

    return OpinionSummary.objects.filter(meeting=meeting).order_by("-number").first()


def _finding(rule, clause, message, hint=""):
    return Finding(rule_id=f"report.{rule}", severity="blocker", clause_ids=clause, message=message, hint=hint)


def package_findings(report, sections: dict | None = None) -> list[Finding]:
    """What stops the package from being submitted: one blocker per missing part
    (OL-4.2.a/b; DL-4.2.b/c), DL-4.1.b personal items, and a meeting not yet held."""
    from meetings.choices import Stage

    meeting = report.meeting
    dl = meeting.is_democratic_life
    package_clause = ("DL-4.2.b",) if dl else ("OL-4.2.a",)
    content_clause = ("DL-4.2.c",) if dl else ("OL-4.2.b",)
    findings = []
    if meeting.stage in (Stage.PLANNING, Stage.PREPARING, Stage.READY):
        findings.append(_finding("not_held", package_clause, "会议尚未召开，不能报送会议材料。"))
    sections = report.sections if sections is None else sections
    labels = headings(meeting)
    for key in SECTION_KEYS:
        text = (sections.get(key) or "").strip()
        if not text:
            findings.append(_finding(f"section.{key}", content_clause, f"会议情况报告缺少“{labels[key]}”部分。", "在报告编辑框中填写或点击“按记录生成草稿”。"))
        elif PLACEHOLDER in text:
            findings.append(
                _finding(f"section.{key}.placeholder", content_clause, f"“{labels[key]}”还有待补充的内容。", f"删除或改写“{PLACEHOLDER}……”提示并补充评价。")
            )
    if not report.minutes_scan_path:
        findings.append(_finding("minutes_scan", package_clause, "缺少会议原始记录复印件（扫描件）。", "上传会议原始记录的扫描件（PDF或图片）。"))
    if latest_opinion_summary(meeting) is None:
        findings.append(_finding("opinion_summary", package_clause, "缺少征求意见汇总材料。", "在会前准备的“征求意见”中形成并定稿征求意见汇总。"))
    if dl:
        findings += personal_item_findings(meeting)
    return findings


def personal_item_findings(meeting) -> list[Finding]:
    """DL-4.1.b: every team member has at least one final personal item."""
    from .models import RectificationItem

    if meeting.leading_team_id is None:
        return []
    leaders = list(meeting.leading_team.current_memberships().values_list("member_id", "member__name"))
    covered = set(
        RectificationItem.objects.filter(meeting=meeting, problem__scope=ProblemScope.PERSONAL)
        .exclude(status=ItemStatus.DRAFT)
        .values_list("responsible_member_id", flat=True)
    )
    missing = [name for member_id, name in leaders if member_id not in covered]
    if not missing:
        return []
    return [
        Finding(
            rule_id="report.personal_items",
            severity="blocker",
            clause_ids=("DL-4.1.b",),
            message=f"以下班子成员还没有确定的个人整改措施：{_people(missing)}。",
            hint="为每位班子成员确定至少一项针对其所受批评的个人整改事项。",
        )
    ]


def circular_draft(meeting) -> dict:
    """DL-4.3.b: the circular's content generated from the report (situation + measures)."""
    from .models import PublicBoard

    sections = situation_text(meeting)
    what = "民主生活会" if meeting.is_democratic_life else "组织生活会"
    measures = "三、整改方案和措施" if meeting.is_democratic_life else "三、整改措施"
    board = PublicBoard.objects.filter(organization_id=meeting.organization_id).only("supervision_contact").first()
    channel = f"监督渠道：{board.supervision_contact}。" if board and board.supervision_contact else ""
    body = "\n\n".join(
        [
            "一、会议基本情况",
            sections["basic"],
            "二、查摆出的主要问题",
            sections["problems"],
            measures,
            sections["measures"],
            f"欢迎干部群众对整改落实情况进行监督。{channel}",
        ]
    )
    return {"title": f"关于{meeting.organization.name}{meeting.year}年度{what}情况的通报", "content": body}


def report_due(meeting):
    return deadlines.report_due(meeting)
