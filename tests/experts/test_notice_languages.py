"""The privacy notice's summary in the expert's language on the privacy page (Finnish when it
has no translation)."""

import pytest
from django.conf import settings
from django.urls import reverse

from experts.models import PrivacyNotice
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "shown"),
    [("fi", "Suomeksi."), ("sv", "På svenska."), ("en", "In English.")],
)
def test_the_privacy_page_shows_the_summary_in_the_experts_language(client, language, shown):
    PrivacyNotice.objects.filter(pk=PrivacyNotice.current().pk).update(
        summary="Suomeksi.", summary_sv="På svenska.", summary_en="In English."
    )
    expert = ExpertFactory()
    expert.user.language = language
    expert.user.save()
    client.force_login(expert.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("experts:privacy")).content.decode()
    assert shown in page
    for other in {"Suomeksi.", "På svenska.", "In English."} - {shown}:
        assert other not in page


def test_without_a_translation_the_finnish_summary_is_shown(client):
    PrivacyNotice.objects.filter(pk=PrivacyNotice.current().pk).update(
        summary="Suomeksi.", summary_sv="", summary_en=""
    )
    expert = ExpertFactory()
    expert.user.language = "en"
    expert.user.save()
    client.force_login(expert.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Suomeksi." in client.get(reverse("experts:privacy")).content.decode()
