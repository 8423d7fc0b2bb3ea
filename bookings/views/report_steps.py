"""The gig report in plain language (issue 17): one question a step — hours, then kilometres,
then a receipt — with "1/3" and a way back. The answers wait in the session until the last
step sends them all through the same service as the normal form (``report_submit``); nothing
is saved before that, and a step with bad input is shown again with its error."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import pgettext

from bookings import services
from bookings.forms.report_steps import STEPS, ReceiptStepForm, ReportStepForm
from bookings.models import GigReport
from bookings.services import BookingError
from bookings.views.after import _initial, _own_gig, report_can_send
from expertbank.roles import Role, role_required


def _session_key(gig_pk: int) -> str:
    return f"plain_report:{gig_pk}"


@role_required(Role.EXPERT)
def gig_report_step(request: HttpRequest, pk: int, step: int) -> HttpResponse:
    gig = _own_gig(request, pk)  # another expert's gig answers 404
    if step not in STEPS:
        raise Http404
    report = GigReport.objects.filter(gig=gig).first()
    if not report_can_send(gig, report):
        return redirect("bookings_expert:report", gig.pk)
    key = _session_key(gig.pk)
    saved = dict(request.session.get(key, {}))
    # A step is reached only after the ones before it.
    if step > 1 and "hours" not in saved:
        return redirect("bookings_expert:report_step", gig.pk, 1)
    if step > 2 and "km" not in saved:
        return redirect("bookings_expert:report_step", gig.pk, 2)
    initial = {**_initial(gig, report), **saved}
    data = request.POST if request.method == "POST" else None
    if step < 3:
        form = ReportStepForm(data, step=step, report=report, initial=initial)
    else:
        form = ReceiptStepForm(data, request.FILES if data is not None else None)
    if data is not None and form.is_valid():
        cleaned = form.cleaned_data
        if step == 1:
            request.session[key] = {**saved, "hours": str(cleaned["hours"])}
            return redirect("bookings_expert:report_step", gig.pk, 2)
        if step == 2:
            request.session[key] = {
                **saved,
                "km": cleaned["km"],
                "km_from": cleaned["km_from"] if cleaned["km"] else "",
            }
            return redirect("bookings_expert:report_step", gig.pk, 3)
        try:
            services.report_submit(
                gig=gig,
                by=request.user,
                hours=Decimal(saved["hours"]),
                preparation_hours=report.preparation_hours if report else Decimal(0),
                km=int(saved["km"]),
                km_from=saved.get("km_from", ""),
                notes=report.notes if report else "",
                fee_declined=report.fee_declined if report else False,
                expenses=form.expenses(),
            )
        except BookingError as exc:
            form.add_error(None, str(exc))
        else:
            request.session.pop(key, None)
            messages.success(
                request, pgettext("plain", "Thank you! The coordinator got your report.")
            )
            return redirect("bookings_expert:home")
    back = (
        reverse("bookings_expert:report_step", args=[gig.pk, step - 1])
        if step > 1
        else reverse("bookings_expert:home")
    )
    return render(
        request,
        "plain/bookings/reports/step.html",
        {
            "gig": gig,
            "report": report,
            "form": form,
            "step": step,
            "steps": len(STEPS),
            "back": back,
            "told_hours": Decimal(saved["hours"]) if "hours" in saved else None,
            "told_km": saved.get("km"),
        },
        status=400 if data is not None else 200,
    )
