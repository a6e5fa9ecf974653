"""Seed step: years of journal history for a few hundred patients.

Each chosen patient gets a plausible Swedish record: visits, emergency visits
and admissions (through ``encounter_admit``/``encounter_discharge``, at the
times they happened), signed notes under the usual keyword headings, ICD-10
diagnoses, vital-sign series whose NEWS2 rises and falls, allergies, past
history, surgery and care plans. Some patients lie in a bed right now, so the
wards are partly full and the clinicians' home pages list patients.

Everything is planned in Python from the context's random source, then loaded
with COPY (ids reserved from the tables' sequences first) and a few set-based
statements, so the default demo's journals take a second or two.

Notes are written as drafts and then signed. ``note_sign`` stamps the
signature with the transaction's time, so it signs the notes written "now"
(the newest note of each current admission, every amendment); the history is
signed with the time it was written, by the same rule (author signs, never an
empty note) applied in one statement.
"""

import random

from hms.seed.context import SeedContext, SeededPatient
from hms.seed.journal.chart import Chart, Note
from hms.seed.journal.load import write
from hms.seed.journal.vocabulary import AMENDMENTS

JOURNAL_PATIENTS = 300  # at most; the demo patient always among them
ADMITTED_RATE = 0.15  # of those, lying in a bed now
AMENDED_CURRENT_RATE = 0.3  # of current admissions whose admission note is corrected


def seed_journal(ctx: SeedContext) -> None:
    now = ctx.conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
    chart = Chart(ctx, now)
    patients, demo = _chosen(ctx)
    admitted = {p.id for p in ctx.rng.sample(patients, round(len(patients) * ADMITTED_RATE))} | {demo}
    with ctx.progress("Journals", len(patients)) as advance:
        for p in patients:
            chart.patient(p, admitted=p.id in admitted, demo=p.id == demo)
            advance(1)
    mark_corrections(ctx.rng, chart.plan.notes, demo=demo)
    write(ctx, chart.plan)


def _chosen(ctx: SeedContext) -> tuple[list[SeededPatient], int | None]:
    """The demo patient (who logs in as ``patient``) first, then a sample of the rest."""
    demo = next((pid for pid, uid in ctx.portal_users.items() if uid == ctx.user_ids.get("patient")), None)
    others = [p for p in ctx.patients if p.id != demo]
    chosen = ctx.rng.sample(others, min(len(others), JOURNAL_PATIENTS - (demo is not None)))
    return [p for p in ctx.patients if p.id == demo] + chosen, demo


def mark_corrections(rng: random.Random, notes: list[Note], *, demo: int | None) -> None:
    """Some admission notes of current stays get amended (always the demo patient's); a
    few old notes are marked entered in error."""
    for note in notes:
        current = note.kind == "admission" and note.enc.end is None
        if current and (note.enc.patient_id == demo or rng.random() < AMENDED_CURRENT_RATE):
            note.amend = rng.choice(AMENDMENTS)
    if not any(n.amend for n in notes):  # no one in a bed: correct the newest note that fits
        fits = [(n, a) for n in notes for a in AMENDMENTS if a[1] in dict(n.sections)]
        if fits:
            note, amendment = max(fits, key=lambda fit: fit[0].at)
            note.amend = amendment
    old = [n for n in notes if n.kind == "progress" and n.enc.end is not None and n.enc.patient_id != demo]
    for note in rng.sample(old, min(len(old), max(1, round(len(notes) * 0.002)))):
        note.in_error = True
