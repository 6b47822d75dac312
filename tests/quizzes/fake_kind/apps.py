from django.apps import AppConfig


class FakeKindConfig(AppConfig):
    name = "tests.quizzes.fake_kind"
    label = "fake_kind"
    default_auto_field = "django.db.models.BigAutoField"
