"""Staff notes on certificates refuse Unicode direction controls, like every name and free
text field (cms.validators): the note is kept and shown in staff lists."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action, field", [("revoke", "reason"), ("", "note")])
def test_a_certificate_note_with_direction_controls_is_refused(client, complete, action, field):
    certificate = complete().certificate
    client.force_login(get_user_model().objects.get(username="admin@example.org"))
    url = f"/admin/certificates/{certificate.pk}/{action + '/' if action else ''}"
    response = client.post(url, {field: "Name \u202ecorrected"})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert "hidden characters that change the direction" in page
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and certificate.notes.count() == 0
