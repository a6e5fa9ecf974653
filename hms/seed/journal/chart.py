"""Planning journal histories: a patient's illnesses, visits and stays in time
order, with the notes, vital signs, diagnoses and procedures each brings.

Nothing is written here; the plan holds rows, with encounters as objects whose
ids are known only once ``load.write`` has written them."""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hms.seed.context import SeedContext, SeededPatient
from hms.seed.journal.body import PEAKS, Body, age_at, born_by, clamp, severity
from hms.seed.journal.vocabulary import (
    ALLERGIES,
    CARE_PLANS,
    CHRONIC,
    CHRONIC_CHILD,
    DEMO_CHRONIC,
    DEMO_EPISODES,
    EPISODES,
    FALL_PLAN,
    FAMILY,
    NURSING,
    PAST,
    SOCIAL,
    WORSE,
    Episode,
    Surgery,
    episode,
)

YEARS = 8  # of history, at most


@dataclass
class Encounter:
    patient_id: int
    unit: str  # care unit code
    kind: str
    reason: str
    start: datetime
    end: datetime | None
    doctor: int
    bed: int | None = None
    # A past stay planned while the database already holds stays: written closed, not through
    # encounter_admit (see load._write_backfilled)
    backfill: bool = False
    id: int = 0  # known once written


@dataclass
class Note:
    enc: Encounter
    kind: str
    author: int
    at: datetime  # when signed
    sections: list[tuple[str, str]]
    sign_now: bool = False  # the newest notes, signed by note_sign at seeding time
    amend: tuple[str, str, str] | None = None  # (reason, heading, addition)
    in_error: bool = False
    id: int = 0
    version_id: int = 0


@dataclass
class Plan:
    """The rows to write; rows of diagnoses, vitals and procedures hold their
    encounter (second field) as an object until its id is known."""

    visits: list[Encounter] = field(default_factory=list)
    admissions: list[Encounter] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    diagnoses: list[tuple[Any, ...]] = field(default_factory=list)
    vitals: list[tuple[Any, ...]] = field(default_factory=list)
    procedures: list[tuple[Any, ...]] = field(default_factory=list)
    allergies: list[tuple[Any, ...]] = field(default_factory=list)
    history: list[tuple[Any, ...]] = field(default_factory=list)
    care_plans: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def entries(self) -> int:
        """Rows the journal timeline will show."""
        lists = (self.visits, self.admissions, self.notes, self.diagnoses, self.vitals, self.procedures)
        return (
            sum(len(rows) for rows in lists) + len(self.allergies) + len(self.history) + len(self.care_plans)
        )


class Words:
    """Fills an episode's templates for one patient at one time ({pat}, {sida})."""

    def __init__(self, rng: random.Random, p: SeededPatient, at: datetime) -> None:
        age = age_at(p, at)
        who = (
            ("kvinna" if p.sex == "female" else "man")
            if age >= 18
            else ("flicka" if p.sex == "female" else "pojke")
        )
        self.pat = f"{age}-årig {who}" if age >= 2 else f"{who.capitalize()} under två år"
        self.side = rng.choice(("höger", "vänster"))

    def __call__(self, text: str) -> str:
        return text.format(pat=self.pat, sida=self.side, Sida=self.side.capitalize())


def _visit_note(ep: Episode, words: Words) -> list[tuple[str, str]]:
    """The doctor's note of a visit or an admission, under the usual keyword headings."""
    return [
        ("Kontaktorsak", words(ep.reason)),
        ("Anamnes", words(ep.anamnes)),
        ("Status", words(ep.status)),
        ("Bedömning", words(ep.assessment)),
        ("Åtgärd", words(ep.action)),
    ]


def _nursing(rng: random.Random, s: float) -> list[tuple[str, str]]:
    return [(heading, sick if s > 0.5 else well) for heading, sick, well in rng.sample(NURSING, 3)]


