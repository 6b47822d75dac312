"""Timing for the benchmarks: ours and the baseline taken in turn, round by round, so that
whatever else the machine is doing falls on both."""

import statistics
import time


def interleaved(first, second, rounds):
    """Median seconds of each over `rounds` rounds, `first` then `second` in every round."""
    times = ([], [])
    for _ in range(rounds):
        for work, kept in zip((first, second), times, strict=True):
            start = time.perf_counter()
            work()
            kept.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])
