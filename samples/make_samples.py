"""Sample files for onboarding a school: people (teachers, students, parents) and a КТП, as XLSX and CSV.

    .venv/bin/python samples/make_samples.py

writes next to this script:

- people_teachers.xlsx / .csv — 6 teachers with their subjects and assignments in 5А and 5Б;
- people_students.xlsx / .csv — 12 students of 5А and 5Б;
- people_parents.xlsx / .csv — their parents, with registered applications for the diary;
- ktp.xlsx / ktp.csv — the КТП of 5th-grade mathematics for the first quarter (a title block above the
  header, section rows, Russian dates), for the teacher of math in 5А;
- ktp_school.xlsx — the same КТП in a school's usual template: title rows, «Дата» merged over «план | факт»,
  section rows from column A with their hours, numbering «1.1», «Итого по разделу» rows;
- ktp_constructor.docx — the same lessons as the federal «Конструктор рабочих программ» writes its «Поурочное
  планирование» in Word: a two-row header («Количество часов» over «Всего | Контрольные работы | Практические
  работы»), «Дата изучения», the electronic resources, the closing «ОБЩЕЕ КОЛИЧЕСТВО ЧАСОВ ПО ПРОГРАММЕ».

The XLSX files start with a title block above the header, as exported files usually do; the CSV files
are UTF-8 with a BOM and «;» between columns, as Excel saves them in a Russian locale. The data is
invented; the files are regenerated identically every run.
"""

import csv
import datetime
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent

TEACHERS_HEADER = [
    "Фамилия",
    "Имя",
    "Отчество",
    "E-mail",
    "Телефон",
    "Должность",
    "Образование",
    "Категория",
    "Стаж",
    "Предмет",
    "Классы",
    "Часов в неделю",
    "Классный руководитель",
]
TEACHERS = [
    [
        "Орлова",
        "Галина",
        "Петровна",
        "orlova.gp@school84.example",
        "+7 918 100-00-01",
        "учитель математики",
        "высшее, КубГУ",
        "высшая",
        "24",
        "Математика",
        "5А, 5Б",
        "5",
        "5А",
    ],
    [
        "Белов",
        "Игорь",
        "Степанович",
        "belov.is@school84.example",
        "+7 918 100-00-02",
        "учитель русского языка и литературы",
        "высшее, КубГУ",
        "первая",
        "15",
        "Русский язык",
        "5А, 5Б",
        "5",
        "5Б",
    ],
    [
        "Белов",
        "Игорь",
        "Степанович",
        "belov.is@school84.example",
        "+7 918 100-00-02",
        "учитель русского языка и литературы",
        "высшее, КубГУ",
        "первая",
        "15",
        "Литература",
        "5А, 5Б",
        "3",
        "",
    ],
    [
        "Зайцева",
        "Нина",
        "Андреевна",
        "zaitseva.na@school84.example",
        "+7 918 100-00-03",
        "учитель истории",
        "высшее, АГПУ",
        "первая",
        "9",
        "История",
        "5А, 5Б",
        "2",
        "",
    ],
    [
        "Крылова",
        "Елена",
        "Викторовна",
        "krylova.ev@school84.example",
        "+7 918 100-00-04",
        "учитель биологии",
        "высшее, КубГУ",
        "соответствие",
        "4",
        "Биология",
        "5А, 5Б",
        "1",
        "",
    ],
    [
        "Тихонов",
        "Павел",
        "Олегович",
        "tikhonov.po@school84.example",
        "+7 918 100-00-05",
        "учитель географии",
        "высшее, КубГУ",
        "без категории",
        "2",
        "География",
        "5А, 5Б",
        "1",
        "",
    ],
    [
        "Воронина",
        "Алла",
        "Сергеевна",
        "voronina.as@school84.example",
        "+7 918 100-00-06",
        "учитель английского языка",
        "высшее, ПГЛУ",
        "высшая",
        "18",
        "Английский язык",
        "5А, 5Б",
        "3",
        "",
    ],
]

