from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = "整改"

    def ready(self):
        from audit import registry
        from core import home, navigation

        from . import demo, permissions, tasks  # noqa: F401

        registry.register(AUDIT_ACTIONS)
        navigation.register("整改台账", "rectification:ledger", "rectification.ledger", order=40)
        navigation.register("我的整改", "rectification:mine", "rectification.progress", order=41)
        navigation.register("上报材料", "rectification:inbox", "report.receive", order=42)
        home.register(tasks.home_tasks)
        try:
            from meetings import snapshot
        except ImportError:
            snapshot = None
        register = getattr(snapshot, "register_contributor", None)
        if register is not None:
            from .snapshot import contribute, reads

            register("rectification", contribute, with_meeting=("report", "circular"), reads=reads())


AUDIT_ACTIONS = {
    "problem.created": "登记问题",
    "problem.classified": "明确问题责任主体",
    "item.created": "登记整改事项",
    "item.updated": "修改整改事项",
    "item.finalized": "确定整改事项",
    "item.deleted": "删除整改事项草稿",
    "item.progress": "报告整改进展",
    "item.closure_requested": "申请销号",
    "item.closed": "整改销号",
    "item.returned": "退回销号申请",
    "item.reopened": "重新打开整改事项",
    "item.noted": "记录督查意见",
    "item.overdue": "整改事项逾期",
    "rectification.published": "整改措施公示",
    "public_board.updated": "修改公开页面设置",
    "public_comment.received": "收到群众留言",
    "public_comment.moderated": "审核群众留言",
    "ledger.exported": "导出整改台账",
    "report.saved": "编辑会议情况报告",
    "report.scan_uploaded": "上传会议原始记录",
    "report.submitted": "报送会议材料",
    "report.received": "接收上报材料",
    "report.returned": "退回上报材料",
    "circular.saved": "编辑通报",
    "circular.published": "发布通报",
}
