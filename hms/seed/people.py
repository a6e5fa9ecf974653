"""Swedish-looking people for the demo hospital: names, identity numbers,
addresses and phone numbers, all drawn from one seeded random generator.

Faker (sv_SE) supplies the vocabulary: its name lists with their frequency
weights, and a pool of streets, cities and postcodes built once. Each person
is then drawn with ``random.Random`` alone, which is fast enough for 100,000
patients and identical for the same seed.
"""

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from faker import Faker
from faker.providers.person.sv_SE import Provider as SwedishNames

# Birth dates are drawn back from this fixed day, not from today, so a seed
# gives the same people whenever it runs.
REFERENCE_DAY = date(2025, 1, 1)
ADDRESS_POOL = 3000  # streets with their postcode and city; numbers vary per person
MOBILE_PREFIXES = ("070", "072", "073", "076", "079")
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")  # reserved for examples (RFC 2606)


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    city: str


@dataclass(frozen=True)
class Person:
    personal_number: str
    given_name: str
    family_name: str
    date_of_birth: date
    sex: str  # "female" or "male", as the identity number says
    phone: str | None
    email: str | None
    address: Address

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def age(self) -> int:
        born, today = self.date_of_birth, REFERENCE_DAY
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def luhn_check_digit(nine_digits: str) -> int:
    """The check digit of a personal identity number, over YYMMDDNNN (weights 2, 1, 2, …)."""
    total = 0
    for position, char in enumerate(nine_digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def personal_number(born: date, *, serial: int, sex: str, coordination: bool = False) -> str:
    """The 12-digit number YYYYMMDDNNNC for a birth date. ``serial`` (1–499) picks
    the birth number NNN, whose last digit is odd for men and even for women;
    a coordination number adds 60 to the day."""
    day = born.day + (60 if coordination else 0)
    birth_number = serial * 2 + (1 if sex == "male" else 0)
    body = f"{born:%Y%m}{day:02d}{birth_number:03d}"
    return body + str(luhn_check_digit(body[2:]))


def ascii_fold(text: str) -> str:
    """Lower case without accents, for usernames and e-mail addresses (Åsa Öberg -> asa oberg)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in " .-"))


def _weighted(names: dict[str, float]) -> tuple[list[str], list[float]]:
    return list(names), list(accumulate(names.values()))


class PeopleFactory:
    """Draws people; remembers every identity number and username it gave out,
    so none is given twice."""

    def __init__(self, rng: random.Random, faker: Faker, *, addresses: int = ADDRESS_POOL) -> None:
        self.rng = rng
        self._female = _weighted(SwedishNames.first_names_female)
        self._male = _weighted(SwedishNames.first_names_male)
        self._family = _weighted(SwedishNames.last_names)
        self._addresses = [_address(faker) for _ in range(addresses)]
        self.numbers: set[str] = set()
        self.usernames: set[str] = set()

    def given_name(self, sex: str) -> str:
        names, weights = self._female if sex == "female" else self._male
        return self.rng.choices(names, cum_weights=weights)[0]

    def family_name(self) -> str:
        names, weights = self._family
        return self.rng.choices(names, cum_weights=weights)[0]

    def birth_date(self, *, min_age: int = 0, max_age: int = 99, mode: float = 70) -> date:
        """Hospital patients are mostly old: ages follow a triangle peaking at ``mode``."""
        age = self.rng.triangular(min_age, max_age + 1, mode)
        return REFERENCE_DAY - timedelta(days=int(age * 365.25) + 1)

    def identity_number(self, born: date, sex: str, *, coordination: bool = False) -> str:
        while True:
            number = personal_number(
                born, serial=self.rng.randrange(1, 500), sex=sex, coordination=coordination
            )
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def mobile_phone(self) -> str:
        """A Swedish mobile number as people write it: 070-123 45 67."""
        prefix, digits = self.rng.choice(MOBILE_PREFIXES), f"{self.rng.randrange(10_000_000):07d}"
        return f"{prefix}-{digits[:3]} {digits[3:5]} {digits[5:]}"

    def address(self) -> Address:
        base = self.rng.choice(self._addresses)
        number = self.rng.randint(1, 120)
        return Address(f"{base.street} {number}", base.postal_code, base.city)

    def email(self, given_name: str, family_name: str) -> str:
        local = f"{ascii_fold(given_name)}.{ascii_fold(family_name)}".replace(" ", "")
        return f"{local}{self.rng.randrange(100)}@{self.rng.choice(EMAIL_DOMAINS)}"

    def username(self, given_name: str, family_name: str) -> str:
        """given.family, made unique with a number (anna.svensson, anna.svensson2, …)."""
        base = f"{ascii_fold(given_name)}.{ascii_fold(family_name)}".replace(" ", "-")[:58]
        candidate, n = base, 1
        while candidate in self.usernames:
            n += 1
            candidate = f"{base}{n}"
        self.usernames.add(candidate)
        return candidate

    def reserve_username(self, username: str) -> str:
        self.usernames.add(username)
        return username

    def person(
        self,
        *,
        sex: str | None = None,
        min_age: int = 0,
        max_age: int = 99,
        mode: float = 70,
        family_name: str | None = None,
        coordination_rate: float = 0.0,
        email_rate: float = 0.3,
    ) -> Person:
        sex = sex or self.rng.choice(("female", "male"))
        born = self.birth_date(min_age=min_age, max_age=max_age, mode=min(max(mode, min_age), max_age))
        given = self.given_name(sex)
        family = family_name or self.family_name()
        coordination = self.rng.random() < coordination_rate
        return Person(
            personal_number=self.identity_number(born, sex, coordination=coordination),
            given_name=given,
            family_name=family,
            date_of_birth=born,
            sex=sex,
            phone=self.mobile_phone() if self.rng.random() < 0.9 else None,
            email=self.email(given, family) if self.rng.random() < email_rate else None,
            address=self.address(),
        )


def _address(faker: Faker) -> Address:
    code = faker.postcode()
    return Address(faker.street_name(), f"{code[:3]} {code[3:]}", faker.city())
