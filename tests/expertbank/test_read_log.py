"""The read log (``expertbank.services.audit.read_record``): who opened whose data, once in a
ten-minute window, never the data subject's own reads."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from expertbank.models import ReadEntry
from expertbank.services.audit import read_record, reads_about
from tests.factories import CoordinatorFactory, ExpertFactory, TrainerFactory

pytestmark = pytest.mark.django_db

TEN = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/Helsinki"))


EXPERTS_OWN = object()


def read(viewer, expert, *, at, kind=ReadEntry.Kind.PROFILE, subject=EXPERTS_OWN):
    subject_id = expert.user_id if subject is EXPERTS_OWN else subject
    return read_record(viewer=viewer, kind=kind, items=[(expert, subject_id)], path="/x/", at=at)


def test_a_read_names_who_when_what_whose_and_where(coordinator):
    expert = ExpertFactory()
    read(coordinator, expert, at=TEN)
    entry = ReadEntry.objects.get()
    assert (entry.viewer, entry.viewer_role, entry.subject, entry.kind) == (
        coordinator,
        "coordinator",
        expert.user,
        "profile",
    )
    assert (entry.object_id, entry.object_repr, entry.path, entry.at) == (
        str(expert.pk),
        str(expert),
        "/x/",
        TEN,
    )


def test_reads_in_one_ten_minute_window_are_one_entry(coordinator):
    expert = ExpertFactory()
    for minutes in (0, 3, 9):
        read(coordinator, expert, at=TEN + timedelta(minutes=minutes, seconds=59))
    assert ReadEntry.objects.count() == 1
    read(coordinator, expert, at=TEN + timedelta(minutes=10))
    read(coordinator, expert, at=TEN + timedelta(minutes=19))
    assert ReadEntry.objects.count() == 2


def test_another_reader_object_or_kind_is_an_entry_of_its_own(coordinator):
    expert, other = ExpertFactory(), ExpertFactory()
    read(coordinator, expert, at=TEN)
    read(CoordinatorFactory(), expert, at=TEN)
    read(coordinator, other, at=TEN)
    read(coordinator, expert, at=TEN, kind=ReadEntry.Kind.EXPORT)
    assert ReadEntry.objects.count() == 4


def test_the_data_subjects_own_reads_are_not_recorded():
    expert = ExpertFactory()
    assert read(expert.user, expert, at=TEN) == 0
    assert not ReadEntry.objects.exists()


def test_a_file_about_several_people_is_an_entry_for_each_in_one_query(
    coordinator, django_assert_num_queries
):
    batch_of = [ExpertFactory() for _ in range(3)]
    coordinator.groups.all()  # roles are read once per user; not part of what is measured
    items = [(batch_of[0], expert.user_id) for expert in batch_of]
    read_record(viewer=coordinator, kind=ReadEntry.Kind.BANK_FILE, items=items, at=TEN)
    with django_assert_num_queries(1):
        read_record(viewer=coordinator, kind=ReadEntry.Kind.BANK_FILE, items=items, at=TEN)
    assert sorted(ReadEntry.objects.values_list("subject", flat=True)) == sorted(
        e.user_id for e in batch_of
    )


def test_a_read_about_nobody_in_particular_is_kept_once_a_window(coordinator):
    expert = ExpertFactory()
    for _ in range(2):
        read(coordinator, expert, at=TEN, subject=None)
    assert ReadEntry.objects.get().subject is None


def test_the_data_subject_is_told_the_readers_role_and_name(coordinator, english):
    expert = ExpertFactory()
    coordinator.full_name = "Maija Koordinaattori"
    coordinator.save()
    trainer = TrainerFactory(full_name="Teemu Kouluttaja")
    read(coordinator, expert, at=TEN)
    read(trainer, expert, at=TEN)
    labels = {entry.viewer_label for entry in reads_about(expert.user)}
    assert labels == {"Coordinator Maija Koordinaattori", "Trainer Teemu Kouluttaja"}
    assert {str(entry.what_for_subject) for entry in reads_about(expert.user)} == {"your profile"}


def test_an_anonymous_reader_records_nothing():
    from django.contrib.auth.models import AnonymousUser

    expert = ExpertFactory()
    read_record(
        viewer=AnonymousUser(), kind=ReadEntry.Kind.PROFILE, items=[(expert, expert.user_id)]
    )
    assert not ReadEntry.objects.exists()
