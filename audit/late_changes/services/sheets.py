"""The summary sheets of the whole school for a period (п. 4.3: the change table «подшивается к распечатанной
сводной ведомости учёта успеваемости»), built by a Celery job into one ZIP."""

import datetime
import hashlib
import io
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from journal.models import SchoolClass, StudyPeriod, User

from .. import selectors
from ..models import SummarySheetBatch

#: Archive members carry a fixed date, so building the same sheets twice gives the same archive layout.
ZIP_DATE = (2000, 1, 1, 0, 0, 0)


def classes_key(class_ids: list[int]) -> str:
    """The fingerprint of a set of classes: the same set gives the same batch row and file."""
    return hashlib.sha256(",".join(str(pk) for pk in sorted(set(class_ids))).encode()).hexdigest()


def summary_sheet_batch_prepare(*, period: StudyPeriod, by: User | None, class_ids: list[int] | None = None):
    """The batch row for a period and a set of classes (the whole school by default), reset to «queued».

    Returns ``(batch, start)``: ``start`` is False while the same batch is already queued or running (a second
    click does not start a second job), unless it has been stuck for longer than the task's time limit.
    """
    if class_ids is None:
        class_ids = [c.pk for c in selectors.classes_of_period(period)]
    key = classes_key(class_ids)
    now = timezone.now()
    batch, created = SummarySheetBatch.objects.select_for_update().get_or_create(
        period=period,
        classes_key=key,
        defaults={
            "class_ids": sorted(set(class_ids)),
            "total": len(set(class_ids)),
            "requested_by": by,
            "requested_at": now,
        },
    )
    busy = batch.status in (SummarySheetBatch.Status.QUEUED, SummarySheetBatch.Status.RUNNING)
    stuck = now - batch.requested_at > datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    if not created and busy and not stuck:
        return batch, False
    batch.class_ids = sorted(set(class_ids))
    batch.total = len(batch.class_ids)
    batch.done = 0
    batch.status = SummarySheetBatch.Status.QUEUED
    batch.error = ""
    batch.requested_by = by
    batch.requested_at = now
    batch.finished_at = None
    batch.save()
    return batch, True


def summary_sheet_batch_build(*, batch_id: int) -> SummarySheetBatch:
    """Render every class's summary sheet (with its change table) into one ZIP, reporting progress as it goes.

    Idempotent: the archive replaces the batch's previous one under the same name.
    """
    from .. import pdf  # WeasyPrint is loaded only where documents are made

    batch = SummarySheetBatch.objects.select_related("period__year").get(pk=batch_id)
    period = batch.period
    classes = list(
        SchoolClass.objects.select_related("school", "year", "class_teacher")
        .filter(pk__in=batch.class_ids)
        .order_by("grade", "letter")
    )
    batches = SummarySheetBatch.objects.filter(pk=batch.pk)
    batches.update(status=SummarySheetBatch.Status.RUNNING, done=0, total=len(classes), error="")
    try:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, school_class in enumerate(classes, start=1):
                sheet = selectors.summary_sheet(school_class=school_class, period=period)
                info = zipfile.ZipInfo(pdf.summary_sheet_filename(school_class, period), date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, pdf.summary_sheet_pdf(sheet))
                batches.update(done=done)
        name = f"late_changes/sheets/svodnye-vedomosti-{period.pk}-{batch.classes_key[:16]}.zip"
        if batch.file and batch.file.name != name:
            batch.file.delete(save=False)
        default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(buffer.getvalue()))
    except Exception as error:
        batches.update(status=SummarySheetBatch.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now())
        raise
    batches.update(status=SummarySheetBatch.Status.DONE, file=saved, done=len(classes), finished_at=timezone.now())
    batch.refresh_from_db()
    return batch
