"""The built-in Word documents: each takes the context from `documents.data` and writes a 公文
with the GB/T 9704 layer (`documents.layout.GovDoc`). A district template, when uploaded,
replaces one of these (same context, rendered by docxtpl: see `documents.templates`)."""

from __future__ import annotations

from docx.shared import Pt

from .layout import KAI, SIZE_4, SIZE_5, SIZE_S4, GovDoc, Label, Span, cn_ordinal


def _numbered(doc: GovDoc, lines: list[str], empty: str = "") -> None:
    if not lines and empty:
        doc.para(empty)
    for i, line in enumerate(lines, 1):
        doc.para(line if line[:1].isdigit() or line[:1] in "一二三四五六七八九十（(" else f"{i}. {line}")


def _sections(doc: GovDoc, parts: list[tuple[str, object]]) -> None:
    """一、 headings in order, each followed by text lines or a callable filling the section."""
    for n, (heading, body) in enumerate(parts, 1):
        doc.heading(f"{cn_ordinal(n)}、{heading}")
        if callable(body):
            body()
        elif isinstance(body, list):
            _numbered(doc, body, "（待补充）")
        else:
            doc.text(str(body) or "（待补充）")


# -- 方案 ----------------------------------------------------------------------------------
def plan(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"])
    dl = ctx["kind"] == "民主生活会"
    doc.para(f"为开好{ctx['year']}年度{ctx['kind']}，根据上级党组织部署要求，结合{ctx['organization']}实际，制定本方案。")
    schedule = f"{ctx['date']}{(' ' + ctx['time']) if ctx['time'] else ''}，地点：{ctx['place'] or '（待定）'}。"
    parts = [
        ("会议主题", (ctx["theme"] or "（主题待定）") + ("\n" + ctx["theme_rationale"] if ctx.get("theme_rationale") else "")),
        ("时间地点和方式", schedule + ("\n" + ctx["form"] if ctx["form"] else "")),
        ("参加人员", f"{ctx['participants']}（共{ctx['participant_count']}人）。" + (f"\n列席人员：{ctx['observers']}" if ctx["observers"] else "")),
    ]

    def preparation():
        doc.heading("（一）认真开展学习", 2)
        reading = "、".join(f"《{r}》" if not r.startswith("《") else r for r in ctx["readings"]) or "上级规定篇目"
        doc.para(f"会前组织集中学习和个人自学，重点学习{reading}。")
        for s in ctx["study"]:
            doc.para(f"{s['date']}，{s['form']}：{s['title']}（{s['hours']}小时{('，' + s['place']) if s['place'] else ''}）。")
        doc.heading("（二）广泛征求意见", 2)
        doc.para("通过发放征求意见表、召开座谈会、个别谈话等方式，广泛听取党员群众的意见建议，梳理汇总后原汁原味反馈本人。")
        doc.heading("（三）深入谈心谈话", 2)
        doc.para(
            "书记与班子成员、班子成员之间、班子成员与党员之间普遍开展谈心谈话，交流思想、交换意见。"
            if dl
            else "支部书记与每名支委、每名党员谈心谈话，支委之间、党员之间相互谈心谈话，做到全覆盖。"
        )
        doc.heading("（四）撰写对照检查材料", 2)
        doc.para("对照会议主题，联系思想和工作实际，认真查摆问题、深刻剖析原因、明确整改方向，材料由本人亲自撰写。")
        for line in ctx["preparation"]:
            doc.para(line)

    parts.append(("会前准备", preparation))
    parts.append(("会议议程", ctx["agenda"] or _default_agenda(dl)))
    if dl:
        parts.append(
            (
                "会后工作",
                [
                    f"会后15日内（{ctx.get('report_due', '')}前）将会议情况报告、会议记录等报上级纪委监委和组织部。",
                    f"会后1个月内（{ctx.get('circular_due', '')}前）在适当范围通报会议情况。",
                    "针对查摆出的问题制定整改方案，逐项明确责任、时限，抓好整改落实。",
                ],
            )
        )
    else:
        parts.append(("会后整改", ["会后及时将会议情况报告上级党组织，梳理问题形成问题清单、整改清单，明确整改目标、措施、责任和时限，并在一定范围内公示。"]))
    parts.append(
        (
            "工作要求",
            ctx["requirements"]
            or ["提高思想认识，把开好会议作为重要政治任务。", "严肃认真开展批评和自我批评，防止以工作汇报代替对照检查。", "严格会议纪律，确保会议质量。"],
        )
    )
    _sections(doc, parts)
    doc.signature(ctx["organization"], date_text=ctx["today_cn"])
    return doc.save()


def _default_agenda(dl: bool) -> list[str]:
    if dl:
        return [
            "主持人说明会议主题、议程并提出要求；",
            "通报上次民主生活会整改措施落实情况和本次征求意见情况；",
            "主要负责同志代表班子作对照检查，班子成员发表意见；",
            "主要负责同志作个人对照检查，其他同志提出批评意见，本人表态；",
            "班子其他成员逐一进行对照检查，开展相互批评；",
            "上级领导点评；",
            "主要负责同志作总结讲话。",
        ]
    return [
        "党支部书记通报上年度整改落实情况和本次征求意见情况；",
        "党支部书记代表支委会作对照检查；",
        "党员逐一发言，开展批评和自我批评；",
        "开展民主评议党员（年底召开时）；",
        "上级党组织指导同志点评；",
        "党支部书记作小结表态。",
    ]


def filing_cover(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"])
    rows = [
        ["报备单位", ctx["organization"]],
        ["领导班子", ctx["team"] or ctx["organization"]],
        ["会议主题", ctx["theme"] or "（待定）"],
        ["拟召开时间", ctx["date"] + (" " + ctx["time"] if ctx["time"] else "")],
        ["会议地点", ctx["place"] or "（待定）"],
        ["参加人员", ctx["participants"]],
        ["列席人员", ctx["observers"] or "无"],
        ["方案审定情况", ctx["status"]],
        ["应报备日期", f"{ctx.get('filing_due', '')}前（会前15日）"],
        ["报送机关", "；".join(f"{f['office']}（{f['recipient']}，{f['filed']}报送）" for f in ctx["filings"]) or "上级纪委监委、上级组织部"],
        ["附件", "民主生活会方案"],
    ]
    doc.table(["项目", "内容"], rows, widths_mm=[40, 116], size=SIZE_4, min_height_mm=12)
    doc.signature(ctx["organization"], date_text=ctx["today_cn"])
    doc.page_break()
    doc.document.add_paragraph()
    return _append(doc, plan({**ctx, "title": ctx["title"].replace("方案报备表", "实施方案")}))


def _append(doc: GovDoc, other: bytes) -> bytes:
    """Append another generated document's body (the filing cover is followed by the plan)."""
    import io

    from docx import Document

    body = doc.document.element.body
    sect = body[-1]
    for el in list(Document(io.BytesIO(other)).element.body):
        if el.tag.endswith("}sectPr"):
            continue
        sect.addprevious(el)
    return doc.save()


# -- 通知/公告 ------------------------------------------------------------------------------
def notice(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"])
    doc.addressee(ctx["addressee"])
    if ctx["body"]:
        doc.text("\n".join(ctx["body"]))
    else:
        doc.para(
            f"经研究，{ctx['organization']}定于{ctx['meeting_time']}在{ctx['place'] or '（地点另行通知）'}召开{ctx['year']}年度{ctx['kind']}。"
            + (f"会议主题是：{ctx['theme']}。" if ctx["theme"] else "")
        )
    if ctx["channels"] or ctx["deadline"]:
        doc.para("为开好这次会议，现广泛征求意见建议，欢迎通过以下方式反映：")
        for i, c in enumerate(ctx["channels"], 1):
            doc.para(f"{cn_ordinal(i)}是{c.lstrip('一二三四五六七八九十是、.．1234567890 ')}")
        if ctx["deadline"]:
            doc.para(f"征求意见截止时间：{ctx['deadline']}。")
    doc.para("附件：征求意见表", indent=True)
    doc.signature(ctx["organization"], date_text=ctx["published_cn"])
    return doc.save()


# -- 学习 -----------------------------------------------------------------------------------
def study(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"])
    doc.heading("一、必读篇目")
    _numbered(doc, [f"{r['title']}{('（' + r['source'] + '）') if r['source'] else ''}" for r in ctx["readings"]], "（待上级党组织确定）")
    doc.heading("二、学习安排")
    doc.table(
        ["序号", "日期", "形式", "内容", "时长（小时）", "地点"],
        [[s["n"], s["date"], s["form"], s["title"], s["hours"], s["place"]] for s in ctx["sessions"]],
        widths_mm=[16, 30, 22, 52, 16, 20],
    )
    doc.para(f"合计学习{ctx['total_hours']}小时。")
    doc.signature(ctx["organization"], date_text=ctx["today_cn"])
    return doc.save()


# -- 征求意见 --------------------------------------------------------------------------------
def opinion_form(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"])
    doc.para("填表人身份：□党员　□群众　□服务对象　□下级单位　　　（可不署名）", indent=False, size=SIZE_S4)
    rows = [["对班子的意见建议", ""]]
    rows += [[f"对{p['name']}（{p['title']}）的意见建议", ""] for p in ctx["people"]]
    rows.append(["其他意见建议", ""])
    doc.table(["项目", "意见建议（请写明具体事例）"], rows, widths_mm=[45, 111], min_height_mm=28)
    doc.para(f"填表日期：　　年　　月　　日　　　请于{ctx['deadline'] or '规定时间'}前交回。", indent=False, size=SIZE_S4)
    return doc.save()


def opinion_summary(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"])
    doc.para(ctx["intro"])
    heads = ["序号", "意见内容", "类别", "来源/方式", "是否采纳/对应整改项"]
    widths = [16, 68, 20, 22, 30]
    doc.heading("一、对班子的意见建议")
    doc.table(heads, [[o["n"], o["content"], o["category"], o["channel"], o["problems"] or "采纳"] for o in ctx["team"]], widths_mm=widths)
    doc.heading("二、对个人的意见建议")
    for i, person in enumerate(ctx["personal"], 1):
        doc.heading(f"（{cn_ordinal(i)}）对{person['name']}同志", 2)
        doc.table(heads, [[o["n"], o["content"], o["category"], o["channel"], o["problems"] or "采纳"] for o in person["opinions"]], widths_mm=widths)
    if ctx["none_received"]:
        doc.para("未收到意见的对象：" + "、".join(str(x) for x in ctx["none_received"]) + "。")
    if ctx["feedback"]:
        doc.heading("三、意见反馈情况")
        doc.table(
            ["反馈对象", "类型", "方式", "反馈日期", "本人签收"],
            [[f["recipient"], f["kind"], f["mode"], f["date"], f["signed"]] for f in ctx["feedback"]],
            widths_mm=[28, 40, 28, 30, 30],
        )
    doc.signature(ctx["organization"], date_text=ctx["today_cn"])
    return doc.save()


# -- 谈心谈话 --------------------------------------------------------------------------------
def talk_schedule(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"])
    doc.para(f"共安排谈心谈话{ctx['planned']}人次，已完成{ctx['held']}人次。")
    doc.table(
        ["序号", "谈话人", "谈话对象", "类型", "计划日期", "谈话日期", "完成情况"],
        [[t["n"], t["a"], t["b"], t["kind"], t["planned"], t["held"], t["done"]] for t in ctx["talks"]],
        widths_mm=[16, 23, 23, 22, 25, 25, 22],
    )
    doc.signature(ctx["organization"], date_text=ctx["today_cn"])
    return doc.save()


def talk_records(ctx: dict) -> bytes:
    doc = GovDoc(ctx["records_title"])
    held = [t for t in ctx["talks"] if t["held"]]
    if not held:
        doc.para("（尚无已完成的谈心谈话记录。）")
    for i, t in enumerate(held):
        if i:
            doc.page_break()
        doc.heading(f"{cn_ordinal(i + 1)}、{t['a']}与{t['b']}谈心谈话记录")
        doc.table(
            ["项目", "内容"],
            [
                ["谈话时间", t["held"]],
                ["谈话地点", t["place"]],
                ["谈话人", t["a"]],
                ["谈话对象", t["b"]],
                ["谈话方式", t["form"]],
                ["谈话类型", t["kind"]],
                ["主要内容", t["key_points"]],
                ["对方意见建议", t["opinions_heard"]],
                ["后续措施", t["follow_up"]],
                ["双方签字", "谈话人：　　　　　　谈话对象："],
            ],
            widths_mm=[32, 124],
            min_height_mm=10,
        )
    return doc.save()


# -- 对照检查材料 ----------------------------------------------------------------------------
def self_exam(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"])
    doc.para(ctx["preparation"])
    doc.heading("一、上年度整改措施落实情况")
    if ctx["last_rectification"]:
        doc.text(ctx["last_rectification"])
    if ctx["last_items"]:
        doc.table(
            ["序号", "整改目标", "整改措施", "完成时限", "完成情况"],
            [[x["n"], x["goal"], x["measures"], x["deadline"], x["status"]] for x in ctx["last_items"]],
            widths_mm=[12, 36, 44, 40, 24],
            center=(0, 3, 4),
        )
    elif not ctx["last_rectification"]:
        doc.para("（上年度无整改事项记录。）")
    doc.heading("二、存在的问题")
    sub = iter(range(1, 20))
    if ctx["opinions"]:
        doc.heading(f"（{cn_ordinal(next(sub))}）需逐条回应的意见建议（{len(ctx['opinions'])}条）", 2)
        for o in ctx["opinions"]:
            doc.para(f"{o['content']}（{o['channel']}）", lead=f"意见{o['n']}：", font=KAI)
    if ctx["problems"] or ctx["structured_items"]:
        doc.heading(f"（{cn_ordinal(next(sub))}）查摆出的问题", 2)
        for item in ctx["structured_items"]:
            if item.get("problem"):
                doc.para(str(item["problem"]), lead="问题：")
        _numbered(doc, ctx["problems"])
    else:
        for aspect in ctx["aspects"]:
            doc.heading(f"（{cn_ordinal(next(sub))}）{aspect['name']}", 2)
            doc.para("（请结合具体事例查摆问题）")
    if ctx["thought"]:
        doc.heading(f"（{cn_ordinal(next(sub))}）思想方面", 2)
        _numbered(doc, ctx["thought"])
    if ctx["personal_responsibility"]:
        doc.heading(f"（{cn_ordinal(next(sub))}）个人责任", 2)
        _numbered(doc, ctx["personal_responsibility"])
    doc.heading("三、原因剖析")
    if ctx["causes"]:
        _numbered(doc, ctx["causes"])
    else:
        for i, h in enumerate(ctx["cause_headings"], 1):
            doc.heading(f"（{cn_ordinal(i)}）{h}", 2)
            doc.para("（请本人深入剖析）")
    doc.heading("四、整改措施")
    if ctx["measures"]:
        _numbered(doc, ctx["measures"])
    else:
        doc.para("（请针对查摆出的问题逐条提出整改措施，明确目标和时限）")
    doc.signature(ctx["person"] or ctx["who"], date_text=ctx["today_cn"])
    return doc.save()


# -- 问题清单 -------------------------------------------------------------------------------
def problem_list(ctx: dict) -> bytes:
    public = ctx["public_only"]
    doc = GovDoc(ctx["title"], subtitle="（公示版）" if public else "（完整版）", landscape=True)
    heads = ["序号", "责任主体", "问题类别", "问题表现", "来源", "整改目标", "整改措施", "责任人", "完成时限"]
    widths = [14, 22, 16, 40, 16, 32, 43, 18, 24]  # 225 mm: the landscape type area
    rows = [[r["n"], r["owner"], r["category"], r["problem"], r["source"], r["goal"], r["measures"], r["responsible"], r["deadline"]] for r in ctx["items"]]
    if not public:
        heads, widths = [*heads, "公示情况"], [14, 20, 14, 36, 16, 30, 38, 18, 23, 16]
        rows = [[*row, r.get("public", "")] for row, r in zip(rows, ctx["items"], strict=True)]
    doc.table(heads, rows, widths_mm=widths, size=SIZE_S4, center=(0,))
    if not ctx["items"]:
        doc.para("（尚无确定的整改事项。）")
    if public:
        doc.para("欢迎党员群众监督整改落实情况。", size=SIZE_S4)
    else:  # a body line travels with the signature (no page holding only the 落款)
        shown = sum(1 for r in ctx["items"] if r.get("public") == "公示")
        doc.para(f"共{len(ctx['items'])}项整改事项，其中公示{shown}项。", size=SIZE_S4)
    doc.signature(ctx["organization"], date_text=ctx["today_cn"])
    return doc.save()


# -- 会议记录 --------------------------------------------------------------------------------
def minutes(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"])
    if not ctx["sittings"]:
        doc.para("（会议尚未召开。）")
    for i, s in enumerate(ctx["sittings"]):
        if i:
            doc.page_break()
        doc.heading(f"{cn_ordinal(i + 1)}、{s['kind']}")
        doc.table(
            ["项目", "内容"],
            [
                ["会议时间", s["date"] + (f" {s['start']}—{s['end']}" if s["start"] else "")],
                ["会议地点", s["place"]],
                ["主持人", s["host"]],
                ["应到/实到", f"应到{s['expected']}人，实到{s['present']}人"],
                ["出席人员", s["present_names"]],
                ["缺席人员及原因", "；".join(f"{a['name']}（{a['reason']}）" for a in s["absent"]) or "无"],
                [
                    "列席/指导人员",
                    "；".join([*(f"{o['name']}（{o['category']}）" for o in s["observers"]), *([f"上级指导：{s['guide']}"] if s["guide"] else [])]) or "无",
                ],
                ["记录人", s["recorder"]],
            ],
            widths_mm=[36, 120],
        )
        doc.heading("（一）会议议程", 2)
        _numbered(doc, [a["title"] for a in s["agenda"]], "（未设议程）")
        doc.heading("（二）会议内容", 2)
        for n, a in enumerate(s["agenda"], 1):
            doc.para(f"{n}. {a['title']}" + (f"（{a['subject']}）" if a["subject"] else ""), indent=True, font="黑体")
            if a["notes"]:
                doc.text(a["notes"])
            for x in a["statements"]:
                _statement(doc, x)
        for x in s["statements"]:
            _statement(doc, x)
    if ctx["commentary"]:
        c = ctx["commentary"]
        doc.heading("上级点评", 2)
        doc.para(f"点评人：{c['author']}")
        for label, key in (("准备情况", "on_preparation"), ("批评与自我批评情况", "on_criticism"), ("会议效果", "on_effect")):
            if c[key]:
                doc.para(c[key], lead=f"{label}：")
        for n, g in enumerate(c["guidance"], 1):
            doc.para(f"{n}. {g}")
    if ctx["closing"]:
        c = ctx["closing"]
        doc.heading("小结表态", 2)
        doc.para(f"小结人：{c['author']}")
        for label, key in (
            ("不足", "shortcomings"),
            ("整改意见", "rectification_opinions"),
            ("表态", "commitment"),
            ("对党员群众意见的落实", "opinions_response"),
        ):
            if c[key]:
                doc.para(c[key], lead=f"{label}：")
        for n, g in enumerate(c["guidance_responses"], 1):
            doc.para(f"{n}. {g}")
    doc.blank()
    doc.para("主持人签字：　　　　　　　　记录人签字：", indent=False)
    return doc.save()


def _statement(doc: GovDoc, x: dict) -> None:
    doc.para(x["content"], lead=f"{x['label']}：")
    if x["suggestion"]:
        doc.para(x["suggestion"], lead="改进意见：")
    if x["response"]:
        doc.para(x["response"], lead="回应：")


# -- 情况报告 / 通报 -------------------------------------------------------------------------
def situation_report(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"])
    doc.addressee(ctx["addressee"])
    for section in ctx["sections"]:
        doc.heading(section["heading"])
        if not section["paragraphs"]:
            doc.para("（待补充）")
        for line in section["paragraphs"]:
            if line.startswith("（") and len(line) < 30 and "）" in line[:5]:
                doc.heading(line, 2)
            else:
                doc.para(line)
    doc.document.paragraphs[-1].paragraph_format.keep_with_next = True  # body, 附件说明 and 落款 stay together
    doc.blank()
    doc.document.paragraphs[-1].paragraph_format.keep_with_next = True
    for i, a in enumerate(ctx["attachments"], 1):
        p = doc.para(f"{i}. {a}", indent=False)
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.left_indent = Pt(32 + 48)  # 附件说明: 空二字 + "附件：" (GB/T 9704 §7.3.4)
        if i == 1:
            p.paragraph_format.left_indent = Pt(32)
            p.runs[0].text = f"附件：1. {a}"
    doc.signature(ctx["organization"], date_text=ctx["today_cn"])
    return doc.save()


def circular(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"])
    for line in ctx["paragraphs"]:
        if line[:2] in {"一、", "二、", "三、", "四、", "五、"}:
            doc.heading(line)
        else:
            doc.para(line)
    doc.signature(ctx["organization"], date_text=ctx["published_cn"])
    return doc.save()


# -- 民主测评表 ------------------------------------------------------------------------------
def ballot(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"])
    doc.para("（不记名，请在相应等次栏内划“√”，每人只能选一个等次；优秀等次一般不超过参评人数的三分之一）", indent=False, size=SIZE_5)
    doc.table(
        ["序号", "姓名", *ctx["grades"], "存在问题（可选填）"],
        [[p["n"], p["name"], *[""] * len(ctx["grades"]), ""] for p in ctx["people"]],
        widths_mm=[16, 24, 15, 15, 22, 17, 47],
        min_height_mm=9,
    )
    if ctx["kind"] == "组织生活会":
        doc.heading("党支部班子测评", 2)
        doc.table(["测评项目", "好", "较好", "一般", "差"], [[x, "", "", "", ""] for x in ctx["team_items"]], widths_mm=[60, 24, 24, 24, 24], min_height_mm=9)
    doc.para("注：预备党员不参加评定等次。", indent=False, size=SIZE_5)
    return doc.save()


# -- 党员自评表 ------------------------------------------------------------------------------
def self_assessment(ctx: dict) -> bytes:
    """One page: 基本信息, 个人总结 (the member's text, or the facts the app holds as a prompt),
    存在问题和努力方向, 自评等次, 党支部评定意见; the grade standards underneath."""
    doc = GovDoc(ctx["title"])
    m, rating, std = ctx["member"], ctx["rating"], ctx["standards"]
    boxes = "　".join(f"□{g}" for g in std["grade_names"])
    if m["probationary"]:
        boxes = "预备党员，不评定等次"
    summary = "\n".join(ctx["text"]) if ctx["text"] else ""
    if not summary:
        prompt = ["（对照党员标准，从" + "、".join(std["aspects"]) + "等方面，简要总结一年来学习、工作、发挥作用、参加组织生活和交纳党费的情况。）"]
        prompt += ctx["facts"]
        if ctx["last_items"]:
            prompt.append("上年度本人整改事项：" + "；".join(f"{x['goal']}（{x['status']}）" for x in ctx["last_items"]) + "。")
        summary = "\n".join(prompt)
    grade_line = "评定等次：" + (rating["grade"] or "　　　　　")
    verdict = "\n".join(
        x
        for x in (
            rating["remarks"],
            grade_line,
            f"党支部（盖章）　　　　{rating['date'] or '　　年　　月　　日'}",
        )
        if x
    )
    doc.form(
        [
            [Label("姓　　名"), m["name"], Label("性　　别"), m["gender"]],
            [Label("出生年月"), m["birth"], Label("入党时间"), m["joined"]],
            [Label("职务/岗位"), "　".join(x for x in (m["job"], m["position"]) if x), Label("所在支部"), ctx["organization"]],
            [Label("个人总结\n（自我评价）"), Span(summary, 3)],
            [Label("存在问题\n和\n努力方向"), Span("", 3)],
            [Label("自评等次"), Span(boxes, 3)],
            [Label("党支部\n评定意见"), Span(verdict, 3)],
        ],
        widths_mm=[30, 48, 30, 48],
        heights_mm=[9, 9, 9, 62, 28, 9, 24],
    )
    notes = []
    if ctx["submitted"]:
        notes.append(f"本人于{ctx['submitted']}在系统中提交自评。")
    notes.append("评定标准：" + "".join(f"{g['name']}——{g['standard']}" for g in std["grades"]) + std["excellent_ceiling"] + std["probationary_note"])
    for line in notes:
        doc.para(line, indent=False, size=SIZE_5)
    return doc.save()


# -- 报送材料清单 ----------------------------------------------------------------------------
def submission_list(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"])
    doc.form(
        [
            [Label("报送单位"), Span(ctx["organization"], 3)],
            [Label("报送对象"), Span(ctx["recipients"], 3)],
            [Label("会议名称"), Span(ctx["meeting_title"], 3)],
            [Label("召开日期"), ctx["meeting_dates"], Label("应报送日期"), ctx["due"]],
        ],
        widths_mm=[28, 56, 30, 42],
        heights_mm=[10, 10, 10, 10],
    )
    doc.table(
        ["序号", "材料名称", "份数", "日期", "状态", "备注"],
        [[x["n"], x["name"] + ("" if x["required"] else "（随报）"), x["copies"], x["date"], x["status"], x["note"]] for x in ctx["items"]],
        widths_mm=[14, 48, 14, 28, 14, 38],
        min_height_mm=9,
        center=(0, 2, 3, 4),
    )
    n, present = len(ctx["items"]), ctx["present_count"]
    if ctx["complete"]:
        doc.para(f"共{n}项材料，齐全{present}项，必报材料齐全。", indent=False, size=SIZE_S4)
    else:
        doc.para(f"共{n}项材料，齐全{present}项，必报材料尚缺{len(ctx['missing'])}项。", indent=False, size=SIZE_S4)
    doc.para(f"报送日期：{ctx['submitted'] or '　　年　　月　　日'}　　经办人：{ctx['contact'] or '　　　　'}　　联系电话：", indent=False, size=SIZE_S4)
    doc.signature(ctx["organization"], date_text=ctx["today_cn"])
    return doc.save()


# -- 个人意见反馈 ----------------------------------------------------------------------------
def opinion_feedback(ctx: dict) -> bytes:
    doc = GovDoc(ctx["title"], subtitle=f"（{ctx['person']}同志）" if ctx["person"] else None)
    doc.addressee(f"{ctx['person']}同志" if ctx["person"] else "　　　　同志")
    doc.para(
        f"现将{ctx['year']}年度{ctx['kind']}会前征求到的涉及您本人的意见建议原汁原味反馈如下，"
        "请认真对照检查，在对照检查材料（发言提纲）中逐条回应，并在会上作出说明。"
    )
    doc.table(
        ["序号", "意见建议（原文）", "类别", "来源/方式", "收到日期"],
        [[o["n"], o["content"], o["category"], o["channel"], o["received"]] for o in ctx["opinions"]],
        widths_mm=[14, 62, 18, 26, 36],
        center=(0, 2, 4),
    )
    if not ctx["opinions"]:
        doc.para("（本次未收到涉及本人的意见建议。）")
    fb = ctx["feedback"]
    doc.form(
        [
            [Label("反馈方式"), fb["mode"], Label("反馈日期"), fb["date"]],
            [Label("反馈人"), fb["by"], Label("本人签收"), fb["signed"] or "（签字）\n　　　　年　　月　　日"],
        ],
        widths_mm=[26, 52, 26, 52],
        heights_mm=[10, 18],
    )
    doc.signature(ctx["organization"], date_text=ctx["today_cn"])
    return doc.save()
