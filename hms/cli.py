"""The ``hms`` command."""

import warnings

import typer

from hms.config import get_settings

warnings.filterwarnings("ignore", module="platformdirs")

app = typer.Typer(help="HMS: hospital management system.", no_args_is_help=True)
db_app = typer.Typer(help="The embedded PostgreSQL server (used when DATABASE_URL is unset).")
app.add_typer(db_app, name="db")


@db_app.command("start")
def db_start() -> None:
    """Start the embedded server (its data survives restarts)."""
    from hms.db import embedded

    settings = get_settings()
    uri = embedded.start(settings.data_dir)
    typer.echo(f"embedded PostgreSQL running: {uri}")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded server."""
    from hms.db import embedded

    stopped = embedded.stop(get_settings().data_dir)
    typer.echo("stopped" if stopped else "not running")


@db_app.command("status")
def db_status() -> None:
    """Say whether the embedded server runs (or which server DATABASE_URL names)."""
    from hms.db import embedded

    settings = get_settings()
    if settings.database_url:
        typer.echo("using DATABASE_URL (external server)")
        return
    uri = embedded.status(settings.data_dir)
    typer.echo(f"running: {uri}" if uri else "not running")
    if uri is None:
        raise typer.Exit(1)


@app.command()
def migrate() -> None:
    """Apply pending schema migrations."""
    from hms.db.connect import owner_url
    from hms.db.migrate import migrate as run

    applied = run(owner_url(get_settings()))
    typer.echo(f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else ""))


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Worker processes."),
) -> None:
    """Run the web app."""
    import uvicorn

    uvicorn.run(
        "hms.web.app:create_app", factory=True, host=host, port=port, workers=workers,
        proxy_headers=False, access_log=False,
    )


@app.command()
def createuser(
    username: str = typer.Argument(..., help="Login name (lower case)."),
    role: str = typer.Option(..., help="doctor, nurse, pharmacist, receptionist, administrator, ..."),
    full_name: str = typer.Option(..., "--name", help="Full name."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    profession: str = typer.Option("", help="Profession for staff (defaults from the role)."),
) -> None:
    """Create a staff account (e.g. the first administrator)."""
    from hms.access.roles import STAFF_ROLES, Role
    from hms.accounts.passwords import check_password_strength
    from hms.accounts.service import StaffInput, staff_create
    from hms.db.connect import owner_url
    from hms.db.pool import Database

    if Role(role) not in STAFF_ROLES:
        raise typer.BadParameter("createuser makes staff accounts; patients get theirs at the desk")
    problem = check_password_strength(password)
    if problem:
        raise typer.BadParameter(problem)
    db = Database(owner_url(get_settings()), min_size=1, max_size=1)
    db.open()
    try:
        with db.transaction() as conn:
            user_id = staff_create(
                conn,
                data=StaffInput(
                    username=username, full_name=full_name, email=None, role=Role(role),
                    profession=profession or role.replace("_", " ").capitalize(),
                    licence_number=None, title=None, phone=None,
                ),
                password=password,
                care_unit_ids=[],
            )
    finally:
        db.close()
    typer.echo(f"created user {username} (id {user_id})")


docs_app = typer.Typer(help="Documentation generated from the running system.", no_args_is_help=True)
app.add_typer(docs_app, name="docs")


@docs_app.command("schema")
def docs_schema(
    output: str = typer.Option("docs/SCHEMA.md", help="Where to write the document."),
) -> None:
    """Write the schema reference (ER diagram, tables, constraints) from the migrated database."""
    from pathlib import Path

    from hms.db.connect import owner_url
    from hms.db.migrate import pending
    from hms.db.schema_doc import write

    url = owner_url(get_settings())
    if pending(url):
        typer.echo("the database has pending migrations; run `hms migrate` first", err=True)
        raise typer.Exit(1)
    changed = write(url, Path(output))
    typer.echo(f"{'wrote' if changed else 'unchanged:'} {output}")


if __name__ == "__main__":
    app()
