from expertbank.roles import user_roles, visible_sections


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "nav_items": visible_sections(user),
        "user_roles": sorted(user_roles(user)),
    }
