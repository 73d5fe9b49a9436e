"""One sample context per document kind: what an uploaded district template is rendered with
to validate it, and the list of fields shown to the operator. A test keeps the keys equal to the
real contexts built by `documents.data`."""

from __future__ import annotations

import copy
import datetime

BASE = {
    "organization": "示例社区党支部",
    "superior": "示例街道党工委",
    "year": 2026,
    "kind": "组织生活会",
    "meeting_title": "示例社区党支部2026年度组织生活会",
    "theme": "学习贯彻党的创新理论，增强党性、提高能力",
    "date": "2026年12月20日",
    "date_cn": "二〇二六年十二月二十日",
    "time": "9:00",
    "place": "党员活动室",
    "today": "2026年11月26日",
    "today_cn": "二〇二六年十一月二十六日",
    "team": "",
}

_OPINION = {"n": 1, "content": "联系群众不够紧密，入户走访次数少。", "category": "作风", "channel": "征求意见表"}
_OPINION_ROW = {**_OPINION, "giver": "匿名", "giver_kind": "群众", "target": "班子", "received": "2026年11月10日", "problems": "联系群众不够紧密"}
_TALK = {
    "n": 1,
    "a": "张书记",
    "b": "李党员",
    "kind": "谈心谈话",
    "form": "面谈",
    "planned": "2026年11月12日",
    "held": "2026年11月12日",
    "held_on": datetime.date(2026, 11, 12),
    "done": "已谈",
    "place": "党员活动室",
    "key_points": "交流思想和工作情况。",
    "opinions_heard": "希望多组织志愿服务。",
    "follow_up": "下月组织一次志愿服务。",
}
_STATEMENT = {
    "seq": 1,
    "kind": "相互批评",
    "speaker": "王委员",
    "target": "张书记",
    "label": "王委员对张书记提出批评",
    "content": "入户走访次数偏少。",
    "suggestion": "每月至少走访一次困难党员。",
    "response": "诚恳接受，立即整改。",
    "agenda_id": 1,
}
_PLAN = {
    "title": "示例社区党支部2026年度组织生活会工作方案",
    "theme_rationale": "根据上级部署确定。",
    "form": "召开支委会和党员大会",
    "participants": "张书记、王委员、李党员",
    "participant_count": 3,
    "observers": "",
    "agenda": ["通报上年度整改落实情况", "党员逐一发言，开展批评和自我批评"],
    "preparation": ["会前集中学习一次"],
    "requirements": ["严肃认真开展批评和自我批评"],
    "readings": ["党章"],
    "study": [{"date": "2026年11月5日", "title": "集中学习党章", "form": "集中学习", "hours": "2", "place": "党员活动室"}],
    "talks": 3,
    "status": "已批准",
}
_DL_PLAN = {**_PLAN, "report_due": "2027年1月4日", "circular_due": "2027年1月20日", "filing_due": "2026年12月5日"}

