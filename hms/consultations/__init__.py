"""Consultations: questions about a patient to external specialists, with time-boxed access."""
