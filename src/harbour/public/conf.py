"""Settings of the public site that an organisation may change.

The quick exit replaces the page with a neutral site. The default is Environment
Canada's weather office (weather.gc.ca): checking the weather is something anyone
does on a phone, the site exists in English and French, is fast, and looks
unremarkable in a browser's history or on a screen glanced at over a shoulder.
An organisation may prefer a local news or search page (HARBOUR_PUBLIC_EXIT_URL,
or the Django setting of the same name); it must be an https address of another
site. See docs/public.md.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_EXIT_URL = "https://weather.gc.ca/"


def exit_url() -> str:
    value = getattr(settings, "HARBOUR_PUBLIC_EXIT_URL", None) or os.environ.get(
        "HARBOUR_PUBLIC_EXIT_URL", DEFAULT_EXIT_URL
    )
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc:
        raise ImproperlyConfigured(
            f"HARBOUR_PUBLIC_EXIT_URL must be an https address of another site, not {value!r}"
        )
    return value
