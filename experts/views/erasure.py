"""The coordinator's erasure of an expert: a confirmation page with a warning, then a POST."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from expertbank.roles import Role, role_required
from experts.erasure import (
    ErasureRefused,
    erase_expert,
    erased_name,
    expert_erasure_refusals,
)
from experts.forms.erasure import ErasureForm
from experts.models import Expert


@role_required(Role.COORDINATOR)
def expert_erase(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(Expert.objects.select_related("user"), pk=pk)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            erase_expert(expert=expert, by=request.user)
        except ErasureRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The expert's personal data is erased."))
            return redirect("experts_coordinator:detail", pk=expert.pk)
    return render(
        request,
        "experts/coordinator/erase.html",
        {
            "expert": expert,
            "form": form,
            "refusals": expert_erasure_refusals(expert),
            "erased_name": erased_name(expert),
        },
    )
