"""Once counted the attempts made before the report tallies existed. The counting moved to
the latest migration that changes the tallies (0016), because it calls the code that keeps
them today, which writes to every tally table: here, before the later tables exist, it
would fail. An upgraded site is counted there, whole, from the raw records."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0011_report_tallies")]

    operations = []
