"""The web tier: app factory, the access guard, sessions, rendering."""
