"""The public application form: no login, in the language chosen with the site's switcher."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from expertbank.fields import parse_id
from expertbank.ratelimit import rate_limit_exceeded, rate_limit_reached
from experts.models import PrivacyNotice
from training.forms import ApplicationForm
from training.models import Cohort
from training.services import TrainingError, application_submit

# Submissions per client address per hour; a family or a library computer fits well within it.
# Only valid submissions count: a form sent back with errors costs nothing.
APPLY_LIMIT = 5
APPLY_SCOPE = "training-apply"
APPLY_WINDOW_SECONDS = 60 * 60


def _language() -> str:
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _limited(request: HttpRequest, context: dict) -> HttpResponse:
    return render(request, "training/apply.html", {**context, "limited": True}, status=429)


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """Open cohorts and the form to apply to one of them."""
    cohorts = (
        Cohort.objects.open_for_applications()
        .select_related("programme")
        .order_by("starts_on", "name")
    )
    cohort_list = list(cohorts)
    notice = PrivacyNotice.current()
    context = {"cohorts": cohort_list, "notice": notice, "form": None}
    if not cohort_list or notice is None:
        return render(request, "training/apply.html", context)
    if request.method == "POST":
        if rate_limit_reached(request, scope=APPLY_SCOPE, limit=APPLY_LIMIT):
            return _limited(request, context)
        form = ApplicationForm(request.POST, cohorts=cohorts, notice=notice)
        if form.is_robot:
            return redirect("training_public:thanks")  # tell a robot nothing; save nothing
        if form.is_valid():
            if rate_limit_exceeded(
                request, scope=APPLY_SCOPE, limit=APPLY_LIMIT, window=APPLY_WINDOW_SECONDS
            ):
                return _limited(request, context)
            data = form.cleaned_data
            try:
                application_submit(
                    cohort=data["cohort"],
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    municipality=data["municipality"],
                    areas=data["areas"],
                    motivation=data["motivation"],
                    availability=data["availability"],
                    availability_note=data["availability_note"],
                    language=_language(),
                    notice=notice,
                )
            except TrainingError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("training_public:thanks")
    else:
        chosen = request.GET.get("cohort")
        initial = {}
        if len(cohort_list) == 1:
            initial["cohort"] = cohort_list[0].pk
        elif parse_id(chosen or "") is not None:
            initial["cohort"] = parse_id(chosen)
        form = ApplicationForm(cohorts=cohorts, notice=notice, initial=initial)
    return render(request, "training/apply.html", {**context, "form": form})


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "training/apply_thanks.html")
