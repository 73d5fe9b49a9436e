from django.db import models


class MeetingKind(models.TextChoices):
    ORG_LIFE = "org_life", "组织生活会"
    DEMOCRATIC_LIFE = "democratic_life", "民主生活会"


class Half(models.TextChoices):
    NONE = "", "—"
    MID_YEAR = "mid_year", "年中"
    YEAR_END = "year_end", "年底"


class Stage(models.TextChoices):
    """design.md §3; the allowed moves are in `meetings.lifecycle.TRANSITIONS`."""

    PLANNING = "planning", "制定方案"
    PREPARING = "preparing", "会前准备"
    READY = "ready", "准备就绪"
    HELD = "held", "已召开"
    RECTIFYING = "rectifying", "整改落实"
    REPORTED = "reported", "已报送"
    CLOSED = "closed", "已完成"


STAGE_ORDER = [s.value for s in Stage]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报审"  # OL: awaiting the superior's approval (OL-2.1.c)
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已批准"  # OL: superior approval; DL: main leader / collective decision (DL-2.2.b)
    FILED = "filed", "已报备"  # DL: filed with 纪委 and 组织部 (DL-2.2.c)


class ApprovalMode(models.TextChoices):
    """How a DL plan was decided internally (DL-2.2.b)."""

    NONE = "", "—"
    SUPERIOR = "superior", "上级党组织审核"
    MAIN_LEADER = "main_leader", "主要负责同志审定"
    COLLECTIVE = "collective", "会议讨论决定"


class NoticeKind(models.TextChoices):
    MEETING_NOTICE = "meeting_notice", "会议通知/公告"  # DL-2.3 (required), OL (practice)
    PROBLEM_LIST = "problem_list", "问题清单公示"  # OL-2.5.e (community)
    RECTIFICATION = "rectification", "整改措施公示"  # OL-4.1.d


class StudyForm(models.TextChoices):
    PARTY_LECTURE = "party_lecture", "专题党课"
    TUTORIAL = "tutorial", "辅导讲座"
    DISCUSSION = "discussion", "大讨论"
    CONCENTRATED = "concentrated", "集中学习"
    SELF = "self", "自学"


CONCENTRATED_FORMS = {StudyForm.PARTY_LECTURE, StudyForm.TUTORIAL, StudyForm.DISCUSSION, StudyForm.CONCENTRATED}


class ParticipationMode(models.TextChoices):
    """How a member took part (study or sitting); OL-1.3.d/e flexible forms count as covered."""

    IN_PERSON = "in_person", "现场参加"
    HOME_VISIT = "home_visit", "送学/上门"
    REMOTE = "remote", "线上/远程"
    WRITTEN = "written", "书面参加"
    DELEGATE_READ = "delegate_read", "委托代读"
    AT_FLOW_ORG = "at_flow_org", "在流入地/流出地参加"
    ABSENT = "absent", "缺席"


class OpinionChannel(models.TextChoices):
    INDIVIDUAL_TALK = "individual_talk", "个别谈话"
    FORUM = "forum", "集体座谈"
    HOME_VISIT = "home_visit", "上门走访"
    PHONE = "phone", "电话交流"
    FORM = "form", "征求意见表"
    ONLINE = "online", "网上征求"
    OTHER = "other", "其他"


class OpinionTarget(models.TextChoices):
    TEAM = "team", "对班子"
    PERSON = "person", "对个人"


class FeedbackKind(models.TextChoices):
    TEAM = "team", "班子意见通报"  # OL-2.3.d
    PERSONAL = "personal", "个人意见反馈"  # OL-2.3.e
    ABSENT_CRITICISM = "absent_criticism", "向缺席同志转达批评意见"  # DL-3.3.j


class FeedbackMode(models.TextChoices):
    MEETING = "meeting", "召开会议"
    WRITTEN = "written", "书面送达"
    IN_PERSON = "in_person", "当面反馈"


class TalkKind(models.TextChoices):
    REGULAR = "regular", "谈心谈话"
    CARE = "care", "关怀谈话"  # OL-2.4.e
    MEDIATION = "mediation", "约谈/调解"  # OL-2.4.f


class TalkForm(models.TextChoices):
    FACE = "face", "面谈"
    PHONE = "phone", "电话"
    HOME = "home", "上门"
    VIDEO = "video", "视频"


class TalkFlagKind(models.TextChoices):
    """OL-2.4.f: who needs an arranged talk or a mediation (confidential)."""

    UNAWARE = "unaware", "存在问题又缺乏认识"
    GRUDGE = "grudge", "有思想疙瘩"
    CONFLICT = "conflict", "双方曾闹过矛盾"


class SelfExamKind(models.TextChoices):
    BRIEF_CHECK = "brief_check", "简要对照检查材料"
    CHECK = "check", "对照检查材料"
    OUTLINE = "outline", "发言提纲"


class DocStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "审核通过"


class ReviewLevel(models.TextChoices):
    MAIN_LEADER = "main_leader", "主要负责人审核"
    SUPERIOR = "superior", "上级党组织审核"


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", "通过"
    RETURNED = "returned", "退回修改"


class SittingKind(models.TextChoices):
    COMMITTEE = "committee", "支委会"
    GENERAL = "general", "党员大会"
    DEMOCRATIC_LIFE = "democratic_life", "民主生活会"


class SittingStatus(models.TextChoices):
    PLANNED = "planned", "未开始"
    OPEN = "open", "进行中"
    CLOSED = "closed", "已结束"


class ObserverCategory(models.TextChoices):
    """DL-1.4.a."""

    DEPUTY = "deputy", "两代表一委员"
    GRASSROOTS_CADRE = "grassroots_cadre", "基层干部"
    SERVICE_RECIPIENT = "service_recipient", "服务对象"
    RETIREE = "retiree", "离退休老同志"
    DEMOCRATIC_PARTY = "democratic_party", "民主党派人士"


class DLSlot(models.IntegerChoices):
    """The fixed 民主生活会 agenda (DL-3.2.a–g); slot ① wording is proposal P-DL-3.2.a."""

    OPENING = 1, "①主持人说明主题、议程并提出要求"
    LAST_RECTIFICATION = 2, "②通报上次整改落实情况和本次征求意见情况"
    TEAM_EXAMINATION = 3, "③主要负责人代表班子对照检查，班子成员发表意见"
    MAIN_LEADER_ROUND = 4, "④主要负责人个人对照检查，其他同志提出批评，本人表态"
    MEMBER_ROUNDS = 5, "⑤班子其他成员逐一对照检查、相互批评"
    COMMENTARY = 6, "⑥上级领导点评"
    CLOSING = 7, "⑦主要负责人小结"


class CriticismKind(models.TextChoices):
    SELF = "self", "自我批评"
    MUTUAL = "mutual", "相互批评"
    RESPONSE = "response", "回应表态"
    REPORT = "report", "班子对照检查通报"  # OL-3.1.c / DL ③
