# Separate from 0005: PostgreSQL cannot alter a table that has pending foreign key checks
# from the backfill in the same transaction.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_enrolment_agency_and_agency_change_requests"),
    ]

    operations = [
        migrations.AlterField(
            model_name="enrolment",
            name="agency",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="enrolments", to="cms.agency"
            ),
        ),
    ]
