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
    """A learner as registering makes one: with a profile and a confirmed email address."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from cms.models import Agency
    from courses.models import LearnerProfile

    email = email or f"learner{next(_serial)}@example.org"
    user = get_user_model().objects.create_user(
        username=email,
        email=email,
        password="correct-horse-battery",
        first_name=names.get("first_name", "Lee"),
        last_name=names.get("last_name", "Learner"),
    )
    LearnerProfile.objects.create(
        user=user,
        agency=Agency.objects.get(code=agency_code),
        job_role=job_role,
        privacy_accepted_at=timezone.now(),
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_course(lessons=3, agency=None, required=None, refresher_months=36, title=None):
    """Publish a course with `lessons` one-section lessons under the shipped course index."""
    from courses.activities import default_codes
    from courses.models import CourseIndexPage, CoursePage, LessonPage

    index = CourseIndexPage.objects.get()
    serial = next(_serial)
    course = CoursePage(
        title=title or f"Test course {serial}",
        slug=f"test-course-{serial}",
        agency=agency,
        outcomes=[("outcome", "Do the right thing.")],
        estimated_minutes=30,
        refresher_months=refresher_months,
        required_activities=required or default_codes(),
    )
    index.add_child(instance=course)
    course.save_revision().publish()
    for n in range(lessons):
        lesson = LessonPage(
            title=f"Lesson {n + 1}",
            slug=f"lesson-{n + 1}",
            estimated_minutes=5,
            body=[("section", {"heading": "Part one", "content": [("text", "<p>Lesson text.</p>")]})],
        )
        course.add_child(instance=lesson)
        lesson.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


def lessons_of(course):
    from courses.models import LessonPage

    return list(LessonPage.objects.child_of(course).live().order_by("path"))


def finish_lesson(enrolment, lesson):
    """Open `lesson` (as the learner's GET of the page does) and mark it as finished."""
    from courses import services

    services.open_lesson(enrolment, lesson)
    return services.complete_lesson(enrolment, lesson)


def finish_lessons(enrolment, lessons=None):
    """Open and finish `lessons` (by default every lesson of the enrolment's course) in order."""
    for lesson in lessons_of(enrolment.course) if lessons is None else lessons:
        finish_lesson(enrolment, lesson)


def open_the_quiz(enrolment):
    """Answer the "before" survey and finish every lesson: what opens the course's quiz."""
    from courses import services

    services.submit_survey(enrolment, "before", survey_ratings("before"))
    finish_lessons(enrolment)


def survey_ratings(phase, rating=3):
    from courses.models import SurveyItem

    items = list(SurveyItem.objects.filter(active=True))
    triples = [(item, phase, rating) for item in items]
    if phase == "after":
        triples += [(item, "retrospective", max(1, rating - 1)) for item in items]
    return triples


SAMPLE_QUESTIONS = [
    {
        "key": "tell",
        "type": "single_choice",
        "text": "Who do you tell first?",
        "explanation": "Your safeguarding lead, the same day.",
        "chapter": "referral-pathway",
        "options": [
            {"text": "Your safeguarding lead", "correct": True},
            {"text": "The parent", "correct": False},
        ],
    },
    {
        "key": "signs",
        "type": "spot_indicators",
        "text": "Which are indicators?",
        "explanation": "Gifts and going missing are CSE indicators.",
        "chapter": "indicators",
        "observations": [
            {"text": "Unexplained gifts", "category": "cse", "indicator": True},
            {"text": "Goes missing overnight", "category": "cse", "indicator": True},
            {"text": "Enjoys football", "category": "behavioural", "indicator": False},
        ],
    },
    {
        "key": "tf",
        "type": "true_false",
        "text": "No police action means no safeguarding action.",
        "explanation": "Safeguarding uses the balance of probabilities.",
        "correct": False,
    },
    {
        "key": "light",
        "type": "traffic_light",
        "text": "Which colour?",
        "explanation": "Persistent.",
        "behaviour": {
            "key": "test-light",
            "band": "5-9",
            "text": "Keeps touching others after being asked to stop",
            "colour": "amber",
            "reasoning": "Persistence.",
        },
    },
    {
        "key": "sort",
        "type": "traffic_light_sort",
        "text": "Sort these.",
        "explanation": "See the tool.",
        "band": "0-5",
        "behaviours": [
            {
                "key": "test-sort-1",
                "text": "Curious about bodies",
                "colour": "green",
                "reasoning": "Healthy.",
            },
            {
                "key": "test-sort-2",
                "text": "Secretive and coercive play",
                "colour": "red",
                "reasoning": "Coercion.",
            },
        ],
    },
    {
        "key": "order",
        "type": "order",
        "text": "Put in order.",
        "explanation": "The procedure.",
        "steps": [
            {"text": "Concern"},
            {"text": "Safeguarding lead"},
            {"text": "Referral"},
            {"text": "Strategy discussion", "timescale": "within 24 hours"},
        ],
    },
    {
        "key": "match",
        "type": "matching",
        "text": "Match the terms.",
        "explanation": "Definitions.",
        "pairs": [
            {"term": "CSE", "definition": "Exploitation"},
            {"term": "HSB", "definition": "Harmful behaviour"},
            {"term": "PSB", "definition": "Problematic behaviour"},
        ],
    },
    {
        "key": "multi",
        "type": "multiple_response",
        "text": "Which apply?",
        "explanation": "Both.",
        "options": [
            {"text": "Record it", "correct": True},
            {"text": "Tell your lead", "correct": True},
            {"text": "Promise secrecy", "correct": False},
        ],
    },
]


def make_quiz(course, questions=SAMPLE_QUESTIONS, pass_mark=70, max_attempts=0, slug=None):
    from quizzes.interchange.data import build_question
    from quizzes.models import Quiz

    quiz = Quiz.objects.create(
        course=course,
        title=f"Quiz for {course.title}",
        slug=slug or f"test-quiz-{next(_serial)}",
        pass_mark=pass_mark,
        max_attempts=max_attempts,
    )
    for position, data in enumerate(questions, 1):
        build_question(quiz, data, sort_order=position)
    required = [c for c in course.required_activities if c != "after_survey"] + ["quiz"]
    if "after_survey" in course.required_activities:
        required.append("after_survey")
    type(course).objects.filter(pk=course.pk).update(required_activities=required)
    course.required_activities = required
    return quiz


def quiz_post(attempt, right=True):
    """The fields a learner's pages send: every answer right (or every answer left empty)."""
    from quizzes.answers import form_data
    from quizzes.scoring import model_answer

    data = {}
    for position, snapshot in enumerate(attempt.questions, 1):
        if right:
            data.update(form_data(snapshot, model_answer(snapshot), position))
    return data


def submit_pages(client, attempt, data, follow=True):
    """Send `data` page by page as the learner's browser would, then confirm on the summary
    page; the summary's response (followed to the result by default)."""
    from quizzes.draws import pages

    for number, positions in enumerate(pages(attempt.questions), 1):
        prefixes = tuple(f"q{p}-" for p in positions)
        page_data = {name: value for name, value in data.items() if name.startswith(prefixes)}
        response = client.post(f"/quizzes/attempts/{attempt.pk}/page/{number}/", {**page_data, "go": "next"})
        assert response.status_code == 302, response.content[:500]
    return client.post(f"/quizzes/attempts/{attempt.pk}/summary/", follow=follow)
