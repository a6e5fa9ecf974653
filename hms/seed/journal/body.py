"""Vital signs that belong to one patient: normal values for their age and size,
and how far an illness moves them, so series rise and fall and NEWS2 with them."""

import math
import random
from datetime import UTC, datetime

from hms.seed.context import SeededPatient
from hms.seed.people import REFERENCE_DAY

# One row of vital signs: systolic, diastolic, pulse, temperature, respiratory
# rate, SpO2, on oxygen, ACVPU, weight, height.
Vitals = tuple[
    int, int, int, float | None, int | None, int | None, bool, str | None, float | None, float | None
]

# Vital signs when well, and at the worst of each course; a series moves between them.
WELL = {"rr": 15, "spo2": 97, "systolic": 128, "diastolic": 78, "pulse": 72, "temp": 36.8}
PEAKS = {
    "mild": {"rr": 17, "spo2": 97, "systolic": 125, "diastolic": 76, "pulse": 88, "temp": 37.6},
    "infection": {"rr": 23, "spo2": 93, "systolic": 112, "diastolic": 66, "pulse": 108, "temp": 38.9},
    "respiratory": {"rr": 25, "spo2": 89, "systolic": 138, "diastolic": 82, "pulse": 106, "temp": 37.4},
    "cardiac": {"rr": 20, "spo2": 95, "systolic": 150, "diastolic": 92, "pulse": 118, "temp": 37.0},
    "trauma": {"rr": 19, "spo2": 96, "systolic": 158, "diastolic": 90, "pulse": 96, "temp": 37.0},
    "sepsis": {"rr": 29, "spo2": 90, "systolic": 86, "diastolic": 48, "pulse": 132, "temp": 39.6},
}
NOISE = {"rr": 1.5, "spo2": 1.0, "systolic": 8, "diastolic": 5, "pulse": 6, "temp": 0.3}


class Body:
    """A patient's place on the growth curves and own blood pressure, and the vital
    signs drawn around them at a given time."""

    def __init__(self, rng: random.Random, p: SeededPatient) -> None:
        self.rng, self.patient = rng, p
        self.stature, self.build, self.pressure = rng.gauss(0, 1), rng.gauss(0, 1), rng.gauss(0, 8)

    def age(self, at: datetime) -> int:
        return age_at(self.patient, at)

    def systolic(self, at: datetime) -> int:
        return round(122 + max(0, self.age(at) - 40) * 0.5 + self.pressure)

    def vitals(self, peak: dict[str, float], s: float, at: datetime) -> Vitals:
        """Vital signs a share ``s`` of the way from this patient's normal to the course's worst."""
        rng, age, well = self.rng, self.age(at), dict(WELL, systolic=self.systolic(at))
        if age < 12:
            well.update(pulse=72 + (35 if age < 3 else 20), rr=15 + (12 if age < 3 else 6), systolic=100)
        v = {k: well[k] + s * (peak[k] - WELL[k]) + rng.gauss(0, NOISE[k]) for k in WELL}
        oxygen = v["spo2"] < 91 and s > 0.4
        spo2 = round(clamp(v["spo2"] + (3 if oxygen else 0), 70, 100))
        systolic = round(clamp(v["systolic"], 60, 250))
        diastolic = round(clamp(v["diastolic"], 30, systolic - 15))
        pulse, rr = round(clamp(v["pulse"], 35, 190)), round(clamp(v["rr"], 6, 45))
        temp = round(clamp(v["temp"], 34.5, 41.5), 1)
        confused = s > 0.85 and peak["temp"] > 39 and rng.random() < 0.5
        return (systolic, diastolic, pulse, temp, rr, spo2, oxygen, "C" if confused else "A", None, None)

    def outpatient(self, at: datetime) -> Vitals:
        """Blood pressure, pulse and weight, as taken at a clinic visit; height now and then."""
        rng, age, male = self.rng, self.age(at), self.patient.sex == "male"
        height: float | None
        if age >= 16:
            height, weight = (179 if male else 166) + 7 * self.stature, (84 if male else 70) + 13 * self.build
        else:
            height, weight = 55 + 7 * age + 4 * self.stature, 4 + 2.8 * age + (0.5 + 0.15 * age) * self.build
        weight = round(clamp(weight + rng.gauss(0, 1.0), 2.5, 250), 1)
        height = round(clamp(height, 45, 215), 1) if rng.random() < 0.3 else None
        systolic = self.systolic(at) + rng.randint(-8, 12)
        diastolic = min(systolic - 20, rng.randint(68, 90))
        return (systolic, diastolic, rng.randint(58, 88), None, None, None, False, None, weight, height)


def severity(f: float, course: str, *, current: bool) -> float:
    """How ill (0 well, 1 at the course's worst) a share ``f`` into a stay."""
    if course == "worsening":
        return min(1.0, 0.25 + 0.8 * f)
    if course == "complicated":
        return 0.6 + 1.3 * f if f < 0.3 else max(0.05, 1.0 - 2.0 * (f - 0.3))
    return max(0.25, 1.0 - 0.8 * f) if current else max(0.05, 1.0 - 1.7 * f)


def age_at(p: SeededPatient, at: datetime) -> int:
    return max(0, p.age + math.floor((at.date() - REFERENCE_DAY).days / 365.25))


def born_by(p: SeededPatient) -> datetime:
    """The latest the patient can have been born (ages are counted at people.REFERENCE_DAY)."""
    return datetime(REFERENCE_DAY.year - p.age, REFERENCE_DAY.month, REFERENCE_DAY.day, tzinfo=UTC)


def clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))
