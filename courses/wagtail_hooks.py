from wagtail.snippets.models import register_snippet

from courses.viewsets import LearningViewSetGroup

register_snippet(LearningViewSetGroup)
