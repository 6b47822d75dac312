from .pages import CourseIndexPage, CoursePage, LessonPage
from .profiles import JobRole, LearnerProfile
from .records import (
    Completion,
    Enrolment,
    LessonProgress,
    SurveyItem,
    SurveyPhase,
    SurveyResponse,
    SurveySubmission,
)
from .roles import AgencyLead

__all__ = [
    "AgencyLead",
    "Completion",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "JobRole",
    "LearnerProfile",
    "LessonPage",
    "LessonProgress",
    "SurveyItem",
    "SurveyPhase",
    "SurveyResponse",
    "SurveySubmission",
]
