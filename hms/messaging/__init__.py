"""Secure messaging between patients (or their relatives) and care units."""
