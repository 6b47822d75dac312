"""Path converters the apps' URLs share."""

from django.urls.converters import IntConverter

MAX_ID = 2**63 - 1  # the largest primary key (BigAutoField) any of our databases can hold


class IdConverter(IntConverter):
    """`<id:pk>`: a database id. A larger number is no id, so the URL does not match (404)
    instead of reaching a query the database cannot run (SQLite raises OverflowError)."""

    def to_python(self, value):
        number = int(value)
        if number > MAX_ID:
            raise ValueError("Not an id.")
        return number
