from .bands import AgeBand, BandSet, Behaviour, Colour
from .questions import (
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
from .records import Attempt, ColourMark, IndicatorMark, Response

__all__ = [
    "AgeBand",
    "Attempt",
    "BandSet",
    "Behaviour",
    "Colour",
    "ColourMark",
    "IndicatorMark",
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
