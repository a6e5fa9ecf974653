"""The ward board writes nothing of its own: beds are admitted and discharged
by the journal (encounter_admit, encounter_discharge), vitals, care plans and
results by their own packages. Only its audit rows are written, by read.py."""
