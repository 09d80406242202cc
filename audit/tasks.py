"""Celery finds tasks in ``<app>.tasks``; the audit app's live in its two packages."""

from audit.compliance.tasks import *  # noqa: F403
from audit.late_changes.tasks import *  # noqa: F403
