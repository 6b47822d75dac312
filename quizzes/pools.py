"""Which questions a quiz's pool may draw. Kept apart from the models and the draw so that
the quiz's admin form can check its pools against the bank without an import cycle."""

NO_CATEGORY = "none"
"""A pool's category filter for questions with no indicator category (procedure, law, what to do)."""


def _age_band_id(question):
    return question.age_band_id or (question.vignette.age_band_id if question.vignette_id else None)


def _agency_id(question):
    return question.vignette.agency_id if question.vignette_id else None


def matches(pool, question) -> bool:
    """Whether `question` is one `pool` may draw. The age band is the question's own or
    its case's; the agency is its case's."""
    if pool.category == NO_CATEGORY and question.category:
        return False
    if pool.category and pool.category != NO_CATEGORY and question.category != pool.category:
        return False
    return (
        (not pool.question_type or question.type_code == pool.question_type)
        and (not pool.difficulty or question.difficulty == pool.difficulty)
        and (pool.age_band_id is None or _age_band_id(question) == pool.age_band_id)
        and (pool.agency_id is None or _agency_id(question) == pool.agency_id)
    )


def pool_candidates(pools, questions) -> list[list]:
    """For each pool in order, the questions it may draw: those matching it that no
    earlier pool could also draw."""
    taken, candidates = set(), []
    for pool in pools:
        eligible = [q for q in questions if q.pk not in taken and matches(pool, q)]
        taken.update(q.pk for q in eligible)
        candidates.append(eligible)
    return candidates
