"""The expert's own training: schedule, attendance, certificates (link target for the portal)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify

from expertbank.roles import Role, role_required, user_roles
from training import selectors
from training.models import Certificate


@role_required(Role.EXPERT)
def my_training(request: HttpRequest) -> HttpResponse:
    expert = request.user.expert
    return render(
        request,
        "training/my_training.html",
        {
            "enrollments": selectors.expert_enrollments(expert),
            "upcoming": selectors.expert_upcoming_sessions(expert, now=timezone.now()),
        },
    )


@role_required(Role.EXPERT, Role.COORDINATOR)
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert's own certificate, or any for a coordinator; anyone else's answers 404."""
    certificates = Certificate.objects.select_related("enrollment__expert__user")
    if Role.COORDINATOR not in user_roles(request.user):
        certificates = certificates.filter(enrollment__expert__user=request.user)
    certificate = get_object_or_404(certificates, pk=pk)
    try:
        handle = certificate.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    name = slugify(certificate.enrollment.expert.name) or "certificate"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{name}-{certificate.number}.pdf",
        content_type="application/pdf",
    )
