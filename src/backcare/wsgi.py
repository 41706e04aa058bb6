"""WSGI entry point: `backcare serve` runs this under a production server."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcare.settings")

application = get_wsgi_application()
