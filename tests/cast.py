"""The fixed cast of the tests, inserted with plain SQL as the owner."""

from dataclasses import dataclass, field
from functools import cache

import psycopg

from hms.accounts.passwords import hash_password

PASSWORD = "Correct-horse-1"


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


@dataclass
class Cast:
    ids: dict[str, int] = field(default_factory=dict)

    def __getattr__(self, name: str) -> int:
        try:
            return self.ids[name]
        except KeyError:
            raise AttributeError(name) from None


STAFF = [
    # username, role, full name, profession, licence, units
    ("alice", "doctor", "Dr Alice Andersson", "Physician", "DOC-1001", ["MED"]),
    ("bob", "nurse", "Bob Berg", "Registered nurse", "NUR-2001", ["MED"]),
    ("charlie", "doctor", "Dr Charlie Carlsson", "Physician", "DOC-1002", ["SURG"]),
    ("rita", "receptionist", "Rita Reception", "Receptionist", None, ["MED"]),
    ("adam", "administrator", "Adam Admin", "Administrator", None, []),
    ("petra", "pharmacist", "Petra Pharm", "Pharmacist", "PHA-3001", []),
    ("erik", "external_specialist", "Dr Erik Ek", "Cardiologist", "EXT-4001", []),
]


def create(conn: psycopg.Connection) -> Cast:
    cast = Cast()
    dept = conn.execute(
        "INSERT INTO department (code, name) VALUES ('MED', 'Internal medicine') RETURNING id"
    ).fetchone()["id"]
    surg = conn.execute(
        "INSERT INTO department (code, name) VALUES ('SURG', 'Surgery') RETURNING id"
    ).fetchone()["id"]
    units = {}
    for code, name, d in (("MED", "Medical ward 1", dept), ("SURG", "Surgical ward 1", surg)):
        units[code] = conn.execute(
            "INSERT INTO care_unit (department_id, code, name, kind) VALUES (%s, %s, %s, 'inpatient') RETURNING id",
            [d, code, name],
        ).fetchone()["id"]
    cast.ids["unit_med"] = units["MED"]
    cast.ids["unit_surg"] = units["SURG"]
    ward = conn.execute(
        "INSERT INTO ward (care_unit_id, name) VALUES (%s, 'Ward 12') RETURNING id", [units["MED"]]
    ).fetchone()["id"]
    cast.ids["ward_med"] = ward
    room = conn.execute("INSERT INTO room (ward_id, name) VALUES (%s, '1') RETURNING id", [ward]).fetchone()[
        "id"
    ]
    for label in ("A", "B"):
        cast.ids[f"bed_{label.lower()}"] = conn.execute(
            "INSERT INTO bed (room_id, label) VALUES (%s, %s) RETURNING id", [room, label]
        ).fetchone()["id"]
    for username, role, name, profession, licence, unit_codes in STAFF:
        uid = _user(conn, username, role, name)
        conn.execute(
            "INSERT INTO staff_profile (user_id, role, profession, licence_number) VALUES (%s, %s, %s, %s)",
            [uid, role, profession, licence],
        )
        for code in unit_codes:
            conn.execute(
                "INSERT INTO staff_care_unit (user_id, care_unit_id) VALUES (%s, %s)", [uid, units[code]]
            )
        cast.ids[username] = uid
    cast.ids["greta_patient"] = conn.execute(
        "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex, phone, city) "
        "VALUES ('194202142388', 'Greta', 'Gustafsson', '1942-02-14', 'female', '070-111 22 33', 'Uppsala') "
        "RETURNING id"
    ).fetchone()["id"]
    # Greta is in the medical ward's care (a care relationship for Alice and
    # Bob, not for Charlie on the surgical unit).
    conn.execute(
        "INSERT INTO care_assignment (patient_id, care_unit_id, during, reason, created_by) "
        "VALUES (%s, %s, tstzrange(now() - interval '1 day', NULL), 'Uppföljning', %s)",
        [cast.greta_patient, units["MED"], cast.alice],
    )
    cast.ids["greta"] = _user(conn, "greta", "patient", "Greta Gustafsson")
    conn.execute(
        "INSERT INTO patient_user (user_id, patient_id) VALUES (%s, %s)",
        [cast.greta, cast.greta_patient],
    )
    cast.ids["sven"] = _user(conn, "sven", "relative", "Sven Gustafsson")
    return cast


def _user(conn: psycopg.Connection, username: str, role: str, name: str) -> int:
    return conn.execute(
        "INSERT INTO app_user (username, password_hash, role, full_name) VALUES (%s, %s, %s, %s) RETURNING id",
        [username, password_hash(), role, name],
    ).fetchone()["id"]
