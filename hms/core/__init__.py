"""The core every domain package stands on, and nothing of the web: the
request's context, the roles table, domain errors, the write helper and the
hospital's clock. It imports nothing from ``hms`` but ``hms.db``."""