EXTRA: dict[str, dict] = {
    "work_plan": _PLAN,
    "dl_plan": _DL_PLAN,
    "filing_cover": {
        **_DL_PLAN,
        "title": "示例局领导班子2026年度民主生活会方案报备表",
        "filings": [{"office": "纪委监委", "recipient": "示例区委", "filed": "2026年12月1日"}],
    },
    "notice": {
        "title": "关于召开2026年度组织生活会的通知",
        "addressee": "全体党员",
        "body": ["经研究，定于2026年12月20日召开组织生活会。"],
        "meeting_time": "2026年12月20日 9:00",
        "channels": ["设置意见箱（党群服务中心一楼）"],
        "deadline": "2026年12月10日",
        "published": "2026年11月26日",
        "published_cn": "二〇二六年十一月二十六日",
    },
    "study": {
        "title": "示例社区党支部2026年度组织生活会会前学习安排",
        "readings": [{"n": 1, "title": "中国共产党章程", "source": ""}],
        "sessions": [
            {
                "n": 1,
                "date": "2026年11月5日",
                "day": datetime.date(2026, 11, 5),
                "form": "集中学习",
                "title": "学习党章",
                "hours": "2",
                "place": "党员活动室",
                "attended": 3,
                "note": "",
            }
        ],
        "total_hours": "2",
    },
    "opinion_form": {
        "title": "示例社区党支部2026年度组织生活会征求意见表",
        "people": [{"name": "张书记", "title": "书记"}],
        "aspects": ["政治理论学习方面"],
        "deadline": "2026年12月10日",
    },
    "opinion_summary": {
        "title": "示例社区党支部2026年度组织生活会征求意见汇总",
        "intro": "共收到意见建议3条。",
        "total_raw": 3,
        "total": 2,
        "team": [_OPINION_ROW],
        "personal": [{"name": "张书记", "opinions": [{**_OPINION_ROW, "target": "张书记"}]}],
        "none_received": [],
        "feedback": [{"recipient": "张书记", "kind": "个人意见反馈", "mode": "当面反馈", "date": "2026年11月20日", "signed": "2026年11月20日"}],
        "channel_names": ["征求意见表"],
    },
    "talk_schedule": {
        "title": "示例社区党支部2026年度组织生活会谈心谈话安排表",
        "records_title": "示例社区党支部2026年度组织生活会谈心谈话记录",
        "talks": [_TALK],
        "held": 1,
        "planned": 1,
        "coverage": [{"name": "张书记", "title": "书记", "count": 1}],
    },
    "self_exam": {
        "title": "张书记2026年度组织生活会发言提纲",
        "doc_kind": "发言提纲",
        "person": "张书记",
        "who": "张书记",
        "status": "草稿",
        "preparation": "会前认真学习，广泛征求意见。",
        "opinions": [_OPINION],
        "aspects": [{"name": "工作作风方面", "opinions": [_OPINION]}],
        "last_items": [{"n": 1, "goal": "建立走访制度", "measures": "每月走访", "status": "已销号", "deadline": "2025年12月31日"}],
        "last_rectification": "",
        "problems": ["联系群众不够紧密。"],
        "thought": [],
        "personal_responsibility": [],
        "causes": ["宗旨意识有所淡化。"],
        "cause_headings": ["理想信念方面"],
        "measures": ["每月走访困难党员一次。"],
        "structured_items": [{"problem": "联系群众不够紧密", "cause": "宗旨意识淡化", "measure": "每月走访"}],
    },
    "ballot": {
        "title": "示例社区党支部2026年度民主评议党员测评表",
        "people": [{"n": 1, "name": "张书记", "title": "书记"}],
        "grades": ["优秀", "合格", "基本合格", "不合格"],
        "team_items": ["班子建设"],
    },
    "minutes": {
        "title": "示例社区党支部2026年度组织生活会会议记录",
        "sittings": [
            {
                "kind": "党员大会",
                "date": "2026年12月20日",
                "start": "09:00",
                "end": "11:30",
                "place": "党员活动室",
                "host": "张书记",
                "recorder": "王委员",
                "guide": "街道党工委刘委员",
                "expected": 3,
                "present": 3,
                "present_names": "张书记、王委员、李党员",
                "absent": [{"name": "赵党员", "reason": "外出务工"}],
                "observers": [{"name": "陈代表", "category": "两代表一委员", "affiliation": "区人大代表"}],
                "agenda": [{"order": 1, "title": "开展批评和自我批评", "subject": "", "notes": "", "statements": [_STATEMENT]}],
                "statements": [],
                "all_statements": [_STATEMENT],
            }
        ],
        "commentary": {"author": "刘委员", "on_preparation": "准备充分。", "on_criticism": "辣味足。", "on_effect": "达到预期。", "guidance": ["抓好整改。"]},
        "closing": {
            "author": "张书记",
            "shortcomings": "个别发言不够具体。",
            "rectification_opinions": "逐项整改。",
            "commitment": "立行立改。",
            "guidance_responses": ["照单全收。"],
            "opinions_response": "逐条落实。",
        },
    },
    "situation_report": {
        "title": "示例社区党支部关于召开2026年度组织生活会情况的报告",
        "addressee": "示例街道党工委",
        "sections": [
            {"key": "basic", "heading": "一、会议基本情况", "paragraphs": ["2026年12月20日召开党员大会。"]},
            {"key": "criticism", "heading": "二、开展批评和自我批评情况", "paragraphs": ["会上3名同志作了发言。"]},
            {"key": "problems", "heading": "三、检查出来的主要问题", "paragraphs": ["1. 联系群众不够紧密"]},
            {"key": "measures", "heading": "四、整改措施", "paragraphs": ["1. 建立走访制度。"]},
        ],
        "attachments": ["会议记录（复印件）"],
    },
    "problem_list": {
        "title": "示例社区党支部2026年度组织生活会问题清单和整改措施",
        "items": [
            {
                "n": 1,
                "scope": "党组织",
                "owner": "示例社区党支部",
                "category": "作风",
                "problem": "联系群众不够紧密",
                "source": "征求意见",
                "goal": "建立走访制度",
                "measures": "每月走访一次",
                "responsible": "张书记",
                "deadline": "2027年3月31日",
                "deadline_day": datetime.date(2027, 3, 31),
                "status": "整改中",
                "public": "公示",
            }
        ],
        "public_only": True,
    },
    "circular": {
        "title": "关于示例局领导班子2026年度民主生活会情况的通报",
        "paragraphs": ["一、会议基本情况", "2026年12月20日召开民主生活会。"],
        "scope": "全局干部",
        "published_cn": "二〇二七年一月十日",
    },
}
_STANDARDS = {
    "grades": [
        {"key": "excellent", "name": "优秀", "standard": "理想信念坚定，模范履行党员义务。"},
        {"key": "qualified", "name": "合格", "standard": "能够履行党员义务，遵守党的纪律。"},
        {"key": "basically_qualified", "name": "基本合格", "standard": "履行党员义务不够好。"},
        {"key": "unqualified", "name": "不合格", "standard": "经教育仍无明显转变。"},
    ],
    "grade_names": ["优秀", "合格", "基本合格", "不合格"],
    "excellent_ceiling": "优秀等次一般不超过参评党员的三分之一。",
    "aspects": ["理想信念", "政治素质", "组织纪律", "廉洁自律", "联系服务群众", "先锋模范作用"],
    "probationary_note": "预备党员参加民主评议，不评定等次。",
}
EXTRA["self_assessment"] = {
    "title": "示例社区党支部2026年度民主评议党员自评表",
    "person": "李党员",
    "member": {"name": "李党员", "gender": "女", "birth": "", "joined": "2005年7月", "job": "社区网格员", "position": "党员", "probationary": False},
    "facts": ["会前集中学习2次，本人参加2次。", "党员大会（2026年12月20日）：现场参加。"],
    "last_items": [{"n": 1, "goal": "按时参加组织生活", "status": "已销号", "deadline": "2026年6月30日"}],
    "text": ["一年来坚持参加支部集中学习，按时交纳党费。"],
    "submitted": "2026年12月15日",
    "standards": _STANDARDS,
    "rating": {"grade": "合格", "remarks": "能够履行党员义务。", "date": "2026年12月22日", "body": "支委会"},
}
EXTRA["self_assessment_blank"] = {
    **EXTRA["self_assessment"],
    "person": "",
    "member": {"name": "", "gender": "", "birth": "", "joined": "", "job": "", "position": "", "probationary": False},
    "facts": [],
    "last_items": [],
    "text": [],
    "submitted": "",
    "rating": {"grade": "", "remarks": "", "date": "", "body": ""},
}
EXTRA["submission_list"] = {
    "title": "示例社区党支部2026年度组织生活会报送材料清单",
    "recipients": "示例街道党工委",
    "meeting_dates": "2026年12月20日",
    "due": "2027年1月4日",
    "submitted": "",
    "items": [
        {
            "n": 1,
            "name": "会议情况报告",
            "copies": "1份",
            "present": True,
            "status": "齐全",
            "date": "2026年12月25日",
            "note": "已定稿，待报送",
            "required": True,
        },
        {"n": 2, "name": "会议原始记录复印件", "copies": "1份", "present": False, "status": "缺", "date": "", "note": "请上传扫描件", "required": True},
    ],
    "present_count": 1,
    "missing": ["会议原始记录复印件"],
    "complete": False,
    "contact": "张书记",
}
EXTRA["opinion_feedback"] = {
    "title": "示例社区党支部2026年度组织生活会征求意见反馈单",
    "person": "张书记",
    "opinions": [{"n": 1, "content": "入户走访次数偏少。", "category": "作风", "channel": "征求意见表", "received": "2026年11月10日"}],
    "feedback": {"mode": "当面反馈", "date": "2026年11月20日", "by": "街道党工委刘委员", "signed": "2026年11月20日"},
}
EXTRA["problem_list_full"] = {**EXTRA["problem_list"], "public_only": False}
EXTRA["talk_records"] = EXTRA["talk_schedule"]
EXTRA["self_exam_team"] = {
    **EXTRA["self_exam"],
    "title": "示例社区党支部2026年度组织生活会对照检查材料",
    "doc_kind": "对照检查材料",
    "person": "",
    "who": "示例社区党支部",
}

