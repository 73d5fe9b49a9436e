"""Matrix cases of this part of the meetings app."""

from tests.matrix import case, expect  # noqa: F401
