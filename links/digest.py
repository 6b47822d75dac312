"""The failing links in the content a person owns: what her weekly digest lists and what
the dashboard panel shows her first."""

from dataclasses import dataclass, field
from datetime import datetime

from .models import Link
from .uses import Place, places_for


@dataclass
class FailingLink:
    url: str
    status: str  # a links.models.Status value
    status_label: str  # the status in words, "Broken"
    http_code: int | None
    failing_since: datetime | None
    error: str = ""
    places: list[Place] = field(default_factory=list)  # the user's own objects that use it

    @property
    def objects(self):
        """(title, admin edit URL) of each owned object using the link."""
        return [(found.title, found.edit_url) for found in self.places]


def owns(user, obj, group_ids):
    person_id = getattr(obj, "owner_person_id", None)
    team_id = getattr(obj, "owner_team_id", None)
    return (person_id is not None and person_id == user.pk) or (team_id is not None and team_id in group_ids)


def failing_links_for(user):
    """Failing links used by content the user owns (as the person, or through a team she is
    in), longest failing first. Edit URLs are admin paths without the host."""
    if not user.is_authenticated:
        return []
    group_ids = set(user.groups.values_list("pk", flat=True))
    links = list(Link.objects.failing().order_by("failing_since", "url"))
    places = places_for(links, references=False)
    result = []
    for link in links:
        own = [found for found in places[link.pk] if owns(user, found.object, group_ids)]
        if own:
            result.append(
                FailingLink(
                    url=link.url,
                    status=link.status,
                    status_label=link.get_status_display(),
                    http_code=link.http_code,
                    failing_since=link.failing_since,
                    error=link.error,
                    places=own,
                )
            )
    return result
