from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bookings.models import Membership
from expertbank.roles import Role, role_required, user_roles


@role_required(Role.UNIT_MEMBER)
def unit_home(request: HttpRequest) -> HttpResponse:
    """The booking unit's start page."""
    memberships = Membership.objects.filter(user=request.user).select_related("unit__organisation")
    return render(
        request,
        "bookings/unit_home.html",
        {"memberships": memberships, "roles": user_roles(request.user)},
    )
