"""Plain language (issue 17: selkokieli, lättläst, easy read): an expert's choice in the
settings; the plain start page, gig list, offer and answer pages, payments and statement; the
report one question a step (hours, km, receipt) through the same service as the normal form;
the expert-facing messages in plain texts only for those who chose them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse
from django.utils import timezone

from bookings.models import Expense, Gig, GigReport
from bookings.services.links import answer_url
from bookings.services.reminders import gig_reminders_send
from expertbank.crypto import reset_keys
from expertbank.models import Message, NotificationPreference
from expertbank.plain import plain_template
from experts.models import ExperienceArea
from invoicing.services import fees as fee_services
from invoicing.services.notices import money_notices_send
from tests.bookings.factories import at, bookable_expert, confirmed, member, offer, request_booking
from tests.bookings.reports_factories import ended_gig, png, private_media, report_data
from tests.factories import UserFactory
from tests.invoicing.factories import approved_gig, last_month, month_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

SETTINGS = "/accounts/messages/"


@pytest.fixture
def media(settings, tmp_path):
    return private_media(settings, tmp_path)


@pytest.fixture
def field_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = Fernet.generate_key().decode()
    settings.FIELD_HASH_KEY = "plain-language-test-hash-key"
    reset_keys()
    yield
    reset_keys()


def plain_expert(**kwargs):
    return bookable_expert(user=UserFactory(language="en", plain_language=True), **kwargs)


def page(response) -> str:
    return response.content.decode()


def main(body: str) -> str:
    return body[body.index("<main") : body.index("</main>")]


# --- The choice ----------------------------------------------------------------------------------


def test_an_expert_turns_plain_language_on_and_off(client, anna):
    client.force_login(anna.user)
    url = reverse("notification_preferences")
    assert "Turn plain language on" in page(client.get(url))
    client.post(url, {"plain_language": "1"})
    anna.user.refresh_from_db()
    assert anna.user.plain_language
    assert "Plain language is on." in page(client.get(url))
    response = client.post(url, {"plain_language": "sometimes"}, follow=True)
    assert "Choose whether plain language is on or off." in page(response)
    anna.user.refresh_from_db()
    assert anna.user.plain_language
    client.post(url, {"plain_language": "0"})
    anna.user.refresh_from_db()
    assert not anna.user.plain_language


def test_a_customer_panel_member_can_choose_plain_language_too(client):
    panel_member = bookable_expert(role="panel_member")
    client.force_login(panel_member.user)
    client.post(reverse("notification_preferences"), {"plain_language": "1"})
    panel_member.user.refresh_from_db()
    assert panel_member.user.plain_language


def test_plain_language_is_for_experts_only(client):
    booker = member()
    client.force_login(booker)
    url = reverse("notification_preferences")
    assert "Plain language" not in page(client.get(url))
    client.post(url, {"plain_language": "1"})
    booker.refresh_from_db()
    assert not booker.plain_language


def test_the_plain_template_comes_first_only_for_who_chose_it(anna):
    assert plain_template(anna.user, "bookings/expert_home.html") == "bookings/expert_home.html"
    anna.user.plain_language = True
    assert plain_template(anna.user, "bookings/expert_home.html") == [
        "plain/bookings/expert_home.html",
        "bookings/expert_home.html",
    ]
    assert plain_template(None, "x.html") == "x.html"


# --- Pages ---------------------------------------------------------------------------------------


def test_the_plain_start_page_shows_the_one_thing_to_do_with_one_big_button(
    client, terms, coordinator
):
    expert = plain_expert()
    booking = request_booking(times=[(at(20, 10), at(20, 12))])
    offer(booking, [expert], by=coordinator)
    assignment = booking.assignments.get()
    client.force_login(expert.user)
    body = page(client.get(reverse("experts:portal_home")))
    assert "You have a gig offer. Answer yes or no." in body
    assert f'href="{reverse("bookings_expert:offer", args=[assignment.pk])}">See the offer</a>' in (
        body
    )
    assert "Your pages" in body
    # With no offer, the profile's own to-do is the one thing.
    assignment.delete()
    body = page(client.get(reverse("experts:portal_home")))
    assert "Choose your experience areas." in body
    assert f'href="{reverse("experts:profile")}">Do it now</a>' in body


def test_with_nothing_to_do_the_start_page_says_so(client):
    expert = plain_expert()
    expert.areas.add(ExperienceArea.objects.create(name_fi="Päihteet", slug="paihteet-plain"))
    client.force_login(expert.user)
    body = main(page(client.get(reverse("experts:portal_home"))))
    assert "You have nothing to do now. Good!" in body
    assert "btn-lg w-100 py-3" not in body


def test_a_report_to_fill_in_is_the_one_thing_when_no_offer_waits(client, terms):
    expert = plain_expert()
    gig = ended_gig(expert=expert)
    client.force_login(expert.user)
    body = page(client.get(reverse("experts:portal_home")))
    assert "Your gig is over. Tell us your hours and travel." in body
    assert reverse("bookings_expert:report", args=[gig.pk]) in body


def test_the_normal_start_page_stays_for_the_others(client, terms, coordinator, anna):
    booking = request_booking(times=[(at(20, 10), at(20, 12))])
    offer(booking, [anna], by=coordinator)
    client.force_login(anna.user)
    body = page(client.get(reverse("experts:portal_home")))
    assert "You have a gig offer. Answer yes or no." not in body
    assert "Offers waiting for your answer" in body


def test_the_plain_gig_list_offer_and_answer_pages(client, terms, coordinator):
    expert = plain_expert()
    booking = request_booking(times=[(at(20, 10), at(20, 12))], place="Kielotie 13, Vantaa")
    offer(booking, [expert], by=coordinator)
    assignment = booking.assignments.get()
    client.force_login(expert.user)
    body = page(client.get(reverse("bookings_expert:home")))
    assert "Answer yes or no to each offer." in body
    assert "Put my gigs in my calendar" in body
    body = page(client.get(reverse("bookings_expert:offer", args=[assignment.pk])))
    assert "Gig offer" in body and "Kielotie 13, Vantaa" in body
    assert "We also pay your travel." in body
    assert main(body).count('type="submit"') == 2  # yes and no, nothing else
    client.logout()
    body = page(client.get(answer_url(assignment, "accept")))
    assert "We also pay your travel." in body
    response = client.post(answer_url(assignment, "accept"), {"answer": "accept"})
    assert response.status_code == 200
    assignment.refresh_from_db()
    assert assignment.status == "accepted"


def test_the_plain_gig_page_asks_one_thing_when_the_time_changed(client, terms, coordinator):
    expert = plain_expert()
    booking = confirmed(experts=[expert], times=[(at(20, 10), at(20, 12))], contact_name="Leena")
    gig = Gig.objects.get(expert=expert)
    client.force_login(expert.user)
    url = reverse("bookings_expert:gig", args=[gig.pk])
    body = main(page(client.get(url)))
    assert "Leena meets you there." in body and booking.title not in body
    gig.time_confirmed = False
    gig.save(update_fields=["time_confirmed"])
    body = main(page(client.get(url)))
    assert "The time changed." in body and "Leena meets you there." not in body
    confirm = reverse("bookings_expert:confirm_time", args=[gig.pk])
    assert f'action="{confirm}"' in body
    other = plain_expert()
    client.force_login(other.user)
    assert client.get(url).status_code == 404


def test_another_experts_offer_and_gig_report_steps_answer_404(client, terms, coordinator):
    expert = plain_expert()
    other = bookable_expert()
    booking = request_booking(times=[(at(20, 10), at(20, 12))])
    offer(booking, [other], by=coordinator)
    gig = ended_gig(expert=other, day=22)
    client.force_login(expert.user)
    assignment = booking.assignments.get()
    assert client.get(reverse("bookings_expert:offer", args=[assignment.pk])).status_code == 404
    for step in (1, 2, 3):
        url = reverse("bookings_expert:report_step", args=[gig.pk, step])
        assert client.get(url).status_code == 404
        assert client.post(url, {"hours": "2"}).status_code == 404
    assert not GigReport.objects.filter(gig=gig).exists()


# --- The report, one question a step --------------------------------------------------------------


def _steps(client, gig, *, hours="2.5", km="24", km_from="Kotoa, Tikkurila", receipt=None):
    step = lambda n: reverse("bookings_expert:report_step", args=[gig.pk, n])  # noqa: E731
    response = client.get(reverse("bookings_expert:report", args=[gig.pk]))
    assert response.status_code == 302 and response.url == step(1)
    body = page(client.get(step(1)))
    assert "Step 1/3" in body and "How many hours did the gig take?" in body
    assert client.post(step(1), {"hours": hours}).url == step(2)
    body = page(client.get(step(2)))
    assert "Step 2/3" in body and reverse("bookings_expert:report_step", args=[gig.pk, 1]) in body
    assert client.post(step(2), {"km": km, "km_from": km_from}).url == step(3)
    assert "Step 3/3" in page(client.get(step(3)))
    data = receipt or {"no_receipt": "1"}
    response = client.post(step(3), data)
    assert response.status_code == 302 and response.url == reverse("bookings_expert:home")


def _report_of(gig):
    report = GigReport.objects.get(gig=gig)
    expenses = [(e.description, e.amount, e.receipt_type) for e in report.expenses.all()]
    return (
        report.hours,
        report.preparation_hours,
        report.km,
        report.km_from,
        report.status,
        expenses,
    )


def test_the_steps_record_the_same_report_as_the_normal_form(client, terms, media):
    expert = plain_expert()
    gig = ended_gig(expert=expert, day=20)
    client.force_login(expert.user)
    _steps(
        client,
        gig,
        receipt={"description": "Bussilippu", "amount": "3.20", "receipt": png()},
    )
    gig.refresh_from_db()
    assert gig.status == Gig.Status.REPORTED
    # The same answers through the normal form, by an expert without plain language.
    normal = bookable_expert()
    other_gig = ended_gig(expert=normal, day=21)
    client.force_login(normal.user)
    response = client.post(
        reverse("bookings_expert:report", args=[other_gig.pk]),
        report_data(
            hours="2.5",
            km="24",
            km_from="Kotoa, Tikkurila",
            **{
                "expenses-0-description": "Bussilippu",
                "expenses-0-amount": "3.20",
                "expenses-0-receipt": png(),
            },
        ),
    )
    assert response.status_code == 302
    assert _report_of(gig) == _report_of(other_gig)
    assert _report_of(gig)[:4] == (Decimal("2.5"), Decimal("0"), 24, "Kotoa, Tikkurila")


def test_no_receipt_and_no_driving_send_hours_only(client, terms):
    expert = plain_expert()
    gig = ended_gig(expert=expert)
    client.force_login(expert.user)
    _steps(client, gig, hours="2", km="", km_from="")
    assert _report_of(gig) == (Decimal("2"), Decimal("0"), 0, "", "submitted", [])
    # Sent: the steps now lead back to the report's own page.
    url = reverse("bookings_expert:report_step", args=[gig.pk, 1])
    response = client.get(url)
    assert response.url == reverse("bookings_expert:report", args=[gig.pk])


def test_bad_input_in_a_step_is_refused_clearly_and_changes_nothing(client, terms, media):
    expert = plain_expert()
    gig = ended_gig(expert=expert)
    client.force_login(expert.user)
    step = lambda n: reverse("bookings_expert:report_step", args=[gig.pk, n])  # noqa: E731
    response = client.post(step(1), {"hours": "lots"})
    assert response.status_code == 400
    assert "Write the hours as a number, e.g. 2,5." in page(response)
    assert f"plain_report:{gig.pk}" not in client.session
    response = client.post(step(1), {"hours": "30"})
    assert response.status_code == 400
    assert "A gig can last at most 24 hours. Check the hours." in page(response)
    # A later step before the earlier ones goes back to the first.
    assert client.get(step(3)).url == step(1)
    client.post(step(1), {"hours": "2"})
    response = client.post(step(2), {"km": "24", "km_from": ""})
    assert response.status_code == 400
    assert "Say where you drove from." in page(response)
    assert client.get(step(3)).url == step(2)
    client.post(step(2), {"km": "24", "km_from": "Tikkurila"})
    response = client.post(step(3), {"description": "Bussilippu", "amount": "-1"})
    assert response.status_code == 400
    assert "The amount must be more than zero." in page(response)
    response = client.post(step(3), {"description": "Bussilippu", "amount": "3.20"})
    assert response.status_code == 400
    assert "Add the receipt (a photo or a PDF)." in page(response)
    gig.refresh_from_db()
    assert gig.status == Gig.Status.PLANNED
    assert not GigReport.objects.filter(gig=gig).exists()
    assert not Expense.objects.exists()


def test_the_whole_form_stays_one_link_away(client, terms):
    expert = plain_expert()
    gig = ended_gig(expert=expert)
    client.force_login(expert.user)
    response = client.get(reverse("bookings_expert:report", args=[gig.pk]) + "?all=1")
    assert response.status_code == 200
    assert "Hours of preparation" in page(response)


# --- Payments ------------------------------------------------------------------------------------


def test_the_plain_payments_and_statement_pages(client, terms, coordinator, field_keys):
    expert = plain_expert()
    expert.iban, expert.identity_code = "FI4950009420028730", "131052-308T"
    expert.save()
    gig = approved_gig(coordinator=coordinator, expert=expert, ended_ago=last_month())
    (statement,) = fee_services.fees_run(period=month_of(gig), by=coordinator).statements
    client.force_login(expert.user)
    body = page(client.get(reverse("invoicing_expert:home")))
    assert "Money to your bank account" in body
    assert reverse("invoicing_expert:statement", args=[statement.pk]) in body
    body = page(client.get(reverse("invoicing_expert:statement", args=[statement.pk])))
    assert "This is called ennakonpidätys." in body
    assert "Withholding" not in body and "income type" not in body.lower()
    other = bookable_expert()
    client.force_login(other.user)
    url = reverse("invoicing_expert:statement", args=[statement.pk])
    assert client.get(url).status_code == 404


# --- Messages ------------------------------------------------------------------------------------


def test_an_offer_comes_in_plain_words_only_to_who_chose_them(terms, coordinator):
    expert = plain_expert()
    normal = bookable_expert(user=UserFactory(language="en"))
    for person in (expert, normal):
        person.user.phone = "+358401234567" if person is expert else "+358401234568"
        person.user.save()
    booking = request_booking(times=[(at(20, 10), at(20, 12))], title="Päihdepaneeli")
    offer(booking, [expert, normal], by=coordinator)
    mine = Message.objects.get(kind="booking_offer", recipient=expert.user, channel="email")
    theirs = Message.objects.get(kind="booking_offer", recipient=normal.user, channel="email")
    assert mine.subject.startswith("A gig offer for you: ")
    assert "You have a gig offer." in mine.body and "Answer here:" in mine.body
    assert "The brief" not in mine.body and "Päihdepaneeli" not in mine.body
    assert theirs.subject.startswith("A gig offer: ")
    assert "The brief" in theirs.body


def test_the_plain_sms_of_an_offer_is_short_with_the_link(terms, coordinator):
    expert = plain_expert()
    expert.user.phone = "+358401234567"
    expert.user.save()
    NotificationPreference.objects.create(user=expert.user, category="bookings", channel="both")
    booking = request_booking(times=[(at(20, 10), at(20, 12))])
    offer(booking, [expert], by=coordinator)
    sms = Message.objects.get(kind="booking_offer", channel="sms")
    assert sms.body.startswith("You have a gig offer: ")
    assert reverse("bookings_expert:offer", args=[booking.assignments.get().pk]) in sms.body


def test_gig_reminders_come_in_plain_words_only_to_who_chose_them(terms):
    expert = plain_expert()
    normal = bookable_expert(user=UserFactory(language="en"))
    confirmed(experts=[expert], times=[(at(20, 10), at(20, 12))], contact_name="Leena Virta")
    confirmed(experts=[normal], times=[(at(20, 10), at(20, 12))], contact_name="Leena Virta")
    start = Gig.objects.filter(expert=expert).get().start
    gig_reminders_send(now=start - timedelta(hours=48))
    gig_reminders_send(now=start - timedelta(hours=2))
    mine = Message.objects.filter(recipient=expert.user)
    theirs = Message.objects.filter(recipient=normal.user)
    reminder = mine.get(kind="gig_reminder_48h")
    assert reminder.subject.startswith("Your gig is in two days: ")
    assert "Leena Virta meets you there." in reminder.body
    assert "Are you ill? Can you not come? Tell us here:" in reminder.body
    assert mine.get(kind="gig_reminder_2h").subject.startswith("Your gig starts at ")
    assert theirs.get(kind="gig_reminder_48h").subject.startswith("Reminder: your gig on ")
    assert "Who meets you: Leena Virta" in theirs.get(kind="gig_reminder_48h").body


def test_fee_messages_come_in_plain_words_only_to_who_chose_them(terms, coordinator, field_keys):
    gigs = []
    for plain in (True, False):
        expert = bookable_expert(user=UserFactory(language="en", plain_language=plain))
        expert.iban, expert.identity_code = "FI4950009420028730", "131052-308T"
        expert.save()
        gigs.append(approved_gig(coordinator=coordinator, expert=expert, ended_ago=last_month()))
    fee_services.fees_run(period=month_of(gigs[0]), by=coordinator)
    money_notices_send()
    mine = Message.objects.get(kind="fee_statement_ready", recipient=gigs[0].expert.user)
    theirs = Message.objects.get(kind="fee_statement_ready", recipient=gigs[1].expert.user)
    assert mine.subject.startswith("Your money for ")
    assert "to your bank account." in mine.body
    assert theirs.subject.startswith("Your fee statement for ")
    paying = fee_services.fees_pay(
        period=month_of(gigs[0]), payment_date=timezone.localdate(), by=coordinator
    )
    fee_services.batch_confirm(batch=paying.batch, by=coordinator)
    money_notices_send()
    mine = Message.objects.get(kind="fee_paid", recipient=gigs[0].expert.user)
    theirs = Message.objects.get(kind="fee_paid", recipient=gigs[1].expert.user)
    assert mine.subject.startswith("We paid your money for ")
    assert theirs.subject.startswith("Your fees for ")
