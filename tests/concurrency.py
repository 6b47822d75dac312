"""Helpers for PostgreSQL race tests: committed data (threads cannot see a test's open
transaction) that is removed afterwards, and a way to start several calls at once."""

import threading

from django.db import connections

from tests.factories import make_course, make_learner


def learner_and_course(made, **course_options):
    learner, course = make_learner(), make_course(**course_options)
    made["users"].append(learner)
    made["courses"].append(course)
    return learner, course


def run_at_once(count, work):
    barrier = threading.Barrier(count)
    errors, results = [], []

    def worker():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # noqa: BLE001 (collected and asserted below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
