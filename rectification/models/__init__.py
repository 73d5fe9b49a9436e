from .items import Evidence, ItemEvent, Problem, RectificationItem
from .public import PublicBoard, PublicComment
from .reports import Circular, Report, ReportFiling, ReportVersion

__all__ = [
    "Circular",
    "Evidence",
    "ItemEvent",
    "Problem",
    "PublicBoard",
    "PublicComment",
    "RectificationItem",
    "Report",
    "ReportFiling",
    "ReportVersion",
]
