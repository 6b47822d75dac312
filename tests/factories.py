"""Small builders for tests that need their own pages and snippets."""

import itertools

from wagtail.models import Page

from cms.models import ChapterPage, Resource, ToolkitIndexPage

_serial = itertools.count(1)


def make_resources(count, **fields):
    return Resource.objects.bulk_create(
        [
            Resource(
                key=f"test-resource-{next(_serial)}",
                title=f"Test resource {n}",
                provider="Test provider",
                url=f"https://example.org/resource/{n}",
                description="A resource made by a test.",
                **fields,
            )
            for n in range(count)
        ]
    )


def make_chapter(title, resources=(), slug=None, **fields):
    """Publish a chapter under the shipped toolkit with one section listing `resources`."""
    toolkit = ToolkitIndexPage.objects.get()
    chapter = ChapterPage(
        title=title,
        slug=slug or f"test-chapter-{next(_serial)}",
        introduction="A chapter made by a test.",
        source="Test source",
        key_messages=[("message", "A key message.")],
        body=[
            (
                "section",
                {
                    "heading": "Resources",
                    "content": [("resources", {"heading": "Resources", "items": list(resources)})],
                },
            )
        ],
        **fields,
    )
    toolkit.add_child(instance=chapter)
    chapter.save_revision().publish()
    return Page.objects.get(pk=chapter.pk).specific


def make_learner(agency_code="housing", email=None, job_role="housing", **names):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cms.models import Agency
    from courses.models import LearnerProfile

    email = email or f"learner{next(_serial)}@example.org"
    user = get_user_model().objects.create_user(
        username=email, email=email, password="correct-horse-battery",
        first_name=names.get("first_name", "Lee"), last_name=names.get("last_name", "Learner"),
    )
    LearnerProfile.objects.create(
        user=user, agency=Agency.objects.get(code=agency_code), job_role=job_role,
        privacy_accepted_at=timezone.now(),
    )
    return user


def make_course(lessons=3, agency=None, required=None, refresher_months=36, title=None):
    """Publish a course with `lessons` one-section lessons under the shipped course index."""
    from courses.activities import default_codes
    from courses.models import CourseIndexPage, CoursePage, LessonPage

    index = CourseIndexPage.objects.get()
    serial = next(_serial)
    course = CoursePage(
        title=title or f"Test course {serial}", slug=f"test-course-{serial}", agency=agency,
        outcomes=[("outcome", "Do the right thing.")], estimated_minutes=30,
        refresher_months=refresher_months, required_activities=required or default_codes(),
    )
    index.add_child(instance=course)
    course.save_revision().publish()
    for n in range(lessons):
        lesson = LessonPage(
            title=f"Lesson {n + 1}", slug=f"lesson-{n + 1}", estimated_minutes=5,
            body=[("section", {"heading": "Part one",
                               "content": [("text", "<p>Lesson text.</p>")]})],
        )
        course.add_child(instance=lesson)
        lesson.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


def lessons_of(course):
    from courses.models import LessonPage

    return list(LessonPage.objects.child_of(course).live().order_by("path"))


def survey_ratings(phase, rating=3):
    from courses.models import SurveyItem

    items = list(SurveyItem.objects.filter(active=True))
    triples = [(item, phase, rating) for item in items]
    if phase == "after":
        triples += [(item, "retrospective", max(1, rating - 1)) for item in items]
    return triples
