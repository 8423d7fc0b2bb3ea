"""Standing customer panels: the unit's and the coordinator's pages (the same pages, scoped: a
unit sees its organisation's panels, a coordinator every panel), the member's own pages, and the
public application page of a panel's open call. Views are thin: a form, one service, a redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bookings.forms.panels import (
    AttendanceForm,
    ChangeForm,
    MeetingForm,
    MemberAddForm,
    MinutesForm,
    PanelApplicationForm,
    PanelForm,
)
from bookings.models import (
    Panel,
    PanelApplication,
    PanelAttendance,
    PanelMeeting,
    PanelMember,
    Unit,
)
from bookings.selectors import panels as selectors
from bookings.selectors.requests import member_units
from bookings.services import BookingError
from bookings.services import panels as services
from expertbank.ratelimit import rate_limit_exceeded, rate_limit_reached
from expertbank.roles import Role, role_required, user_roles
from experts.models import Expert, PrivacyNotice

UNIT, COORDINATOR = "bookings", "bookings_coordinator"

# Valid applications per client address per hour (a family or a library computer fits).
APPLY_LIMIT = 5
APPLY_SCOPE = "panel-apply"
APPLY_WINDOW_SECONDS = 60 * 60


def panel_page(view):
    """The page serves the unit (``ns="bookings"``) or the coordinator (``ns=COORDINATOR``): the
    role is checked and ``request.panels`` holds the panels this user may see."""

    @wraps(view)
    @role_required(Role.COORDINATOR, Role.UNIT_MEMBER)
    def wrapped(request: HttpRequest, *args, ns: str, **kwargs):
        roles = user_roles(request.user)
        if ns == COORDINATOR:
            if Role.COORDINATOR not in roles:
                raise PermissionDenied
            request.panels = Panel.objects.all()
        else:
            if Role.UNIT_MEMBER not in roles:
                raise PermissionDenied
            request.panels = selectors.panels_for_member(request.user)
        request.panel_ns = ns
        return view(request, *args, **kwargs)

    return wrapped


def _url(request: HttpRequest, name: str, *args) -> str:
    return reverse(f"{request.panel_ns}:{name}", args=args)


def _panel(request: HttpRequest, pk: int) -> Panel:
    return get_object_or_404(
        request.panels.select_related("unit__organisation", "booking__terms"), pk=pk
    )


def _meeting(request: HttpRequest, pk: int) -> PanelMeeting:
    return get_object_or_404(
        PanelMeeting.objects.filter(panel__in=request.panels).select_related(
            "occurrence", "panel__unit", "panel__booking"
        ),
        pk=pk,
    )


def _context(request: HttpRequest, **values) -> dict:
    return {"ns": request.panel_ns, "is_coordinator": request.panel_ns == COORDINATOR, **values}


@panel_page
def panel_list(request: HttpRequest) -> HttpResponse:
    panels = list(selectors.panel_list(request.panels))
    return render(request, "bookings/panels/list.html", _context(request, panels=panels))


def _units_for(request: HttpRequest):
    if request.panel_ns == COORDINATOR:
        return Unit.objects.filter(active=True).select_related("organisation")
    return member_units(request.user)


@panel_page
@require_http_methods(["GET", "POST"])
def panel_new(request: HttpRequest) -> HttpResponse:
    units = _units_for(request)
    form = PanelForm(request.POST or None)
    unit_id = request.POST.get("unit") if request.method == "POST" else None
    if request.method == "POST" and form.is_valid():
        unit = units.filter(pk=unit_id).first() if (unit_id or "").isdigit() else None
        if unit is None:
            form.add_error(None, _("Choose the unit whose panel this is."))
        else:
            data = form.cleaned_data
            try:
                panel = services.panel_create(
                    unit=unit,
                    by=request.user,
                    name_fi=data["name_fi"],
                    name_sv=data["name_sv"],
                    name_en=data["name_en"],
                    purpose=data["purpose"],
                    term_start=data["term_start"],
                    term_end=data["term_end"],
                    meetings_per_year=data["meetings_per_year"],
                    place=data["place"],
                    criteria=data["criteria"],
                    call_open=data["call_open"],
                )
            except BookingError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The panel is created. Add its meetings next."))
                return redirect(_url(request, "panel", panel.pk))
    return render(
        request,
        "bookings/panels/new.html",
        _context(request, form=form, units=list(units), unit_id=unit_id),
    )


@panel_page
def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    members = selectors.panel_members(panel)
    waiting = selectors.waiting_applications(panel)
    context = _context(
        request,
        panel=panel,
        fee=services.meeting_fee(panel),
        members=members,
        mix=selectors.panel_mix(panel, members, waiting),
        waiting=waiting,
        meetings=list(selectors.panel_meetings(panel)),
        changes=list(selectors.panel_changes(panel)),
        meeting_form=MeetingForm(),
        change_form=ChangeForm(panel=panel, initial={"day": timezone.localdate()}),
        apply_url=request.build_absolute_uri(reverse("panels_public:apply", args=[panel.token])),
        can_apply=services.panel_can_apply(panel),
    )
    if request.panel_ns == COORDINATOR:
        taken = [m.expert_id for m in members if m.is_current]
        experts = Expert.objects.filter(status=Expert.Status.ACTIVE, erased_at__isnull=True)
        context["add_form"] = MemberAddForm(
            panel=panel, experts=experts.exclude(pk__in=taken).select_related("user")
        )
    return render(request, "bookings/panels/detail.html", context)


def _attempt(request: HttpRequest, action: Callable[[], object], success) -> None:
    """One service call of a panel page: its refusal becomes the page's error message, else
    ``success`` (a text, or a function of what the service returned) its success message."""
    try:
        done = action()
    except BookingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success(done) if callable(success) else success)


def _say_errors(request: HttpRequest, form) -> None:
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


@require_POST
@panel_page
def panel_call(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    open_ = request.POST.get("open") == "1"
    _attempt(
        request,
        lambda: services.panel_call_set(panel=panel, open_=open_, by=request.user),
        _("The call is open.") if open_ else _("The call is closed."),
    )
    return redirect(_url(request, "panel", panel.pk))


@panel_page
def panel_applications(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    members = selectors.panel_members(panel)
    waiting = selectors.waiting_applications(panel)
    decided = panel.applications.exclude(status=PanelApplication.Status.NEW).order_by("-decided_at")
    return render(
        request,
        "bookings/panels/applications.html",
        _context(
            request,
            panel=panel,
            waiting=waiting,
            decided=list(decided[:100]),
            mix=selectors.panel_mix(panel, members, waiting),
            labels=[c.label for c in services.criteria_of(panel)],
        ),
    )


@require_POST
@panel_page
def panel_application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        PanelApplication.objects.filter(panel__in=request.panels).select_related("panel"), pk=pk
    )
    try:
        if request.POST.get("decision") == "choose":
            member = services.panel_application_choose(application=application, by=request.user)
            messages.success(
                request,
                _("%(name)s is a member now and gets an invitation to the meetings.")
                % {"name": member.expert.name},
            )
        elif request.POST.get("decision") == "decline":
            services.panel_application_decline(application=application, by=request.user)
            messages.success(request, _("The application is marked not chosen."))
        else:
            messages.error(request, _("Choose or do not choose the applicant."))
    except BookingError as exc:
        messages.error(request, str(exc))
    return redirect(_url(request, "panel_applications", application.panel_id))


@require_POST
@panel_page
def panel_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    if request.panel_ns != COORDINATOR:
        raise Http404
    panel = _panel(request, pk)
    experts = Expert.objects.filter(status=Expert.Status.ACTIVE, erased_at__isnull=True)
    form = MemberAddForm(request.POST, panel=panel, experts=experts)
    if not form.is_valid():
        messages.error(request, _("Choose an expert and an option of each mix criterion."))
    else:
        _attempt(
            request,
            lambda: services.panel_member_add(
                panel=panel,
                expert=form.cleaned_data["expert"],
                answers=form.answers(),
                by=request.user,
            ),
            _("The member is added to the panel's meetings."),
        )
    return redirect(_url(request, "panel", panel.pk))


@require_POST
@panel_page
def panel_member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(
        PanelMember.objects.filter(panel__in=request.panels).select_related("expert__user"), pk=pk
    )
    _attempt(
        request,
        lambda: services.panel_member_leave(member=member, by=request.user),
        _("%(name)s has left the panel; their later meetings are cancelled.")
        % {"name": member.expert.name},
    )
    return redirect(_url(request, "panel", member.panel_id))


@require_POST
@panel_page
def panel_meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        _say_errors(request, form)
    else:
        _attempt(
            request,
            lambda: services.panel_meeting_add(panel=panel, by=request.user, **form.cleaned_data),
            _("The meeting is added; every member is invited."),
        )
    return redirect(_url(request, "panel", panel.pk))


@panel_page
@require_http_methods(["GET", "POST"])
def panel_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance and minutes of one meeting."""
    meeting = _meeting(request, pk)
    members = selectors.members_at(meeting)
    attendance = selectors.meeting_attendance(meeting)
    for row in attendance:
        row.correctable = services.attendance_can_correct(row)
    attendance_form = AttendanceForm(members=members)
    minutes_form = MinutesForm(initial={"text": meeting.minutes_text})
    if request.method == "POST":
        if "attendance" in request.POST:
            attendance_form = AttendanceForm(request.POST, members=members)
            if attendance_form.is_valid():
                try:
                    services.panel_attendance_record(
                        meeting=meeting, attended=attendance_form.attended(), by=request.user
                    )
                except BookingError as exc:
                    attendance_form.add_error(None, str(exc))
                else:
                    messages.success(
                        request,
                        _("Attendance is recorded. The fees go to the coordinator to approve."),
                    )
                    return redirect(_url(request, "panel_meeting", meeting.pk))
        else:
            minutes_form = MinutesForm(request.POST, request.FILES)
            if minutes_form.is_valid():
                try:
                    services.panel_minutes_save(
                        meeting=meeting,
                        text=minutes_form.cleaned_data["text"],
                        upload=minutes_form.cleaned_data["pdf"],
                        by=request.user,
                    )
                except BookingError as exc:
                    minutes_form.add_error(None, str(exc))
                else:
                    messages.success(request, _("The minutes are saved."))
                    return redirect(_url(request, "panel_meeting", meeting.pk))
    return render(
        request,
        "bookings/panels/meeting.html",
        _context(
            request,
            panel=meeting.panel,
            meeting=meeting,
            attendance=attendance,
            can_record=services.attendance_can_record(meeting),
            attendance_form=attendance_form,
            minutes_form=minutes_form,
        ),
    )


