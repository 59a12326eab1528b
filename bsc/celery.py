"""The Celery application.

Tasks are queued with ``delay_on_commit()`` (Celery's ``DjangoTask``) so that a
worker never reads rows the web request has not committed yet. Without a broker
(``REDIS_URL`` unset) settings make every task run eagerly in the caller.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bsc.settings")

app = Celery("bsc", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
