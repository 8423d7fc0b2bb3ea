"""A second ``seed_demo`` changes nothing: not a row of any table, not the demo people, not an
expert's details (the demo can be run again on every start)."""

from django.apps import apps
from django.core.management import call_command

from expertbank.models import User
from experts.models import Expert


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed
    }


def test_a_second_run_changes_nothing():
    rows = _rows()
    emails = set(User.objects.values_list("email", flat=True))
    experts = list(Expert.objects.order_by("pk").values())
    assert rows["bookings.Booking"] and rows["invoicing.Invoice"] and rows["expertbank.Message"]
    call_command("seed_demo", verbosity=0)
    assert _rows() == rows
    assert set(User.objects.values_list("email", flat=True)) == emails
    assert list(Expert.objects.order_by("pk").values()) == experts
