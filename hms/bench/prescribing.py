"""Benchmark of the prescribing safety checks as a doctor meets them: a patient
on 20 active drugs, and the checks for one more drug asked through the JSON
API (POST /api/patients/{id}/medication/check), one request at a time.

Every check is one SQL statement (medication_check): allergies, interactions
with each active drug, duplicate therapy and the daily maximum, against the
row-level security of the doctor's session. The patient is prepared once, in
the given database, and kept for the next run.
"""

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg

from hms.bench.search import Timings, log_in, running_app
from hms.config import Settings
from hms.db import embedded
from hms.db.connect import ensure_database, with_database
from hms.db.migrate import migrate
from hms.seed.demo import DEMO_PASSWORD

BENCH_DB = "hms_bench_medication"
ACTIVE_DRUGS = 20
WARM_UP = 30
TARGET_P95_MS = 30.0
DOCTOR = "doctor"
REASON = "Benchmark: combination known and monitored"


@dataclass(frozen=True)
class CheckResult:
    active: int
    checks: Timings
    warnings: int  # warnings returned over all timed checks

    @property
    def on_target(self) -> bool:
        return self.checks.p95 <= TARGET_P95_MS

    def lines(self) -> list[str]:
        verdict = "ok" if self.on_target else "SLOWER THAN TARGET"
        return [
            f"prescribing checks, patient on {self.active} active drugs, through HTTP (JSON API): "
            f"p50 {self.checks.p50:.1f} ms, p95 {self.checks.p95:.1f} ms over {len(self.checks.ms)} checks "
            f"(target p95 <= {TARGET_P95_MS:.0f} ms: {verdict}); {self.warnings} warnings returned",
        ]

    def figures(self) -> dict[str, Any]:
        return {
            "check_active_drugs": self.active,
            "check_p50_ms": round(self.checks.p50, 2),
            "check_p95_ms": round(self.checks.p95, 2),
            "check_requests": len(self.checks.ms),
            "check_on_target": self.on_target,
        }


def bench_database(settings: Settings) -> str:
    """The owner's URL of this benchmark's database, created and migrated."""
    server = settings.database_url or embedded.start(settings.data_dir)
    ensure_database(server, BENCH_DB)
    url = with_database(server, BENCH_DB)
    migrate(url)
    return url


def prepare_patient(url: str, *, say: Callable[[str], None] = print) -> int:
    """A patient in the demo doctor's care with ACTIVE_DRUGS active
    prescriptions of different drugs, written in the doctor's verified
    session (the database's checks and overrides apply); made once."""
    with psycopg.connect(url) as conn:
        doctor, unit = _doctor(conn)
        row = conn.execute(
            "SELECT p.patient_id FROM prescription AS p "
            "INNER JOIN encounter AS e ON e.patient_id = p.patient_id AND e.care_unit_id = %s "
            "AND e.ended_at IS NULL AND e.reason = 'Läkemedelsgenomgång' "
            "WHERE p.status = 'active' GROUP BY p.patient_id HAVING count(*) >= %s LIMIT 1",
            [unit, ACTIVE_DRUGS],
        ).fetchone()
        if row:
            return int(row[0])
        patient = conn.execute(
            "SELECT id FROM patient AS pt WHERE NOT EXISTS "
            "(SELECT 1 FROM prescription AS p WHERE p.patient_id = pt.id) ORDER BY id LIMIT 1"
        ).fetchone()
        if patient is None:
            raise RuntimeError("the bench database has no patient without prescriptions")
        patient_id = int(patient[0])
        conn.execute(
            "INSERT INTO encounter (patient_id, care_unit_id, kind, reason, created_by) "
            "VALUES (%s, %s, 'outpatient', 'Läkemedelsgenomgång', %s)",
            [patient_id, unit, doctor],
        )
        _authenticate(conn, doctor)
        drugs = conn.execute(
            "SELECT DISTINCT ON (atc_group) id, dose_unit, strength, strength_unit, routes[1] "
            "FROM drug WHERE retired_at IS NULL AND form IN ('tablet', 'capsule') "
            "AND dose_unit = strength_unit "
            "ORDER BY atc_group, id LIMIT %s",
            [ACTIVE_DRUGS],
        ).fetchall()
        for drug_id, dose_unit, strength, _unit, route in drugs:
            conn.execute(
                "INSERT INTO prescription_version (patient_id, drug_id, change, care_unit_id, dose, "
                "dose_unit, route, schedule, times_of_day, starts_at, override_reason) "
                "VALUES (%s, %s, 'prescribed', %s, %s, %s, %s, 'times', '{08:00}', now(), %s)",
                [patient_id, drug_id, unit, strength, dose_unit, route, REASON],
            )
        conn.execute("DELETE FROM user_session WHERE user_id = %s AND user_agent = 'bench'", [doctor])
    say(f"patient {patient_id} given {len(drugs)} active drugs in the care of {DOCTOR}")
    return patient_id


def _doctor(conn: psycopg.Connection) -> tuple[int, int]:
    row = conn.execute(
        "SELECT u.id, s.care_unit_id FROM app_user AS u INNER JOIN staff_care_unit AS s ON s.user_id = u.id "
        "WHERE u.username = %s ORDER BY s.care_unit_id LIMIT 1",
        [DOCTOR],
    ).fetchone()
    if row is None:
        raise RuntimeError(f"no demo account {DOCTOR!r} with a care unit in the bench database")
    return int(row[0]), int(row[1])


def _authenticate(conn: psycopg.Connection, user_id: int) -> None:
    import hashlib
    import secrets

    token = secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO user_session (token_hash, user_id, csrf_token, user_agent) VALUES (%s, %s, %s, 'bench')",
        [hashlib.sha256(token.encode()).digest(), user_id, secrets.token_urlsafe(32)],
    )
    conn.execute("SELECT hms_authenticate(%s)", [token])


def run(
    url: str, *, patient_id: int, requests: int = 300, seed: int = 42, say: Callable[[str], None] = print
) -> CheckResult:
    """Time ``requests`` checks of drugs drawn from the formulary, after a warm-up."""
    rng = random.Random(seed)
    with psycopg.connect(url) as conn:
        drugs = conn.execute(
            "SELECT id, strength, dose_unit FROM drug WHERE retired_at IS NULL AND dose_unit = strength_unit"
        ).fetchall()
        active = conn.execute(
            "SELECT count(*) FROM prescription WHERE patient_id = %s AND status = 'active'", [patient_id]
        ).fetchone()
    with running_app(url) as base, httpx.Client(base_url=base, timeout=30) as client:
        log_in(client, DOCTOR, DEMO_PASSWORD)
        csrf = _csrf(client)
        ms: list[float] = []
        warnings = 0
        for i in range(WARM_UP + requests):
            drug_id, strength, unit = rng.choice(drugs)
            body = {"drug_id": drug_id, "dose": str(strength * 2), "dose_unit": unit, "doses_per_day": "3"}
            started = time.perf_counter()
            response = client.post(
                f"/api/patients/{patient_id}/medication/check", json=body, headers={"X-CSRF-Token": csrf}
            )
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"check answered {response.status_code}: {response.text[:200]}")
            if i >= WARM_UP:
                ms.append(elapsed)
                warnings += len(response.json())
    say(f"{requests} checks timed")
    return CheckResult(active=int(active[0]) if active else 0, checks=Timings("check", ms), warnings=warnings)


def _csrf(client: httpx.Client) -> str:
    import re

    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    if match is None:
        raise RuntimeError("the home page has no CSRF token")
    return match.group(1)


def as_json(result: CheckResult) -> str:
    return json.dumps({"bench": "prescribing", **result.figures()})
