"""The one Celery app of the portal.

Without REDIS_URL the settings switch on eager mode, so every task runs in-process and the
portal needs nothing but Python and SQLite. With REDIS_URL a real worker and beat run them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
