"""Who may do what: roles, permissions, the access decision, emergency access."""
