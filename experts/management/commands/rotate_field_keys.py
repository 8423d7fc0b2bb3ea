"""Re-encrypt every sensitive value with the newest key, so an old key can be dropped.

1. Put a new key first in FIELD_ENCRYPTION_KEYS, keep the old ones after it, restart.
2. Run ``manage.py rotate_field_keys``.
3. Remove the old keys from FIELD_ENCRYPTION_KEYS and restart.

After a change of FIELD_HASH_KEY run it with ``--rehash``: the duplicate-finding hashes of the
identity codes are then computed again with the new key.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from expertbank.crypto import keyed_hash, reset_keys, rotate_encrypted_fields
from expertbank.mfa import mfa_secrets_rotate
from experts.models import Expert


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the newest key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction")
        parser.add_argument(
            "--rehash",
            action="store_true",
            help="also recompute identity-code hashes with the current FIELD_HASH_KEY",
        )

    def handle(self, *args, batch_size: int, rehash: bool, **options) -> None:
        reset_keys()
        try:
            counts = rotate_encrypted_fields(batch_size=batch_size)
            # Two-factor secrets too: dropping their old key would lock their owners out.
            counts.append(mfa_secrets_rotate(batch_size=batch_size))
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        for count in counts:
            self.stdout.write(
                f"{count.label}: {count.rotated} re-encrypted, {count.current} already current"
            )
        if rehash:
            self.stdout.write(f"identity-code hashes recomputed: {self._rehash(batch_size)}")
        self.stdout.write(self.style.SUCCESS("Every value is encrypted with the newest key."))

    def _rehash(self, batch_size: int) -> int:
        changed = 0
        last_pk = 0
        while True:
            with transaction.atomic():
                experts = list(
                    Expert.objects.select_for_update()
                    .filter(pk__gt=last_pk, identity_code_hash__isnull=False)
                    .order_by("pk")
                    .only("pk", "identity_code", "identity_code_hash")[:batch_size]
                )
                if not experts:
                    return changed
                for expert in experts:
                    digest = keyed_hash(expert.identity_code) if expert.identity_code else None
                    if digest != expert.identity_code_hash:
                        Expert.objects.filter(pk=expert.pk).update(identity_code_hash=digest)
                        changed += 1
                last_pk = experts[-1].pk
