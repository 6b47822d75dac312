"""Once counted the completions, enrolments and profiles made before the training numbers read
the tallies. The counting moved to the latest migration that changes what the tallies count
(0022, which adds the measures of staff trained by delivery mode): it calls the code that keeps
them today, so one count there makes an upgraded site's figures whole."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("courses", "0018_count_earlier_pairs")]

    operations = []
