"""Models of audit.late_changes."""

__all__: list[str] = []
