"""Web Push: the install's VAPID keys and sending one notification to one browser."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import IntegrityError, transaction
from py_vapid import Vapid
from py_vapid.utils import b64urlencode
from pywebpush import WebPushException, webpush

from backcare.reminders.models import PushSubscription, VapidKey

log = logging.getLogger(__name__)

# How long a push service keeps trying to reach a browser that is offline: past
# this a break reminder is stale.
PUSH_TTL_S = 15 * 60


def vapid_key() -> VapidKey:
    """The install's key pair, made on first use; every process gets the same one."""
    found = VapidKey.objects.filter(pk=1).first()
    if found is not None:
        return found
    key = Vapid()
    key.generate_keys()
    public = key.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    try:
        with transaction.atomic():
            return VapidKey.objects.create(
                pk=1, private_pem=key.private_pem().decode(), public_key=b64urlencode(public)
            )
    except IntegrityError:
        # Another process made it first: use theirs.
        return VapidKey.objects.get(pk=1)


def endpoint_problem(endpoint: str) -> str | None:
    """Why ENDPOINT cannot be a push service address, or None.

    Browsers' push services are always https; plain http is allowed only when
    BACKCARE_PUSH_ALLOW_HTTP is set (tests run a push service on localhost).
    """
    parts = urlsplit(endpoint)
    allowed = ("https", "http") if settings.PUSH_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        return "a push endpoint must be an https:// address"
    return None


def send_push(subscription: PushSubscription, payload: dict[str, Any], topic: str) -> bool:
    """Send PAYLOAD; a subscription the push service says is gone is deleted."""
    key = vapid_key()
    contact = settings.PUSH_CONTACT
    try:
        webpush(
            {
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(payload),
            vapid_private_key=Vapid.from_pem(key.private_pem.encode()),
            vapid_claims={"sub": contact},
            ttl=PUSH_TTL_S,
            timeout=10,
            # The same topic replaces an undelivered earlier copy at the push service.
            headers={"Topic": topic, "Urgency": "high"},
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (404, 410):
            subscription.delete()
        else:
            PushSubscription.objects.filter(pk=subscription.pk).update(last_error=str(exc)[:500])
        log.warning("push to subscription %s failed: %s", subscription.pk, exc)
        return False
    except Exception as exc:  # a network failure must not stop the other sends
        PushSubscription.objects.filter(pk=subscription.pk).update(last_error=str(exc)[:500])
        log.warning("push to subscription %s failed: %s", subscription.pk, exc)
        return False
    if subscription.last_error:
        PushSubscription.objects.filter(pk=subscription.pk).update(last_error="")
    return True
