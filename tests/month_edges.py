"""Moments round London month ends, for the tallies' random-writes tests: a tally that counted
by UTC month would put each of these in the wrong month. 23:30 on 31 March 2025 is 22:30 UTC
(summer time), 00:30 on 1 April is 23:30 UTC on 31 March; in winter 23:30 on 30 November is
23:30 UTC and 00:30 on 1 December 00:30 UTC."""

from datetime import datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
END_OF_MARCH = datetime(2025, 3, 31, 23, 30, tzinfo=LONDON)
START_OF_APRIL = datetime(2025, 4, 1, 0, 30, tzinfo=LONDON)
END_OF_NOVEMBER = datetime(2025, 11, 30, 23, 30, tzinfo=LONDON)
START_OF_DECEMBER = datetime(2025, 12, 1, 0, 30, tzinfo=LONDON)
EDGES = [END_OF_MARCH, START_OF_APRIL, END_OF_NOVEMBER, START_OF_DECEMBER]
MID_MARCH = datetime(2025, 3, 12, 10, 0, tzinfo=LONDON)
MID_APRIL = datetime(2025, 4, 20, 15, 0, tzinfo=LONDON)
ROLES = ["housing", "manager"]  # two job roles the random writes move people between
