"""The demo shows support costs billed and paid (issue 17): Jari Saarinen, a support person with
an IBAN and a tax card, is Mikko's usual companion and paid his companion fees; Johanna needs a
sign-language interpreter; both costs are on the demo's invoices."""

from expertbank.demo import DEMO_DOMAIN
from experts.models import Expert, SupportProfile
from invoicing.models import FeeLine, InvoiceLine


def test_the_demo_bills_and_pays_a_companion_and_bills_an_interpreter():
    jari = Expert.objects.get(user__email=f"jari.saarinen@{DEMO_DOMAIN}")
    assert jari.role == Expert.Role.SUPPORT_PERSON
    assert jari.iban and jari.identity_code and jari.tax_cards.exists()
    assert jari not in Expert.objects.bookable()
    mikko = SupportProfile.objects.get(expert__user__email=f"mikko.makinen@{DEMO_DOMAIN}")
    assert mikko.companion and mikko.companion_person == jari
    johanna = SupportProfile.objects.get(expert__user__email=f"johanna.lindholm@{DEMO_DOMAIN}")
    assert johanna.interpreter == SupportProfile.Interpreter.SIGN
    companions = InvoiceLine.objects.filter(kind="companion", gig__expert=mikko.expert)
    interpreters = InvoiceLine.objects.filter(kind="interpreter", gig__expert=johanna.expert)
    assert companions.exists() and interpreters.exists()
    # Neither shares the cost's line with a name the expert did not choose to show.
    assert set(interpreters.values_list("expert_name", flat=True)) == {""}
    fees = FeeLine.objects.filter(kind="companion", statement__expert=jari)
    assert fees.exists()
    assert set(fees.values_list("income_type", flat=True)) == {"210"}
    assert {line.gig.expert_id for line in fees} == {mikko.expert_id}
