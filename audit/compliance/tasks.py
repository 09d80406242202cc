"""Celery tasks of audit.compliance (imported by audit.tasks)."""
