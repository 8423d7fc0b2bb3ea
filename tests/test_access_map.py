"""One access map of the whole site, checked: every named route (the site's pages, allauth's
/accounts/ pages, the signed answer and calendar links, and every page the Django admin makes for
each registered model) asked as every role, against one explicit table of what each role gets.

The world (tests/access_world.py) holds real objects of expert A and unit A, so the answers mean:
the owner 200, a stranger of the same role 404 (object-level scoping), a wrong role 403, an
anonymous visitor the login page. A route the table does not name fails ("new route … has no
entry in the access map"), and so does an entry whose route is gone: a new page is mapped before
it ships. Actions that only take POST are asked with GET too, and the money actions are POSTed by
every role that must be refused, with the state before and after compared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from invoicing.models import (
    FeeStatement,
    IncomesRegisterReport,
    IncomingPayment,
    Invoice,
    PaymentBatch,
)
from tests.access_world import ROLES, World, build_world
from tests.permissions import ADMIN_LOGIN, LOGIN, REFUSED, Expected, describe, matches

pytestmark = pytest.mark.django_db

# --- How the table is written -------------------------------------------------------------------

Kwargs = Callable[[World], Mapping[str, Any]] | None


def answers(default: Expected = 403, *, anonymous: Expected = LOGIN, **roles: Expected):
    """Every role's answer: ``default`` for the logged-in roles not named, ``anonymous`` for a
    visitor who is not logged in."""
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = anonymous
    table.update(roles)
    return table


@dataclass(frozen=True)
class Post:
    """A POST that every refused role sends; ``state`` reads what it must not change."""

    state: Callable[[World], Any]
    data: Callable[[World], Mapping[str, Any]] = lambda w: {}
    allowed: frozenset[str] = frozenset({"coordinator", "superuser"})


@dataclass(frozen=True)
class Entry:
    kwargs: Kwargs
    expected: Mapping[str, Expected]
    post: Post | None = None
    query: str = ""


def pk(name: str) -> Kwargs:
    return lambda w: {"pk": w[name].pk}


# The answers of each kind of page.
PUBLIC = answers(200, anonymous=200)
LOGGED_IN = answers(200)  # any logged-in user, about themselves
COORDINATOR = answers(coordinator=200, superuser=200)
TRAINER_PAGE = answers(trainer=200)
STAFF_LIST = answers(trainer=200, coordinator=200, superuser=200)
EXPERT_LIST = answers(expert_a=200, expert_b=200)
EXPERT_OWN = answers(expert_a=200, expert_b=404)
UNIT_LIST = answers(unit_a=200, unit_b=200)
UNIT_OWN = answers(unit_a=200, unit_b=404)
# An action that takes only POST: a GET is 405 for everyone, before any login.
POST_ONLY = answers(405, anonymous=405)
# An action behind its role: the role's GET is 405, every other role's the 403 of a wrong role.
COORDINATOR_ACTION = answers(coordinator=405, superuser=405)
EXPERT_ACTION = answers(expert_a=405, expert_b=405)
# A page of its own (a form) before the action: the coordinator's, with the login first.
COORDINATOR_FORM = COORDINATOR
REAUTHENTICATE = answers(302)  # every logged-in user, to /accounts/reauthenticate/ first


# --- The money actions' state, read before and after a refused POST ---------------------------


def invoices(w: World):
    return sorted(Invoice.objects.values_list("pk", "status", "kind"))


def statements(w: World):
    return sorted(
        FeeStatement.objects.values_list("pk", "status", "batch", "wages", "mileage", "payout")
    )


def batches(w: World):
    return sorted(PaymentBatch.objects.values_list("pk", "status", "confirmed_at"))


def reports(w: World):
    return sorted(IncomesRegisterReport.objects.values_list("pk", "status", "sent_at"))


def payments(w: World):
    return sorted(IncomingPayment.objects.values_list("pk", "invoice", "allocated_at"))


def gig_money(w: World):
    from bookings.models import Gig

    return sorted(Gig.objects.values_list("pk", "status", "pay_not_before", "fee_amount"))


def assignments(w: World):
    from bookings.models import Assignment

    return sorted(Assignment.objects.values_list("pk", "status"))


def gig_reports(w: World):
    from bookings.models import GigReport

    return sorted(GigReport.objects.values_list("pk", "status"))


def register_active(w: World):
    from bookings.models import FundingSource, Organisation, PriceList, Unit

    return [
        sorted(model.objects.values_list("pk", "active"))
        for model in (Organisation, Unit, PriceList, FundingSource)
    ]


def organisation(w: World) -> Mapping[str, Any]:
    return {"pk": w["unit"].organisation_id}


def price_list(w: World) -> Mapping[str, Any]:
    from bookings.models import PriceList

    return {"pk": PriceList.objects.order_by("pk").first().pk}


def funding_source(w: World) -> Mapping[str, Any]:
    from bookings.models import FundingSource

    return {"pk": FundingSource.objects.order_by("pk").first().pk}


def tomorrow() -> str:
    return f"{timezone.localdate() + timedelta(days=1):%Y-%m-%d}"


# --- The map ------------------------------------------------------------------------------------
# route name → how its URL is made from the world, and what each role gets.

ACCESS_MAP: dict[str, Entry] = {
    # The core: the start page sends each role on; invitations are the coordinator's.
    "home": Entry(None, answers(302, anonymous=200)),
    "coordinator_home": Entry(None, COORDINATOR),
    "invitation_list": Entry(None, COORDINATOR),
    "retention_policy": Entry(None, COORDINATOR),
    "message_log": Entry(None, COORDINATOR),
    "message_retry": Entry(lambda w: {"pk": 1}, COORDINATOR_ACTION),
    "notification_preferences": Entry(None, LOGGED_IN),
    # The SMS provider's inbound webhook: POST only, its shared secret is the check (issue 17).
    "sms_inbound": Entry(None, POST_ONLY),
    "invitation_accept": Entry(lambda w: {"token": w["invitation_token"]}, PUBLIC),
    "set_language": Entry(None, POST_ONLY),
    # allauth: logging in, passwords, e-mail addresses.
    "account_login": Entry(None, answers(302, anonymous=200)),
    "account_logout": Entry(None, answers(200, anonymous=302)),
    "account_inactive": Entry(None, PUBLIC),
    "account_signup": Entry(None, answers(302, anonymous=200)),
    "account_reauthenticate": Entry(None, LOGGED_IN),
    "account_email": Entry(None, LOGGED_IN),
    "account_email_verification_sent": Entry(None, PUBLIC),
    "account_change_password": Entry(None, LOGGED_IN),
    "account_set_password": Entry(None, answers(302)),
    "account_reset_password": Entry(None, PUBLIC),
    "account_reset_password_done": Entry(None, PUBLIC),
    "account_confirm_login_code": Entry(None, answers(302, anonymous=302)),
    "account_confirm_email": Entry(lambda w: {"key": "no-such-key"}, PUBLIC),
    "account_reset_password_from_key": Entry(
        lambda w: {"uidb36": "1", "key": "no-such-key"}, PUBLIC
    ),
    "account_reset_password_from_key_done": Entry(None, PUBLIC),
    # Two-factor authentication: each user's own authenticators.
    "mfa_index": Entry(None, LOGGED_IN),
    "mfa_authenticate": Entry(None, answers(302, anonymous=302)),
    "mfa_reauthenticate": Entry(None, answers(302)),
    # Setting up or changing an authenticator asks for the password again first (a test login
    # has not given it); pages of an authenticator the user does not have are 404.
    "mfa_activate_totp": Entry(None, REAUTHENTICATE),
    "mfa_deactivate_totp": Entry(None, answers(404)),
    "mfa_view_recovery_codes": Entry(None, answers(404)),
    "mfa_generate_recovery_codes": Entry(None, answers(302)),
    "mfa_download_recovery_codes": Entry(None, answers(404)),
    "mfa_list_webauthn": Entry(None, LOGGED_IN),
    "mfa_add_webauthn": Entry(None, REAUTHENTICATE),
    "mfa_reauthenticate_webauthn": Entry(None, answers(302)),
    "mfa_remove_webauthn": Entry(lambda w: {"pk": 1}, REAUTHENTICATE),
    "mfa_edit_webauthn": Entry(lambda w: {"pk": 1}, REAUTHENTICATE),
    # The expert's own pages.
    "experts:portal_home": Entry(None, EXPERT_LIST),
    "experts:profile": Entry(None, EXPERT_LIST),
    "experts:data_export": Entry(None, EXPERT_LIST),
    "experts:availability": Entry(None, EXPERT_LIST),
    "experts:slot_create": Entry(None, EXPERT_ACTION),
    "experts:slot_delete": Entry(pk("slot"), EXPERT_ACTION),
    "experts:blackout_create": Entry(None, EXPERT_ACTION),
    "experts:blackout_delete": Entry(pk("blackout"), EXPERT_ACTION),
    "experts:limits": Entry(None, EXPERT_ACTION),
    "experts:support": Entry(None, EXPERT_LIST),
    "experts:privacy": Entry(None, EXPERT_LIST),
    "experts:consent": Entry(None, EXPERT_ACTION),
    "experts:consent_withdraw": Entry(None, EXPERT_LIST),
    "experts:documents": Entry(None, EXPERT_LIST),
    # The coordinator's expert pool.
    "experts_coordinator:list": Entry(None, COORDINATOR),
    "experts_coordinator:export": Entry(None, COORDINATOR),
    "experts_coordinator:new": Entry(None, COORDINATOR),
    "experts_coordinator:detail": Entry(pk("expert"), COORDINATOR),
    "experts_coordinator:edit": Entry(pk("expert"), COORDINATOR),
    "experts_coordinator:data_export": Entry(pk("expert"), COORDINATOR),
    "experts_coordinator:document_new": Entry(pk("expert"), COORDINATOR),
    "experts_coordinator:tax_card_new": Entry(pk("expert"), COORDINATOR),
    "experts_coordinator:consent_paper": Entry(pk("expert"), COORDINATOR_ACTION),
    "experts_coordinator:consent_withdraw": Entry(pk("expert"), COORDINATOR_ACTION),
    "experts_coordinator:invite": Entry(pk("expert"), COORDINATOR_ACTION),
    "experts_coordinator:erase": Entry(pk("expert"), COORDINATOR),
    "experts_coordinator:import": Entry(None, COORDINATOR),
    "experts_coordinator:import_template": Entry(lambda w: {"file_format": "csv"}, COORDINATOR),
    # An upload is its uploader's: another coordinator (here the superuser) gets 404.
    "experts_coordinator:import_preview": Entry(
        pk("import"), answers(coordinator=200, superuser=404)
    ),
    "experts_coordinator:import_confirm": Entry(
        pk("import"), answers(coordinator=405, superuser=405)
    ),
    "experts_coordinator:import_discard": Entry(
        pk("import"), answers(coordinator=405, superuser=405)
    ),
    # A unit's bookings.
    "bookings:unit_home": Entry(None, UNIT_LIST),
    "bookings:request": Entry(None, UNIT_LIST),
    "bookings:detail": Entry(pk("booking"), UNIT_OWN),
    "bookings:cancel": Entry(pk("booking"), UNIT_OWN),
    "bookings:feedback": Entry(pk("delivered_booking"), UNIT_OWN),
    "bookings:impact": Entry(lambda w: {"pk": w["delivered_booking"].pk, "mark": 30}, UNIT_OWN),
    # Customer panels (issue 17): the unit's own panels; the actions take only POST.
    "bookings:panels": Entry(None, UNIT_LIST),
    "bookings:panel_new": Entry(None, UNIT_LIST),
    "bookings:panel": Entry(pk("panel"), UNIT_OWN),
    "bookings:panel_applications": Entry(pk("panel"), UNIT_OWN),
    "bookings:panel_meeting": Entry(pk("panel_meeting"), UNIT_OWN),
    "bookings:panel_minutes": Entry(pk("panel_meeting"), UNIT_OWN),
    "bookings:panel_call": Entry(pk("panel"), POST_ONLY),
    "bookings:panel_application": Entry(pk("panel_application"), POST_ONLY),
    "bookings:panel_member_add": Entry(pk("panel"), POST_ONLY),
    "bookings:panel_member_leave": Entry(pk("panel_member"), POST_ONLY),
    "bookings:panel_meeting_add": Entry(pk("panel"), POST_ONLY),
    "bookings:panel_change_add": Entry(pk("panel"), POST_ONLY),
    "bookings:panel_attendance": Entry(lambda w: {"pk": 1}, POST_ONLY),
    # The expert's gigs, offers and reports; the signed links.
    "bookings_expert:home": Entry(None, EXPERT_LIST),
    "bookings_expert:past": Entry(None, EXPERT_LIST),
    "bookings_expert:offer": Entry(pk("offer"), EXPERT_OWN),
    "bookings_expert:accept": Entry(
        pk("offer"), POST_ONLY, Post(assignments, allowed=frozenset({"expert_a"}))
    ),
    "bookings_expert:decline": Entry(
        pk("offer"), POST_ONLY, Post(assignments, allowed=frozenset({"expert_a"}))
    ),
    "bookings_expert:withdraw": Entry(lambda w: {"pk": w["gig"].assignment_id}, EXPERT_OWN),
    "bookings_expert:answer": Entry(lambda w: {"token": w["answer_token"]}, PUBLIC),
    "bookings_expert:gig": Entry(pk("gig"), EXPERT_OWN),
    "bookings_expert:confirm_time": Entry(pk("gig"), POST_ONLY),
    "bookings_expert:report": Entry(pk("reported_gig"), EXPERT_OWN),
    # The plain-language report's steps: a report already sent leads back to its own page.
    "bookings_expert:report_step": Entry(
        lambda w: {"pk": w["reported_gig"].pk, "step": 1}, answers(expert_a=302, expert_b=404)
    ),
    "bookings_expert:receipt": Entry(pk("receipt"), EXPERT_OWN),
    "bookings_expert:feedback": Entry(None, EXPERT_LIST),
    "bookings_expert:calendar_reset": Entry(None, POST_ONLY),
    "bookings_expert:calendar": Entry(lambda w: {"token": w["calendar_token"]}, PUBLIC),
    "bookings_expert:panels": Entry(None, EXPERT_LIST),
    "bookings_expert:panel": Entry(pk("panel"), EXPERT_OWN),
    "bookings_expert:panel_minutes": Entry(pk("panel_meeting"), EXPERT_OWN),
    # The coordinator's bookings.
    "bookings_coordinator:list": Entry(None, COORDINATOR),
    "bookings_coordinator:new": Entry(None, COORDINATOR),
    "bookings_coordinator:detail": Entry(pk("booking"), COORDINATOR),
    "bookings_coordinator:reject": Entry(pk("booking"), COORDINATOR),
    "bookings_coordinator:candidates": Entry(pk("booking"), COORDINATOR),
    "bookings_coordinator:candidates_excluded": Entry(pk("booking"), COORDINATOR),
    "bookings_coordinator:confirm": Entry(pk("booking"), POST_ONLY),
    "bookings_coordinator:cancel": Entry(pk("booking"), COORDINATOR),
    "bookings_coordinator:deliver": Entry(pk("booking"), POST_ONLY),
    "bookings_coordinator:funding": Entry(pk("booking"), POST_ONLY),
    "bookings_coordinator:change": Entry(pk("booking"), COORDINATOR),
    "bookings_coordinator:edit": Entry(pk("booking"), COORDINATOR),
    "bookings_coordinator:reprice": Entry(pk("booking"), COORDINATOR),
    "bookings_coordinator:cover_mode": Entry(pk("booking"), POST_ONLY),
    "bookings_coordinator:reschedule": Entry(
        lambda w: {"pk": w["booking"].occurrences.get().pk}, COORDINATOR
    ),
    "bookings_coordinator:withdraw": Entry(lambda w: {"pk": w["gig"].assignment_id}, COORDINATOR),
    "bookings_coordinator:pair_debrief": Entry(lambda w: {"pk": w["gig"].assignment_id}, POST_ONLY),
    "bookings_coordinator:assignment_companion": Entry(
        lambda w: {"pk": w["gig"].assignment_id}, POST_ONLY
    ),
    "bookings_coordinator:units": Entry(None, COORDINATOR),
    "bookings_coordinator:invite": Entry(pk("unit"), COORDINATOR),
    # The register: organisations, units, price lists, funding sources (deactivated, not deleted).
    "bookings_coordinator:organisations": Entry(None, COORDINATOR),
    "bookings_coordinator:organisation_create": Entry(None, COORDINATOR_FORM),
    "bookings_coordinator:organisation": Entry(organisation, COORDINATOR),
    "bookings_coordinator:organisation_active": Entry(
        organisation, POST_ONLY, Post(register_active, lambda w: {"active": "0"})
    ),
    "bookings_coordinator:unit_create": Entry(organisation, COORDINATOR_FORM),
    "bookings_coordinator:unit_edit": Entry(pk("unit"), COORDINATOR_FORM),
    "bookings_coordinator:unit_active": Entry(
        pk("unit"), POST_ONLY, Post(register_active, lambda w: {"active": "0"})
    ),
    "bookings_coordinator:price_lists": Entry(None, COORDINATOR),
    "bookings_coordinator:price_list_create": Entry(None, COORDINATOR_FORM),
    "bookings_coordinator:price_list": Entry(price_list, COORDINATOR),
    "bookings_coordinator:price_version": Entry(price_list, COORDINATOR_FORM),
    "bookings_coordinator:price_list_active": Entry(
        price_list, POST_ONLY, Post(register_active, lambda w: {"active": "0"})
    ),
    "bookings_coordinator:funding_sources": Entry(None, COORDINATOR),
    "bookings_coordinator:funding_create": Entry(None, COORDINATOR_FORM),
    "bookings_coordinator:funding_edit": Entry(funding_source, COORDINATOR_FORM),
    "bookings_coordinator:funding_active": Entry(
        funding_source, POST_ONLY, Post(register_active, lambda w: {"active": "0"})
    ),
    "bookings_coordinator:reports": Entry(None, COORDINATOR),
    "bookings_coordinator:report": Entry(pk("reported_gig"), COORDINATOR),
    "bookings_coordinator:report_approve": Entry(pk("reported_gig"), POST_ONLY, Post(gig_reports)),
    "bookings_coordinator:report_return": Entry(
        pk("reported_gig"),
        COORDINATOR_FORM,
        Post(gig_reports, data=lambda w: {"reason": "Tarkista"}),
    ),
    "bookings_coordinator:write_off": Entry(
        pk("reported_gig"),
        COORDINATOR_FORM,
        Post(gig_money, data=lambda w: {"reason": "Ei pidetty"}),
    ),
    "bookings_coordinator:receipt": Entry(pk("receipt"), COORDINATOR),
    "bookings_coordinator:checkins": Entry(None, COORDINATOR),
    "bookings_coordinator:checkin_arrange": Entry(pk("checkin"), COORDINATOR_FORM),
    "bookings_coordinator:feedback": Entry(None, COORDINATOR),
    "bookings_coordinator:feedback_release": Entry(pk("feedback"), POST_ONLY),
    "bookings_coordinator:panels": Entry(None, COORDINATOR),
    "bookings_coordinator:panel_new": Entry(None, COORDINATOR),
    "bookings_coordinator:panel": Entry(pk("panel"), COORDINATOR),
    "bookings_coordinator:panel_applications": Entry(pk("panel"), COORDINATOR),
    "bookings_coordinator:panel_meeting": Entry(pk("panel_meeting"), COORDINATOR),
    "bookings_coordinator:panel_minutes": Entry(pk("panel_meeting"), COORDINATOR),
    "bookings_coordinator:panel_call": Entry(pk("panel"), POST_ONLY),
    "bookings_coordinator:panel_application": Entry(pk("panel_application"), POST_ONLY),
    "bookings_coordinator:panel_member_add": Entry(pk("panel"), POST_ONLY),
    "bookings_coordinator:panel_member_leave": Entry(pk("panel_member"), POST_ONLY),
    "bookings_coordinator:panel_meeting_add": Entry(pk("panel"), POST_ONLY),
    "bookings_coordinator:panel_change_add": Entry(pk("panel"), POST_ONLY),
    "bookings_coordinator:panel_attendance": Entry(lambda w: {"pk": 1}, POST_ONLY),
    # A unit's invoices.
    "invoicing_unit:list": Entry(None, UNIT_LIST),
    "invoicing_unit:detail": Entry(pk("invoice"), UNIT_OWN),
    "invoicing_unit:pdf": Entry(pk("invoice"), UNIT_OWN),
    # The coordinator's invoices, payments and fees.
    "invoicing_coordinator:list": Entry(None, COORDINATOR),
    "invoicing_coordinator:run": Entry(
        None, COORDINATOR, Post(invoices, data=lambda w: {"month": w["billable_month"]})
    ),
    "invoicing_coordinator:detail": Entry(pk("invoice"), COORDINATOR),
    "invoicing_coordinator:credit": Entry(
        pk("invoice"), COORDINATOR, Post(invoices, data=lambda w: {"reason": "Väärä hinta"})
    ),
    "invoicing_coordinator:pdf": Entry(pk("invoice"), COORDINATOR),
    # Unit A has no e-invoice address: the Finvoice download sends back to the invoice, saying so.
    "invoicing_coordinator:finvoice": Entry(pk("invoice"), answers(coordinator=302, superuser=302)),
    "invoicing_coordinator:payments": Entry(None, COORDINATOR),
    "invoicing_coordinator:payment_import": Entry(None, COORDINATOR),
    "invoicing_coordinator:allocate": Entry(
        pk("payment"),
        COORDINATOR,
        Post(payments, data=lambda w: {"number": w["invoice"].number, "note": "Soitettu"}),
    ),
    "invoicing_coordinator:fee_statements": Entry(None, COORDINATOR),
    "invoicing_coordinator:fee_run": Entry(
        None, COORDINATOR, Post(statements, data=lambda w: {"month": w["fee_month"]})
    ),
    "invoicing_coordinator:fee_statement": Entry(pk("statement"), COORDINATOR),
    "invoicing_coordinator:fee_hold": Entry(
        pk("statement"), POST_ONLY, Post(statements, data=lambda w: {"reason": "Tarkistus"})
    ),
    "invoicing_coordinator:fee_release": Entry(pk("statement"), POST_ONLY, Post(statements)),
    "invoicing_coordinator:fee_correct": Entry(
        pk("statement"),
        POST_ONLY,
        Post(
            statements,
            data=lambda w: {
                "description": "Korjaus",
                "amount": "25.00",
                "income_type": "214",
                "reason": "Unohtunut",
            },
        ),
    ),
    "invoicing_coordinator:fee_batches": Entry(None, COORDINATOR),
    "invoicing_coordinator:fee_batch_new": Entry(
        None,
        COORDINATOR,
        Post(batches, data=lambda w: {"month": w["fee_month"], "payment_date": tomorrow()}),
    ),
    "invoicing_coordinator:fee_batch": Entry(pk("batch"), COORDINATOR),
    "invoicing_coordinator:fee_batch_sepa": Entry(pk("batch"), COORDINATOR),
    "invoicing_coordinator:fee_batch_confirm": Entry(pk("batch"), POST_ONLY, Post(batches)),
    "invoicing_coordinator:fee_batch_reports_sent": Entry(pk("batch"), POST_ONLY, Post(reports)),
    "invoicing_coordinator:fee_batch_reports_xml": Entry(pk("batch"), COORDINATOR),
    "invoicing_coordinator:fee_reports": Entry(None, COORDINATOR),
    "invoicing_coordinator:fee_report_xml": Entry(pk("ir_report"), COORDINATOR),
    "invoicing_coordinator:fee_report_sent": Entry(pk("ir_report"), POST_ONLY, Post(reports)),
    "invoicing_coordinator:fee_missing": Entry(None, COORDINATOR),
    # The expert's payments.
    "invoicing_expert:home": Entry(None, EXPERT_LIST),
    "invoicing_expert:summary": Entry(
        None, EXPERT_LIST, query=f"?year={timezone.localdate().year}"
    ),
    "invoicing_expert:statement": Entry(pk("statement"), EXPERT_OWN),
    "invoicing_expert:pdf": Entry(pk("statement"), EXPERT_OWN),
    "invoicing_expert:move": Entry(
        pk("movable_gig"), POST_ONLY, Post(gig_money, allowed=frozenset({"expert_a"}))
    ),
    # Training: the trainer's cohorts, the expert's own training, the coordinator's pages.
    "training:home": Entry(None, TRAINER_PAGE),
    "training:cohort_list": Entry(None, STAFF_LIST),
    "training:cohort_detail": Entry(pk("cohort"), STAFF_LIST),
    "training:session_create": Entry(pk("cohort"), STAFF_LIST),
    "training:session_detail": Entry(pk("session"), STAFF_LIST),
    "training:session_edit": Entry(pk("session"), STAFF_LIST),
    "training:enrollment_assignment": Entry(pk("enrollment"), POST_ONLY),
    "training:enrollment_complete": Entry(pk("enrollment"), POST_ONLY),
    "training:my_training": Entry(None, EXPERT_LIST),
    # Coordinators download certificates through the expert's address (there is no other).
    "training:certificate_download": Entry(
        pk("certificate"), answers(expert_a=200, expert_b=404, coordinator=200, superuser=200)
    ),
    "training_coordinator:overview": Entry(None, COORDINATOR),
    "training_coordinator:application_list": Entry(None, COORDINATOR),
    "training_coordinator:application_detail": Entry(pk("application"), COORDINATOR),
    "training_coordinator:application_decide": Entry(pk("application"), POST_ONLY),
    "training_coordinator:cohort_create": Entry(None, COORDINATOR_FORM),
    "training_coordinator:cohort_edit": Entry(pk("cohort"), COORDINATOR_FORM),
    "training_coordinator:cohort_enroll": Entry(pk("cohort"), COORDINATOR),
    "training_coordinator:enrollment_status": Entry(pk("enrollment"), POST_ONLY),
    "training_coordinator:certificate_remake": Entry(pk("enrollment"), POST_ONLY),
    "training_coordinator:supervision": Entry(None, COORDINATOR),
    "training_public:apply": Entry(None, PUBLIC),
    "training_public:thanks": Entry(None, PUBLIC),
    "panels_public:apply": Entry(lambda w: {"token": w["panel_token"]}, PUBLIC),
    "panels_public:thanks": Entry(lambda w: {"token": w["panel_token"]}, PUBLIC),
    # The coordinator's dashboard, uptake by organisation and funder report.
    "reports_coordinator:dashboard": Entry(None, COORDINATOR),
    "reports_coordinator:uptake": Entry(None, COORDINATOR),
    "reports_coordinator:funder": Entry(None, COORDINATOR),
    # The unit's figures and the expert's own record (issue 18).
    "reports_unit:report": Entry(None, UNIT_LIST),
    "reports_expert:record": Entry(None, EXPERT_LIST),
    "reports_expert:certificate": Entry(None, EXPERT_LIST),
    # The Django admin's own pages (each model's pages follow from ADMIN_MODELS below).
    "admin:index": Entry(
        None, answers(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, coordinator=200, superuser=200)
    ),
    # The admin has no login of its own: the site's login (and its rate limits) for a visitor,
    # 403 for a logged-in user without admin access, the admin for staff.
    "admin:login": Entry(None, answers(403, coordinator=302, superuser=302)),
    "admin:logout": Entry(None, answers(302, anonymous=302, coordinator=405, superuser=405)),
    # One way to change one's password: the site's page.
    "admin:password_change": Entry(
        None, answers(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, coordinator=302, superuser=302)
    ),
    "admin:password_change_done": Entry(
        None, answers(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, coordinator=200, superuser=200)
    ),
    "admin:autocomplete": Entry(
        None, answers(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, coordinator=403, superuser=403)
    ),
    "admin:jsi18n": Entry(
        None, answers(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, coordinator=200, superuser=200)
    ),
    "admin:view_on_site": Entry(
        lambda w: {
            "content_type_id": ContentType.objects.get_for_model(w["invoice"]).pk,
            "object_id": w["invoice"].pk,
        },
        # An invoice has no page on the site for the admin to send one to.
        answers(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, coordinator=404, superuser=404),
    ),
    # Only a superuser sets another person's password (everyone changes their own on the site).
    "admin:auth_user_password_change": Entry(
        lambda w: {"id": w.users["expert_a"].pk},
        answers(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, coordinator=403, superuser=200),
    ),
    "admin:app_list": Entry(
        lambda w: {"app_label": "invoicing"},
        answers(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, coordinator=200, superuser=200),
    ),
}

# --- The admin: what a coordinator may do with each model ---------------------------------------
# "view", "change", "add", "delete" as the model's admin allows them; a superuser gets what the
# model's admin allows anyone (SUPERUSER_ADMIN where that is less than everything). Other roles are
# not staff: every admin page sends them to the admin's login.

VIEW = frozenset({"view"})
EDIT = frozenset({"view", "change"})
ADD = frozenset({"view", "change", "add"})
ALL = frozenset({"view", "change", "add", "delete"})
NOTHING: frozenset[str] = frozenset()

# The coordinators' group holds the least it needs: reference data and terms they keep, the rest
# to look at (what a service owns is changed through the service's pages), and nothing of the
# site's access (groups, permissions, passwords, authenticators) or its periodic tasks: those are
# a superuser's.
ADMIN_MODELS: dict[str, frozenset[str]] = {
    "account.emailaddress": NOTHING,
    "auth.group": NOTHING,
    "bookings.booking": EDIT,
    "bookings.checkin": VIEW,
    "bookings.feedback": VIEW,
    "bookings.fundingsource": ALL,
    "bookings.gigreport": VIEW,
    "bookings.mileagerate": ADD,
    "bookings.organisation": ALL,
    "bookings.panel": VIEW,
    "bookings.panelapplication": VIEW,
    "bookings.pricelist": ALL,
    "bookings.termschange": VIEW,
    "bookings.unit": ALL,
    "django_celery_beat.clockedschedule": NOTHING,
    "django_celery_beat.crontabschedule": NOTHING,
    "django_celery_beat.intervalschedule": NOTHING,
    "django_celery_beat.periodictask": NOTHING,
    "django_celery_beat.solarschedule": NOTHING,
    "expertbank.invitation": EDIT,
    "expertbank.message": VIEW,
    "expertbank.user": EDIT,
    "experts.experiencearea": ALL,
    "experts.expert": EDIT,
    "experts.expertimport": VIEW,
    "experts.language": ADD,
    "experts.privacynotice": ADD,
    "experts.supportprofile": EDIT,
    "experts.workkind": ADD,
    "invoicing.incomingpayment": VIEW,
    "invoicing.invoice": VIEW,
    "invoicing.numberseries": VIEW,
    "invoicing.paymentfile": VIEW,
    "invoicing.penaltyinterestrate": ADD,
    "mfa.authenticator": NOTHING,
    "training.application": VIEW,
    "training.attendance": VIEW,
    "training.certificate": VIEW,
    "training.cohort": ALL,
    "training.enrollment": VIEW,
    "training.programme": ALL,
    "training.session": ADD,
}
# Where a model's admin allows less than everything to anyone, a superuser included.
SUPERUSER_ADMIN: dict[str, frozenset[str]] = {
    "bookings.booking": EDIT,
    "bookings.checkin": VIEW,
    "bookings.feedback": VIEW,
    "bookings.gigreport": VIEW,
    "bookings.mileagerate": ADD,
    "bookings.panel": VIEW,
    "bookings.panelapplication": VIEW,
    "bookings.termschange": VIEW,
    "expertbank.invitation": frozenset({"view", "change", "delete"}),
    "expertbank.message": frozenset({"view", "delete"}),
    "experts.experiencearea": ALL,
    "experts.expert": EDIT,
    "experts.expertimport": VIEW,
    "experts.language": ADD,
    "experts.privacynotice": ADD,
    "experts.supportprofile": EDIT,
    "experts.workkind": ADD,
    "invoicing.incomingpayment": VIEW,
    "invoicing.invoice": VIEW,
    "invoicing.numberseries": VIEW,
    "invoicing.paymentfile": VIEW,
    "invoicing.penaltyinterestrate": ADD,
    "training.application": VIEW,
    "training.attendance": VIEW,
    "training.certificate": VIEW,
    "training.cohort": ALL,
    "training.enrollment": VIEW,
    "training.session": ADD,
}
ADMIN_ACTIONS = ("changelist", "add", "change", "delete", "history")


def _admin_entry(label: str, action: str) -> Entry:
    model = _model(label)

    def kwargs(w: World):
        return {"object_id": _admin_object(w, model).pk}

    def answer(perms: frozenset[str]) -> Expected:
        if action == "add":
            return 200 if "add" in perms else 403
        if action == "delete":
            return 200 if "delete" in perms else 403
        return 200 if perms & {"view", "change"} else 403

    return Entry(
        kwargs if action in {"change", "delete", "history"} else None,
        answers(
            ADMIN_LOGIN,
            anonymous=ADMIN_LOGIN,
            coordinator=answer(ADMIN_MODELS[label]),
            superuser=answer(SUPERUSER_ADMIN.get(label, ALL)),
        ),
    )


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _admin_object(w: World, model):
    found = model._default_manager.order_by("pk").first()
    assert found is not None, f"the access world has no {model._meta.label} for its admin pages"
    return found


def _admin_route_names() -> dict[str, tuple[str, str]]:
    names = {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        for action in ADMIN_ACTIONS:
            names[f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}"] = (
                label,
                action,
            )
    return names


def access_map() -> dict[str, Entry]:
    table = dict(ACCESS_MAP)
    for name, (label, action) in _admin_route_names().items():
        if label in ADMIN_MODELS:  # a model not in the list fails as a route with no entry
            table[name] = _admin_entry(label, action)
    return table


# --- The routes as the URL configuration has them -----------------------------------------------


def _walk(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name


def route_names() -> set[str]:
    return set(_walk(get_resolver()))


ROUTES = sorted(route_names() | set(ACCESS_MAP))


# --- The world, built once for the module -------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for every route: built inside a transaction of its own that each test's own
    transaction nests in, and rolled back when the module ends. Each role's client logs in once."""
    overrides = override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    overrides.enable()
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # the services' durable blocks nest in it, as in a TestCase
        outer.__enter__()
        try:
            built = build_world()
            clients = {}
            for role, user in built.users.items():
                clients[role] = Client()
                if user is not None:
                    clients[role].force_login(user)
            built.clients = clients
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            overrides.disable()
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    overrides.disable()


