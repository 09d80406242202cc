"""Models of audit.compliance."""

__all__: list[str] = []
