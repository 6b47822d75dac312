"""Key messages are written from the figures set up here: a rise, a fall, no change, no
workforce, and figures withheld for fewer than 5 people (never a sentence about them)."""

from courses.statistics import Comparison
from workforce.key_messages import Figures, messages


def test_coverage_rose():
    assert messages(Figures(coverage_now=71.0, coverage_before=62.0))[0] == (
        "Coverage rose from 62% to 71% this quarter."
    )


def test_coverage_fell():
    assert messages(Figures(coverage_now=58.5, coverage_before=60.0))[0] == (
        "Coverage fell from 60% to 58.5% this quarter."
    )


def test_coverage_did_not_change():
    assert (
        messages(Figures(coverage_now=40.0, coverage_before=40.0))[0]
        == "Coverage stayed at 40% this quarter."
    )


def test_no_figure_for_the_quarter_before():
    assert messages(Figures(coverage_now=40.0))[0] == (
        "Coverage is 40%; there is no figure for the quarter before to compare with."
    )


def test_no_workforce():
    said = messages(Figures(no_workforce=["Health", "Police", "Probation"]))
    assert said[0] == (
        "There is no coverage figure: no agency has given its workforce (a staff list or a headcount)."
    )
    assert (
        "Health, Police and Probation have not given a workforce, so their coverage cannot be measured."
        in said
    )
    assert "Police has not given a workforce, so its coverage cannot be measured." in messages(
        Figures(no_workforce=["Police"])
    )


def test_agencies_below_target_are_named():
    said = messages(Figures(coverage_now=71.0, below_target=["Police", "Probation"], with_target=3))
    assert "Police and Probation are below target." in said
    assert "Police is below target." in messages(Figures(below_target=["Police"], with_target=1))
    assert "Every agency with a target is on track (2)." in messages(
        Figures(on_track=["Health", "Police"], with_target=2)
    )
    assert "No agency has a coverage target yet." in messages(Figures())


def test_confidence_and_knowledge_rose():
    confidence = Comparison(
        pairs=50, median_before=2.5, median_after=4.0, improved=78.0, same=12.0, worse=10.0
    )
    knowledge = Comparison(pairs=12, improved=66.7)
    said = messages(Figures(confidence=confidence, knowledge=knowledge))
    assert (
        "Confidence rose for 78% of people (50 people, in the 12 months to the end of the quarter)." in said
    )
    assert (
        "Knowledge scores rose for 66.7% of people (12 people, in the 12 months to the end of the quarter)."
        in said
    )


def test_withheld_figures_say_too_few_people_and_nothing_else():
    # Four people: their share (here 75%, what 3 of them did) must never reach a sentence.
    few = Comparison(pairs=4, improved=75.0)
    missed = {"category": "Online grooming", "people": "fewer than 5", "missed": None}
    said = messages(Figures(confidence=few, knowledge=few, most_missed=missed))
    text = " ".join(said)
    assert "75" not in text and "Online grooming" not in text
    assert (
        "Confidence before and after: too few people to report (fewer than 5 people in the 12 months)."
        in said
    )
    assert (
        "Knowledge before and after: too few people to report (fewer than 5 people in the 12 months)." in said
    )
    assert "Indicator categories most often missed: too few people to report." in said


def test_counts_of_people_and_refreshers():
    assert "1 person completed a course this quarter." in messages(Figures(completed=1))
    assert "No one completed a course this quarter." in messages(Figures(completed=0))
    assert "3 refreshers are overdue." in messages(Figures(overdue=3))
    assert "1 refresher is overdue." in messages(Figures(overdue=1))
    assert "30,218 people completed a course this quarter." in messages(Figures(completed=30218))
    assert "12,000 refreshers are overdue." in messages(Figures(overdue=12000))
    assert "No refreshers are overdue." in messages(Figures(overdue=0))


def test_the_most_missed_category():
    row = {"category": "Online grooming", "people": 12, "missed": 41.5}
    assert (
        "The indicator category most often missed was “Online grooming”: 41.5% of its indicators were not ticked."
        in messages(Figures(most_missed=row))
    )
