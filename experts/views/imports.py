"""Bulk import: upload a file, see the dry run row by row, confirm (all rows or none)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from expertbank.roles import Role, role_required
from experts.forms import ImportUploadForm
from experts.models import ExperienceArea, ExpertImport, Language, WorkKind
from experts.resources import IMPORT_COLUMNS
from experts.services import ExpertError
from experts.services.importing import (
    expert_import_confirm,
    expert_import_discard,
    expert_import_preview,
    expert_import_stage,
    import_template,
)

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _own_upload(request: HttpRequest, pk) -> ExpertImport:
    """Uploads are the uploader's own: another coordinator's answers 404."""
    return get_object_or_404(ExpertImport, pk=pk, uploaded_by=request.user)


def _help_context() -> dict:
    return {
        "columns": IMPORT_COLUMNS,
        "areas": ExperienceArea.objects.filter(active=True),
        "languages": Language.objects.filter(active=True),
        "work_kinds": WorkKind.objects.filter(active=True),
    }


@role_required(Role.COORDINATOR)
def import_upload(request: HttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST, request.FILES) if posted else ImportUploadForm()
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            staged = expert_import_stage(
                file_name=upload.name, content=upload.read(), by=request.user
            )
        except ExpertError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("experts_coordinator:import_preview", pk=staged.pk)
    status = 400 if form.errors else 200
    return render(
        request, "experts/coordinator/import.html", {"form": form, **_help_context()}, status=status
    )


@role_required(Role.COORDINATOR)
def import_preview(request: HttpRequest, pk) -> HttpResponse:
    upload = _own_upload(request, pk)
    if upload.status != ExpertImport.Status.PREVIEWED:
        messages.info(request, _("This file has already been handled. Upload it again if needed."))
        return redirect("experts_coordinator:import")
    try:
        outcome = expert_import_preview(upload=upload, by=request.user)
    except ExpertError:  # handled in another tab between the look above and now
        messages.info(request, _("This file has already been handled. Upload it again if needed."))
        return redirect("experts_coordinator:import")
    return render(
        request, "experts/coordinator/import_preview.html", {"upload": upload, "outcome": outcome}
    )


@role_required(Role.COORDINATOR)
@require_POST
def import_confirm(request: HttpRequest, pk) -> HttpResponse:
    upload = _own_upload(request, pk)
    try:
        outcome = expert_import_confirm(upload=upload, by=request.user)
    except ExpertError as exc:
        messages.error(request, str(exc))
        return redirect("experts_coordinator:import")
    if not outcome.imported:
        messages.error(request, _("Nothing was imported: fix the rows below and upload again."))
        return render(
            request,
            "experts/coordinator/import_preview.html",
            {"upload": upload, "outcome": outcome},
            status=400,
        )
    messages.success(
        request,
        _("%(count)s experts imported. Each of them gets an invitation by e-mail.")
        % {"count": outcome.valid_count},
    )
    return redirect("experts_coordinator:list")


@role_required(Role.COORDINATOR)
@require_POST
def import_discard(request: HttpRequest, pk) -> HttpResponse:
    upload = _own_upload(request, pk)
    expert_import_discard(upload=upload, by=request.user)
    messages.info(request, _("The file is discarded. Nothing was imported."))
    return redirect("experts_coordinator:import")


@role_required(Role.COORDINATOR)
def import_template_download(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in CONTENT_TYPES:
        raise Http404
    response = HttpResponse(
        import_template(file_format=file_format), content_type=CONTENT_TYPES[file_format]
    )
    response["Content-Disposition"] = f'attachment; filename="experts-template.{file_format}"'
    return response
