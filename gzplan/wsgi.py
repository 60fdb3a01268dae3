"""WSGI entry point (gunicorn gzplan.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gzplan.settings")
application = get_wsgi_application()
