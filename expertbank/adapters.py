from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people come in by invitation from a coordinator."""

    def is_open_for_signup(self, request) -> bool:
        return False
