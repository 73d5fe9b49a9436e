from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "文书"

    def ready(self):
        from audit import registry
        from core import navigation
        from meetings import steps

        from . import permissions, tasks  # noqa: F401

        registry.register(AUDIT_ACTIONS)
        navigation.register("文书模板", "documents:template_index", "document.template", order=60)
        navigation.register("批量打包", "documents:batch_index", "document.batch", order=61)
        steps.register(steps.Step("documents", "文书下载", "documents:meeting", 95))


AUDIT_ACTIONS = {
    "document_template.uploaded": "上传文书模板",
    "document_template.activated": "启用文书模板历史版本",
    "document_template.deactivated": "停用文书模板",
    "document_batch.requested": "申请批量打包会议情况报告",
    "document_batch.downloaded": "下载批量打包文件",
}
