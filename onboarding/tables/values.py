"""Values in the cells of a school's tables: text, dates in the notations schools use, numbers, class labels.

Every error is a ``ValidationError`` whose message says what the cell should hold instead.
"""

import calendar
import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def cell_text(value: object) -> str:
    """A cell as text: numbers without a trailing «.0», dates as dd.mm.yyyy, whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def normalize_header(text: object) -> str:
    """«Дата  рождения*» → «дата рождения»; «Кол-во часов (всего)» → «кол-во часов всего»; ё → е."""
    value = str(text or "").replace("\n", " ").replace("ё", "е").replace("Ё", "Е").lower()
    value = re.sub(r"[*:()\[\]\"«»]", " ", value)
    return " ".join(value.split())


def is_number(text: str) -> bool:
    return bool(re.fullmatch(r"\d+(?:[.,]\d+)*", text or ""))


# --- Dates ----------------------------------------------------------------------------------------------------

#: Month words: the name in the nominative and genitive and the usual abbreviations (without the dot).
_MONTHS = {
    word: number
    for number, words in enumerate(
        [
            "январь января янв",
            "февраль февраля фев февр",
            "март марта мар",
            "апрель апреля апр",
            "май мая",
            "июнь июня июн",
            "июль июля июл",
            "август августа авг",
            "сентябрь сентября сен сент",
            "октябрь октября окт",
            "ноябрь ноября ноя нояб",
            "декабрь декабря дек",
        ],
        start=1,
    )
    for word in words.split()
}
_MONTH_WORD = r"[а-яё]{3,}\.?"
_DAY_MONTH_YEAR = r"(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2}))?"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
_WEEK = r"(?:-?(?:я|ая|ой))?\s*(?:неделя|недели|нед\.?)"
_WEEK_OF_MONTH = [
    re.compile(rf"^(\d|[ivx]+){_WEEK}\s+({_MONTH_WORD})$"),  # «1 неделя сентября», «I нед. сент.»
    re.compile(rf"^({_MONTH_WORD}),?\s*(\d|[ivx]+){_WEEK}$"),  # «сентябрь, 1 неделя»
]
_DAY_MONTH_NAME = re.compile(rf"^(\d{{1,2}})\s+({_MONTH_WORD})(?:\s+(\d{{4}}))?(?:\s*г\.?)?$")  # «1 сентября»
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")

ACCEPTED_DATES = gettext_lazy(
    "пишите 01.09.2026, 01.09, диапазон «01.09–05.09» или «1 неделя сентября»; клетку можно оставить пустой"
)


def month_number(word: str) -> int | None:
    return _MONTHS.get(word.lower().rstrip(".").replace("ё", "е"))


def is_month_name(text: str) -> bool:
    """«Сентябрь», «ОКТЯБРЬ 2026» — a month heading row of a КТП."""
    parts = (text or "").split()
    if not parts or len(parts) > 2 or month_number(parts[0]) is None:
        return False
    return len(parts) == 1 or re.fullmatch(r"\d{4}(?:\s*г\.?)?", parts[1]) is not None


def _unrecognised(text: str, why: str = "") -> ValidationError:
    return ValidationError(
        _("Дата «%(value)s» не распознана%(why)s: %(how)s.") % {"value": text, "why": why, "how": ACCEPTED_DATES}
    )


class _DateReader:
    def __init__(self, text: str, school_year: tuple[int, int] | None):
        self.text, self.school_year = text, school_year

    def year_for(self, month: int, year_text: str | None) -> int:
        if year_text:
            year = int(year_text)
            return 2000 + year if year < 100 else year
        if self.school_year is None:
            raise _unrecognised(self.text, _(" (нужен год)"))
        return self.school_year[0] if month >= 8 else self.school_year[1]

    def date(self, day: int, month: int, year_text: str | None) -> datetime.date:
        try:
            return datetime.date(self.year_for(month, year_text), month, day)
        except ValueError:
            raise _unrecognised(self.text, _(" (такого дня нет)")) from None

    def week_of_month(self, week_text: str, month_word: str) -> tuple[datetime.date, datetime.date]:
        """Week N of a month: the first week is the one with the month's first working day."""
        month = month_number(month_word)
        week = int(week_text) if week_text.isdigit() else _ROMAN.get(week_text)
        if month is None or not week:
            raise _unrecognised(self.text)
        year = self.year_for(month, None)
        first = datetime.date(year, month, 1)
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        first_workday = first + datetime.timedelta(days=max(0, 7 - first.weekday()) if first.weekday() >= 5 else 0)
        monday = first_workday - datetime.timedelta(days=first_workday.weekday()) + datetime.timedelta(weeks=week - 1)
        start = max(monday, first)
        if start > last:
            raise _unrecognised(self.text, _(" (в этом месяце нет %(n)s-й недели)") % {"n": week})
        return start, min(monday + datetime.timedelta(days=6), last)

    def one(self, text: str) -> tuple[datetime.date, datetime.date] | None:
        match = re.fullmatch(_DAY_MONTH_YEAR, text)
        if match:
            day = self.date(int(match[1]), int(match[2]), match[3])
            return day, day
        match = _ISO.match(text)
        if match:
            day = self.date(int(match[3]), int(match[2]), match[1])
            return day, day
        match = _DAY_MONTH_NAME.match(text)
        if match and month_number(match[2]):
            day = self.date(int(match[1]), month_number(match[2]), match[3])
            return day, day
        for pattern in _WEEK_OF_MONTH:
            match = pattern.match(text)
            if match:
                week, month = (
                    (match[1], match[2]) if match[1][0].isdigit() or match[1] in _ROMAN else (match[2], match[1])
                )
                return self.week_of_month(week, month)
        return None

    def span(self) -> tuple[datetime.date, datetime.date]:
        text = self.text.lower().replace("ё", "е")
        text = re.sub(r"[–—−‑]", "-", text)
        text = re.sub(r"\s*г\.?$|^с\s+", "", text.strip())
        text = re.sub(r"\s+по\s+", "-", text)
        found = self.one(text)
        if found:
            return found
        # A range «01.09–05.09», «01-05.09», «01.09.2026 - 05.09.2026».
        match = re.fullmatch(r"(\d{1,2}(?:[./]\d{1,2}(?:[./]\d{2,4})?)?)\s*-\s*(" + _DAY_MONTH_YEAR + r")", text)
        if match:
            end = self.one(match[2])
            start_text = match[1] if re.search(r"[./]", match[1]) else f"{match[1]}.{match[4]}"
            start = self.one(start_text) if end else None
            if start and end:
                if end[0] < start[0]:
                    raise _unrecognised(self.text, _(" (конец раньше начала)"))
                return start[0], end[1]
        # Several days listed for a topic of several lessons: «01.09, 03.09».
        parts = [p for p in re.split(r"[,;\s]+", text) if p]
        if len(parts) > 1:
            days = [self.one(p) for p in parts]
            if all(days):
                return days[0][0], days[-1][1]
        raise _unrecognised(self.text)


