"""The audit app's models: edit windows and the journal history; late changes (раздел 4); compliance (п. 3.3)."""

from audit.compliance.models import *  # noqa: F403
from audit.late_changes.models import *  # noqa: F403

from .history import EditWindow, HistoryEntry, HistoryHead

__all__ = ["EditWindow", "HistoryEntry", "HistoryHead"]
