"""The site's built-in groups, and what each may do.

Content editors edit and publish pages and the toolkit's snippets, upload images and
documents, and keep the partnership's local contacts up to date (content points to them);
they get no user or group management and no other settings (that is for administrators).
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

CONTENT_EDITORS = "Content editors"

_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("cms", "add_resource"),
    ("cms", "change_resource"),
    ("cms", "delete_resource"),
    ("cms", "add_helpline"),
    ("cms", "change_helpline"),
    ("cms", "delete_helpline"),
    ("cms", "change_localcontacts"),
]
# Apps built on cms add what their editors may change (by label: cms imports none of them).
_MODEL_PERMISSIONS += [("courses", "add_surveyitem"), ("courses", "change_surveyitem")] + [
    ("quizzes", f"{action}_{model}")
    for model in [
        "quiz",
        "vignette",
        "bandset",
        "behaviour",
        "singlechoicequestion",
        "multipleresponsequestion",
        "truefalsequestion",
        "trafficlightquestion",
        "trafficlightsortquestion",
        "spotindicatorsquestion",
        "orderquestion",
        "matchingquestion",
    ]
    for action in ["add", "change", "delete"]
]
_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]
_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def _permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_content_editors():
    """Create or complete the content editors group; safe to run again."""
    group, _ = Group.objects.get_or_create(name=CONTENT_EDITORS)
    group.permissions.add(*[_permission(a, c) for a, c in _MODEL_PERMISSIONS])
    root = Page.get_first_root_node()
    for codename in _PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=root, permission=_permission("wagtailcore", codename)
        )
    collection = Collection.get_first_root_node()
    for app_label, codename in _COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=_permission(app_label, codename)
        )
    return group
