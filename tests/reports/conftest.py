"""Reports' tests: a small hospital history whose every figure is counted by
hand below, written as the schema's owner (maintenance, as the demo seed
writes history), then the figures refreshed.

Day D is 2026-03-10 (Stockholm). On the medical unit's Ward 12 (8 beds):
six patients admitted on D at 08:00, one discharged on D+1 at 10:00, five
on D+2 at 10:00. So, per day: admitted 6 / –; discharged – / 1 / 5; at
noon 6 (75 %) / 5 (62.5 %) / 0. In March the unit discharges 6 (withheld:
with the days' 5 shown it would give the suppressed day's 1), stays of
2 days 2 hours (5) and 1 day 2 hours (1): mean 46 hours = 1.9 days; one
(patient 1) is admitted again on D+20, to surgery: 1 readmission.

Diagnoses on the medical unit in March: I10 six times (and once more in
error, not counted), J18.9 twice and J44.9 three times (chapter X: 5, with
two parts hidden whose sum 5 leaves each open), E11.9 seven times and E10.9
once (chapter IV: 8, one part hidden, so withheld), K35.8 once.
NEWS2 in March: five red sets (respiratory rate 25) each followed an hour
later by a normal set on the medical unit; one red set on surgery.
Procedures in March: five coded TJK10 and two without a code.

Access: each of the six asked the medical unit for a booking on D-30 at
09:00 and came to a first visit on D+1 from 08:00, half an hour apart:
six first visits, waits from 31 days less an hour to 31 days and an hour
and a half (median 31 days and a quarter of an hour: 31.0),
all within 90 days (the share needs 5 late ones too: suppressed). Dr Alice
also had two patients who did not attend that day: attended 6, no-shows
<5; Dr Alice 8 appointments, Nurse Bob one booked (<5).
Medication: in March the medical unit prescribed five drugs of one ATC
group and two of another (five shown, <5).
Communication: the six booking requests (February) are not answered: six
requests, answered <5. Surgery referred five of them to the medical unit
on D-2 at 10:00 (routine, 30 days' target), which rejected each a day
later: five referrals, five decided, median 24.0 hours, all within the
target (the share needs five late ones too: suppressed)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest

from tests.db.pnr import number

TZ = ZoneInfo("Europe/Stockholm")
D = datetime(2026, 3, 10, tzinfo=TZ)


@dataclass
class History:
    patients: list[int]
    ward: int
    surgical_ward: int


def at(days: int, hour: int) -> datetime:
    return D + timedelta(days=days, hours=hour)


def refresh(owner: psycopg.Connection) -> None:
    owner.execute("SELECT report_refresh()")


def _patients(owner, n: int) -> list[int]:
    return [
        owner.execute(
            "INSERT INTO patient (personal_number, given_name, family_name, date_of_birth, sex) "
            "VALUES (%s, %s, 'Rapportsson', %s, 'female') RETURNING id",
            [number(f"1950010{i + 1}", "24" + str(i)), f"Pat{i + 1}", f"1950-01-0{i + 1}"],
        ).fetchone()["id"]
        for i in range(n)
    ]


def _beds(owner, cast) -> tuple[list[int], int, int]:
    room = owner.execute("SELECT room_id FROM bed WHERE id = %s", [cast.bed_a]).fetchone()["room_id"]
    beds = [cast.bed_a, cast.bed_b]
    for label in "CDEFGH":
        beds.append(
            owner.execute(
                "INSERT INTO bed (room_id, label) VALUES (%s, %s) RETURNING id", [room, label]
            ).fetchone()["id"]
        )
    ward = owner.execute(
        "INSERT INTO ward (care_unit_id, name) VALUES (%s, 'Ward 40') RETURNING id", [cast.unit_surg]
    ).fetchone()["id"]
    surg_room = owner.execute(
        "INSERT INTO room (ward_id, name) VALUES (%s, '1') RETURNING id", [ward]
    ).fetchone()["id"]
    surg_bed = owner.execute(
        "INSERT INTO bed (room_id, label) VALUES (%s, 'A') RETURNING id", [surg_room]
    ).fetchone()["id"]
    return beds, ward, surg_bed


def _stay(owner, cast, patient: int, unit: int, bed: int, start: datetime, end: datetime) -> None:
    enc = owner.execute(
        "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, started_at, ended_at, created_by) "
        "VALUES (%s, %s, 'admission', 'Pneumoni', %s, %s, %s) RETURNING id",
        [patient, unit, start, end, cast.alice],
    ).fetchone()["id"]
    owner.execute(
        "INSERT INTO bed_occupancy (bed_id, encounter_id, patient_id, during) VALUES (%s, %s, %s, tstzrange(%s, %s))",
        [bed, enc, patient, start, end],
    )


def _diagnoses(owner, cast, patients: list[int]) -> None:
    counts = {"I10": 6, "J18.9": 2, "J44.9": 3, "E11.9": 7, "E10.9": 1, "K35.8": 1}
    for code, n in counts.items():
        for i in range(n):
            owner.execute(
                "INSERT INTO diagnosis (patient_id, care_unit_id, code, recorded_by, recorded_at) "
                "VALUES (%s, %s, %s, %s, %s)",
                [patients[i % len(patients)], cast.unit_med, code, cast.alice, at(1, 9)],
            )
    owner.execute(
        "INSERT INTO diagnosis (patient_id, care_unit_id, code, recorded_by, recorded_at, entered_in_error_at, "
        "entered_in_error_reason) VALUES (%s, %s, 'I10', %s, %s, %s, 'Fel patient vald')",
        [patients[0], cast.unit_med, cast.alice, at(1, 9), at(1, 10)],
    )


VITALS = (
    "INSERT INTO vital_signs (patient_id, care_unit_id, measured_at, respiratory_rate, spo2, on_oxygen, "
    "systolic, pulse, consciousness, temperature, recorded_by) VALUES (%s, %s, %s, %s, 97, false, 120, 70, 'A', "
    "37.0, %s)"
)


def _vitals(owner, cast, patients: list[int]) -> None:
    for p in patients[:5]:
        owner.execute(VITALS, [p, cast.unit_med, at(0, 9), 25, cast.bob])
        owner.execute(VITALS, [p, cast.unit_med, at(0, 10), 16, cast.bob])
    owner.execute(VITALS, [patients[5], cast.unit_surg, at(0, 9), 25, cast.bob])


def _procedures(owner, cast, patients: list[int]) -> None:
    for i, code in enumerate(["TJK10"] * 5 + [None, None]):
        owner.execute(
            "INSERT INTO procedure_record (patient_id, care_unit_id, name, code, performed_at, performed_by, "
            "recorded_by) VALUES (%s, %s, 'Pleuratappning', %s, %s, %s, %s)",
            [patients[i % 6], cast.unit_med, code, at(1, 11), cast.alice, cast.alice],
        )


def _appointment(owner, cast, kind: int, patient: int, clinician: int, start: datetime, status: str) -> None:
    """An appointment; one the patient arrived at has opened its visit."""
    visit = None
    if status == "arrived":
        visit = owner.execute(
            "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, started_at, ended_at, created_by) "
            "VALUES (%s, %s, 'outpatient', 'Nybesök', %s, %s, %s) RETURNING id",
            [patient, cast.unit_med, start, start + timedelta(minutes=30), cast.rita],
        ).fetchone()["id"]
    owner.execute(
        "INSERT INTO appointment (patient_id, type_id, care_unit_id, clinician_id, during, mode, status, "
        "arrived_at, encounter_id) VALUES (%s, %s, %s, %s, tstzrange(%s, %s), 'in_person', %s, %s, %s)",
        [patient, kind, cast.unit_med, clinician, start, start + timedelta(minutes=30), status,
         start if visit else None, visit],
    )  # fmt: skip


def _access(owner, cast, patients: list[int]) -> None:
    kind = owner.execute(
        "INSERT INTO appointment_type (care_unit_id, name, duration_minutes, mode, patient_bookable) "
        "VALUES (%s, 'Nybesök', 30, 'in_person', true) RETURNING id",
        [cast.unit_med],
    ).fetchone()["id"]
    for i, p in enumerate(patients):
        owner.execute(
            "INSERT INTO care_request (patient_id, kind, care_unit_id, body, filed_by, filed_at) "
            "VALUES (%s, 'booking', %s, 'Jag vill boka en tid', %s, %s)",
            [p, cast.unit_med, cast.greta, at(-30, 9)],
        )
        _appointment(owner, cast, kind, p, cast.alice, at(1, 8) + timedelta(minutes=30 * i), "arrived")
    for i in range(2):
        _appointment(
            owner, cast, kind, patients[i], cast.alice, at(1, 14) + timedelta(minutes=30 * i), "no_show"
        )
    _appointment(owner, cast, kind, patients[0], cast.bob, at(2, 9), "booked")


def _prescriptions(owner, cast, patients: list[int]) -> None:
    groups = owner.execute(
        "SELECT left(atc_code, 3) AS atc, min(id) AS drug FROM drug GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2"
    ).fetchall()
    for group, n in zip(groups, (5, 2), strict=True):
        for i in range(n):
            owner.execute(
                "INSERT INTO prescription (patient_id, drug_id, care_unit_id, prescribed_by, created_at) "
                "VALUES (%s, %s, %s, %s, %s)",
                [patients[i], group["drug"], cast.unit_med, cast.alice, at(1, 12)],
            )


def _referrals(owner, cast, patients: list[int]) -> None:
    for p in patients[:5]:
        owner.execute(
            "INSERT INTO referral (patient_id, from_unit_id, to_unit_id, sent_by, urgency, question, status, "
            "sent_at, decided_by, decided_at, decision_reason) VALUES (%s, %s, %s, %s, 'routine', "
            "'Bedömning av hjärtsvikt?', 'rejected', %s, %s, %s, 'Handläggs i primärvården')",
            [p, cast.unit_surg, cast.unit_med, cast.charlie, at(-2, 10), cast.alice, at(-1, 10)],
        )


@pytest.fixture()
def history(owner, cast) -> History:
    patients = _patients(owner, 6)
    beds, surgical_ward, surg_bed = _beds(owner, cast)
    for i, p in enumerate(patients):
        end = at(1, 10) if i == 5 else at(2, 10)
        _stay(owner, cast, p, cast.unit_med, beds[i], at(0, 8), end)
    _stay(owner, cast, patients[0], cast.unit_surg, surg_bed, at(20, 8), at(22, 8))
    _diagnoses(owner, cast, patients)
    _vitals(owner, cast, patients)
    _procedures(owner, cast, patients)
    _access(owner, cast, patients)
    _prescriptions(owner, cast, patients)
    _referrals(owner, cast, patients)
    refresh(owner)
    return History(patients, cast.ward_med, surgical_ward)


@pytest.fixture()
def head_of_medicine(owner, cast) -> int:
    """Dr Alice heads Internal medicine (the department of the medical unit)."""
    department = owner.execute(
        "SELECT department_id FROM care_unit WHERE id = %s", [cast.unit_med]
    ).fetchone()["department_id"]
    owner.execute(
        "INSERT INTO department_head (department_id, user_id) VALUES (%s, %s)", [department, cast.alice]
    )
    return department
