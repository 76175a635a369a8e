"""The staff site alone (HARBOUR_SITE=staff): every pattern of harbour.urls except /help/."""

from harbour.core.site import is_public_pattern
from harbour.urls import handler403, handler404, handler500
from harbour.urls import urlpatterns as all_urlpatterns

urlpatterns: list[object] = [entry for entry in all_urlpatterns if not is_public_pattern(entry)]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
