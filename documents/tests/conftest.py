import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Batch ZIPs go to a per-test folder outside the web root."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
