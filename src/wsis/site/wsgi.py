"""WSGI entry point for gunicorn and other servers."""

import os

from django.core.wsgi import get_wsgi_application

from wsis.reference.loader import knowledge

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsis.site.settings")
# Validate the reference files before serving anything: a broken file stops start-up with every problem
# listed, instead of a site running on half-loaded knowledge.
knowledge()
application = get_wsgi_application()

# Before the first visitor, not during their request (wsis.site.warm says what and why).
from wsis.site.warm import warm_process  # noqa: E402 - needs the settings that get_wsgi_application set up

warm_process()
