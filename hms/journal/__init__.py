"""The medical journal: encounters, notes, diagnoses, procedures, allergies,
past history, care plans, vital signs, and the timeline of them all."""
