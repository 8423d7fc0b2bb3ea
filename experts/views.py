from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from expertbank.roles import Role, role_required, user_roles


@role_required(Role.EXPERT)
def portal_home(request: HttpRequest) -> HttpResponse:
    """The expert's start page (phone first)."""
    return render(
        request,
        "experts/portal_home.html",
        {"expert": request.user.expert, "roles": user_roles(request.user)},
    )