STUDENTS_HEADER = ["№ личного дела", "Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Класс", "Адрес"]
STUDENTS = [
    ["5А-001", "Алексеев", "Тимофей", "Романович", "12.03.2015", "м", "5А", "г. Краснодар, ул. Северная, 10"],
    ["5А-002", "Борисова", "Алиса", "Денисовна", "02.07.2015", "ж", "5А", "г. Краснодар, ул. Красная, 22"],
    ["5А-003", "Григорьев", "Лев", "Артёмович", "28.11.2014", "м", "5А", "г. Краснодар, ул. Ставропольская, 5"],
    ["5А-004", "Данилова", "Ева", "Максимовна", "15.01.2015", "ж", "5А", "г. Краснодар, ул. Кубанская, 3"],
    ["5А-005", "Егоров", "Марк", "Ильич", "09.09.2014", "м", "5А", "г. Краснодар, ул. Рашпилевская, 41"],
    ["5А-006", "Жукова", "Варвара", "Никитична", "21.05.2015", "ж", "5А", "г. Краснодар, ул. Мира, 18"],
    ["5Б-001", "Зуев", "Даниил", "Олегович", "04.04.2015", "м", "5Б", "г. Краснодар, ул. Садовая, 7"],
    ["5Б-002", "Ильина", "София", "Андреевна", "30.06.2015", "ж", "5Б", "г. Краснодар, ул. Гоголя, 12"],
    ["5Б-003", "Киселёв", "Матвей", "Сергеевич", "17.10.2014", "м", "5Б", "г. Краснодар, ул. Длинная, 90"],
    ["5Б-004", "Ларина", "Полина", "Игоревна", "08.02.2015", "ж", "5Б", "г. Краснодар, ул. Октябрьская, 4"],
    ["5Б-005", "Медведев", "Арсений", "Павлович", "23.08.2014", "м", "5Б", "г. Краснодар, ул. Седина, 15"],
    ["5Б-006", "Никитина", "Ульяна", "Викторовна", "11.12.2014", "ж", "5Б", "г. Краснодар, ул. Шоссе Нефтяников, 2"],
]

PARENTS_HEADER = [
    "Фамилия",
    "Имя",
    "Отчество",
    "Телефон",
    "E-mail",
    "Кем приходится",
    "№ личного дела ребёнка",
    "№ заявления",
    "Дата заявления",
]
PARENTS = [
    [
        "Алексеева",
        "Ольга",
        "Игоревна",
        "+7 900 200-00-01",
        "alekseeva.oi@mail.example",
        "мать",
        "5А-001",
        "З-101",
        "28.08.2026",
    ],
    [
        "Алексеев",
        "Роман",
        "Петрович",
        "+7 900 200-00-02",
        "alekseev.rp@mail.example",
        "отец",
        "5А-001",
        "З-102",
        "28.08.2026",
    ],
    [
        "Борисова",
        "Марина",
        "Олеговна",
        "+7 900 200-00-03",
        "borisova.mo@mail.example",
        "мать",
        "5А-002",
        "З-103",
        "29.08.2026",
    ],
    ["Григорьева", "Анна", "Сергеевна", "+7 900 200-00-04", "", "мать", "5А-003", "З-104", "29.08.2026"],
    ["Данилов", "Максим", "Юрьевич", "", "danilov.my@mail.example", "отец", "5А-004", "З-105", "30.08.2026"],
    ["Егорова", "Светлана", "Ивановна", "+7 900 200-00-06", "egorova.si@mail.example", "мать", "5А-005", "", ""],
    [
        "Жукова",
        "Татьяна",
        "Николаевна",
        "+7 900 200-00-07",
        "zhukova.tn@mail.example",
        "мать",
        "5А-006",
        "З-107",
        "31.08.2026",
    ],
    [
        "Зуева",
        "Наталья",
        "Олеговна",
        "+7 900 200-00-08",
        "zueva.no@mail.example",
        "мать",
        "5Б-001",
        "З-108",
        "31.08.2026",
    ],
    [
        "Ильина",
        "Екатерина",
        "Павловна",
        "+7 900 200-00-09",
        "ilina.ep@mail.example",
        "мать",
        "5Б-002",
        "З-109",
        "01.09.2026",
    ],
    [
        "Киселёва",
        "Юлия",
        "Андреевна",
        "+7 900 200-00-10",
        "kiseleva.yua@mail.example",
        "мать",
        "5Б-003",
        "З-110",
        "01.09.2026",
    ],
    [
        "Ларин",
        "Игорь",
        "Владимирович",
        "+7 900 200-00-11",
        "larin.iv@mail.example",
        "отец",
        "5Б-004",
        "З-111",
        "02.09.2026",
    ],
    [
        "Медведева",
        "Ирина",
        "Алексеевна",
        "+7 900 200-00-12",
        "medvedeva.ia@mail.example",
        "мать",
        "5Б-005",
        "З-112",
        "02.09.2026",
    ],
    [
        "Никитина",
        "Вера",
        "Михайловна",
        "+7 900 200-00-13",
        "nikitina.vm@mail.example",
        "опекун",
        "5Б-006",
        "З-113",
        "03.09.2026",
    ],
    # A parent of two children: one person, two rows (the e-mail is the key).
    [
        "Ильина",
        "Екатерина",
        "Павловна",
        "+7 900 200-00-09",
        "ilina.ep@mail.example",
        "мать",
        "5А-002",
        "З-114",
        "03.09.2026",
    ],
]

