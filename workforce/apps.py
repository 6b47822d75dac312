from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    """Each agency's workforce (a staff list or a headcount per job role), how much of it is
    covered by current training, targets with their RAG status, chasing staff, and the board pack."""

    name = "workforce"
    label = "workforce"
    verbose_name = "Workforce coverage"