def parse_date_span(
    value: object, *, school_year: tuple[int, int] | None = None
) -> tuple[datetime.date, datetime.date] | None:
    """The days a cell names: one date, a range, several dates or a week of a month; ``None`` for an empty cell.

    Notations: «01.09.2026», «1.9.26», «2026-09-01», an Excel date, «01.09» and «1 сентября» (the year from the
    school year: August and later are its first year), «01.09–05.09», «01–05.09», «01.09, 03.09», «1 неделя
    сентября», «I нед. сентября», «сентябрь, 2 неделя». The first week of a month is the one with its first
    working day.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value, value
    text = " ".join(str(value).split())
    if not text:
        return None
    return _DateReader(text, school_year).span()


def parse_date(value: object, *, school_year: tuple[int, int] | None = None) -> datetime.date | None:
    """The first day a cell names (``parse_date_span``); empty → ``None``; anything else → ``ValidationError``."""
    span = parse_date_span(value, school_year=school_year)
    return span[0] if span else None


# --- Numbers ---------------------------------------------------------------------------------------------------

_HOURS_SUFFIX = re.compile(r"\s*(?:ч|час|часа|часов)\.?$", re.IGNORECASE)


def _number(text: str, *, label: str, value: str, how: str) -> Decimal:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValidationError(
            _("%(label)s «%(value)s» — не число: %(how)s.") % {"label": label, "value": value, "how": how}
        ) from None


def parse_positive_int(value: str, *, label: str, default: int | None = None, maximum: int = 1000) -> int | None:
    """«2», «2,0», «2 ч.» → 2; empty → ``default``."""
    text = _HOURS_SUFFIX.sub("", (value or "").strip())
    if not text:
        return default
    number = _number(text, label=label, value=value, how=_("впишите целое число"))
    if number != number.to_integral_value() or not 1 <= number <= maximum:
        raise ValidationError(
            _("%(label)s «%(value)s»: нужно целое число от 1 до %(max)s.")
            % {"label": label, "value": value, "max": maximum}
        )
    return int(number)


def parse_count(value: str) -> int:
    """A count that may be blank or zero («Контрольные работы»: «», «0», «1», «1,0»); text that is no number → 1."""
    text = (value or "").strip().replace(",", ".")
    if not text:
        return 0
    try:
        return max(0, int(Decimal(text)))
    except InvalidOperation:
        return 1


def parse_decimal(value: str, *, label: str, default: Decimal | None = None) -> Decimal | None:
    text = (value or "").strip()
    if not text:
        return default
    number = _number(text, label=label, value=value, how=_("впишите число, например 2 или 1,5"))
    if number <= 0:
        raise ValidationError(_("%(label)s должно быть больше нуля.") % {"label": label})
    return number


_CLASS_RE = re.compile(r"^(\d{1,2})\s*[-–]?\s*[«\"']?([А-ЯЁA-Z])[»\"']?(?:\s*КЛАСС)?$", re.IGNORECASE)
_LATIN_TO_CYRILLIC = str.maketrans("ABEKMHOPCTXY", "АВЕКМНОРСТХУ")


def parse_class_label(value: str) -> tuple[int, str]:
    """«5А», «5 а», «5-А», «11«Б»», «5А класс» → (5, «А»); Latin lookalikes are read as Cyrillic."""
    text = (value or "").strip().upper().translate(_LATIN_TO_CYRILLIC)
    match = _CLASS_RE.match(text)
    if not match or not 1 <= int(match.group(1)) <= 11:
        raise ValidationError(
            _("Класс «%(value)s» не распознан: пишите номер и букву, например 5А.") % {"value": value}
        )
    return int(match.group(1)), match.group(2).replace("Ё", "Е")


def split_list(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,\n]", value or "") if part.strip()]
