from .agencies import Agency
from .local_contacts import LocalContact, LocalContacts
from .pages import BasePage, ChapterPage, HomePage, ToolkitIndexPage
from .settings import PartnershipSettings
from .snippets import Helpline, Resource

__all__ = [
    "Agency",
    "BasePage",
    "ChapterPage",
    "Helpline",
    "HomePage",
    "LocalContact",
    "LocalContacts",
    "PartnershipSettings",
    "Resource",
    "ToolkitIndexPage",
]
