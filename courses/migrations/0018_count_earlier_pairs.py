"""Once counted the completions and attempts made before the confidence and knowledge tallies
existed. The counting moved to the latest migration that changes what the tallies count
(0019, which adds the training numbers' measures): it calls the code that keeps them today,
so one count there makes an upgraded site's figures whole."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("courses", "0017_pair_tallies"), ("quizzes", "0016_partnership_score_tally")]

    operations = []
