"""Plain language (issue 17: selkokieli, lättläst, easy read): the one home of the choice.

An expert (or panel member) who chose plain language (``User.plain_language``) gets plain
versions of the expert portal's pages and of the expert-facing messages: short sentences, one
thing to do per screen, big buttons, no jargon.

Pages
    ``plain_template(user, name)`` is what a view renders: ``["plain/<name>", name]`` when the
    user chose plain language (Django takes the first that exists, so a page without a plain
    version falls back to the normal one), else ``name``. A plain page is a whole template of
    its own under ``templates/plain/``: no ``{% if plain %}`` scattered in the normal ones.

Messages
    ``plain_message_templates(kind, part)`` are the names ``render_message`` tries first for a
    recipient who chose plain language: ``notifications/<kind>/plain_<part>`` for the kinds in
    ``PLAIN_KINDS``, else none (the normal text is used).

The plain texts are msgids with the context "plain" (``pgettext("plain", …)``,
``{% translate "…" context "plain" %}``), so a catalogue translates them apart from the normal
ones.
"""

from __future__ import annotations

# The expert-facing message kinds with plain texts (templates/notifications/<kind>/plain_*).
PLAIN_KINDS = frozenset(
    {"booking_offer", "gig_reminder_48h", "gig_reminder_2h", "fee_statement_ready", "fee_paid"}
)


def plain_on(user) -> bool:
    """Whether ``user`` (a User, an AnonymousUser or None) chose plain language."""
    return bool(getattr(user, "plain_language", False))


def plain_template(user, name: str) -> str | list[str]:
    """The template (or the candidates, plain first) to render ``name`` for ``user``."""
    if plain_on(user):
        return [f"plain/{name}", name]
    return name


def plain_message_templates(kind: str, part: str) -> list[str]:
    """The plain template names to try first for a message part (``sms.txt``, ``body.txt``,
    ``subject.txt``) of ``kind``; [] for a kind without plain texts."""
    if kind in PLAIN_KINDS:
        return [f"notifications/{kind}/plain_{part}"]
    return []
