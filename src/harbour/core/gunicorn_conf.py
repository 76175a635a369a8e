"""gunicorn settings for Harbour: `gunicorn -c python:harbour.core.gunicorn_conf harbour.wsgi`.

`harbour serve` loads this file too; options given on the command line win.
The logger keeps no trace of public-site visitors (harbour/core/logging.py).
"""

logger_class = "harbour.core.logging.PrivateAccessLogger"
