"""The SMS provider's inbound webhook (issue 17, docs/notifications.md "Answers by text message").

POST only, with the shared secret in the ``X-SMS-Secret`` header (``settings.SMS_INBOUND_SECRET``;
empty: every call is refused), CSRF-exempt (this view only: the secret is the check), rate
limited per client address (``settings.SMS_INBOUND_RATE``). The fields are read by the
configured backend (``parse_inbound``); the answer goes back by SMS and in the response.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from expertbank.services.sms_inbound import sms_receive
from expertbank.sms import get_sms_backend


@csrf_exempt
@require_POST
@ratelimit(key="ip", rate=lambda group, request: settings.SMS_INBOUND_RATE, block=False)
def sms_inbound(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        return JsonResponse({"error": "too many requests"}, status=429)
    secret = settings.SMS_INBOUND_SECRET
    if not secret or not constant_time_compare(request.headers.get("X-SMS-Secret", ""), secret):
        return JsonResponse({"error": "forbidden"}, status=403)
    try:
        sender, text, message_id = get_sms_backend().parse_inbound(request)
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    reply = sms_receive(sender=sender, text=text, message_id=message_id)
    return JsonResponse({"reply": reply})
