"""Passwords with argon2id, checked by the database.

The database stores, per account, argon2id's parameters and salt and the
SHA-256 of argon2id's output (migration 0010). At login the app runs argon2id
over the typed password with those parameters (``login_proof``) and sends the
raw output; the database compares its SHA-256. So the stored value opens
nothing, and the app's database role cannot log anyone in without the password.
"""

import base64

from argon2 import PasswordHasher, Type
from argon2.low_level import hash_secret_raw

_hasher = PasswordHasher()

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    """A full argon2id hash; the database seals it (keeps only a SHA-256 of its output)."""
    return _hasher.hash(password)


def login_proof(parameters: str, password: str) -> bytes:
    """argon2id's raw output for a password under stored parameters and salt
    ("$argon2id$v=19$m=…,t=…,p=…$salt", from hms_login_parameters)."""
    try:
        _, variant, version, costs, salt = parameters.split("$")
        settings = dict(item.split("=") for item in costs.split(","))
        if variant != "argon2id" or version != "v=19":
            raise ValueError(variant)
        return hash_secret_raw(
            secret=password.encode(),
            salt=base64.b64decode(salt + "=" * (-len(salt) % 4)),
            time_cost=int(settings["t"]),
            memory_cost=int(settings["m"]),
            parallelism=int(settings["p"]),
            hash_len=32,
            type=Type.ID,
            version=19,
        )
    except (ValueError, KeyError):
        # Unusable parameters: a proof that matches nothing, at the same cost.
        return hash_secret_raw(password.encode(), b"hms-unusable-salt", 3, 65536, 4, 32, Type.ID)


def check_password_strength(password: str) -> str | None:
    """A message if the password is too weak, else None."""
    if len(password) < MIN_LENGTH:
        return "Use at least 10 characters."
    if password.lower() == password or password.upper() == password or password.isalpha():
        return "Mix upper and lower case letters with digits or symbols."
    return None
