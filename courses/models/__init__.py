from .downloads import Download
from .pages import CourseIndexPage, CoursePage, LessonPage
from .profiles import AgencyChangeRequest, JobRole, LearnerProfile
from .records import (
    Completion,
    DeliveryMode,
    Enrolment,
    LessonOpened,
    LessonProgress,
    SurveyItem,
    SurveyPhase,
    SurveyResponse,
    SurveySubmission,
)
from .registrations import PendingRegistration
from .roles import AgencyLead, PartnershipManager
from .tallies import PairMark, PairTally

__all__ = [
    "AgencyChangeRequest",
    "AgencyLead",
    "Completion",
    "CourseIndexPage",
    "CoursePage",
    "DeliveryMode",
    "Download",
    "Enrolment",
    "JobRole",
    "LearnerProfile",
    "LessonOpened",
    "LessonPage",
    "LessonProgress",
    "PairMark",
    "PairTally",
    "PartnershipManager",
    "PendingRegistration",
    "SurveyItem",
    "SurveyPhase",
    "SurveyResponse",
    "SurveySubmission",
]
