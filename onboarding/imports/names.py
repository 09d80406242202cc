"""People's names as the three imports compare them: one key, whatever the spelling of a school's list.

«Ерёменко  Алёна», «ЕРЕМЕНКО алена» and «Еременко Алена» are one person: ё is е, case and spaces do not count
(``person_key``). A full name in one cell is read surname-first, unless its order shows otherwise: «Алёна
Сергеевна Ерёменко» has the patronymic second, so the surname is last (``split_fio``). Every lookup of a student,
a parent or a teacher goes through ``person_key``; ``same_person`` also accepts the surname and the name swapped
when the file gives no patronymic to tell the order by.
"""

import re

_PATRONYMIC = re.compile(r"(вич|вна|ична|инична)$")
_PATRONYMIC_WORDS = {"оглы", "кызы", "улы", "уулу"}  # «Гусейн оглы»: the patronymic in two words


def name_key(text: str) -> str:
    """«Ерёменко  Алёна» → «еременко алена»; «Петров - Водкин» → «петров-водкин»."""
    value = (text or "").replace("ё", "е").replace("Ё", "Е").lower()
    value = re.sub(r"\s*-\s*", "-", value)
    return " ".join(value.split())


def person_key(surname: str, name: str, patronymic: str = "") -> tuple[str, str, str]:
    return name_key(surname), name_key(name), name_key(patronymic)


def tidy_name(text: str) -> str:
    """Spaces collapsed; a part written all in capitals or all in small letters gets a capital first letter."""
    value = " ".join(re.sub(r"\s*-\s*", "-", text or "").split())
    if value and (value.isupper() or value.islower()):
        value = "-".join(
            " ".join(word[:1].upper() + word[1:].lower() for word in part.split(" ")) for part in value.split("-")
        )
        value = re.sub(r"\b(Оглы|Кызы|Улы|Уулу)\b", lambda m: m.group(1).lower(), value)
    return value


def looks_like_patronymic(word: str) -> bool:
    return bool(_PATRONYMIC.search(name_key(word))) or name_key(word) in _PATRONYMIC_WORDS


def split_fio(text: str) -> tuple[str, str, str]:
    """A full name in one cell → (surname, name, patronymic): «Ерёменко Алёна Сергеевна», or «Алёна Сергеевна
    Ерёменко» when the second word is a patronymic and the last is not."""
    parts = (text or "").split()
    if len(parts) >= 4 and name_key(parts[-1]) in _PATRONYMIC_WORDS:
        return parts[0], parts[1], " ".join(parts[2:])
    if len(parts) == 3 and looks_like_patronymic(parts[1]) and not looks_like_patronymic(parts[2]):
        return parts[2], parts[0], parts[1]
    return (parts[0] if parts else ""), (parts[1] if len(parts) > 1 else ""), " ".join(parts[2:])


def same_person(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
    """Two (surname, name, patronymic): the same names, a missing patronymic matching any; without patronymics,
    the surname and the name may stand the other way round («Алёна Ерёменко»)."""
    a, b = person_key(*a), person_key(*b)
    patronymic = not a[2] or not b[2] or a[2] == b[2]
    if a[:2] == b[:2]:
        return patronymic
    return a[:2] == (b[1], b[0]) and not (a[2] and b[2])
