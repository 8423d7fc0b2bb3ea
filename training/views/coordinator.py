"""Coordinator pages: the overview and pipeline, applications and decisions, enrolling experts,
and the list of experts without work supervision. Applicants' data is for coordinators only."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from expertbank.roles import Role, role_required
from expertbank.services.audit import audit_history
from training import selectors
from training.forms import (
    ApplicationFilterForm,
    CohortForm,
    DecisionForm,
    EnrollExpertsForm,
    EnrollmentStatusForm,
    InterviewForm,
    YearForm,
)
from training.models import Application, Cohort, Enrollment
from training.services import (
    TrainingError,
    application_accept,
    application_interview_record,
    application_reject,
    application_withdraw,
    certificate_remake,
    cohort_enroll,
    enrollment_status_set,
)

PAGE_SIZE = 50

# Audit actions are stored as codes; people read them in their language.
HISTORY_LABELS = {
    "interview recorded": gettext_lazy("interview recorded"),
    "application accepted": gettext_lazy("accepted to the training"),
    "application rejected": gettext_lazy("not accepted"),
    "application withdrawn": gettext_lazy("closed as withdrawn"),
}


@role_required(Role.COORDINATOR)
def overview(request: HttpRequest) -> HttpResponse:
    """Per cohort the fill rate, attendance, completions and drop-outs; the basic-training
    pipeline from application to bookable."""
    form = YearForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else None
    return render(
        request,
        "training/coordinator/overview.html",
        {
            "form": form,
            "year": year,
            "cohorts": selectors.cohort_overview(year=year),
            "pipeline": selectors.pipeline_counts(year=year),
            "waiting": selectors.applications_waiting().count(),
            "overdue": selectors.supervision_overdue().count(),
        },
    )


@role_required(Role.COORDINATOR)
def application_list(request: HttpRequest) -> HttpResponse:
    form = ApplicationFilterForm(request.GET or None)
    applications = Application.objects.select_related("cohort__programme").order_by(
        "-created_at", "-pk"
    )
    if form.is_valid():
        if form.cleaned_data["cohort"]:
            applications = applications.filter(cohort=form.cleaned_data["cohort"])
        status = form.cleaned_data["status"]
        if status == ApplicationFilterForm.WAITING:
            applications = applications.filter(status__in=Application.WAITING)
        elif status:
            applications = applications.filter(status=status)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "training/coordinator/application_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _application(pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("cohort__programme", "notice", "decided_by"), pk=pk
    )


@role_required(Role.COORDINATOR)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything the applicant sent; the interview notes (POST saves them) and the decision."""
    application = _application(pk)
    interview_form = InterviewForm(
        request.POST or None,
        initial={"interview_at": application.interview_at, "notes": application.interview_notes},
    )
    if request.method == "POST" and interview_form.is_valid():
        try:
            application_interview_record(
                application=application,
                by=request.user,
                interview_at=interview_form.cleaned_data["interview_at"],
                notes=interview_form.cleaned_data["notes"],
            )
        except TrainingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The interview was saved."))
        return redirect("training_coordinator:application_detail", pk=application.pk)
    enrollment = Enrollment.objects.filter(application=application).first()
    return render(
        request,
        "training/coordinator/application_detail.html",
        {
            "application": application,
            "areas": application.areas.all(),
            "interview_form": interview_form,
            "decision_form": DecisionForm(),
            "enrollment": enrollment,
            "history": [
                (entry, HISTORY_LABELS.get(entry.action, entry.action))
                for entry in audit_history(application)[:20]
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@role_required(Role.COORDINATOR)
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision first."))
        return redirect("training_coordinator:application_detail", pk=application.pk)
    decision, note = form.cleaned_data["decision"], form.cleaned_data["message"]
    try:
        if decision == DecisionForm.ACCEPT:
            application_accept(application=application, by=request.user, message=note)
            text = _("%(name)s was accepted and enrolled; an invitation was sent.")
        elif decision == DecisionForm.REJECT:
            application_reject(application=application, by=request.user, message=note)
            text = _("%(name)s was told that the application was not accepted.")
        else:
            application_withdraw(application=application, by=request.user)
            text = _("The application of %(name)s was closed as withdrawn.")
    except TrainingError as exc:
        messages.error(request, str(exc))
        return redirect("training_coordinator:application_detail", pk=application.pk)
    messages.success(request, text % {"name": application.full_name})
    return redirect(
        reverse("training_coordinator:application_list") + f"?cohort={application.cohort_id}"
    )


@role_required(Role.COORDINATOR)
def cohort_enroll_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add existing experts to a cohort: a supervision group, a follow-up training."""
    cohort = get_object_or_404(Cohort.objects.select_related("programme"), pk=pk)
    form = EnrollExpertsForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        experts = form.cleaned_data["experts"]
        try:
            cohort_enroll(cohort=cohort, experts=experts, by=request.user)
        except TrainingError as exc:
            form.add_error("experts", str(exc))
        else:
            messages.success(request, _("%(count)s experts were added.") % {"count": len(experts)})
            return redirect("training:cohort_detail", pk=cohort.pk)
    return render(request, "training/coordinator/enroll.html", {"form": form, "cohort": cohort})


@require_POST
@role_required(Role.COORDINATOR)
def enrollment_status(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = get_object_or_404(Enrollment.objects.select_related("expert__user"), pk=pk)
    form = EnrollmentStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the new status."))
    else:
        try:
            enrollment_status_set(
                enrollment=enrollment,
                to=form.cleaned_data["to"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except TrainingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("The status of %(name)s was changed.") % {"name": enrollment.expert}
            )
    return redirect(reverse("training:cohort_detail", args=[enrollment.cohort_id]) + "#people")


@require_POST
@role_required(Role.COORDINATOR)
def certificate_remake_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = get_object_or_404(Enrollment.objects.select_related("cohort__programme"), pk=pk)
    try:
        certificate_remake(enrollment=enrollment)
    except TrainingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The certificate is being made; reload the page soon."))
    return redirect(reverse("training:cohort_detail", args=[enrollment.cohort_id]) + "#people")


@role_required(Role.COORDINATOR)
def cohort_create(request: HttpRequest) -> HttpResponse:
    """A new cohort (or work-supervision group); its sessions are added from its page next."""
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = form.save()
        messages.success(request, _("The cohort is saved. Add its sessions next."))
        return redirect("training:cohort_detail", pk=cohort.pk)
    return render(request, "training/coordinator/cohort_form.html", {"form": form})


@role_required(Role.COORDINATOR)
def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort, pk=pk)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The cohort is saved."))
        return redirect("training:cohort_detail", pk=cohort.pk)
    return render(
        request, "training/coordinator/cohort_form.html", {"form": form, "cohort": cohort}
    )


@role_required(Role.COORDINATOR)
def supervision(request: HttpRequest) -> HttpResponse:
    """Active experts who have not attended work supervision within the period."""
    overdue = selectors.supervision_overdue()
    page = Paginator(overdue, PAGE_SIZE).get_page(request.GET.get("page"))
    groups = (
        Cohort.objects.filter(programme__kind="supervision")
        .exclude(ends_on__lt=timezone.localdate())
        .order_by("name")
    )
    return render(
        request,
        "training/coordinator/supervision.html",
        {"page": page, "gap_days": settings.SUPERVISION_MAX_GAP_DAYS, "groups": groups},
    )
