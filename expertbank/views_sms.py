"""The SMS provider's inbound webhook (issue 17, docs/notifications.md "Answers by text message").

POST only, signed: the ``X-SMS-Signature`` header is ``sha256=`` and the hex HMAC-SHA256 of the
raw body under ``settings.SMS_INBOUND_SECRET`` (empty: every call is refused), compared in
constant time. The legacy form — the secret itself in ``X-SMS-Secret`` — is taken only while
``settings.SMS_INBOUND_LEGACY_SECRET`` is on, for providers that cannot sign. CSRF-exempt (this
view only: the signature is the check), rate limited per client address
(``settings.SMS_INBOUND_RATE``). The fields are read by the configured backend
(``parse_inbound``); the answer goes back by SMS and in the response.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from expertbank.services.sms_inbound import sms_receive
from expertbank.sms import get_sms_backend

SIGNATURE_HEADER = "X-SMS-Signature"
LEGACY_HEADER = "X-SMS-Secret"


def sms_signature(body: bytes, secret: str) -> str:
    """The signature a provider sends for ``body``: ``sha256=<hex HMAC-SHA256>``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def sms_request_trusted(request: HttpRequest) -> bool:
    """The body is signed with the secret (or, legacy, carries the secret itself)."""
    secret = settings.SMS_INBOUND_SECRET
    if not secret:
        return False
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if signature:
        expected = sms_signature(request.body, secret)
        return hmac.compare_digest(signature.strip().lower().encode(), expected.encode())
    if settings.SMS_INBOUND_LEGACY_SECRET:
        return constant_time_compare(request.headers.get(LEGACY_HEADER, ""), secret)
    return False


@csrf_exempt
@require_POST
@ratelimit(key="ip", rate=lambda group, request: settings.SMS_INBOUND_RATE, block=False)
def sms_inbound(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return JsonResponse({"error": "too many requests"}, status=429)
    if not sms_request_trusted(request):
        return JsonResponse({"error": "forbidden"}, status=403)
    try:
        sender, text, message_id = get_sms_backend().parse_inbound(request)
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    reply = sms_receive(sender=sender, text=text, message_id=message_id)
    return JsonResponse({"reply": reply})