class Chart:
    """Plans histories patient by patient, sharing staff, beds and one plan."""

    def __init__(self, ctx: SeedContext, now: datetime) -> None:
        self.rng, self.now, self.unit_ids = ctx.rng, now, ctx.units
        self.doctors, self.nurses = _clinicians(ctx)
        self.beds = _beds(ctx)
        self.existing = _occupancy(ctx)
        self.occupied = {bed: list(stays) for bed, stays in self.existing.items()}
        self.plan = Plan()
        self.last = self.window_end = now  # of the patient being planned
        self.plans: set[tuple[int, str]] = set()

    def patient(
        self,
        p: SeededPatient,
        *,
        admitted: bool = False,
        demo: bool = False,
        years: float = YEARS,
        episodes: int | None = None,
    ) -> None:
        """Illnesses and check-ups in time order, then a bed now if ``admitted``, then background."""
        rng, body = self.rng, Body(self.rng, p)
        start = max(self.now - timedelta(days=365.25 * years), born_by(p) + timedelta(days=14))
        self.last, self.window_end = start, self.now - timedelta(days=20 if admitted else 1)
        count = episodes if episodes is not None else rng.randint(1, 3) + (p.age >= 65) + (p.age >= 80)
        picks: list[Episode | None] = (
            [episode(code, setting) for code, setting in DEMO_EPISODES] if demo else []
        )
        picks += [None] * (count - len(picks))  # drawn when their time comes, for the age then
        moments = sorted(start + (self.window_end - start) * rng.random() for _ in picks)
        chronic = self._chronic(p, demo=demo)
        events: list[tuple[datetime, Episode | None | str]] = list(zip(moments, picks, strict=True))
        events += [(at, "check-up") for at in self._check_ups(chronic, start)]
        first: Encounter | None = None
        for at, what in sorted(events, key=lambda event: event[0]):
            at = max(at, self.last + timedelta(days=rng.randint(2, 20)))
            if at >= self.window_end:
                break
            if isinstance(what, str):
                enc = self._check_up(p, body, at, chronic)
            else:
                enc = self._illness(p, body, what or self._pick(age_at(p, at)), at)
            first = first or enc
        if admitted:
            ep = episode("J18.9", "admission") if demo else None
            current = self._current_admission(p, body, ep, unit="MED1" if demo else None)
            first = first or current
        if first is None:
            at = self.window_end - timedelta(days=2)
            first = self._illness(p, body, self._pick(age_at(p, at), "emergency"), at)
        self._background(p, first, chronic, demo=demo)

    def _pick(self, age: int, setting: str | None = None) -> Episode:
        fits = [e for e in EPISODES if e.ages[0] <= age <= e.ages[1] and setting in (None, e.setting)]
        return self.rng.choices(fits, weights=[e.weight for e in fits])[0]

    def _chronic(self, p: SeededPatient, *, demo: bool) -> list[tuple[str, date, str | None]]:
        """Long-standing illnesses with the day they began (often before our history)."""
        rng, found = self.rng, []
        for code, from_age, share, text in CHRONIC if p.age >= 18 else CHRONIC_CHILD:
            chance = share * clamp((p.age - from_age) / max(1, 80 - from_age), 0, 1) if p.age >= 18 else share
            if rng.random() < chance or (demo and code in DEMO_CHRONIC):
                years_ago = rng.uniform(0.5, max(1.0, p.age - from_age))
                onset = max(born_by(p), self.now - timedelta(days=365.25 * years_ago)).date()
                found.append((code, onset, text))
        return found

    def _check_ups(self, chronic: list[tuple[str, date, str | None]], start: datetime) -> list[datetime]:
        """Yearly visits for the illnesses the hospital follows (those with a check-up text)."""
        followed = [onset for _, onset, text in chronic if text]
        if not followed:
            return []
        at = max(start, datetime.combine(min(followed), datetime.min.time(), UTC)) + timedelta(days=60)
        moments = []
        while at < self.window_end:
            moments.append(at)
            at += timedelta(days=self.rng.randint(300, 430))
        return moments

    # Encounters -----------------------------------------------------------

    def _illness(self, p: SeededPatient, body: Body, ep: Episode, at: datetime) -> Encounter:
        """An illness met at the emergency department, or on a ward when a bed is free."""
        rng, words = self.rng, Words(self.rng, p, at)
        if ep.setting == "admission":
            enc = self._admit(p, body, ep, at, words)
            if enc is not None:
                return enc
            ep = self._pick(age_at(p, at), "emergency")
        unit = self._unit(ep.units, age_at(p, at), admission=False)
        end = at + timedelta(hours=rng.uniform(2, 7))
        enc = self._visit(p, unit, "emergency", words(ep.reason), at, end)
        self._note(enc, "progress", enc.doctor, at + timedelta(hours=1.5), _visit_note(ep, words))
        self._vitals(enc, body, ep.course, [(at + timedelta(minutes=20), 0.9), (end, 0.5)])
        self._diagnosis(
            enc, ep.code, "primary", at.date(), self._resolved(at, 7, 30), at + timedelta(hours=2)
        )
        if ep.surgery:
            self._procedure(enc, ep.surgery, at + timedelta(hours=2.5))
        if ep.follow_up:
            self._follow_up(p, body, ep, at + timedelta(days=rng.randint(7, 50)))
        elif rng.random() < 0.2:
            self._phone(p, enc, end)
        return enc

    def _admit(
        self, p: SeededPatient, body: Body, ep: Episode, at: datetime, words: Words
    ) -> Encounter | None:
        """A stay on a ward from admission to discharge, if a bed of the unit is free all along."""
        unit = self._unit(ep.units, age_at(p, at), admission=True)
        end = at + timedelta(days=self.rng.randint(*ep.stay), hours=self.rng.uniform(1, 8))
        end = min(end, self.now - timedelta(hours=2))
        bed = self._free_bed(unit, at, end)
        if bed is None:
            return None
        enc = Encounter(p.id, unit, "admission", words(ep.reason), at, end, self._doctor(unit), bed)
        enc.backfill = bool(self.existing)
        self.plan.admissions.append(enc)
        self.last = max(self.last, end)
        self._stay(enc, ep, words, body, course="complicated" if self.rng.random() < 0.15 else "improving")
        self._discharge_summary(enc, ep, words, end)
        resolved = self._resolved(end, 3, 40)
        self._diagnosis(enc, ep.code, "primary", at.date(), resolved, at + timedelta(hours=3))
        if ep.follow_up:
            self._follow_up(p, body, ep, end + timedelta(days=self.rng.randint(30, 60)))
        return enc

    def _current_admission(
        self, p: SeededPatient, body: Body, ep: Episode | None, *, unit: str | None
    ) -> Encounter | None:
        """A patient in a bed now: admitted hours or days ago, getting better or worse."""
        rng = self.rng
        age = age_at(p, self.now)
        fits = [e for e in EPISODES if e.setting == "admission" and e.ages[0] <= age <= e.ages[1]]
        ep = ep or rng.choices(fits, weights=[e.weight for e in fits])[0]
        at = (self.now - timedelta(days=rng.uniform(0.3, 6))).replace(microsecond=0)
        unit = unit or self._unit(ep.units, age, admission=True)
        bed = self._free_bed(unit, at, None)
        if bed is None:
            return None
        words = Words(rng, p, at)
        enc = Encounter(p.id, unit, "admission", words(ep.reason), at, None, self._doctor(unit), bed)
        self.plan.admissions.append(enc)
        self._stay(enc, ep, words, body, course="improving" if rng.random() < 0.7 else "worsening")
        self._diagnosis(enc, ep.code, "primary", at.date(), None, at + timedelta(hours=3))
        nurse = self._nurse(unit)
        if unit in ("GER1", "ORT1", "MED1") and nurse and p.age >= 70:
            self._care_plan(enc, FALL_PLAN, nurse, at + timedelta(hours=5))
        return enc

    def _stay(self, enc: Encounter, ep: Episode, words: Words, body: Body, *, course: str) -> None:
        """Admission note, then vital signs every few hours and notes every day."""
        rng, current = self.rng, enc.end is None
        end = enc.end or self.now - timedelta(minutes=rng.randint(20, 90))
        self._note(enc, "admission", enc.doctor, enc.start + timedelta(hours=2), _visit_note(ep, words))
        if ep.surgery:
            self._procedure(enc, ep.surgery, enc.start + timedelta(hours=rng.uniform(10, 30)))
        span = max(1.0, (end - enc.start).total_seconds())
        points, at = [], enc.start + timedelta(minutes=30)
        while at < end:
            points.append((at, severity((at - enc.start).total_seconds() / span, course, current=current)))
            at += timedelta(hours=rng.choice((4, 6, 8, 8, 12)))
        self._vitals(enc, body, "sepsis" if course == "worsening" else ep.course, points)
        day = enc.start + timedelta(days=1)
        while day < end:
            s = severity((day - enc.start).total_seconds() / span, course, current=current)
            self._ward_round(enc, ep, day, s, worse=course == "worsening")
            day += timedelta(days=1)
        if current:
            sick = 0.9 if course == "worsening" else 0.3
            nurse = self._nurse(enc.unit) or enc.doctor
            self._note(enc, "nursing", nurse, end, _nursing(rng, sick), sign_now=True)

    def _ward_round(self, enc: Encounter, ep: Episode, day: datetime, s: float, *, worse: bool) -> None:
        rng, nurse = self.rng, self._nurse(enc.unit)
        if nurse:
            self._note(enc, "nursing", nurse, day + timedelta(hours=rng.uniform(-2, 2)), _nursing(rng, s))
        if worse and s > 0.7:
            sections = [("Aktuellt", WORSE[0]), ("Bedömning", "Misstänkt sepsis, NEWS2 stigande."),
                        ("Åtgärd", WORSE[1])]  # fmt: skip
        else:
            sections = [("Aktuellt", ep.progress), ("Status", "Opåverkad i vila, cirkulatoriskt stabil."),
                        ("Åtgärd", "Fortsatt behandling enligt plan.")]  # fmt: skip
        self._note(
            enc, "progress", self._doctor(enc.unit), day + timedelta(hours=rng.uniform(1, 4)), sections
        )

    def _discharge_summary(self, enc: Encounter, ep: Episode, words: Words, end: datetime) -> None:
        days = max(1, (end - enc.start).days)
        # Under the headings the discharge page signs it with (hms.journal.forms.DISCHARGE_SECTIONS).
        reason = words(ep.reason).rstrip(".")
        sections = [
            ("Vårdförlopp", f"{reason}. Vårdad i {days} dygn. {ep.progress} Utskrivs i gott skick."),
            ("Diagnoser", f"{ep.code} {words(ep.assessment)}"),
            ("Läkemedel", "Läkemedelslistan genomgången med patienten."),
            ("Uppföljning", "Åter vid försämring."),
        ]
        self._note(enc, "discharge_summary", enc.doctor, end - timedelta(hours=1), sections)

    def _follow_up(self, p: SeededPatient, body: Body, ep: Episode, at: datetime) -> None:
        """A return visit weeks after an illness (after surgery: how the wound healed)."""
        if at >= self.window_end:
            return
        at = _office_hours(self.rng, at)
        unit = self._unit((ep.follow_up or "MEDMOT",), age_at(p, at), admission=False)
        what = ep.reason[0].lower() + ep.reason[1:]
        enc = self._visit(p, unit, "outpatient", f"Återbesök: {what}", at, at + timedelta(minutes=30))
        healed = "Gott allmäntillstånd. Läkt operationssår." if ep.surgery else "Gott allmäntillstånd."
        sections = [
            ("Kontaktorsak", f"Planerat återbesök efter {what}."),
            ("Status", healed),
            ("Bedömning", "Gott förlopp."),
            ("Åtgärd", "Ingen ytterligare uppföljning planeras."),
        ]
        self._note(enc, "progress", enc.doctor, at + timedelta(minutes=40), sections)
        self._vitals(enc, body, "mild", [(at + timedelta(minutes=5), 0.0)], outpatient=True)

    def _phone(self, p: SeededPatient, after: Encounter, ended: datetime) -> None:
        """A call a few days after a visit, about the test results."""
        at = _office_hours(self.rng, ended + timedelta(days=self.rng.randint(2, 4)))
        if at >= self.window_end:
            return
        enc = self._visit(p, after.unit, "phone", "Telefonkontakt: provsvar", at, at + timedelta(minutes=10))
        sections = [
            ("Kontaktorsak", "Uppföljning av provsvar."),
            ("Bedömning", "Provsvaren ändrar inte behandlingen."),
            ("Åtgärd", "Patienten informerad per telefon."),
        ]
        self._note(enc, "phone", enc.doctor, at + timedelta(minutes=15), sections)

    def _check_up(
        self, p: SeededPatient, body: Body, at: datetime, chronic: list[tuple[str, date, str | None]]
    ) -> Encounter:
        """The yearly visit for the illnesses the hospital follows; a care plan at the first."""
        at = _office_hours(self.rng, at)
        followed = [(code, text) for code, _, text in chronic if text]
        unit = self._unit(("MEDMOT",), age_at(p, at), admission=False)
        enc = self._visit(p, unit, "outpatient", "Årskontroll", at, at + timedelta(minutes=30))
        bp = f"{body.systolic(at) + self.rng.randint(-10, 14)}/{80 + self.rng.randint(-6, 8)}"
        sections = [
            ("Kontaktorsak", "Årlig kontroll av " + ", ".join(code for code, _ in followed) + "."),
            ("Anamnes", "Mår bra sedan senast. Tar sina läkemedel."),
            ("Status", " ".join(text.format(bp=bp) for _, text in followed)),
            ("Bedömning", "Stabil."),
            ("Åtgärd", "Oförändrad behandling. Ny kontroll om ett år."),
        ]
        self._note(enc, "progress", enc.doctor, at + timedelta(minutes=45), sections)
        self._vitals(enc, body, "mild", [(at + timedelta(minutes=5), 0.0)], outpatient=True)
        for code, _ in followed:
            if code in CARE_PLANS and (p.id, code) not in self.plans:
                self.plans.add((p.id, code))
                self._care_plan(enc, CARE_PLANS[code], enc.doctor, at + timedelta(minutes=50))
        return enc

    def _visit(
        self, p: SeededPatient, unit: str, kind: str, reason: str, at: datetime, end: datetime
    ) -> Encounter:
        end = min(end, self.now - timedelta(minutes=5))
        enc = Encounter(p.id, unit, kind, reason, at, end, self._doctor(unit))
        self.plan.visits.append(enc)
        self.last = max(self.last, end)
        return enc

    # Rows -----------------------------------------------------------------

    def _note(
        self,
        enc: Encounter,
        kind: str,
        author: int,
        at: datetime,
        sections: list[tuple[str, str]],
        *,
        sign_now: bool = False,
    ) -> None:
        at = min(max(at, enc.start + timedelta(minutes=10)), self.now - timedelta(minutes=2))
        self.plan.notes.append(Note(enc, kind, author, at, sections, sign_now=sign_now))

    def _diagnosis(
        self, enc: Encounter, code: str, rank: str, onset: date, resolved: date | None, at: datetime
    ) -> None:
        at = min(at, self.now - timedelta(minutes=3))
        row = (
            enc.patient_id,
            enc,
            self.unit_ids[enc.unit],
            code,
            rank,
            onset,
            resolved,
            None,
            enc.doctor,
            at,
        )
        self.plan.diagnoses.append(row)

    def _resolved(self, at: datetime, low: int, high: int) -> date | None:
        day = (at + timedelta(days=self.rng.randint(low, high))).date()
        return day if day < self.now.date() else None

    def _procedure(self, enc: Encounter, s: Surgery, at: datetime) -> None:
        at = min(at, (enc.end or self.now) - timedelta(minutes=30))
        recorded = min(at + timedelta(hours=self.rng.uniform(0.5, 3)), self.now - timedelta(minutes=1))
        surgeon, unit = self._doctor(enc.unit), self.unit_ids[enc.unit]
        row = (enc.patient_id, enc, unit, s.name, s.code, s.is_surgery, at, surgeon, s.anaesthesia, s.outcome)
        self.plan.procedures.append((*row, surgeon, recorded))

    def _vitals(
        self,
        enc: Encounter,
        body: Body,
        course: str,
        points: list[tuple[datetime, float]],
        *,
        outpatient: bool = False,
    ) -> None:
        recorder, unit = self._nurse(enc.unit) or enc.doctor, self.unit_ids[enc.unit]
        for at, s in points:
            at = min(at, self.now - timedelta(minutes=10))
            values = body.outpatient(at) if outpatient else body.vitals(PEAKS[course], s, at)
            recorded = min(at + timedelta(minutes=self.rng.randint(1, 30)), self.now - timedelta(minutes=1))
            self.plan.vitals.append((enc.patient_id, enc, unit, at, *values, recorder, recorded))

    def _care_plan(self, enc: Encounter, plan: tuple[str, str, str], by: int, at: datetime) -> None:
        review = (self.now + timedelta(days=self.rng.randint(14, 330))).date()
        row = (enc.patient_id, self.unit_ids[enc.unit], *plan, by, review, "active", by, at)
        self.plan.care_plans.append(row)

    def _background(
        self, p: SeededPatient, first: Encounter, chronic: list[tuple[str, date, str | None]], *, demo: bool
    ) -> None:
        """Written down at the first contact: allergies, past history and known illnesses."""
        rng, unit, by = self.rng, self.unit_ids[first.unit], first.doctor
        at = min(first.start + timedelta(minutes=40), self.now - timedelta(minutes=5))
        if demo or rng.random() < 0.18:
            allergy = ALLERGIES[0] if demo else rng.choices(ALLERGIES, weights=[a[-1] for a in ALLERGIES])[0]
            substance, category, reaction, grade, intolerance, _ = allergy
            verified = demo or rng.random() < 0.7
            row = (p.id, unit, substance, category, reaction, grade, verified, intolerance, by, at)
            self.plan.allergies.append(row)
        entries = [("social", rng.choice(SOCIAL))] if p.age >= 18 else []
        entries += [("family", rng.choice(FAMILY))] if demo or rng.random() < 0.4 else []
        entries += [("past_illness", rng.choice(PAST))] if rng.random() < 0.4 else []
        self.plan.history.extend((p.id, unit, kind, text, by, at) for kind, text in entries)
        for code, onset, _ in chronic:
            onset = min(onset, first.start.date())
            self._diagnosis(first, code, "secondary", onset, None, first.start + timedelta(hours=1))

    # Places and people ----------------------------------------------------

    def _unit(self, units: Sequence[str], age: int, *, admission: bool) -> str:
        """Children lie on the children's ward, the very old often on the geriatric one; a
        unit without doctors (the staff seed leaves some clinics without) is never used."""
        unit = self.rng.choice(units)
        if age < 16 and admission and unit in ("MED1", "MED2", "GER1"):
            unit = "PAED1"
        elif age >= 80 and unit == "MED1" and self.rng.random() < 0.5:
            unit = "GER1"
        if not self.doctors.get(unit):
            unit = next(u for u in (*units, "MED1", "AKM", *self.doctors) if self.doctors.get(u))
        return unit

    def _doctor(self, unit: str) -> int:
        return self.rng.choice(self.doctors[unit])

    def _nurse(self, unit: str) -> int | None:
        nurses = self.nurses.get(unit)
        return self.rng.choice(nurses) if nurses else None

    def _free_bed(self, unit: str, start: datetime, end: datetime | None) -> int | None:
        """A bed of the unit free for the whole stay, remembered as taken."""
        beds = list(self.beds.get(unit, ()))
        self.rng.shuffle(beds)
        for bed in beds:
            taken = self.occupied.setdefault(bed, [])
            if not any(_overlaps(start, end, s, e) for s, e in taken):
                taken.append((start, end))
                return bed
        return None


