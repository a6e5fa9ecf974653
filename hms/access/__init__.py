"""Who may do what: roles, permissions and (later) care relationships."""
