"""The pool's reference data, privacy notices and import log in the admin: a list entry in use is
retired, never deleted; a published privacy notice is what experts consented to and never
changes; the import log is only a log. Bulk deletion from the lists is refused the same way."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.utils import timezone

from experts.models import ExperienceArea, Expert, ExpertImport, Language, PrivacyNotice, WorkKind
from experts.services import disclosure_set, expert_update
from tests.admin_checks import (
    change_url,
    changelist_action,
    delete_via_admin,
    model_admin,
    read_change_form,
    walk_change_form,
)
from tests.experts.factories import area, current_notice, language
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def expert():
    """An expert using an area (also disclosed), a language and a kind of work."""
    current_notice()
    expert = expert_update(
        expert=ExpertFactory(),
        by=None,
        areas=[area()],
        languages=[language()],
        work_kinds=[WorkKind.objects.get(code="talk")],
    )
    disclosure_set(expert=expert, by=None, pairs=[(area().pk, "city")])
    return expert


def _uses(expert: Expert) -> dict:
    return {
        name: sorted(getattr(expert, name).values_list("pk", flat=True))
        for name in ("areas", "languages", "work_kinds")
    } | {"disclosures": list(expert.disclosures.values_list("area", "booker_kind"))}


USED = {
    ExperienceArea: lambda: area(),
    WorkKind: lambda: WorkKind.objects.get(code="talk"),
    Language: lambda: language(),
}


@pytest.mark.parametrize("model", [ExperienceArea, WorkKind, Language])
def test_reference_data_in_use_is_never_deleted(admin_client, expert, model):
    used = USED[model]()
    before = _uses(expert)

    def check(probe, response):
        assert model.objects.filter(pk=used.pk).exists(), probe
        assert _uses(expert) == before, probe

    reference_admin = model_admin(admin.site, model)
    assert walk_change_form(admin_client, reference_admin, used, check=check)
    assert delete_via_admin(admin_client, reference_admin, used).status_code == 403
    changelist_action(admin_client, reference_admin, [used])
    assert model.objects.filter(pk=used.pk).exists()
    assert _uses(expert) == before


def test_an_unused_list_entry_can_be_deleted(admin_client):
    unused = ExperienceArea.objects.create(
        slug="unused", name_fi="Käyttämätön", name_sv="Oanvänd", name_en="Unused"
    )
    delete_via_admin(admin_client, model_admin(admin.site, ExperienceArea), unused)
    assert not ExperienceArea.objects.filter(pk=unused.pk).exists()


def test_a_published_privacy_notice_is_read_only_and_kept(admin_client, expert):
    notice = PrivacyNotice.current()
    # Its translations given (a missing one may be added once; then it too is kept).
    PrivacyNotice.objects.filter(pk=notice.pk).update(
        summary_sv="Sammanfattning.", summary_en="Summary."
    )
    before = PrivacyNotice.objects.filter(pk=notice.pk).values().get()

    def check(probe, response):
        assert PrivacyNotice.objects.filter(pk=notice.pk).values().get() == before, probe

    notice_admin = model_admin(admin.site, PrivacyNotice)
    probes = walk_change_form(admin_client, notice_admin, notice, check=check)
    assert {probe.slot.field for probe in probes} >= {"version", "published_on", "summary"}
    assert delete_via_admin(admin_client, notice_admin, notice).status_code == 403
    changelist_action(admin_client, notice_admin, [notice])
    assert PrivacyNotice.objects.filter(pk=notice.pk).values().get() == before


def test_a_privacy_notice_not_yet_published_can_still_be_edited(admin_client):
    notice = PrivacyNotice.objects.create(
        version="2099-1", published_on=timezone.localdate() + timedelta(days=30), summary="Luonnos"
    )
    url = change_url(model_admin(admin.site, PrivacyNotice), notice)
    form = read_change_form(admin_client, url)
    response = admin_client.post(url, {**form.data, "summary": "Valmis"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.summary == "Valmis"


def test_the_import_log_is_read_only(admin_client, coordinator):
    upload = ExpertImport.objects.create(
        uploaded_by=coordinator, file_name="experts.csv", file_format="csv", row_count=3
    )
    before = ExpertImport.objects.filter(pk=upload.pk).values().get()

    def check(probe, response):
        assert response.status_code == 403, probe
        assert ExpertImport.objects.filter(pk=upload.pk).values().get() == before, probe

    import_admin = model_admin(admin.site, ExpertImport)
    assert walk_change_form(admin_client, import_admin, upload, check=check)
    assert delete_via_admin(admin_client, import_admin, upload).status_code == 403
    changelist_action(admin_client, import_admin, [upload])
    assert ExpertImport.objects.filter(pk=upload.pk).values().get() == before
