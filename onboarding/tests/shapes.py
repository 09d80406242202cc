"""Tables shaped like the files schools really have, and builders that write them as .xlsx, .xls, .docx or CSV.

The federal «Конструктор рабочих программ» exports a work programme whose тематическое планирование has a row
per topic («Количество часов» over «Всего | Контрольные работы | Практические работы», the electronic resources,
a closing «ОБЩЕЕ КОЛИЧЕСТВО ЧАСОВ ПО ПРОГРАММЕ») and whose поурочное планирование has a row per lesson, with
«Дата изучения». The topics and hours below are the federal programme's for mathematics, grade 5 (170 h); the
open clone of the constructor (``src/utils/programOutline.ts``) also writes a one-row header variant with the
programme content and «Итого по разделу» rows. A school's own КТП has title rows, «Дата» over «план | факт»,
section rows from column A and numbering «1.1».

A shape is ``(rows, merges)``: cell values, and merged ranges as (first row, first column, last row, last column),
0-based and inclusive; a merged range's value stands in its top-left cell.
"""

import csv
import io

from openpyxl import Workbook

Shape = tuple[list[list], list[tuple[int, int, int, int]]]

EOR = "Библиотека ЦОК https://m.edsoo.ru/7f414452"
TOTAL = "ОБЩЕЕ КОЛИЧЕСТВО ЧАСОВ ПО ПРОГРАММЕ"

#: (topic, hours, control works, practical works, programme content) — mathematics, grade 5.
MATH_5 = [
    (
        "Натуральные числа. Действия с натуральными числами",
        43,
        2,
        0,
        "Десятичная система счисления. Ряд натуральных чисел. Натуральный ряд. Число 0. Натуральные числа на "
        "координатной прямой. Сравнение, округление натуральных чисел. Арифметические действия с натуральными "
        "числами. Делители и кратные числа, разложение числа на множители. Деление с остатком. Простые и составные "
        "числа. Признаки делимости на 2, 5, 10, 3, 9. Степень с натуральным показателем. Числовые выражения; "
        "порядок действий. Решение текстовых задач на все арифметические действия, на движение и покупки",
    ),
    (
        "Наглядная геометрия. Линии на плоскости",
        12,
        0,
        2,
        "Точка, прямая, отрезок, луч. Ломаная. Измерение длины отрезка, метрические единицы измерения длины. "
        "Окружность и круг. Практическая работа «Построение узора из окружностей». Угол. Прямой, острый, тупой и "
        "развернутый углы. Измерение углов. Практическая работа «Построение углов»",
    ),
    (
        "Обыкновенные дроби",
        48,
        2,
        0,
        "Дробь. Правильные и неправильные дроби. Основное свойство дроби. Сравнение дробей. Сложение и вычитание "
        "обыкновенных дробей. Смешанная дробь. Умножение и деление обыкновенных дробей; взаимнообратные дроби. "
        "Решение текстовых задач, содержащих дроби. Основные задачи на дроби",
    ),
    (
        "Наглядная геометрия. Многоугольники",
        10,
        0,
        1,
        "Многоугольники. Четырехугольник, прямоугольник, квадрат. Практическая работа «Построение прямоугольника "
        "с заданными сторонами на нелинованной бумаге». Треугольник. Площадь и периметр прямоугольника",
    ),
    (
        "Десятичные дроби",
        38,
        2,
        0,
        "Десятичная запись дробей. Сравнение десятичных дробей. Действия с десятичными дробями. Округление "
        "десятичных дробей. Решение текстовых задач, содержащих дроби",
    ),
    (
        "Наглядная геометрия. Тела и фигуры в пространстве",
        9,
        0,
        1,
        "Многогранники. Изображение многогранников. Модели пространственных тел. Прямоугольный параллелепипед, "
        "куб. Развертки куба и параллелепипеда. Практическая работа «Развертка куба». Объем куба, прямоугольного "
        "параллелепипеда",
    ),
    ("Повторение и обобщение", 10, 1, 0, "Повторение основных понятий и методов курса 5 класса, обобщение знаний"),
]
MATH_5_HOURS, MATH_5_CONTROL, MATH_5_PRACTICE = 170, 7, 4


