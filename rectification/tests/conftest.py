import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded evidence and scans go to a per-test folder outside the web root."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def changed():
    """Meeting ids passed to core.hooks.meeting_changed, collected after commit."""
    from core import hooks

    seen: list[int] = []
    hooks._MEETING_LISTENERS.append(seen.append)
    yield seen
    hooks._MEETING_LISTENERS.remove(seen.append)
