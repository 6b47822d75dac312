from tests.conftest import django_db_setup  # noqa: F401  (the shipped content, as in the suite)
