from .agencies import Agency
from .pages import BasePage, ChapterPage, HomePage, ToolkitIndexPage
from .settings import PartnershipSettings
from .snippets import Helpline, Resource

__all__ = [
    "Agency",
    "BasePage",
    "ChapterPage",
    "Helpline",
    "HomePage",
    "PartnershipSettings",
    "Resource",
    "ToolkitIndexPage",
]
