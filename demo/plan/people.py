"""Names and phone numbers of planned people: common Russian names, unique within a school."""

import random

from .. import names


class Namer:
    """Full names of the adults of one school, never the same «surname name patronymic» twice."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def adult(self, rng: random.Random, *, male: bool, older: bool = False) -> tuple[str, str, str]:
        while True:
            surname = rng.choice(names.SURNAMES)
            father = rng.choice(names.GRANDFATHER_NAMES)
            if male:
                name = rng.choice(names.OLDER_MEN_NAMES if older and rng.random() < 0.5 else names.FATHER_NAMES)
                full = (surname, name, names.PATRONYMICS[father][0])
            else:
                pool = names.OLDER_WOMEN_NAMES if older and rng.random() < 0.4 else names.WOMEN_NAMES
                full = (names.female_surname(surname), rng.choice(pool), names.PATRONYMICS[father][1])
            if " ".join(full) not in self.taken:
                self.taken.add(" ".join(full))
                return full


def phone(rng: random.Random) -> str:
    """A Krasnodar mobile number: +7 (918) 123-45-67."""
    code = rng.choice(["918", "928", "988", "989", "961", "900"])
    number = rng.randint(0, 9_999_999)
    return f"+7 ({code}) {number // 10000:03d}-{number // 100 % 100:02d}-{number % 100:02d}"
