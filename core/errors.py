"""The one domain error every service raises; views turn it into a message."""


class DomainError(Exception):
    """A refused action with a Chinese message for the user.

    `findings` carries rulebook findings when a gate refused the action, so the
    page can list every blocker rather than only the first.
    """

    def __init__(self, message: str, *, code: str = "", findings=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.findings = list(findings or [])

    def __str__(self) -> str:
        return self.message


class ConcurrentEditError(DomainError):
    """Someone else saved the same record since this form was loaded."""

    def __init__(self, message: str = "该内容已被他人修改，请刷新后在最新版本上重新编辑（您的输入未丢失，见下方）。"):
        super().__init__(message, code="concurrent_edit")
