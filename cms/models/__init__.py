from .agencies import Agency
from .local_contacts import LocalContact
from .pages import BasePage, ChapterPage, HomePage, ToolkitIndexPage
from .reviews import ReviewDigest, ReviewedContent
from .settings import PartnershipSettings
from .snippets import Helpline, Resource
from .workflows import PublishedContent, TwoPersonApprovalTask

__all__ = [
    "Agency",
    "BasePage",
    "ChapterPage",
    "Helpline",
    "HomePage",
    "LocalContact",
    "PartnershipSettings",
    "PublishedContent",
    "Resource",
    "ReviewDigest",
    "ReviewedContent",
    "ToolkitIndexPage",
    "TwoPersonApprovalTask",
]
