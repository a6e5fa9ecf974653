"""What the seed steps share: the connection, the random sources, and the ids
each step leaves behind for the steps after it."""

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

import psycopg
from faker import Faker
from psycopg import sql

from hms.seed.people import ADDRESS_POOL, PeopleFactory

# progress(label, total) opens a bar; the callable it yields advances it by n.
Progress = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


@contextmanager
def no_progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    yield lambda n: None


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    full_name: str


class SeededPatient(NamedTuple):
    """What later steps need to know of a patient without asking the database."""

    id: int
    given_name: str
    family_name: str
    sex: str
    age: int  # at people.REFERENCE_DAY
    protected: bool


@dataclass
class SeedContext:
    conn: psycopg.Connection
    rng: random.Random
    faker: Faker
    people: PeopleFactory
    password_hash: str
    patient_count: int
    progress: Progress = no_progress
    # care unit code -> id, and the kind of each unit
    units: dict[str, int] = field(default_factory=dict)
    unit_kinds: dict[str, str] = field(default_factory=dict)
    beds: list[int] = field(default_factory=list)
    # role -> staff user ids; and the care units of each staff member
    staff: dict[str, list[int]] = field(default_factory=dict)
    staff_units: dict[int, list[int]] = field(default_factory=dict)
    # every seeded patient, in the order generated
    patients: list[SeededPatient] = field(default_factory=list)
    # patient id -> portal user id; (relative user id, patient id) pairs
    portal_users: dict[int, int] = field(default_factory=dict)
    relatives: list[tuple[int, int]] = field(default_factory=list)
    # the well-known demo accounts, one per role, in the order they are shown
    logins: list[DemoLogin] = field(default_factory=list)
    user_ids: dict[str, int] = field(default_factory=dict)  # username -> id, for the demo logins

    def insert(self, statement: str, *params: object) -> int:
        """Run an INSERT … RETURNING id and return the id."""
        row = self.conn.execute(statement, params).fetchone()
        if row is None:
            raise RuntimeError("INSERT … RETURNING gave no row")
        return int(row[0])

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        """Load rows with COPY, much faster than INSERTs for the thousands of patients."""
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with self.conn.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def add_login(self, role: str, username: str, full_name: str, user_id: int) -> None:
        self.logins.append(DemoLogin(role, username, full_name))
        self.user_ids[username] = user_id


def new_context(
    conn: psycopg.Connection,
    *,
    seed: int,
    patient_count: int,
    password_hash: str,
    progress: Progress = no_progress,
) -> SeedContext:
    rng = random.Random(seed)
    faker = Faker("sv_SE")
    faker.seed_instance(seed)
    return SeedContext(
        conn=conn,
        rng=rng,
        faker=faker,
        people=PeopleFactory(rng, faker, addresses=min(ADDRESS_POOL, 100 + patient_count)),
        password_hash=password_hash,
        patient_count=patient_count,
        progress=progress,
    )
