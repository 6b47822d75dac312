from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Training delivered in rooms and on calls: multi-agency sessions with booking and a
    register, agencies' single-agency returns, and the impact follow-up survey."""

    name = "training"
    label = "training"
    verbose_name = "Sessions and returns"

    def ready(self):
        from training import signals  # noqa: F401 (connects what publishing a session sends)
