"""Celery tasks of audit.late_changes (imported by audit.tasks)."""