def _url(entry: Entry, name: str, w: World) -> str:
    return reverse(name, kwargs=entry.kwargs(w) if entry.kwargs else None) + entry.query


# --- The tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ROUTES)
def test_every_route_answers_every_role_as_the_map_says(world, name):
    table = access_map()
    if name not in route_names():
        pytest.fail(f"the access map has an entry for {name}, a route that is gone")
    if name not in table:
        pytest.fail(f"new route {name} has no entry in the access map")
    entry = table[name]
    url = _url(entry, name, world)
    wrong = []
    for role in ROLES:
        response = world.clients[role].get(url)
        if not matches(response, entry.expected[role]):
            wrong.append(
                f"GET {url} as {role}: expected {entry.expected[role]}, got {describe(response)}"
            )
    assert not wrong, "\n".join(wrong)


POSTS = sorted(name for name, entry in ACCESS_MAP.items() if entry.post)


@pytest.mark.parametrize("name", POSTS)
def test_a_refused_post_is_refused_and_changes_nothing(world, name):
    entry = ACCESS_MAP[name]
    url = _url(entry, name, world)
    wrong = []
    for role in ROLES:
        if role in entry.post.allowed:
            continue
        before = entry.post.state(world)
        expected = entry.expected[role]
        response = world.clients[role].post(url, entry.post.data(world))
        if expected == 405 or not matches(response, REFUSED - {405}):
            if not matches(response, REFUSED - {405}):
                wrong.append(f"POST {url} as {role}: expected a refusal, got {describe(response)}")
        elif not matches(response, expected):
            wrong.append(f"POST {url} as {role}: expected {expected}, got {describe(response)}")
        if entry.post.state(world) != before:
            wrong.append(f"POST {url} as {role} changed {entry.post.state.__name__}")
    assert not wrong, "\n".join(wrong)


def test_the_admin_list_names_only_models_the_admin_has():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert not set(ADMIN_MODELS) - registered, "ADMIN_MODELS names models the admin no longer has"
    assert not set(SUPERUSER_ADMIN) - set(ADMIN_MODELS)
