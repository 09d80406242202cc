"""Guardianships with their applications, the diary grants (django-guardian) and the receipts of the credentials."""

from django.contrib.auth.models import Permission

from journal.models import CredentialReceipt, Guardianship, StudentUserObjectPermission

from ..plan import at
from . import BATCH, Written


def write_guardianships(w: Written) -> None:
    plan = w.plan
    permission = Permission.objects.get(content_type__app_label="journal", codename="view_diary")
    rows, grants = [], []
    for g in plan.guardianships:
        rows.append(
            Guardianship(
                parent=w.users[g.parent],
                student=w.students[g.student],
                kind=g.parent.kind,
                status=g.status,
                application_date=g.applied,
                decided_at=g.decided,
                ended_at=g.ended,
                end_reason=g.end_reason,
            )
        )
        if g.status == Guardianship.Status.ACTIVE:
            grants.append(
                StudentUserObjectPermission(
                    user=w.users[g.parent], permission=permission, content_object=w.students[g.student]
                )
            )
    # Applications are numbered in the order they came in.
    rows.sort(key=lambda g: (g.application_date, g.parent.username))
    for number, row in enumerate(rows, start=1):
        row.application_number = f"З-{number:04d}"
    Guardianship.objects.bulk_create(rows, batch_size=BATCH)
    grants += [
        StudentUserObjectPermission(user=w.users[s], permission=permission, content_object=w.students[s])
        for s in plan.students
    ]
    StudentUserObjectPermission.objects.bulk_create(grants, batch_size=BATCH)
    w.counts["guardianships"] = len(rows)
    w.counts["diary_permissions"] = len(grants)
    _write_receipts(w)


def _write_receipts(w: Written) -> None:
    """Документ о получении учётной записи, numbered in the order they were signed."""
    signed = [(p.receipt, w.users[p]) for p in w.plan.parents if p.receipt]
    signed += [(s.receipt, w.users[s]) for s in w.plan.students if s.receipt]
    signed.sort(key=lambda r: (r[0], r[1].username))
    sysadmin = w.users[w.plan.staff["sysadmin"]]
    rows = [
        CredentialReceipt(user=user, number=f"УЗ-{n:04d}", date=day, recorded_by=sysadmin)
        for n, (day, user) in enumerate(signed, start=1)
    ]
    CredentialReceipt.objects.bulk_create(rows, batch_size=BATCH)
    # ``recorded_at`` is auto_now_add: put it on the day the document was signed, not on the seed's clock.
    for day in sorted({r.date for r in rows}):
        CredentialReceipt.objects.filter(date=day).update(recorded_at=at(day, 16))
    w.counts["credential_receipts"] = len(rows)
