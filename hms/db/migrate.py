"""Schema migrations: plain SQL files in ``hms/db/migrations``, applied with yoyo."""

from pathlib import Path

from psycopg.conninfo import conninfo_to_dict
from yoyo import get_backend, read_migrations

MIGRATIONS = Path(__file__).parent / "migrations"


def yoyo_url(url: str) -> str:
    """yoyo wants a URL naming the psycopg 3 driver; accept any libpq URL or DSN."""
    # Parsed from a string (no keyword overrides), every value is a string.
    params = {k: str(v) for k, v in conninfo_to_dict(url).items()}
    host = params.get("host", "")
    user = params.get("user", "postgres")
    password = params.get("password")
    auth = user + (f":{password}" if password else "")
    port = params.get("port")
    dbname = params.get("dbname", user)
    if host.startswith("/"):
        return f"postgresql+psycopg://{auth}@/{dbname}?host={host}" + (f"&port={port}" if port else "")
    netloc = host or "localhost"
    if port:
        netloc += f":{port}"
    return f"postgresql+psycopg://{auth}@{netloc}/{dbname}"


def migrate(url: str) -> list[str]:
    """Apply every pending migration; return the ids applied."""
    backend = get_backend(yoyo_url(url))
    migrations = read_migrations(str(MIGRATIONS))
    with backend.lock():
        pending = backend.to_apply(migrations)
        backend.apply_migrations(pending)
    load_reference_data(url)
    return [m.id for m in pending]


def load_reference_data(url: str) -> None:
    """Reference data that comes from packages and files rather than SQL:
    ICD-10 with the Swedish titles of the common codes, then the formulary,
    then the laboratory catalogue."""
    import psycopg

    from hms.db.terminology import formulary_load, icd10_load, icd10_swedish_load, lab_catalogue_load

    with psycopg.connect(url) as conn:
        icd10_load(conn)
        icd10_swedish_load(conn)
        formulary_load(conn)
        lab_catalogue_load(conn)


def pending(url: str) -> list[str]:
    backend = get_backend(yoyo_url(url))
    return [m.id for m in backend.to_apply(read_migrations(str(MIGRATIONS)))]