KTP_HEADER = ["№ п/п", "Тема урока", "Кол-во часов", "Дата проведения", "Вид работы"]
KTP_SECTIONS = [
    (
        "Повторение курса начальной школы",
        [
            "Повторение: действия с многозначными числами",
            "Повторение: решение текстовых задач",
            "Входная контрольная работа",
        ],
    ),
    (
        "Натуральные числа",
        [
            "Ряд натуральных чисел",
            "Десятичная запись натуральных чисел",
            "Сравнение натуральных чисел",
            "Координатный луч",
            "Округление натуральных чисел",
            "Решение задач на сравнение и округление",
        ],
    ),
    (
        "Действия с натуральными числами",
        [
            "Сложение натуральных чисел и его свойства",
            "Вычитание натуральных чисел",
            "Числовые и буквенные выражения",
            "Уравнения",
            "Умножение натуральных чисел и его свойства",
            "Деление нацело",
            "Деление с остатком",
            "Степень числа",
            "Порядок действий в вычислениях",
            "Решение задач на все действия",
            "Контрольная работа № 1 «Действия с натуральными числами»",
            "Анализ контрольной работы",
        ],
    ),
]
#: Autumn holidays of 2026/27 (no lessons planned on them).
HOLIDAYS = (datetime.date(2026, 10, 26), datetime.date(2026, 11, 4))


def _school_days(start: datetime.date):
    day = start
    while True:
        if day.isoweekday() <= 5 and not HOLIDAYS[0] <= day <= HOLIDAYS[1]:
            yield day
        day += datetime.timedelta(days=1)


def ktp_rows() -> list[list]:
    """(№, тема, часы, дата, вид работы) with section rows; math is taught every school day (5 h a week)."""
    days = _school_days(datetime.date(2026, 9, 1))
    rows, number = [], 0
    for index, (section, topics) in enumerate(KTP_SECTIONS, start=1):
        rows.append(["", f"Раздел {index}. {section}", "", "", ""])
        for title in topics:
            number += 1
            hours = 2 if title.startswith(("Уравнения", "Деление с остатком")) else 1
            first = next(days)
            for _ in range(hours - 1):
                next(days)
            work = "Контрольная работа" if "онтрольная работа" in title else ""
            rows.append([number, title, hours, first.strftime("%d.%m.%Y"), work])
    return rows


def write_xlsx(path: Path, header: list[str], rows: list[list], *, title: list[str]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Лист1"
    for line in title:
        sheet.append([line])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column[len(title) + 1 :]) if sheet.max_row > len(title) else 10
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    _save(book, path)


def _save(book: Workbook, path: Path) -> None:
    book.properties.creator = "МАОУ СОШ № 84"
    book.properties.created = datetime.datetime(2026, 8, 25, 9, 0)
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_reproducible(buffer.getvalue()))


