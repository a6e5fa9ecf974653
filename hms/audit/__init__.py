"""The audit log: every read and write of patient data, in the same transaction."""