FIELD_LABELS = {
    "organization": "党组织名称",
    "superior": "上级党组织",
    "year": "年度",
    "kind": "会议类型（组织生活会/民主生活会）",
    "meeting_title": "会议名称",
    "theme": "会议主题",
    "date": "召开日期（2026年12月20日）",
    "date_cn": "召开日期（汉字：二〇二六年十二月二十日）",
    "time": "开始时间",
    "place": "地点",
    "today": "生成日期",
    "today_cn": "成文日期（汉字）",
    "team": "领导班子名称",
    "title": "标题",
    "sections": "报告各部分（列表：heading 标题，paragraphs 段落）",
    "items": "整改事项（列表）",
    "sittings": "会议场次（列表）",
    "talks": "谈心谈话（列表）",
    "opinions": "涉及本人/班子的意见（列表）",
    "people": "人员名单（列表）",
    "readings": "必读篇目（列表）",
    "paragraphs": "正文段落（列表）",
    "person": "本人姓名",
    "member": "党员基本信息（name 姓名、gender 性别、birth 出生年月、joined 入党时间、job 职务/岗位、position 党内职务）",
    "standards": "评议标准（grades 等次及标准、excellent_ceiling 优秀比例、aspects 评议内容）",
    "rating": "党支部评定（grade 等次、remarks 评定意见、date 日期）",
    "text": "本人自评内容（段落列表）",
    "facts": "系统记录的学习、参会情况（列表）",
    "recipients": "报送对象",
    "due": "应报送日期",
    "missing": "尚缺的材料（列表）",
}


def sample_context(key: str) -> dict:
    return copy.deepcopy({**BASE, **EXTRA.get(key, {})})


def fields(key: str) -> list[tuple[str, str]]:
    """(field, description) for the operator's template page."""
    return [(name, FIELD_LABELS.get(name, "")) for name in sample_context(key)]
