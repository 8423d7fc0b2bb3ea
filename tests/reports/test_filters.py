"""The reports' filter form: the municipality select is written in Python, as Django writes it."""

import re

import pytest
from django import forms

from expertbank.filters import QuickSelect
from reports.filters import ReportFilter
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db


def test_the_municipality_select_is_djangos_markup_with_the_choice_selected():
    for name in ("Vantaa", "Espoo", "Närpes & <Närpiö>"):
        ExpertFactory(municipality=name)
    field = ReportFilter({"municipality": "Espoo"}).form["municipality"]
    assert isinstance(field.field.widget, QuickSelect)  # not an include per option
    ours = str(field)
    django = forms.Select(choices=field.field.choices).render(
        field.html_name, "Espoo", attrs={"id": field.auto_id}
    )
    assert re.sub(r">\s+<", "><", ours) == re.sub(r">\s+<", "><", django)  # blank lines
    assert '<option value="Espoo" selected>Espoo</option>' in ours
    assert "Närpes &amp; &lt;Närpiö&gt;" in ours