@require_POST
@panel_page
def panel_attendance_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator corrects one member's attendance (the unit's page asks them to)."""
    if request.panel_ns != COORDINATOR:
        raise Http404
    row = get_object_or_404(PanelAttendance.objects.select_related("meeting__panel"), pk=pk)
    _attempt(
        request,
        lambda: services.panel_attendance_correct(
            attendance=row, came=request.POST.get("came") == "1", by=request.user
        ),
        _("The attendance is corrected."),
    )
    return redirect(_url(request, "panel_meeting", row.meeting_id))


@require_POST
@panel_page
def panel_change_add(request: HttpRequest, pk: int) -> HttpResponse:
    panel = _panel(request, pk)
    form = ChangeForm(request.POST, panel=panel)
    if not form.is_valid():
        _say_errors(request, form)
    else:
        _attempt(
            request,
            lambda: services.panel_change_add(panel=panel, by=request.user, **form.cleaned_data),
            _("The change is recorded; the members see it."),
        )
    return redirect(_url(request, "panel", panel.pk))


def _minutes_response(meeting: PanelMeeting) -> HttpResponse:
    if not meeting.minutes_file:
        raise Http404
    try:
        handle = meeting.minutes_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"minutes-{meeting.pk}.pdf",
        content_type="application/pdf",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@panel_page
def panel_minutes_file(request: HttpRequest, pk: int) -> HttpResponse:
    return _minutes_response(_meeting(request, pk))


# --- The member's pages --------------------------------------------------------------------------


@role_required(Role.EXPERT)
def my_panels(request: HttpRequest) -> HttpResponse:
    panels = list(selectors.panel_list(selectors.panels_of_expert(request.user)))
    return render(request, "bookings/panels/my_list.html", {"panels": panels})


@role_required(Role.EXPERT)
def my_panel(request: HttpRequest, pk: int) -> HttpResponse:
    panel = get_object_or_404(
        selectors.panels_of_expert(request.user).select_related("unit", "booking__terms"), pk=pk
    )
    seat = (
        PanelMember.objects.filter(panel=panel, expert__user=request.user).order_by("-pk").first()
    )
    return render(
        request,
        "bookings/panels/my_panel.html",
        {
            "panel": panel,
            "seat": seat,
            "fee": services.meeting_fee(panel),
            "meetings": list(selectors.member_meetings(panel, request.user)),
            "changes": list(selectors.panel_changes(panel)),
        },
    )


@role_required(Role.EXPERT)
def my_minutes_file(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        PanelMeeting.objects.filter(panel__members__expert__user=request.user).distinct(), pk=pk
    )
    return _minutes_response(meeting)


# --- The open call -------------------------------------------------------------------------------


def _language() -> str:
    language = (translation.get_language() or "fi")[:2]
    return language if language in ("fi", "sv", "en") else "fi"


@require_http_methods(["GET", "POST"])
def panel_apply(request: HttpRequest, token: str) -> HttpResponse:
    """The public application page of a panel (no login)."""
    panel = get_object_or_404(Panel.objects.select_related("unit__organisation"), token=token)
    notice = PrivacyNotice.current()
    context = {"panel": panel, "notice": notice, "form": None}
    if not services.panel_can_apply(panel) or notice is None:
        return render(request, "bookings/panels/apply.html", context)
    form = PanelApplicationForm(panel=panel, notice=notice)
    if request.method == "POST":
        if rate_limit_reached(request, scope=APPLY_SCOPE, limit=APPLY_LIMIT):
            return render(
                request, "bookings/panels/apply.html", {**context, "limited": True}, status=429
            )
        form = PanelApplicationForm(request.POST, panel=panel, notice=notice)
        if form.is_robot:
            return redirect("panels_public:thanks", panel.token)  # tell a robot nothing
        if form.is_valid():
            if rate_limit_exceeded(
                request, scope=APPLY_SCOPE, limit=APPLY_LIMIT, window=APPLY_WINDOW_SECONDS
            ):
                return render(
                    request, "bookings/panels/apply.html", {**context, "limited": True}, status=429
                )
            data = form.cleaned_data
            try:
                services.panel_application_submit(
                    panel=panel,
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    answers=form.answers(),
                    why=data["why"],
                    notice=notice,
                    language=_language(),
                )
            except BookingError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("panels_public:thanks", panel.token)
    return render(request, "bookings/panels/apply.html", {**context, "form": form})


def panel_apply_thanks(request: HttpRequest, token: str) -> HttpResponse:
    panel = get_object_or_404(Panel, token=token)
    return render(request, "bookings/panels/apply_thanks.html", {"panel": panel})
