"""The cast of STYLE.md as shared fixtures (filled in by the foundation tests)."""