def math_5_lessons() -> list[tuple[str, int, int]]:
    """The поурочное планирование: (lesson, control, practice), 170 lessons; a topic's control works close it."""
    lessons = []
    for topic, hours, control, practice, content in MATH_5:
        items = [item.strip() for item in content.split(". ") if item.strip()]
        named = [item for item in items if item.startswith("Практическая работа")]
        plain = [item for item in items if item not in named]
        own = hours - control - len(named)
        for i in range(own):
            item = plain[i * len(plain) // own]
            lessons.append((f"{item} (урок {i + 1} из {own})" if own > len(plain) else item, 0, 0))
        lessons.extend((item, 0, 1) for item in named)
        lessons.extend((f"Контрольная работа № {k + 1} по теме «{topic}»", 1, 0) for k in range(control))
        assert sum(1 for _t, _c, p in lessons[-hours:] if p) == practice
    assert len(lessons) == MATH_5_HOURS
    return lessons


def _constructor_table(title: str, tail: list[str], lines: list[list]) -> Shape:
    """The constructor's layout: «№ п/п» and the title column over two rows, «Количество часов» over «Всего |
    Контрольные работы | Практические работы», the ``tail`` columns over two rows, the rows, the closing total."""
    width = 5 + len(tail)
    rows = [
        ["№ п/п", title, "Количество часов", None, None, *tail],
        [None, None, "Всего", "Контрольные работы", "Практические работы", *[None] * len(tail)],
        *lines,
        [TOTAL, None, MATH_5_HOURS, MATH_5_CONTROL, MATH_5_PRACTICE, *[None] * len(tail)],
    ]
    merges = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 4), *((0, c, 1, c) for c in range(5, width))]
    return rows, [*merges, (len(rows) - 1, 0, len(rows) - 1, 1)]


def constructor_lessons() -> Shape:
    """ПОУРОЧНОЕ ПЛАНИРОВАНИЕ as the federal constructor writes it: a row a lesson, «Дата изучения» left empty."""
    lines = [
        [number, title, 1, control or None, practice or None, None, EOR]
        for number, (title, control, practice) in enumerate(math_5_lessons(), start=1)
    ]
    return _constructor_table("Тема урока", ["Дата изучения", "Электронные цифровые образовательные ресурсы"], lines)


def constructor_thematic() -> Shape:
    """ТЕМАТИЧЕСКОЕ ПЛАНИРОВАНИЕ of the federal constructor: a row a topic of many hours."""
    lines = [
        [number, topic, hours, control or None, practice or None, EOR]
        for number, (topic, hours, control, practice, _content) in enumerate(MATH_5, start=1)
    ]
    return _constructor_table(
        "Наименование разделов и тем программы", ["Электронные (цифровые) образовательные ресурсы"], lines
    )


def clone_thematic() -> Shape:
    """The open clone's тематическое: a one-row header with the programme content, sections, «Итого по разделу»."""
    rows = [
        [
            "№ п/п",
            "Наименование разделов и тем учебного предмета",
            "Количество часов",
            "Программное содержание",
            "Основные виды деятельности обучающихся",
        ]
    ]
    merges = []
    sections = [("Раздел 1. Числа", MATH_5[:1] + MATH_5[2:3]), ("Раздел 2. Наглядная геометрия", MATH_5[1:2])]
    for index, (section, topics) in enumerate(sections, start=1):
        rows.append([section, None, None, None, None])
        merges.append((len(rows) - 1, 0, len(rows) - 1, 4))
        for k, (topic, hours, _c, _p, content) in enumerate(topics, start=1):
            rows.append([f"{index}.{k}", topic, hours, content, "Решать задачи"])
        rows.append(["Итого по разделу", None, sum(t[1] for t in topics), None, None])
        merges += [(len(rows) - 1, 0, len(rows) - 1, 1), (len(rows) - 1, 3, len(rows) - 1, 4)]
    rows.append([TOTAL, None, 103, None, None])
    merges += [(len(rows) - 1, 0, len(rows) - 1, 1), (len(rows) - 1, 3, len(rows) - 1, 4)]
    return rows, merges


def clone_lessons() -> Shape:
    """The open clone's поурочное: one header row, the control and practical works in columns of their own."""
    rows = [["№ урока", "Тема урока", "Количество часов", "Контрольные работы", "Практические работы", "Дата изучения"]]
    for number, (title, control, practice) in enumerate(math_5_lessons()[:12], start=1):
        rows.append([number, title, 1, control or "", practice or "", ""])
    rows.append([TOTAL, None, 12, 0, 0, ""])
    return rows, [(len(rows) - 1, 0, len(rows) - 1, 1)]


