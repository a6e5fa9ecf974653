"""The patient registry: identity, contact, next of kin, protected identity."""
