"""The summary sheet (сводная ведомость учёта успеваемости) with the change table: one class from the web,
the whole school as a Celery job the deputy watches."""

import datetime
import io
import time
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.late_changes import pdf, selectors
from audit.late_changes.models import SummarySheetBatch
from audit.late_changes.tasks import summary_sheets_build
from journal.models import Attendance, Lesson, PeriodMark, Role, TeachingAssignment
from journal.tests import factories as f

from .test_procedure import pdf_text

SUBJECTS = [
    "Русский язык",
    "Литература",
    "Родной язык",
    "Английский язык",
    "Математика",
    "Информатика",
    "История",
    "Обществознание",
    "География",
    "Биология",
    "Музыка",
    "Изобразительное искусство",
    "Технология",
    "Физическая культура",
    "ОДНКНР",
]
VALUES = ["5", "4", "4", "3", "5", "2", "н/а", "осв", "4"]


def build_class(*, school, year, period, students: int = 30, subjects: int = 15, letter: str = "В"):
    """A class of ``students`` × ``subjects`` with every period mark and some absences, in bulk."""
    teacher = f.UserFactory(roles=[Role.TEACHER])
    school_class = f.SchoolClassFactory(school=school, year=year, grade=6, letter=letter, class_teacher=teacher)
    subject_rows = [f.SubjectFactory(name=name) for name in SUBJECTS[:subjects]]
    TeachingAssignment.objects.bulk_create(
        TeachingAssignment(teacher=teacher, school_class=school_class, subject=subject) for subject in subject_rows
    )
    children = [f.StudentFactory(school_class=school_class, diary_access=False) for _ in range(students)]
    now = timezone.now()
    PeriodMark.objects.bulk_create(
        PeriodMark(
            student=child,
            subject=subject,
            period=period,
            value=VALUES[(i + j) % len(VALUES)],
            entered_by=teacher,
            entered_at=now,
            changed_by=teacher,
            changed_at=now,
        )
        for i, child in enumerate(children)
        for j, subject in enumerate(subject_rows)
    )
    lessons = [
        Lesson.objects.create(assignment=assignment, date=datetime.date(2026, 11, 16), number=n % 8 + 1)
        for n, assignment in enumerate(TeachingAssignment.objects.filter(school_class=school_class))
    ]
    Attendance.objects.bulk_create(
        Attendance(
            student=child,
            lesson=lesson,
            code="Б" if i % 2 else "Н",
            entered_by=teacher,
            entered_at=now,
            changed_by=teacher,
            changed_at=now,
        )
        for i, child in enumerate(children[:10])
        for lesson in lessons[:3]
    )
    return school_class


def time_summary_sheet(school_class, period, *, repeat: int = 3) -> float:
    """Benchmark helper: the best of ``repeat`` renders of a class's sheet (selector + WeasyPrint), in seconds."""
    school_class, period = selectors.class_and_period(class_id=school_class.pk, period_id=period.pk)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        pdf.summary_sheet_pdf(selectors.summary_sheet(school_class=school_class, period=period))
        best = min(best, time.perf_counter() - started)
    return best


@pytest.fixture
def big_class(school, year, quarter, reference_rows):
    return build_class(school=school, year=year, period=quarter)


def test_a_30_by_15_sheet_costs_a_constant_number_of_queries(
    client_for, deputy, big_class, quarter, django_assert_max_num_queries, record_property
):
    client = client_for(deputy)
    # user, class, period, students, subjects, period marks, absences, change table, the history's head
    with django_assert_max_num_queries(9):
        response = client.get(reverse("audit:summary_sheet_pdf"), {"class": big_class.pk, "period": quarter.pk})
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = pdf_text(response.content)
    assert len(reader.pages) == 2  # the sheet on one landscape page, the change table on the next
    assert "Страница 1 из 2" in text
    assert "6В" in text and "Сводная ведомость учёта успеваемости" in text
    assert all(child.user.surname in text for child in big_class.students.select_related("user"))
    assert "Таблица учёта изменений" in text
    seconds = time_summary_sheet(big_class, quarter, repeat=1)
    record_property("summary_sheet_30x15_seconds", round(seconds, 3))


def test_the_sheet_sums_marks_absences_and_averages(big_class, quarter):
    school_class, period = selectors.class_and_period(class_id=big_class.pk, period_id=quarter.pk)
    sheet = selectors.summary_sheet(school_class=school_class, period=period)
    assert len(sheet.rows) == 30 and len(sheet.subjects) == 15
    first = sheet.rows[0]
    numeric = [int(v) for v in first.marks if v.isdigit()]
    assert float(first.average) == pytest.approx(sum(numeric) / len(numeric), abs=0.01)
    assert sheet.absences == 30 and sheet.ill == 15  # ten students, three lessons each, every other one ill
    assert sheet.class_average is not None


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _zip_names(batch) -> list[str]:
    with batch.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return archive.namelist()


def test_the_whole_school_job_reports_progress_and_is_idempotent(
    client_for, deputy, media, school, year, quarter, reference_rows, django_capture_on_commit_callbacks
):
    for letter in "АБ":
        build_class(school=school, year=year, period=quarter, students=3, subjects=4, letter=letter)
    f.SchoolClassFactory(school=school, year=year, grade=10, letter="А")  # halves, not quarters: not in this job
    client = client_for(deputy)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:summary_sheets"), {"period": quarter.pk})
    assert response.status_code == 302
    batch = SummarySheetBatch.objects.get()
    assert (batch.status, batch.done, batch.total, batch.percent) == ("done", 2, 2, 100)
    status = client.get(reverse("audit:summary_sheets_status", args=[batch.pk])).json()
    assert (status["percent"], status["status"]) == (100, "done")
    assert status["download"] == reverse("audit:summary_sheets_download", args=[batch.pk])
    first_file, first_names = batch.file.name, _zip_names(batch)
    assert len(first_names) == 2 and all(name.endswith(".pdf") for name in first_names)

    page = client.get(response.url).content.decode()
    assert "js/sheet_progress.js" in page and "data-status-url" in page and "<script>" not in page

    download = client.get(status["download"])
    assert download.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist() == first_names

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("audit:summary_sheets"), {"period": quarter.pk})
    again = SummarySheetBatch.objects.get()
    assert again.pk == batch.pk
    assert (again.status, again.percent, again.file.name) == ("done", 100, first_file)
    assert _zip_names(again) == first_names
    assert len(list((media / "late_changes" / "sheets").iterdir())) == 1


def test_the_task_alone_rebuilds_the_same_batch(media, deputy, school, year, quarter, reference_rows):
    build_class(school=school, year=year, period=quarter, students=2, subjects=2, letter="А")
    from audit.late_changes import services

    batch, start = services.summary_sheet_batch_prepare(period=quarter, by=deputy)
    assert start
    assert summary_sheets_build.delay(batch.pk).get() == batch.pk
    batch.refresh_from_db()
    names = _zip_names(batch)
    # A second click while a job runs does not start another one.
    SummarySheetBatch.objects.filter(pk=batch.pk).update(status="running")
    assert services.summary_sheet_batch_prepare(period=quarter, by=deputy) == (
        SummarySheetBatch.objects.get(pk=batch.pk),
        False,
    )
    summary_sheets_build.delay(batch.pk).get()
    batch.refresh_from_db()
    assert (batch.status, batch.percent, _zip_names(batch)) == ("done", 100, names)