def _office_hours(rng: random.Random, at: datetime) -> datetime:
    return at.replace(hour=rng.randint(7, 14), minute=rng.choice((0, 15, 30, 45)), second=0, microsecond=0)


def _overlaps(a0: datetime, a1: datetime | None, b0: datetime, b1: datetime | None) -> bool:
    return (b1 is None or a0 < b1) and (a1 is None or b0 < a1)


# Staff and beds ---------------------------------------------------------------


def _clinicians(ctx: SeedContext) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Doctors and nurses of each care unit (code): authors must work where they write."""
    code_of = {unit_id: code for code, unit_id in ctx.units.items()}
    pools: tuple[dict[str, list[int]], dict[str, list[int]]] = ({}, {})
    for pool, role in zip(pools, ("doctor", "nurse"), strict=True):
        for user_id in ctx.staff.get(role, []):
            for unit_id in ctx.staff_units.get(user_id, []):
                pool.setdefault(code_of[unit_id], []).append(user_id)
    return pools


def _beds(ctx: SeedContext) -> dict[str, list[int]]:
    rows = ctx.conn.execute(
        "SELECT cu.code, b.id FROM bed AS b JOIN room AS r ON r.id = b.room_id "
        "JOIN ward AS w ON w.id = r.ward_id JOIN care_unit AS cu ON cu.id = w.care_unit_id "
        "WHERE b.is_active AND w.is_active ORDER BY b.id"
    ).fetchall()
    beds: dict[str, list[int]] = {}
    for code, bed_id in rows:
        beds.setdefault(code, []).append(bed_id)
    return beds


def _occupancy(ctx: SeedContext) -> dict[int, list[tuple[datetime, datetime | None]]]:
    """Stays already in the database (none in a fresh demo), so new ones never collide."""
    taken: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for bed_id, start, end in ctx.conn.execute(
        "SELECT bed_id, lower(during), upper(during) FROM bed_occupancy"
    ):
        taken.setdefault(bed_id, []).append((start, end))
    return taken
