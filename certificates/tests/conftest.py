import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """PDFs go to a temporary folder; the rate-limit counters start at zero; passwords
    hash fast (the personas all have one)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()
