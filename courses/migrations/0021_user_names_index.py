"""Staff lists are shown by name (`reports.staff_list`, ordered by last and first name): an
index on the account's names lets a page of 50 be read without sorting every account. Django
cannot declare indexes on the user model from here, hence SQL (the same on SQLite and
PostgreSQL)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("courses", "0020_pair_tally_series_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX auth_user_names ON auth_user (last_name, first_name, id)",
            "DROP INDEX IF EXISTS auth_user_names",
        )
    ]