def _reproducible(data: bytes) -> bytes:
    """The same bytes every run: fixed zip entry times and a fixed «modified» date in the document properties."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-08-25T09:00:00Z", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 8, 25, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()


def write_school_ktp(path: Path) -> None:
    """The КТП in a school's template (merges as Excel keeps them)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "КТП"
    sheet.append(["МАОУ СОШ № 84"])
    sheet.append(["Календарно-тематическое планирование по математике, 5 класс, I четверть 2026/2027 учебного года"])
    sheet.append([])
    sheet.append(["№ п/п", "Тема урока", "Кол-во часов", "Дата", None, "Форма контроля"])
    sheet.append([None, None, None, "план", "факт", None])
    for cells in ("A1:F1", "A2:F2", "A4:A5", "B4:B5", "C4:C5", "D4:E4", "F4:F5"):
        sheet.merge_cells(cells)
    section_index, number, hours = 0, 0, 0
    for row in ktp_rows():
        if not row[0]:
            if section_index:
                sheet.append([None, "Итого по разделу", hours])
            section_index, number, hours = section_index + 1, 0, 0
            sheet.append([row[1]])
            sheet.merge_cells(f"A{sheet.max_row}:F{sheet.max_row}")
            continue
        number += 1
        hours += row[2]
        sheet.append([f"{section_index}.{number}", row[1], row[2], row[3][:5], None, "К/р" if row[4] else None])
    sheet.append([None, "Итого по разделу", hours])
    for letter, width in zip("ABCDEF", (8, 60, 12, 10, 10, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    _save(book, path)


def write_constructor_docx(path: Path) -> None:
    """The lessons as the constructor's «Поурочное планирование» in Word: no dates, as the constructor leaves them."""
    import docx

    document = docx.Document()
    for text in ("ПОУРОЧНОЕ ПЛАНИРОВАНИЕ", "5 КЛАСС"):
        document.add_paragraph(text).runs[0].bold = True
    lessons = [row for row in ktp_rows() if row[0]]
    table = document.add_table(rows=len(lessons) + 3, cols=7)
    table.style = "Table Grid"
    head = [
        "№ п/п",
        "Тема урока",
        "Количество часов",
        "",
        "",
        "Дата изучения",
        "Электронные цифровые образовательные ресурсы",
    ]
    lines = [head, ["", "", "Всего", "Контрольные работы", "Практические работы", "", ""]]
    for number, title, hours, _day, work in lessons:
        lines.append(
            [str(number), title, str(hours), "1" if work else "", "", "", "Библиотека ЦОК https://m.edsoo.ru/7f414452"]
        )
    controls = sum(1 for row in lessons if row[4])
    lines.append(
        ["ОБЩЕЕ КОЛИЧЕСТВО ЧАСОВ ПО ПРОГРАММЕ", "", str(sum(row[2] for row in lessons)), str(controls), "0", "", ""]
    )
    for row, line in zip(table.rows, lines, strict=True):
        for cell, text in zip(row.cells, line, strict=True):
            cell.text = text
    for first, last in (((0, 0), (1, 0)), ((0, 1), (1, 1)), ((0, 2), (0, 4)), ((0, 5), (1, 5)), ((0, 6), (1, 6))):
        table.cell(*first).merge(table.cell(*last))
    table.cell(len(lines) - 1, 0).merge(table.cell(len(lines) - 1, 1))
    properties = document.core_properties
    properties.author = properties.last_modified_by = "МАОУ СОШ № 84"
    properties.created = properties.modified = datetime.datetime(2026, 8, 25, 9, 0)
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(_reproducible(buffer.getvalue()))


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    files = [
        (
            "people_teachers",
            TEACHERS_HEADER,
            TEACHERS,
            ["МАОУ СОШ № 84", "Педагогические работники и нагрузка на 2026/27 учебный год"],
        ),
        ("people_students", STUDENTS_HEADER, STUDENTS, ["МАОУ СОШ № 84", "Контингент обучающихся 5-х классов"]),
        ("people_parents", PARENTS_HEADER, PARENTS, ["МАОУ СОШ № 84", "Родители (законные представители)"]),
        ("ktp", KTP_HEADER, ktp_rows(), ["Календарно-тематическое планирование", "Математика, 5 класс, I четверть"]),
    ]
    for name, header, rows, title in files:
        write_xlsx(HERE / f"{name}.xlsx", header, rows, title=title)
        write_csv(HERE / f"{name}.csv", header, rows)
        print(f"{name}.xlsx, {name}.csv: {len(rows)} строк")
    write_school_ktp(HERE / "ktp_school.xlsx")
    write_constructor_docx(HERE / "ktp_constructor.docx")
    print("ktp_school.xlsx, ktp_constructor.docx")


if __name__ == "__main__":
    main()
