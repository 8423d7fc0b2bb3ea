"""/apply/ is linked from the front page and the login page, and what coordinators type — cohort
names and descriptions, the privacy notice summary, programme, area and work-kind names — is shown
in the reader's language, falling back to Finnish."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from expertbank.models import Message
from experts.models import ExperienceArea, PrivacyNotice, WorkKind
from tests.training.factories import ApplicationFactory, OpenCohortFactory
from training.services import application_accept

pytestmark = pytest.mark.django_db

APPLY = reverse("training_public:apply")


def _get(client, url: str, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("page", ["home", "account_login"])
def test_apply_is_linked_from_the_front_page_and_the_login_page(client, page, language):
    content = _get(client, reverse(page), language)
    assert f'<html lang="{language}">' in content
    assert f'href="{APPLY}"' in content


@pytest.fixture
def translated():
    notice = PrivacyNotice.current()
    notice.summary = "Suomenkielinen tiivistelmä."
    notice.summary_sv = "Svensk sammanfattning."
    notice.summary_en = "English summary."
    notice.save()
    return OpenCohortFactory(
        name="Syysryhmä",
        name_sv="Höstgruppen",
        name_en="Autumn group",
        description="Koulutus on maksuton.",
        description_sv="Utbildningen är avgiftsfri.",
        description_en="The training is free of charge.",
    )


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("fi", ["Syysryhmä", "Koulutus on maksuton.", "Suomenkielinen tiivistelmä."], "Höst"),
        ("sv", ["Höstgruppen", "Utbildningen är avgiftsfri.", "Svensk sammanfattning."], "Syys"),
        ("en", ["Autumn group", "The training is free of charge.", "English summary."], "Syys"),
    ],
)
def test_the_apply_page_shows_the_cohort_and_the_notice_in_the_readers_language(
    client, translated, language, expected, absent
):
    content = _get(client, APPLY, language)
    for text in expected:
        assert text in content
    assert absent not in content
    assert "Suomenkielinen tiivistelmä." not in content or language == "fi"


def test_a_missing_translation_falls_back_to_finnish(client):
    OpenCohortFactory(name="Kevätryhmä", description="Kymmenen koulutuspäivää.")
    content = _get(client, APPLY, "sv")
    assert "Kevätryhmä" in content and "Kymmenen koulutuspäivää." in content


def test_the_applicants_messages_name_the_cohort_in_their_language(translated, coordinator):
    application = ApplicationFactory(cohort=translated, language="en")
    application_accept(application=application, by=coordinator)
    body = Message.objects.get(kind="training_application_accepted").body
    assert "Autumn group" in body and "Syysryhmä" not in body


def test_areas_and_kinds_of_work_are_named_in_the_readers_language():
    area = ExperienceArea.objects.get(slug="mental-health")
    talk = WorkKind.objects.get(code="talk")
    with translation.override("sv"):
        assert (area.name, talk.name) == ("Psykisk hälsa", "Föredrag")
    with translation.override("en"):
        assert (area.name, talk.name) == ("Mental health", "Talk")


def test_a_published_notice_gets_a_missing_translation_once(admin_user):
    notice = PrivacyNotice.current()
    assert notice.published_on <= timezone.localdate()
    model_admin = admin.site._registry[PrivacyNotice]
    request = RequestFactory().get("/")
    request.user = admin_user
    assert model_admin.get_readonly_fields(request, notice) == [
        "version",
        "published_on",
        "summary",
    ]
    notice.summary_sv = "Svensk sammanfattning."
    notice.save()
    assert "summary_sv" in model_admin.get_readonly_fields(request, notice)
    assert "summary_en" not in model_admin.get_readonly_fields(request, notice)
