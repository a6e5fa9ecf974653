"""The ward board: every bed of a ward with its patient, NEWS2 and what is due."""
