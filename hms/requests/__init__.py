"""Care requests: a patient, or a relative with a grant in force, asks the
patient's care for a renewal, an answer, a booking, a certificate or a
correction of the record; the request goes to whoever handles its kind
(migration 0026_requests_care)."""