def school_ktp(*, merged: bool = True) -> Shape:
    """A school's usual КТП: title rows, «Дата» over «план | факт», sections from column A, numbering «1.1»,
    «Итого по разделу» in the topic column."""
    rows = [
        ["МАОУ СОШ № 84", None, None, None, None, None],
        [
            "Календарно-тематическое планирование по математике, 5 класс, 2026/2027 учебный год",
            None,
            None,
            None,
            None,
            None,
        ],
        [None] * 6,
        ["№ п/п", "Тема урока", "Кол-во часов", "Дата", None, "Примечание"],
        [None, None, None, "план", "факт", None],
        ["Раздел 1. Натуральные числа. Действия с натуральными числами (43 ч)", None, None, None, None, None],
        ["1.1", "Десятичная система счисления", 1, "01.09", None, None],
        ["1.2", "Ряд натуральных чисел", 1, "02.09", None, None],
        ["1.3", "Контрольная работа № 1 «Натуральные числа»", 1, "03.09.2026", None, "к/р"],
        [None, "Итого по разделу", 43, None, None, None],
        ["Раздел 2. Наглядная геометрия. Линии на плоскости (12 ч)", None, None, None, None, None],
        ["2.1", "Точка, прямая, отрезок, луч", 2, "07.09–08.09", None, None],
        ["2.2", "Практическая работа «Построение углов»", 1, "09.09", None, None],
        [None, "Итого по разделу", 12, None, None, None],
        ["ИТОГО", None, 170, None, None, None],
    ]
    merges = [(0, 0, 0, 5), (1, 0, 1, 5), (3, 0, 4, 0), (3, 1, 4, 1), (3, 2, 4, 2), (3, 3, 3, 4), (3, 5, 4, 5)]
    merges += [(5, 0, 5, 5), (10, 0, 10, 5), (14, 0, 14, 1)]
    return rows, merges if merged else []


SCHOOL_KTP_TOPICS = [
    ("Натуральные числа", "Десятичная система счисления", 1, "2026-09-01"),
    ("Натуральные числа", "Ряд натуральных чисел", 1, "2026-09-02"),
    ("Натуральные числа", "Контрольная работа № 1 «Натуральные числа»", 1, "2026-09-03"),
    ("Наглядная геометрия", "Точка, прямая, отрезок, луч", 2, "2026-09-07"),
    ("Наглядная геометрия", "Практическая работа «Построение углов»", 1, "2026-09-09"),
]


# --- Builders -------------------------------------------------------------------------------------------------


def _width(rows: list[list]) -> int:
    return max(len(row) for row in rows)


def xlsx_shape(shape: Shape, *, title_rows: list[str] = (), sheet: str = "КТП") -> bytes:
    rows, merges = shape
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for line in title_rows:
        ws.append([line])
    for row in rows:
        ws.append(list(row))
    for r1, c1, r2, c2 in merges:
        offset = len(title_rows) + 1
        ws.merge_cells(start_row=r1 + offset, start_column=c1 + 1, end_row=r2 + offset, end_column=c2 + 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xls_shape(shape: Shape) -> bytes:
    import xlwt

    rows, merges = shape
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("КТП")
    covered = {(r, c) for r1, c1, r2, c2 in merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    starts = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in merges}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in starts:
                ws.write_merge(r, starts[(r, c)][0], c, starts[(r, c)][1], value)
            elif (r, c) not in covered and value is not None:
                ws.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def docx_shape(*tables: tuple[list[str], Shape], before: list[str] = ()) -> bytes:
    """A Word document: paragraphs, then each table after its own paragraphs («ПОУРОЧНОЕ ПЛАНИРОВАНИЕ», «5 КЛАСС»)."""
    import docx

    document = docx.Document()
    for text in before:
        document.add_paragraph(text)
    for paragraphs, (rows, merges) in tables:
        for text in paragraphs:
            document.add_paragraph(text)
        table = document.add_table(rows=len(rows), cols=_width(rows))
        for row, line in zip(table.rows, rows, strict=True):
            cells = row.cells  # one look-up a row: ``table.cell`` walks the whole table each time
            for c, value in enumerate(line):
                if value is not None:
                    cells[c].text = str(value)
        for r1, c1, r2, c2 in merges:
            table.cell(r1, c1).merge(table.cell(r2, c2))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def csv_shape(shape: Shape, *, encoding: str = "utf-8-sig", delimiter: str = ";") -> bytes:
    """As Excel saves a sheet: merges lost, each merged value in its first cell, quotes where the text needs them."""
    rows, _merges = shape
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([("" if v is None else v) for v in row] for row in rows)
    return buffer.getvalue().encode(encoding)
