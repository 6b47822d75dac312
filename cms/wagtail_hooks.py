from wagtail.snippets.models import register_snippet

from cms.viewsets import ToolkitViewSetGroup

register_snippet(ToolkitViewSetGroup)
