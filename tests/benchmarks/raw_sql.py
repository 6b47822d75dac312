"""Hand-written SQL over the raw tables for the report benchmarks, computing the figures the
pages compute, the same way: `{agencies}` stands for the agency ids, `{months}` for a table of
London months (label, s, e), `{took}` for a duration; %(start)s and %(end)s are the period's
London bounds."""

from courses.models import DeliveryMode

# Days from start to completion, to a tenth of a day, as the median counts them.
TOOK = {
    "sqlite": "ROUND(julianday(done) - julianday(began), 1)",
    "postgresql": "ROUND(CAST(EXTRACT(EPOCH FROM done - began) / 86400 AS numeric), 1)",
}
IN_PERIOD = "c.agency_id IN ({agencies}) AND c.completed_at >= %(start)s AND c.completed_at < %(end)s"
E_LEARNING = f"'{DeliveryMode.E_LEARNING.value}'"

TRAINING_SQL = [
    "SELECT COUNT(*) FROM courses_learnerprofile WHERE agency_id IN ({agencies}) AND created_at < %(end)s",
    # People who started; courses started, and of them completed by the end of the period.
    "SELECT COUNT(DISTINCT e.learner_id), COUNT(*), COUNT(CASE WHEN c.completed_at < %(end)s THEN 1 END) "
    "FROM courses_enrolment e LEFT JOIN courses_completion c ON c.enrolment_id = e.id "
    "WHERE e.agency_id IN ({agencies}) AND e.started_at >= %(start)s AND e.started_at < %(end)s",
    f"SELECT COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {IN_PERIOD}",
    f"SELECT m.label, COUNT(DISTINCT c.learner_id), COUNT(*) FROM courses_completion c "
    f"JOIN {{months}} m ON c.completed_at >= m.s AND c.completed_at < m.e WHERE {IN_PERIOD} GROUP BY 1 ORDER BY 1",
    # The true median: the middle one or two durations, found from the count.
    f"""WITH took AS (
        SELECT c.completed_at AS done, e.started_at AS began FROM courses_completion c
        JOIN courses_enrolment e ON e.id = c.enrolment_id WHERE {IN_PERIOD} AND c.delivery_mode = {E_LEARNING}
    ), n AS (SELECT COUNT(*) AS n FROM took)
    SELECT {{took}} AS days FROM took ORDER BY 1
    LIMIT 2 - (SELECT n FROM n) %% 2 OFFSET ((SELECT n FROM n) - 1) / 2""",
    f"SELECT c.course_id, COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {IN_PERIOD} GROUP BY 1",
    f"SELECT c.job_role, COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {IN_PERIOD} GROUP BY 1",
    # Agencies side by side: registered by the agency on the profile, completed in the agency at completion.
    "SELECT p.agency_id, COUNT(*) FROM courses_learnerprofile p "
    "WHERE p.agency_id IN ({agencies}) AND p.created_at < %(end)s GROUP BY 1",
    f"SELECT c.agency_id, COUNT(DISTINCT c.learner_id) FROM courses_completion c WHERE {IN_PERIOD} GROUP BY 1",
    # Staff trained by delivery mode: (person, course) pairs per agency and in all, and returns.
    f"SELECT c.agency_id, c.delivery_mode, COUNT(DISTINCT c.learner_id || ':' || c.course_id) "
    f"FROM courses_completion c WHERE {IN_PERIOD} GROUP BY 1, 2",
    f"SELECT c.delivery_mode, COUNT(DISTINCT c.learner_id || ':' || c.course_id) "
    f"FROM courses_completion c WHERE {IN_PERIOD} GROUP BY 1",
    "SELECT r.agency_id, COUNT(DISTINCT LOWER(a.email)) FROM training_returnattendee a "
    "JOIN training_singleagencyreturn r ON r.id = a.training_return_id WHERE r.agency_id IN ({agencies}) "
    "AND r.delivered_on >= %(start_day)s AND r.delivered_on <= %(end_day)s GROUP BY 1",
    "SELECT r.agency_id, SUM(h.number) FROM training_returnheadcount h "
    "JOIN training_singleagencyreturn r ON r.id = h.training_return_id WHERE r.agency_id IN ({agencies}) "
    "AND r.delivered_on >= %(start_day)s AND r.delivered_on <= %(end_day)s GROUP BY 1",
    # Refreshers: each person's latest completion of each course, due within 30, 60, 90 days.
    """SELECT SUM(CASE WHEN c.expires_on <= %(overdue)s THEN 1 ELSE 0 END),
              SUM(CASE WHEN c.expires_on <= %(within_30)s THEN 1 ELSE 0 END),
              SUM(CASE WHEN c.expires_on <= %(within_60)s THEN 1 ELSE 0 END), COUNT(*)
       FROM courses_completion c WHERE c.agency_id IN ({agencies}) AND c.expires_on <= %(within_90)s
       AND NOT EXISTS (SELECT 1 FROM courses_completion n WHERE n.learner_id = c.learner_id
                       AND n.course_id = c.course_id AND n.completed_at > c.completed_at)""",
]

# Each person's latest surveyed completion, by completion time and then id, as the reports order "latest".
LATEST_SURVEYED = f"""
    surveyed AS (
        SELECT c.enrolment_id,
               ROW_NUMBER() OVER (PARTITION BY c.learner_id ORDER BY c.completed_at DESC, c.id DESC) AS place
        FROM courses_completion c
        WHERE {IN_PERIOD}
          AND EXISTS (SELECT 1 FROM courses_surveysubmission s
                      WHERE s.enrolment_id = c.enrolment_id AND s.phase = 'before')
          AND EXISTS (SELECT 1 FROM courses_surveysubmission s
                      WHERE s.enrolment_id = c.enrolment_id AND s.phase = 'after')
    ),
    latest AS (SELECT enrolment_id FROM surveyed WHERE place = 1)"""

