"""Every domain package has the same skeleton, and dependencies point one way:
web → domain → core → db.

Read from the source alone (no database): each rule names the files that break it.
"""

import ast
import re
from pathlib import Path

import pytest

HMS = Path(__file__).resolve().parents[1] / "hms"
# Packages that are not domains: the shared layers, and tools beside the app.
NOT_DOMAINS = frozenset({"core", "db", "web", "seed", "bench", "i18n", "jobs"})
SKELETON = ("pages.py", "read.py", "service.py", "policy.py", "forms.py", "queries.sql")
WEB_MODULES = ("fastapi", "starlette", "hms.web")


def domains() -> list[str]:
    return sorted(
        d.name for d in HMS.iterdir() if (d / "__init__.py").is_file() and d.name not in NOT_DOMAINS
    )


def is_route_module(path: Path) -> bool:
    """HTML routes in pages.py (or pages_<topic>.py when one module would be too long), JSON in api.py."""
    return path.name == "api.py" or path.name == "pages.py" or path.name.startswith("pages_")


def modules(where: Path) -> list[Path]:
    return sorted(p for p in where.rglob("*.py") if "migrations" not in p.parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def loaded_queries(path: Path) -> set[str]:
    """The domains whose queries.sql a file loads: load("<domain>")."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) == "load"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(node.args[0].value)
    return found


def relative(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(HMS.parent)) for p in paths]


def test_the_domains_are_found():
    assert {"access", "accounts", "audit", "consultations", "journal", "patients", "portal"} <= set(domains())


@pytest.mark.parametrize("domain", domains())
def test_every_domain_has_the_same_skeleton(domain):
    package = HMS / domain
    missing = [name for name in SKELETON if not (package / name).is_file()]
    if not (package / "templates" / domain).is_dir():
        missing.append(f"templates/{domain}/")
    assert missing == [], f"hms/{domain} lacks {missing}"


def test_domain_code_does_not_know_the_web():
    offenders = [
        p
        for d in domains()
        for p in modules(HMS / d)
        if not is_route_module(p) and any(under(name, *WEB_MODULES) for name in imports(p))
    ]
    assert relative(offenders) == []


def test_the_core_stands_on_the_database_alone():
    offenders = [
        p
        for p in modules(HMS / "core")
        if any(under(n, "hms") and not under(n, "hms.core", "hms.db") for n in imports(p))
    ]
    assert relative(offenders) == []


def test_the_database_layer_imports_no_other_package():
    offenders = [
        p
        for p in modules(HMS / "db")
        if any(under(n, "hms") and not under(n, "hms.db", "hms.config") for n in imports(p))
    ]
    assert relative(offenders) == []


def test_pages_run_no_sql():
    offenders = [
        p
        for d in domains()
        for p in modules(HMS / d)
        if is_route_module(p)
        and (
            any(under(n, "psycopg", "hms.db") for n in imports(p))
            or loaded_queries(p)
            or ".execute(" in p.read_text()
            or ".transaction(" in p.read_text()
        )
    ]
    assert relative(offenders) == []


def test_no_package_loads_another_packages_queries():
    # The benchmarks time the app's own named statements (EXPLAIN of their text).
    offenders = [
        f"{p.relative_to(HMS.parent)} loads {sorted(other)}"
        for p in modules(HMS)
        if p.relative_to(HMS).parts[0] != "bench"
        and (other := loaded_queries(p) - {p.relative_to(HMS).parts[0]})
    ]
    assert offenders == []


# Whose tables a query may name -----------------------------------------------------

MIGRATIONS = HMS / "db" / "migrations"
# Tables made by a migration that does not name their package: 0009_access made
# every relation an access basis counts (and the search view that asks it), and
# account_set_units (accounts) sets the care units a staff member works in.
OWNERS = {
    "patient_search_directory": "patients",
    "journal_block": "portal",
    "proxy_grant": "portal",
    "consultation": "consultations",
    "staff_care_unit": "accounts",
}
# A query may name another package's table only where joining it is the point
# of the query; a lookup in another package's data goes through its read.py.
JOINS = {
    "access.emergency_queue": (
        {"app_user", "patient"},
        "the review names who opened, who reviewed, and whose record",
    ),
    "access.emergency_actions": (
        {"audit_log"},
        "what each access was used for: the log rows within its hours",
    ),
    "access.care_unit_in_care": (
        {"encounter", "staff_care_unit"},
        "the unit in care is the user's unit with the patient's encounter or assignment",
    ),
    "accounts.user_care_units": ({"care_unit", "department"}, "a member's units with their names"),
    "accounts.staff_list": ({"care_unit"}, "the list filters and names staff by unit"),
    "audit.audit_search": ({"app_user", "patient"}, "each log row names its user, patient and account"),
    "audit.patient_access_visits": (
        {"app_user", "staff_profile", "care_unit", "staff_care_unit"},
        "the patient's log extract names each reader, their profession and units",
    ),
    "audit.report_outside_units": (
        {"app_user", "patient", "emergency_access"},
        "reads outside care, under emergency or not",
    ),
    "audit.report_coworkers": ({"app_user", "patient"}, "staff names matched against patients' names"),
    "audit.report_same_surname": (
        {"app_user", "patient"},
        "staff surnames matched against patients' surnames",
    ),
    "consultations.consultation_get": (
        {"app_user", "care_unit", "patient"},
        "names requester, specialist, unit, patient",
    ),
    "consultations.consultations_mine": ({"app_user", "care_unit", "patient"}, "the list names the same"),
    "journal.chart_summary": ({"app_user", "care_unit"}, "who recorded each entry, on which unit"),
    "journal.encounter_get": ({"app_user", "care_unit"}, "who opened the encounter, on which unit"),
    "journal.encounters_for_patient": ({"care_unit"}, "each encounter's unit by name"),
    "journal.unit_patients": (
        {"care_unit", "patient", "staff_care_unit"},
        "the patients in the user's units now",
    ),
    "journal.note_get": ({"app_user", "care_unit"}, "the note's author and unit"),
    "journal.note_versions": ({"app_user"}, "who wrote and signed each version"),
    "journal.diagnoses_for_patient": ({"app_user"}, "who recorded each diagnosis"),
    "journal.signed_notes": ({"app_user", "care_unit"}, "each note's author and unit"),
    "journal.units_with_entries": ({"care_unit"}, "the units that wrote, by name"),
    "portal.proxy_grants_for_patient": ({"app_user"}, "the relative, who granted, who took the consent"),
    "portal.granted_patients": ({"patient"}, "the relative sees the names of who granted them"),
    "portal.blocks_for_patient": ({"care_unit"}, "each block names its unit"),
    "medication.medication_list": (
        {"app_user", "diagnosis", "icd10_code"},
        "who prescribed and wrote each line, and the diagnosis it treats",
    ),
    "medication.prescription_versions": ({"app_user"}, "who wrote each version"),
    "medication.prescription_warnings": ({"app_user"}, "who overrode each warning"),
    "medication.prescription_reviews": ({"app_user"}, "who reviewed or answered"),
    "medication.review_queue": (
        {"app_user", "patient"},
        "the pharmacist's queue names patient and prescriber",
    ),
    "medication.queries_for_prescriber": ({"app_user", "patient"}, "the query names patient and pharmacist"),
    "medication.allergies_for_dosing": (
        {"allergy"},
        "allergies in the medication area, which a pharmacist reaches and the journal's reads do not",
    ),
    "medication.latest_weight": ({"vital_signs"}, "the weight for dosing, in the medication area likewise"),
    "medication.diagnoses_active": ({"diagnosis", "icd10_code"}, "the diagnoses a prescription may treat"),
    "medication.mar_doses": ({"patient"}, "the ward round names each dose's patient"),
    "medication.mar_as_needed": (
        {"encounter", "patient"},
        "the ward's patients are those with an open encounter there",
    ),
    "medication.administrations": ({"app_user"}, "who recorded each dose"),
    "pharmacy.batch_ledger": ({"app_user"}, "who recorded each movement of a batch"),
    "pharmacy.stock_low_list": ({"drug"}, "each low line names its drug"),
    "pharmacy.dispense_queue": (
        {"drug", "patient", "prescription"},
        "approved prescriptions waiting to be dispensed, with patient and drug",
    ),
    "pharmacy.prescriptions_to_dispense": (
        {"drug", "prescription", "prescription_version"},
        "a patient's approved prescriptions, each with its current dose",
    ),
    "pharmacy.dispenses_of_patient": (
        {"app_user", "drug", "prescription"},
        "what was dispensed, and by whom",
    ),
    "pharmacy.ward_orders": ({"app_user"}, "who asked for each order"),
    "pharmacy.ward_order_get": ({"app_user"}, "who asked for the order"),
    "pharmacy.ward_order_lines": ({"drug"}, "the drugs ordered, by name"),
    "pharmacy.ward_order_events": ({"app_user"}, "who took each step of an order"),
    "pharmacy.work_summary": ({"prescription"}, "approved prescriptions not yet dispensed, counted"),
    "medication.active_prescriptions": (
        {"patient", "allergy", "vital_signs", "encounter"},
        "the pharmacist's overview: each patient's allergies, weight and unit beside the drugs",
    ),
    "scheduling.types_all": ({"care_unit"}, "each appointment type names its unit"),
    "scheduling.rooms_all": ({"care_unit"}, "each room names its unit"),
    "scheduling.hours_all": ({"app_user", "care_unit"}, "whose hours, in which unit"),
    "scheduling.exceptions_upcoming": ({"app_user"}, "whose time away"),
    "scheduling.unit_clinicians": (
        {"app_user", "staff_care_unit"},
        "the doctors and nurses of each unit, who can be booked",
    ),
    "scheduling.free_slots": ({"app_user"}, "each free time names its clinician"),
    "scheduling.appointment_get": (
        {"app_user", "care_unit", "patient"},
        "the appointment names its patient, unit and clinician",
    ),
    "scheduling.appointment_events": ({"app_user"}, "who made each step of an appointment's history"),
    "scheduling.appointments_for_patient": (
        {"app_user", "care_unit"},
        "each appointment's unit and clinician",
    ),
    "scheduling.calendar": ({"app_user", "patient"}, "the desk's calendar names patients and clinicians"),
    "scheduling.waitlist_for_patient": (
        {"app_user", "care_unit"},
        "the waitlist names the unit and the clinician asked for or offered",
    ),
    "accounts.portal_account_of_patient": ({"patient_user"}, "the portal account a patient is linked to"),
    "messaging.threads_for_patient": ({"care_unit"}, "each thread names the unit it is addressed to"),
    "messaging.inbox": (
        {"app_user", "care_unit", "patient"},
        "the inbox names patient, unit and who holds it",
    ),
    "messaging.thread_get": (
        {"app_user", "care_unit", "patient"},
        "the thread names the same, and who closed it",
    ),
    "messaging.thread_messages": ({"app_user"}, "who wrote each message"),
    "messaging.message_get": ({"app_user"}, "who wrote the message a note is filed from"),
    "requests.requests_for_patient": (
        {"app_user", "care_unit", "prescription", "drug"},
        "each request's unit, who filed and answered it, and a renewal's drug",
    ),
    "requests.request_get": (
        {"app_user", "care_unit", "patient", "prescription", "drug"},
        "the request names its patient, unit, handlers and a renewal's drug",
    ),
    "requests.request_queue": (
        {"app_user", "care_unit", "patient"},
        "the queue names patient, unit and handler",
    ),
    "referrals.referral_get": (
        {"app_user", "care_unit", "patient"},
        "the referral names its patient, its units, who sent and who decided",
    ),
    "referrals.referral_diagnoses": ({"icd10_code"}, "each diagnosis named by its title"),
    "referrals.referrals_incoming": ({"app_user", "care_unit", "patient"}, "the list names the same"),
    "referrals.referrals_outgoing": ({"app_user", "care_unit", "patient"}, "the list names the same"),
    "lab.orders_for_patient": ({"app_user", "care_unit"}, "who ordered and sampled, from which unit"),
    "lab.order_get": ({"app_user", "care_unit"}, "who ordered and sampled, from which unit"),
    "lab.lines_for_patient": ({"app_user"}, "who entered and who acknowledged each result"),
    "lab.result_history": ({"app_user"}, "who entered each result and correction"),
    "lab.critical_unacknowledged_mine": (
        {"patient", "staff_care_unit"},
        "the doctor's list names the patients, of orders from the doctor's units",
    ),
    "lab.sampling_worklist": (
        {"patient", "care_unit", "app_user"},
        "the worklist names patient, unit and orderer",
    ),
    "lab.radiology_for_patient": (
        {"app_user", "care_unit"},
        "who ordered, reported and acknowledged, from which unit",
    ),
    "reports.scope_units": (
        {"care_unit", "department"},
        "the units a user reports on, by name and department",
    ),
    "reports.departments_headed": ({"department"}, "the departments the user heads, by name"),
    "reports.department_heads": ({"department", "app_user"}, "every department with its heads, by name"),
    "reports.head_candidates": ({"app_user"}, "the staff an administrator may appoint to head a department"),
    "ward.wards_mine": (
        {"staff_care_unit", "ward", "care_unit", "room", "bed"},
        "the wards of the user's units, with their beds counted",
    ),
    "ward.ward_board": (
        {
            "ward",
            "care_unit",
            "room",
            "bed",
            "bed_occupancy",
            "encounter",
            "patient",
            "app_user",
            "allergy",
            "vital_signs",
            "care_plan",
            "lab_result",
            "lab_test",
            "lab_result_ack",
            "staff_care_unit",
        },
        "the board is one statement for the whole ward: beds, patients, NEWS2, care plans, critical results",
    ),
    "ward.red_flags_mine": (
        {"staff_care_unit", "encounter", "patient", "care_unit", "vital_signs", "bed_status"},
        "the patients of the user's units whose latest NEWS2 is red",
    ),
}
TABLE_NAMED = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+([a-z_][a-z0-9_]*)\b(?!\s*\()", re.IGNORECASE)


def table_owners() -> dict[str, str]:
    """Each table or view of schema public and its package: the one its
    migration names (0006_journal_encounters: journal), or OWNERS says.
    Tables of a migration that names no package have none yet."""
    owners: dict[str, str] = {}
    for path in sorted(MIGRATIONS.glob("*.sql")):
        made = re.findall(
            r"CREATE\s+(?:UNLOGGED\s+)?(?:TABLE|VIEW)\s+([a-z_][a-z0-9_]*)\b(?!\.)",
            path.read_text(),
            re.IGNORECASE,
        )
        for table in made:
            owners.setdefault(table, path.stem.split("_")[1])
    owners |= OWNERS
    return {table: package for table, package in owners.items() if package in domains()}


def named_queries(path: Path) -> dict[str, str]:
    """Each named statement of a queries.sql (its name without the suffix), comments removed."""
    found = {}
    for block in re.split(r"^(?=-- name:)", path.read_text(), flags=re.MULTILINE):
        if match := re.match(r"-- name:\s*([a-z_][a-z0-9_]*)", block):
            found[match.group(1)] = re.sub(r"--[^\n]*", "", block)
    return found


def test_every_table_belongs_to_a_package():
    owners = table_owners()
    assert {"app_user", "patient", "audit_log", "note", "proxy_grant", "care_unit"} <= owners.keys()
    assert not set(OWNERS) - owners.keys(), "OWNERS names a table no migration makes"


def test_a_package_names_only_its_own_tables_but_for_joins():
    owners = table_owners()
    offenders = []
    for path in sorted(HMS.glob("*/queries.sql")):
        package = path.parent.name
        for name, sql in named_queries(path).items():
            foreign = {t for t in TABLE_NAMED.findall(sql) if owners.get(t, package) != package}
            allowed = JOINS.get(f"{package}.{name}", (set(), ""))[0]
            if foreign - allowed:
                offenders.append(f"{package}.{name} names {sorted(foreign - allowed)}")
    assert offenders == []


def test_every_join_allowed_is_still_made():
    owners = table_owners()
    queries = {
        f"{p.parent.name}.{n}": sql for p in HMS.glob("*/queries.sql") for n, sql in named_queries(p).items()
    }
    stale = [
        key
        for key, (tables, _) in JOINS.items()
        if key not in queries or not tables <= {t for t in TABLE_NAMED.findall(queries[key]) if t in owners}
    ]
    assert stale == []


# Imports without cycles ------------------------------------------------------------


def module_name(path: Path) -> str:
    parts = path.relative_to(HMS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Each hms module and the hms modules it imports (``from hms.x import read`` imports hms.x.read)."""
    known = {module_name(p): p for p in modules(HMS)}
    return {name: {n for n in imports(path) if n in known and n != name} for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each module that lies on one (depth-first search)."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            found.append(path[path.index(name) :] + [name])
            return
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_hms_modules_import_each_other_in_a_cycle():
    assert [" → ".join(cycle) for cycle in cycles(import_graph())] == []


# No dead statements -----------------------------------------------------------------


def names_used_in_python() -> set[str]:
    """Every attribute read (``q.note_get``) and string constant (a getattr table) in hms."""
    used: set[str] = set()
    for path in modules(HMS):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Attribute):
                used.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                used.add(node.value)
    return used


def test_every_named_query_is_used():
    used = names_used_in_python()
    unused = [
        f"{path.parent.name}.{name}"
        for path in sorted(HMS.glob("*/queries.sql"))
        for name in named_queries(path)
        if name not in used
    ]
    assert unused == []
