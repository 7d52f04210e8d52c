"""The provider's people, read from the JSON file the test writes (`IDP_DIRECTORY`):

{"alice@example.com": {"password": "...", "claims": {"email": "...", "amr": ["pwd"]}}}
"""

import json
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils.crypto import constant_time_compare
from oauth2_provider.oauth2_validators import OAuth2Validator


def directory() -> dict:
    path = Path(os.environ["IDP_DIRECTORY"])
    return json.loads(path.read_text()) if path.exists() else {}


class DirectoryBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        username = (username or "").strip().lower()
        person = directory().get(username)
        if not person or not constant_time_compare(person["password"], password or ""):
            return None
        user, _ = get_user_model().objects.get_or_create(username=username)
        return user


class DirectoryValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim of the directory, whatever the scopes

    def get_additional_claims(self, request):
        person = directory().get(request.user.username, {})
        return {"email": request.user.username, "email_verified": True, **person.get("claims", {})}
