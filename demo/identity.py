"""Two weeks of sign-ins for the demo company, so HR's sign-in log shows what a real one
does: people signing in from the offices' networks on working days, a few mistyped
passwords, and one night of someone guessing addresses from outside.

`demo_sign_ins_seed(seed=S)` does nothing if the log already has events. The events are
written in bulk, as history (the services record events as they happen).
"""

import datetime
import random

from django.utils import timezone

from identity.models import AuditEvent
from people.demo import DEMO_LOGINS
from people.models import User

PEOPLE = 300  # at most this many people signed in over the two weeks
OFFICES = ["10.20.1.", "10.20.7.", "10.44.3.", "172.16.9."]
GUESSER = "203.0.113.50"


def _moment(rng, day: datetime.date) -> datetime.datetime:
    at = datetime.time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
    return timezone.make_aware(datetime.datetime.combine(day, at))


def demo_sign_ins_seed(*, seed: int = 2026, stdout=None) -> int:
    if AuditEvent.objects.exists():
        if stdout is not None:
            stdout.write("Sign-in log: already there (nothing changed).")
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    workdays = [
        day
        for day in (today - datetime.timedelta(days=n) for n in range(1, 15))
        if day.weekday() < 5
    ]
    logins = {spec.email for spec in DEMO_LOGINS}
    people = list(
        User.objects.filter(is_active=True)
        .exclude(email__in=logins)
        .order_by("pk")
        .values_list("pk", "email")[: PEOPLE * 10]
    )
    people = rng.sample(people, min(PEOPLE, len(people)))
    events = []
    for pk, email in people:
        office = rng.choice(OFFICES) + str(rng.randint(2, 250))
        for day in rng.sample(workdays, rng.randint(1, min(4, len(workdays)))):
            at = _moment(rng, day)
            if rng.random() < 0.05:  # a mistyped password, then the right one
                events.append(
                    AuditEvent(
                        created_at=at - datetime.timedelta(seconds=20),
                        kind=AuditEvent.Kind.SIGN_IN_FAILED,
                        success=False,
                        user_id=pk,
                        email=email,
                        method="password",
                        ip_address=office,
                    )
                )
            events.append(
                AuditEvent(
                    created_at=at,
                    kind=AuditEvent.Kind.SIGN_IN,
                    user_id=pk,
                    email=email,
                    method="password",
                    ip_address=office,
                )
            )
    if workdays:
        night = timezone.make_aware(
            datetime.datetime.combine(workdays[len(workdays) // 2], datetime.time(2, 14))
        )
        events.extend(
            AuditEvent(
                created_at=night + datetime.timedelta(seconds=7 * n),
                kind=AuditEvent.Kind.SIGN_IN_FAILED,
                success=False,
                email=f"{rng.choice(['admin', 'ceo', 'it', 'hr', 'test'])}{n}@example.com",
                method="password",
                ip_address=GUESSER,
            )
            for n in range(12)
        )
    events.sort(key=lambda event: event.created_at)  # ids in time order, as when recorded
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    if stdout is not None:
        stdout.write(f"Sign-in log: {len(events):,} events over two weeks.")
    return len(events)


def demo_scim_tokens_seed(*, stdout=None) -> int:
    """Two SCIM tokens, so HR's token page shows what a real one does: the identity
    provider's token in use, and an earlier one revoked. Their secrets are thrown away
    (never printed): the demo needs no working token, and HR can make one on the page."""
    from identity.scim.models import ScimToken
    from identity.scim.tokens import scim_token_create, scim_token_revoke

    if ScimToken.objects.exists():
        if stdout is not None:
            stdout.write("SCIM tokens: already there (nothing changed).")
        return 0
    hr = User.objects.filter(email="hr@example.com").first()
    pilot, _secret = scim_token_create(name="Entra ID (pilot)", created_by=hr)
    scim_token_revoke(token_id=pilot.pk, by=hr)
    current, _secret = scim_token_create(name="Okta", created_by=hr)
    now = timezone.now()
    ScimToken.objects.filter(pk=pilot.pk).update(
        created_at=now - datetime.timedelta(days=40),
        last_used_at=now - datetime.timedelta(days=31),
        revoked_at=now - datetime.timedelta(days=30),
    )
    ScimToken.objects.filter(pk=current.pk).update(
        created_at=now - datetime.timedelta(days=30),
        last_used_at=now - datetime.timedelta(hours=3),
    )
    if stdout is not None:
        stdout.write("SCIM tokens: 2 (one revoked); their secrets were not kept.")
    return 2
