from .bands import AgeBand, BandSet, Behaviour, Colour
from .questions import (
    QUESTION_TYPES,
    MatchingQuestion,
    MatchPair,
    MultipleResponseQuestion,
    Observation,
    Option,
    OrderQuestion,
    OrderStep,
    Question,
    SingleChoiceQuestion,
    SpotIndicatorsQuestion,
    TrafficLightQuestion,
    TrafficLightSortQuestion,
    TrueFalseQuestion,
)
from .quizzes import Quiz, Vignette
from .records import Attempt, Response

__all__ = [
    "QUESTION_TYPES",
    "AgeBand",
    "Attempt",
    "BandSet",
    "Behaviour",
    "Colour",
    "MatchPair",
    "MatchingQuestion",
    "MultipleResponseQuestion",
    "Observation",
    "Option",
    "OrderQuestion",
    "OrderStep",
    "Question",
    "Quiz",
    "Response",
    "SingleChoiceQuestion",
    "SpotIndicatorsQuestion",
    "TrafficLightQuestion",
    "TrafficLightSortQuestion",
    "TrueFalseQuestion",
    "Vignette",
]
