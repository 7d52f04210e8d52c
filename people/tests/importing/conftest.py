import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The personas get real passwords: PBKDF2 would dominate the time of these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
