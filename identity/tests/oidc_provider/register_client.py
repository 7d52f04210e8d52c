"""`python -m identity.tests.oidc_provider.register_client CLIENT_ID SECRET URI...`:
migrate the provider's database and register (or update) Ambassador as a client."""

import sys

import django


def main(client_id: str, secret: str, redirect_uris: list[str]) -> None:
    django.setup()
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    application = Application.objects.filter(client_id=client_id).first()
    uris = set(redirect_uris)
    if application is None:
        application = Application(client_id=client_id, client_secret=secret)
    else:
        uris |= set(application.redirect_uris.split())
    application.name = "Ambassador"
    application.client_type = Application.CLIENT_CONFIDENTIAL
    application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    application.algorithm = Application.RS256_ALGORITHM
    application.skip_authorization = True
    application.redirect_uris = " ".join(sorted(uris))
    application.save()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
