"""Band sets say which edition of Brook's tool they follow, and whether it is Brook's current one.

Also takes off the practice page the four shipped behaviours that described an adult exploiting
a child (or secret online contact with strangers) as if it were the child's own sexual behaviour:
they are exploitation indicators, not traffic-light colours. They are unflagged, not deleted, in
case a question still points at one.
"""

from django.db import migrations, models

WITHDRAWN = [
    "practice-9-13-secret-second-account",
    "practice-9-13-meets-online-contact",
    "practice-13-17-older-partner-secrecy",
    "practice-13-17-adult-gives-alcohol",
]


def forwards(apps, schema_editor):
    BandSet = apps.get_model("quizzes", "BandSet")
    Behaviour = apps.get_model("quizzes", "Behaviour")
    BandSet.objects.filter(key="four-bands", edition="").update(
        edition="Brook's earlier four-band edition", brook_current=False
    )
    Behaviour.objects.filter(key__in=WITHDRAWN).update(practice=False)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_indicator_and_colour_marks"),
    ]

    operations = [
        migrations.AddField(
            model_name="bandset",
            name="brook_current",
            field=models.BooleanField(
                default=False,
                help_text="Tick only if these are the age bands of the tool Brook publishes today. "
                "When unticked, learners are told the exercise follows an earlier edition.",
                verbose_name="Brook's current edition",
            ),
        ),
        migrations.AddField(
            model_name="bandset",
            name="edition",
            field=models.CharField(
                blank=True,
                help_text="Which edition of Brook's tool these bands follow, in a few words, "
                "e.g. \"Brook's earlier four-band edition\". Shown to learners on the practice pages.",
                max_length=120,
            ),
        ),
        migrations.AlterField(
            model_name="bandset",
            name="current",
            field=models.BooleanField(
                default=False,
                help_text="The band set this site's practice exercise and new questions use (only one). "
                "This does not mean it is Brook's current edition: see the two fields below.",
                verbose_name="used by our exercise",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