CONFIDENCE_SQL = [
    f"WITH {LATEST_SURVEYED} SELECT COUNT(*) FROM latest",
    f"""WITH {LATEST_SURVEYED},
    ratings AS (
        SELECT r.enrolment_id, r.item_id,
               MAX(CASE WHEN r.phase = 'before' THEN r.rating END) AS before,
               MAX(CASE WHEN r.phase = 'after' THEN r.rating END) AS after,
               MAX(CASE WHEN r.phase = 'retrospective' THEN r.rating END) AS looking_back
        FROM courses_surveyresponse r JOIN latest l ON l.enrolment_id = r.enrolment_id
        GROUP BY r.enrolment_id, r.item_id
    )
    SELECT item_id, before, looking_back, after, COUNT(*) FROM ratings GROUP BY 1, 2, 3, 4""",
    f"""WITH {LATEST_SURVEYED},
    means AS (
        SELECT r.enrolment_id,
               AVG(CASE WHEN r.phase = 'before' THEN r.rating END) AS before,
               AVG(CASE WHEN r.phase = 'after' THEN r.rating END) AS after
        FROM courses_surveyresponse r JOIN latest l ON l.enrolment_id = r.enrolment_id
        GROUP BY r.enrolment_id
    )
    SELECT c.agency_id, m.before, m.after, COUNT(*) FROM means m
    JOIN courses_completion c ON c.enrolment_id = m.enrolment_id GROUP BY 1, 2, 3""",
]

FIRST = """
    first AS (
        SELECT a.id, a.score, e.agency_id FROM quizzes_attempt a
        JOIN courses_enrolment e ON e.id = a.enrolment_id
        WHERE a.purpose = 'quiz' AND a.number = 1 AND a.submitted_at IS NOT NULL
          AND a.submitted_at >= %(start)s AND a.submitted_at < %(end)s AND e.agency_id IN ({agencies})
    )"""

QUIZ_SQL = [
    # The upper and lower 27% by score; the attempts with the score at a group's edge share its
    # last places (`above`/`below`: how many attempts rank before the score's first).
    f"""WITH {FIRST},
    size AS (SELECT CASE WHEN ROUND(COUNT(*) * 0.27) < 1 THEN 1
                         ELSE CAST(ROUND(COUNT(*) * 0.27) AS INTEGER) END AS n FROM first),
    ranked AS (SELECT id, RANK() OVER (ORDER BY score DESC) - 1 AS above,
                      RANK() OVER (ORDER BY score) - 1 AS below,
                      COUNT(*) OVER (PARTITION BY score) AS block FROM first),
    weights AS (SELECT id,
        CASE WHEN above >= n THEN 0.0 WHEN above + block <= n THEN 1.0 ELSE (n - above) * 1.0 / block END AS up,
        CASE WHEN below >= n THEN 0.0 WHEN below + block <= n THEN 1.0 ELSE (n - below) * 1.0 / block END AS low
        FROM ranked, size)
    SELECT r.question_id, COUNT(*), SUM(CASE WHEN r.score = 1 THEN 1 ELSE 0 END),
           SUM(w.up), SUM(CASE WHEN r.score = 1 THEN w.up ELSE 0 END),
           SUM(w.low), SUM(CASE WHEN r.score = 1 THEN w.low ELSE 0 END)
    FROM quizzes_response r JOIN weights w ON w.id = r.attempt_id
    GROUP BY r.question_id""",
    f"""WITH {FIRST}
    SELECT m.category, m.category_label, COUNT(*), SUM(CASE WHEN m.ticked THEN 0 ELSE 1 END),
           COUNT(DISTINCT m.attempt_id)
    FROM quizzes_indicatormark m JOIN first f ON f.id = m.attempt_id GROUP BY 1, 2""",
    f"""WITH {FIRST}
    SELECT m.band, m.correct, m.chosen, COUNT(*) FROM quizzes_colourmark m
    JOIN first f ON f.id = m.attempt_id GROUP BY 1, 2, 3""",
    f"""WITH {FIRST}
    SELECT m.band, COUNT(DISTINCT m.attempt_id) FROM quizzes_colourmark m
    JOIN first f ON f.id = m.attempt_id GROUP BY 1""",
    f"""WITH {FIRST}
    SELECT f.agency_id, r.question_id, COUNT(*), SUM(CASE WHEN r.certainty = 3 THEN 1 ELSE 0 END),
           SUM(CASE WHEN r.certainty = 3 AND r.score < 0.5 THEN 1 ELSE 0 END)
    FROM quizzes_response r JOIN first f ON f.id = r.attempt_id GROUP BY 1, 2""",
    f"""WITH {FIRST}
    SELECT f.agency_id, r.category, COUNT(*), SUM(CASE WHEN r.certainty = 3 THEN 1 ELSE 0 END),
           SUM(CASE WHEN r.certainty = 3 AND r.score < 0.5 THEN 1 ELSE 0 END)
    FROM quizzes_response r JOIN first f ON f.id = r.attempt_id GROUP BY 1, 2""",
    f"""WITH {FIRST}
    SELECT f.agency_id, COUNT(DISTINCT f.id), COUNT(*), SUM(CASE WHEN r.score = 1 THEN 1 ELSE 0 END)
    FROM quizzes_response r JOIN first f ON f.id = r.attempt_id GROUP BY 1""",
    "SELECT id, text FROM quizzes_question",
]
