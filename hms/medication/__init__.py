"""Medication: the formulary, prescriptions with their safety checks and
versions, the pharmacist's review, and the administration record (MAR)."""
