"""The late-change procedure (раздел 4 положения), one module per step.

- ``filing`` — п. 4.1–4.2: ``late_change_submit`` checks the initiator's request entry by entry, keeps the
  value each entry holds now, and registers the request (number «N/2026-27» and date).
- ``decision`` — ``late_change_decide``: the director approves or rejects, with a comment.
- ``applying`` — п. 4.4: ``late_change_apply``, by the sysadmin (or, in their absence, the class teacher):
  exactly the approved entries, through ``journal.services``, each written to the change table (п. 4.3).
- ``sheets`` — п. 4.3: the whole school's summary sheets with their change tables, a Celery job.
- ``inputs`` (what a caller passes) and ``entries`` (values, texts and current rows) are shared.
"""

from .applying import LateChangeConflict, late_change_apply
from .decision import late_change_decide
from .filing import late_change_submit
from .inputs import DocumentInput, EntryInput
from .sheets import summary_sheet_batch_build, summary_sheet_batch_prepare

__all__ = [
    "DocumentInput",
    "EntryInput",
    "LateChangeConflict",
    "late_change_apply",
    "late_change_decide",
    "late_change_submit",
    "summary_sheet_batch_build",
    "summary_sheet_batch_prepare",
]
