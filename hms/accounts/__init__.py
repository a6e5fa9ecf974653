"""Accounts: users, roles, staff profiles, login and sessions."""
