"""Trainer pages: today's attendance list first; a trainer's own cohorts and sessions only.

Coordinators use the same cohort and session pages for every cohort; a trainer gets 404 for a
cohort they do not teach.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from expertbank.redirects import redirect_next
from expertbank.roles import Role, role_required, user_roles
from training import selectors
from training.forms import AttendanceForm, EnrollmentStatusForm, SessionForm
from training.models import Enrollment, Session
from training.services import (
    TrainingError,
    attendance_mark,
    enrollment_complete,
    final_assignment_set,
)

STAFF = (Role.TRAINER, Role.COORDINATOR)


def _enrollment(request: HttpRequest, pk: int) -> Enrollment:
    return get_object_or_404(
        Enrollment.objects.filter(cohort__in=selectors.cohorts_for(request.user)).select_related(
            "cohort__programme", "expert__user"
        ),
        pk=pk,
    )


@role_required(Role.TRAINER)
def home(request: HttpRequest) -> HttpResponse:
    """The trainer's start page: today's sessions with the attendance list to tick."""
    now = timezone.now()
    today = timezone.localdate(now)
    own_sessions = selectors.sessions_for(request.user, own=True)
    today_sessions = list(own_sessions.filter(starts_at__date=today).order_by("starts_at", "pk"))
    boards = selectors.attendance_boards([s for s in today_sessions if not s.cancelled])
    end_of_today = timezone.make_aware(datetime.combine(today, time.max))
    upcoming = list(
        own_sessions.filter(starts_at__gt=end_of_today, cancelled=False).order_by("starts_at")[:6]
    )
    cohorts = (
        selectors.cohorts_for(request.user, own=True)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today - timedelta(days=30)))
        .annotate(
            participant_count=Count(
                "enrollments", filter=Q(enrollments__status__in=Enrollment.TAKING_PART)
            )
        )
        .order_by("starts_on", "name")
    )
    return render(
        request,
        "training/home.html",
        {
            "roles": user_roles(request.user),
            "boards": boards,
            "cancelled_today": [s for s in today_sessions if s.cancelled],
            "upcoming": upcoming,
            "cohorts": cohorts,
            "today": today,
        },
    )


@role_required(*STAFF)
def cohort_list(request: HttpRequest) -> HttpResponse:
    cohorts = selectors.with_trainers(
        selectors.cohorts_for(request.user)
        .annotate(
            participant_count=Count(
                "enrollments", filter=Q(enrollments__status__in=Enrollment.TAKING_PART)
            )
        )
        .order_by("-starts_on", "name")
    )
    return render(request, "training/cohort_list.html", {"cohorts": cohorts})


@role_required(*STAFF)
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(selectors.with_trainers(selectors.cohorts_for(request.user)), pk=pk)
    return render(
        request,
        "training/cohort_detail.html",
        {
            "cohort": cohort,
            "sessions": selectors.cohort_sessions(cohort),
            "participants": selectors.cohort_participants(cohort),
            "is_coordinator": Role.COORDINATOR in user_roles(request.user),
            "status_form": EnrollmentStatusForm(),
            "today": timezone.localdate(),
        },
    )


@role_required(*STAFF)
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(selectors.cohorts_for(request.user), pk=pk)
    form = SessionForm(request.POST or None, instance=Session(cohort=cohort))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The session was added."))
        return redirect("training:cohort_detail", pk=cohort.pk)
    return render(request, "training/session_form.html", {"form": form, "cohort": cohort})


@role_required(*STAFF)
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.sessions_for(request.user), pk=pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The session was saved."))
        return redirect("training:session_detail", pk=session.pk)
    return render(
        request,
        "training/session_form.html",
        {"form": form, "cohort": session.cohort, "session": session},
    )


@role_required(*STAFF)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A session's attendance list; POST saves the ticks (or marks everyone else present)."""
    session = get_object_or_404(selectors.sessions_for(request.user), pk=pk)
    board = selectors.attendance_boards([session])[0]
    if request.method == "POST":
        form = AttendanceForm(request.POST, rows=board.rows)
        if not form.is_valid():
            messages.error(request, _("Choose present, absent or excused for each participant."))
        else:
            marks = form.marks(everyone_else_present="all_present" in request.POST)
            try:
                attendance_mark(session=session, by=request.user, marks=marks)
            except TrainingError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("Attendance saved: %(present)s present of %(total)s.")
                    % {
                        "present": sum(1 for v in marks.values() if v == "present"),
                        "total": len(board.rows),
                    },
                )
        return redirect_next(request, reverse("training:session_detail", args=[session.pk]))
    return render(
        request,
        "training/session_detail.html",
        {"session": session, "board": board, "can_mark": session.can_mark_attendance()},
    )


@require_POST
@role_required(*STAFF)
def enrollment_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment(request, pk)
    accepted = request.POST.get("accepted") == "1"
    try:
        final_assignment_set(enrollment=enrollment, by=request.user, accepted=accepted)
    except TrainingError as exc:
        messages.error(request, str(exc))
    else:
        if accepted:
            text = _("Final assignment of %(name)s accepted.")
        else:
            text = _("Final assignment of %(name)s marked not accepted.")
        messages.success(request, text % {"name": enrollment.expert.name})
    return redirect(reverse("training:cohort_detail", args=[enrollment.cohort_id]) + "#people")


@require_POST
@role_required(*STAFF)
def enrollment_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = _enrollment(request, pk)
    try:
        enrollment_complete(enrollment=enrollment, by=request.user)
    except TrainingError as exc:
        messages.error(
            request,
            _("%(name)s cannot complete the training yet: %(reason)s")
            % {"name": enrollment.expert.name, "reason": exc},
        )
    else:
        if enrollment.cohort.programme.issues_certificate:
            text = _("%(name)s completed the training. The certificate is being made.")
        else:
            text = _("%(name)s completed the training.")
        messages.success(request, text % {"name": enrollment.expert.name})
    return redirect(reverse("training:cohort_detail", args=[enrollment.cohort_id]) + "#people")
