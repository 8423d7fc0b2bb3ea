"""The data subject's export: everything about one expert as JSON, for a coordinator and for
the expert themselves; every field of every project model exported or left out with a reason."""

import json

import pytest
from django.apps import apps

from expertbank.models import AuditEntry, ReadEntry
from experts import export
from tests.experts.export_factories import PLANT, expert_with_data_everywhere
from tests.factories import ExpertFactory, MembershipFactory, TrainerFactory
from tests.permissions import Page, assert_matrix

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("expertbank", "experts", "training", "bookings", "invoicing")


def unaccounted(parts, exclusions) -> list[str]:
    """Fields of the project's concrete models neither exported nor left out with a reason."""
    exported = {(part.model, f.name) for part in parts for f in part.fields()}
    missing = []
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            opts = model._meta
            for f in [*opts.concrete_fields, *opts.many_to_many]:
                key = (model, f.name)
                if key in exported or exclusions.get((model, None)) or exclusions.get(key):
                    continue
                missing.append(f"{opts.label}.{f.name}")
    return missing


def test_every_field_of_every_project_model_is_exported_or_left_out_with_a_reason():
    assert unaccounted(export.parts(), export.exclusions()) == []


def test_the_inventory_names_a_field_that_nobody_accounts_for():
    parts = [part for part in export.parts() if part.key != "checkins"]
    assert set(unaccounted(parts, export.exclusions())) >= {
        "bookings.CheckIn.message",
        "bookings.CheckIn.handled_note",
    }
    exclusions = {**export.exclusions(), **dict.fromkeys(export.exclusions(), "")}
    assert "experts.ExpertImport.content" in unaccounted(export.parts(), exclusions)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def everything(media, coordinator_en):
    return expert_with_data_everywhere(coordinator=coordinator_en)


def download(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response, json.loads(response.content)


def test_the_export_holds_the_expert_in_every_part(client, everything, coordinator_en):
    expert = everything.expert
    _response, data = download(
        client, coordinator_en, f"/coordinator/experts/{expert.pk}/data.json"
    )
    sections = data["sections"]
    assert set(sections) == {part.key for part in export.parts()}
    empty = [key for key, rows in sections.items() if not rows]
    assert empty == [], "the expert has data in every part"
    for part in export.parts():
        names = {f.name for f in part.fields()}
        for row in sections[part.key]:
            assert names <= set(row), part.key
    # The parts are the expert's own rows, and the sensitive values are in clear.
    (profile,) = sections["expert"]
    assert (profile["id"], profile["identity_code"], profile["iban"]) == (
        expert.pk,
        "131052-308T",
        "FI4950009420028730",
    )
    assert PLANT in profile["notes"] and profile["areas"] and profile["work_kinds"]
    (user,) = sections["user"]
    assert user["email"] == expert.user.email and "password" not in user
    assert {row["expert"] for row in sections["gigs"]} == {expert.pk}
    assert [row["id"] for row in sections["fee_statements"]] == [everything.statement.pk]
    assert {row["gig"] for row in sections["invoice_lines"]} == {everything.gig.pk}
    assert any(PLANT in row["message"] for row in sections["checkins"])
    assert any(PLANT in row["motivation"] for row in sections["training_applications"])
    assert sections["training_certificates"][0]["file"].endswith(".pdf")
    assert sections["expenses"][0]["receipt"]
    assert sections["calendar_feed"] and "token" not in sections["calendar_feed"][0]
    assert "sepa_xml" not in sections["payment_batches"][0]
    assert {row["action"] for row in sections["training_audit_entries"]} == {
        "final assignment accepted",
        "interview recorded",
    }
    assert f"{PLANT}-secret-token" not in json.dumps(data)


def test_the_export_holds_nobody_elses_data(client, everything, coordinator_en):
    stranger = ExpertFactory()
    _response, data = download(
        client, coordinator_en, f"/coordinator/experts/{stranger.pk}/data.json"
    )
    text = json.dumps(data)
    assert PLANT not in text
    assert everything.expert.user.email not in text


def test_the_download_is_a_private_attachment_recorded_in_the_audit_and_read_logs(
    client, coordinator_en
):
    expert = ExpertFactory()
    response, _data = download(
        client, coordinator_en, f"/coordinator/experts/{expert.pk}/data.json"
    )
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(
        action="data exported", actor=coordinator_en, object_id=str(expert.pk)
    ).exists()
    read = ReadEntry.objects.get(kind=ReadEntry.Kind.EXPORT)
    assert (read.viewer, read.subject) == (coordinator_en, expert.user)


def test_an_expert_downloads_their_own_data_and_only_theirs(client, everything):
    expert = everything.expert
    other = ExpertFactory()
    response, data = download(client, expert.user, "/expert/profile/my-data.json")
    assert data["expert"] == expert.pk and data["sections"]["fee_statements"]
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    # Their own download is audited, but it is no read by someone else.
    assert AuditEntry.objects.filter(action="data exported", actor=expert.user).exists()
    assert not ReadEntry.objects.filter(kind=ReadEntry.Kind.EXPORT).exists()
    # The coordinators' address refuses them, and no address takes another expert's id.
    client.force_login(expert.user)
    assert client.get(f"/coordinator/experts/{other.pk}/data.json").status_code == 403
    assert not AuditEntry.objects.filter(action="data exported", object_id=str(other.pk)).exists()


def test_who_may_download_an_export(client, coordinator_en):
    expert = ExpertFactory()
    assert_matrix(
        client,
        [
            Page(f"/coordinator/experts/{expert.pk}/data.json", {"coordinator": 200}),
            Page("/coordinator/experts/987654/data.json", {"coordinator": 404}),
            Page("/expert/profile/my-data.json", {"expert": 200}),
        ],
        users={
            "anonymous": None,
            "coordinator": coordinator_en,
            "trainer": TrainerFactory(),
            "unit member": MembershipFactory().user,
            "expert": ExpertFactory().user,
        },
    )


def test_the_buttons_are_on_the_coordinators_page_and_the_experts_profile(client, coordinator_en):
    expert = ExpertFactory()
    client.force_login(coordinator_en)
    page = client.get(f"/coordinator/experts/{expert.pk}/").content.decode()
    assert f"/coordinator/experts/{expert.pk}/data.json" in page
    client.force_login(expert.user)
    assert "/expert/profile/my-data.json" in client.get("/expert/profile/").content.decode()


def test_the_download_is_in_the_experts_change_history(client, coordinator_en):
    expert = ExpertFactory()
    download(client, coordinator_en, f"/coordinator/experts/{expert.pk}/data.json")
    page = client.get(f"/coordinator/experts/{expert.pk}/").content.decode()
    assert "All data downloaded (export)" in page
