"""Meeting URLs, one list per part of the app (core lifecycle, preparation and sittings,
self-examination materials, 民主生活会)."""

from .urls_core import urlpatterns as core_patterns
from .urls_dl import urlpatterns as dl_patterns
from .urls_materials import urlpatterns as materials_patterns
from .urls_prep import urlpatterns as prep_patterns

app_name = "meetings"
urlpatterns = [*core_patterns, *prep_patterns, *materials_patterns, *dl_patterns]
