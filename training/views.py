from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from expertbank.roles import Role, role_required, user_roles


@role_required(Role.TRAINER)
def home(request: HttpRequest) -> HttpResponse:
    """The trainer's start page."""
    return render(request, "training/home.html", {"roles": user_roles(request.user)})
