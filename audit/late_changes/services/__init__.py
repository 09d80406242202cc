"""The late-change procedure (раздел 4 положения), one module per step.

- ``filing`` — п. 4.1–4.2: ``late_change_submit`` checks the initiator's request entry by entry, keeps the
  value each entry holds now, and registers the request (number «N/2026-27» and date).
- ``decision`` — ``late_change_decide``: the director approves or rejects, with a comment — never their own
  request; approval stores the entries' digest (``digest``) and the database freezes them.
- ``applying`` — п. 4.4: ``late_change_apply``, by the sysadmin (or, on a day their absence is recorded, the
  class teacher; never the initiator or the approver): exactly the approved entries — the digest is checked
  again —, through ``journal.services``, each written to the change table (п. 4.3).
- ``absences`` — п. 4.4: the director or the deputy records the sysadmin's absence, or ends it early.
- ``sheets`` — п. 4.3: the whole school's summary sheets with their change tables, a Celery job.
- ``inputs`` (what a caller passes) and ``entries`` (values, texts and current rows) are shared.
"""

from .absences import may_record_absences, sysadmin_absence_create, sysadmin_absence_end
from .applying import ApplierCheck, LateChangeConflict, applier_check, late_change_apply
from .decision import decision_refusal, late_change_decide
from .filing import late_change_submit
from .inputs import DocumentInput, EntryInput
from .sheets import summary_sheet_batch_build, summary_sheet_batch_prepare

__all__ = [
    "ApplierCheck",
    "DocumentInput",
    "EntryInput",
    "LateChangeConflict",
    "applier_check",
    "decision_refusal",
    "late_change_apply",
    "late_change_decide",
    "may_record_absences",
    "late_change_submit",
    "summary_sheet_batch_build",
    "summary_sheet_batch_prepare",
    "sysadmin_absence_create",
    "sysadmin_absence_end",
]
