"""GET /healthz: is the app up, and can it reach its database? No login needed."""

import psycopg
from fastapi import Request
from fastapi.responses import JSONResponse
from psycopg_pool import PoolTimeout

from hms.web.guard import guarded_router, public_without_database

router = guarded_router()


@router.get("/healthz")
@public_without_database
def healthz(request: Request) -> JSONResponse:
    db = request.app.state.db
    try:
        with db.pool.connection(timeout=5) as conn:
            row = (
                conn.execute(
                    "SELECT current_setting('server_version') AS version, "
                    "current_database() AS name, "
                    "to_regclass('public.audit_log') IS NOT NULL AS migrated"
                ).fetchone()
                or {}
            )
    except (psycopg.Error, PoolTimeout, OSError) as exc:
        return JSONResponse(
            {"status": "error", "database": {"state": "unreachable", "error": type(exc).__name__}},
            status_code=503,
        )
    return JSONResponse(
        {
            "status": "ok",
            "database": {
                "state": "ok",
                "server_version": row["version"],
                "name": row["name"],
                "migrated": row["migrated"],
                "pool": {k: v for k, v in db.pool.get_stats().items() if k.startswith("pool_")},
            },
        }
    )
