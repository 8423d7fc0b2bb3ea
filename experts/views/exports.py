"""An expert's data as one JSON file: the coordinator's download of any expert, and the
expert's own download from their profile. Both are in the audit log; a coordinator's is also
in the expert's read log, which the expert sees."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from expertbank.models import ReadEntry
from expertbank.roles import Role, role_required
from expertbank.services.audit import read_logged
from experts.export import expert_data_export
from experts.models import Expert
from experts.selectors import expert_for_portal


def _download(request: HttpRequest, expert: Expert) -> HttpResponse:
    data = expert_data_export(expert=expert, by=request.user)
    read_logged(request, kind=ReadEntry.Kind.EXPORT, obj=expert, subject_ids=[expert.user_id])
    content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(content.encode("utf-8"), content_type="application/json")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="expert-{expert.pk}-data-{stamp}.json"'
    response["Cache-Control"] = "no-store, private"
    return response


@role_required(Role.COORDINATOR)
def expert_data_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        expert = Expert.objects.select_related("user").get(pk=pk)
    except Expert.DoesNotExist as exc:
        raise Http404 from exc
    return _download(request, expert)


@role_required(Role.EXPERT)
def my_data_download(request: HttpRequest) -> HttpResponse:
    """The expert's own data; the URL takes no id, so nobody else's can be asked for."""
    return _download(request, expert_for_portal(user=request.user))
