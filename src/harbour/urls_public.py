"""The public site alone (HARBOUR_SITE=public, and /help/ requests when both are served).

Its patterns are taken from harbour.urls, which stays the one place where URLs
are added: whatever is mounted under help/ there is public, everything else is
staff. The root only points to /help/ (people type the bare host name); every
other path is a plain public 404 that names nothing of the staff site.
"""

from django.urls import path
from django.views.generic import RedirectView

from harbour.core.site import PUBLIC_PREFIX, is_public_pattern
from harbour.urls import urlpatterns as all_urlpatterns

urlpatterns: list[object] = [
    *(entry for entry in all_urlpatterns if is_public_pattern(entry)),
    path("", RedirectView.as_view(url=PUBLIC_PREFIX, permanent=False)),
]

handler400 = "harbour.public.site_errors.bad_request"
handler403 = "harbour.public.site_errors.permission_denied"
handler404 = "harbour.public.site_errors.page_not_found"
handler500 = "harbour.public.site_errors.server_error"
