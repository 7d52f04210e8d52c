"""`manage.py demo_totp_code`: the code an authenticator app holding the demo logins'
published secret shows now (demo.mfa), for trying the demo without installing an app."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.mfa import PERIOD, demo_totp_code


class Command(BaseCommand):
    help = (
        "Print the current authenticator code of the demo HR admin and author (their "
        "authenticator app secret is public, printed by seed_demo). DEBUG only."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp_code is for the demo: it runs only with DEBUG on.")
        now = time.time()
        left = int(PERIOD - now % PERIOD)
        self.stdout.write(f"{demo_totp_code(now)}  (valid for {left} more seconds)")
