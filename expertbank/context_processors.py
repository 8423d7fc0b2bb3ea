from expertbank.contact import bank_contact
from expertbank.roles import nav_menu, user_roles


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "nav_entries": nav_menu(user),
        "user_roles": sorted(user_roles(user)),
    }


def contact(request) -> dict:
    """The bank's name, phone, e-mail and opening hours in the active language, for the site's
    footer and the login page."""
    return {"bank_contact": bank_contact()}
