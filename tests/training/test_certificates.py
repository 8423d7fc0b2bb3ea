import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from expertbank.models import Message
from tests.factories import CoordinatorFactory, ExpertFactory, MembershipFactory, UserFactory
from tests.permissions import Page, assert_access, assert_matrix
from tests.training.factories import AttendanceFactory, EnrollmentFactory, SessionFactory
from training.models import Certificate
from training.services import certificate_issue, enrollment_complete

pytestmark = pytest.mark.django_db


def _completed(run_on_commit, *, language="fi", trainer=None, cohort=None):
    user = UserFactory(language=language, full_name="Johanna Lindholm")
    expert = ExpertFactory(user=user)
    enrollment = EnrollmentFactory(
        expert=expert, final_assignment_accepted=True, **({"cohort": cohort} if cohort else {})
    )
    if trainer:
        enrollment.cohort.trainers.add(trainer)
    for topic in ("Oma tarina", "Vuorovaikutus"):
        session = SessionFactory(cohort=enrollment.cohort, topic=topic)
        AttendanceFactory(session=session, enrollment=enrollment)
    with run_on_commit():
        enrollment_complete(enrollment=enrollment, by=None)
    return Certificate.objects.get(enrollment=enrollment)


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize(
    ("language", "bank", "programme"),
    [
        ("sv", "Erfarenhetsexpertbanken", "Utbildning för erfarenhetsexperter"),
        ("fi", "Kokemusasiantuntijapankki", "Kokemusasiantuntijakoulutus"),
        ("en", "Experience expert bank", "Experience expert training"),
    ],
)
def test_the_certificate_is_a_real_pdf_in_the_experts_language(
    run_on_commit, trainer, language, bank, programme
):
    certificate = _completed(run_on_commit, language=language, trainer=trainer)
    assert certificate.language == language
    data = certificate.file.read()
    assert data.startswith(b"%PDF-")
    text = _text(data)
    with translation.override(language):
        word = gettext("Certificate")
    assert word in text
    assert bank in text
    assert programme in text
    assert "Johanna Lindholm" in text
    assert trainer.get_full_name() in text
    assert "Oma tarina" in text
    assert certificate.number in text


def test_the_expert_is_told_once_that_the_certificate_is_ready(run_on_commit):
    certificate = _completed(run_on_commit)
    certificate_issue(enrollment_id=certificate.enrollment_id)  # made again: same number
    assert Certificate.objects.get().number == certificate.number
    assert Message.objects.filter(kind="training_certificate_ready").count() == 1


def test_the_expert_downloads_their_own_certificate_from_their_training_page(client, run_on_commit):
    certificate = _completed(run_on_commit)
    client.force_login(certificate.enrollment.expert.user)
    page = client.get(reverse("training:my_training"))
    url = reverse("training:certificate_download", args=[certificate.pk])
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_coordinator_downloads_any_certificate(client, run_on_commit):
    certificate = _completed(run_on_commit)
    url = reverse("training:certificate_download", args=[certificate.pk])
    response = assert_access(client, url, 200, user=CoordinatorFactory())
    assert response["Content-Type"] == "application/pdf"
    assert f"{certificate.number}.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_another_expert_gets_404_and_other_roles_403(client, trainer, run_on_commit):
    certificate = _completed(run_on_commit, trainer=trainer)
    url = reverse("training:certificate_download", args=[certificate.pk])
    assert_matrix(
        client,
        [Page(url, {"another expert": 404})],
        {
            "another expert": ExpertFactory().user,
            "trainer": trainer,
            "unit member": MembershipFactory().user,
            "anonymous": None,
        },
    )


def test_the_file_lives_outside_any_public_url(run_on_commit, settings):
    certificate = _completed(run_on_commit)
    assert certificate.file.name.startswith("training/certificates/")
    assert certificate.file.path.startswith(str(settings.MEDIA_ROOT))
