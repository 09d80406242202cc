"""The audit app's models: late changes (раздел 4) and compliance (п. 3.3)."""

from audit.compliance.models import *  # noqa: F403
from audit.late_changes.models import *  # noqa: F403
