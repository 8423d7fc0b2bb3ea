from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from expertbank.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people come in by invitation from a coordinator."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        """The login rate limits key on the address behind our proxies (one helper for every
        limit; allauth's own answers a short X-Forwarded-For with a server error)."""
        address = client_ip(request)
        if address is None:
            raise PermissionDenied("Unable to determine the client's address")
        return address
