"""Meeting URLs, one list per part of the app (core lifecycle, preparation and sittings, 民主生活会)."""

from .urls_core import urlpatterns as core_patterns
from .urls_dl import urlpatterns as dl_patterns
from .urls_prep import urlpatterns as prep_patterns

app_name = "meetings"
urlpatterns = [*core_patterns, *prep_patterns, *dl_patterns]
