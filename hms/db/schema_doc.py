"""docs/SCHEMA.md, written from the live catalogue of a migrated database.

The document is generated, never edited by hand (``hms docs schema``), so it
cannot drift from the migrations: a test regenerates it and compares. The
output must be the same on every PostgreSQL the project supports (15 and
later), so it is built only from catalogue facts whose text is stable across
versions, every list is sorted, and nothing local (database name, server
version, dates, OIDs) is written.

The catalogue queries live here rather than in a ``queries.sql``: they read
PostgreSQL's own tables, not HMS data, and serve only this document.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import DictRow, dict_row

APP_ROLE = "hms_app"
PRIVILEGE_ORDER = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
CONSTRAINT_KINDS = {"p": "primary key", "u": "unique", "x": "exclusion", "f": "foreign key", "c": "check"}

# Objects of the schema itself: not an extension's, not yoyo's bookkeeping.
RELATIONS = """
SELECT c.oid, c.relname AS name, c.relkind AS kind,
       obj_description(c.oid, 'pg_class') AS comment,
       c.relrowsecurity AS rls, c.relforcerowsecurity AS rls_forced,
       ARRAY(SELECT DISTINCT a.privilege_type FROM aclexplode(c.relacl) AS a
             JOIN pg_roles AS r ON r.oid = a.grantee WHERE r.rolname = %(role)s) AS app_privileges
FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname = 'public'
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.objid = c.oid AND d.deptype = 'e')
  AND c.relname NOT LIKE '\\_yoyo%%' AND c.relname <> 'yoyo_lock'
ORDER BY c.relname
"""

COLUMNS = """
SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
       pg_get_expr(d.adbin, d.adrelid) AS expression, a.attidentity AS identity,
       a.attgenerated AS generated, col_description(a.attrelid, a.attnum) AS comment,
       ARRAY(SELECT DISTINCT p.privilege_type FROM aclexplode(a.attacl) AS p
             JOIN pg_roles AS r ON r.oid = p.grantee WHERE r.rolname = %(role)s) AS app_privileges
FROM pg_attribute AS a
LEFT JOIN pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = %(oid)s AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum
"""

# NOT NULL constraints are catalogue rows only since PostgreSQL 18; the column
# table already shows them, so they are left out here for the same output everywhere.
CONSTRAINTS = """
SELECT con.conname AS name, con.contype AS kind, pg_get_constraintdef(con.oid) AS definition,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k (attnum, ord)
             JOIN pg_attribute AS a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS columns,
       ref.relname AS ref_table
FROM pg_constraint AS con
LEFT JOIN pg_class AS ref ON ref.oid = con.confrelid
WHERE con.conrelid = %(oid)s AND con.contype IN ('p', 'u', 'x', 'f', 'c')
ORDER BY array_position(ARRAY['p', 'u', 'x', 'f', 'c'], con.contype::text), con.conname
"""

INDEXES = """
SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition,
       x.indisunique AND x.indpred IS NULL AND x.indexprs IS NULL AS plain_unique,
       ARRAY(SELECT a.attname FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k (attnum, ord)
             JOIN pg_attribute AS a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
             ORDER BY k.ord) AS columns
FROM pg_index AS x JOIN pg_class AS i ON i.oid = x.indexrelid
WHERE x.indrelid = %(oid)s
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS con
                  WHERE con.conindid = i.oid AND con.conrelid = x.indrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.relname
"""

TRIGGERS = """
SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS definition
FROM pg_trigger AS t
WHERE t.tgrelid = %(oid)s AND NOT t.tgisinternal
ORDER BY t.tgname
"""

POLICIES = """
SELECT policyname AS name, permissive, cmd AS command, roles, qual AS using, with_check
FROM pg_policies
WHERE schemaname = 'public' AND tablename = %(name)s
ORDER BY policyname
"""

ENUMS = """
SELECT t.typname AS name, obj_description(t.oid, 'pg_type') AS comment,
       ARRAY(SELECT e.enumlabel::text FROM pg_enum AS e WHERE e.enumtypid = t.oid
             ORDER BY e.enumsortorder) AS labels
FROM pg_type AS t JOIN pg_namespace AS n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND n.nspname = 'public'
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.objid = t.oid AND d.deptype = 'e')
ORDER BY t.typname
"""

DOMAINS = """
SELECT t.typname AS name, format_type(t.typbasetype, t.typtypmod) AS base, t.typnotnull AS not_null,
       obj_description(t.oid, 'pg_type') AS comment,
       ARRAY(SELECT c.conname || ': ' || pg_get_constraintdef(c.oid) FROM pg_constraint AS c
             WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS checks
FROM pg_type AS t JOIN pg_namespace AS n ON n.oid = t.typnamespace
WHERE t.typtype = 'd' AND n.nspname = 'public'
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.objid = t.oid AND d.deptype = 'e')
ORDER BY t.typname
"""

ROUTINES = """
SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS result, p.prokind AS kind, l.lanname AS language,
       p.provolatile AS volatility, p.prosecdef AS security_definer,
       obj_description(p.oid, 'pg_proc') AS comment,
       has_function_privilege(%(role)s, p.oid, 'EXECUTE') AS app_may_execute
FROM pg_proc AS p
JOIN pg_namespace AS n ON n.oid = p.pronamespace
JOIN pg_language AS l ON l.oid = p.prolang
WHERE n.nspname = 'public'
  AND NOT EXISTS (SELECT 1 FROM pg_depend AS d WHERE d.objid = p.oid AND d.deptype = 'e')
ORDER BY p.proname, pg_get_function_identity_arguments(p.oid)
"""

VIEW_SOURCES = """
SELECT DISTINCT src.relname AS name
FROM pg_rewrite AS w
JOIN pg_depend AS d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
JOIN pg_class AS src ON src.oid = d.refobjid
WHERE w.ev_class = %(oid)s AND src.oid <> %(oid)s AND src.relkind IN ('r', 'p', 'v', 'm')
ORDER BY src.relname
"""

EXTENSIONS = "SELECT extname AS name FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY extname"
MIGRATIONS = "SELECT migration_id AS id FROM _yoyo_migration ORDER BY migration_id"


@dataclass
class Relation:
    name: str
    kind: str
    comment: str | None
    rls: bool
    rls_forced: bool
    app_privileges: list[str]
    columns: list[dict[str, Any]] = field(default_factory=list)
    constraints: list[dict[str, Any]] = field(default_factory=list)
    indexes: list[dict[str, Any]] = field(default_factory=list)
    triggers: list[dict[str, Any]] = field(default_factory=list)
    policies: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def is_table(self) -> bool:
        return self.kind in ("r", "p")

    def foreign_keys(self) -> list[dict[str, Any]]:
        return [c for c in self.constraints if c["kind"] == "f"]

    def unique_sets(self) -> list[set[str]]:
        """Column sets that identify a row: keys, unique constraints, plain unique indexes."""
        sets = [set(c["columns"]) for c in self.constraints if c["kind"] in ("p", "u")]
        return sets + [set(i["columns"]) for i in self.indexes if i["plain_unique"]]


@dataclass
class Schema:
    relations: list[Relation]
    enums: list[dict[str, Any]]
    domains: list[dict[str, Any]]
    routines: list[dict[str, Any]]
    extensions: list[str]
    migrations: list[str]

    @property
    def tables(self) -> list[Relation]:
        return [r for r in self.relations if r.is_table]

    @property
    def views(self) -> list[Relation]:
        return [r for r in self.relations if not r.is_table]


def read_schema(conn: psycopg.Connection[DictRow]) -> Schema:
    role = {"role": APP_ROLE}
    relations: list[Relation] = []
    for row in conn.execute(RELATIONS, role).fetchall():
        oid = row.pop("oid")
        rel = Relation(**row)
        rel.columns = conn.execute(COLUMNS, {"oid": oid, **role}).fetchall()
        if rel.is_table:
            rel.constraints = conn.execute(CONSTRAINTS, {"oid": oid}).fetchall()
            rel.indexes = conn.execute(INDEXES, {"oid": oid}).fetchall()
            rel.triggers = conn.execute(TRIGGERS, {"oid": oid}).fetchall()
            rel.policies = conn.execute(POLICIES, {"name": rel.name}).fetchall()
        else:
            rel.sources = [r["name"] for r in conn.execute(VIEW_SOURCES, {"oid": oid})]
        relations.append(rel)
    return Schema(
        relations=relations,
        enums=conn.execute(ENUMS).fetchall(),
        domains=conn.execute(DOMAINS).fetchall(),
        routines=conn.execute(ROUTINES, role).fetchall(),
        extensions=[r["name"] for r in conn.execute(EXTENSIONS)],
        migrations=[r["id"] for r in conn.execute(MIGRATIONS)],
    )


def generate(url: str) -> str:
    """The whole document for the database at ``url`` (the owner's connection)."""
    with psycopg.connect(url, row_factory=dict_row, autocommit=True) as conn:
        schema = read_schema(conn)
    return render(schema)


def write(url: str, output: Path) -> bool:
    """Write the document; True when the file changed."""
    text = generate(url)
    if output.exists() and output.read_text(encoding="utf-8") == text:
        return False
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    return True


# --- Markdown -------------------------------------------------------------------------------


def render(schema: Schema) -> str:
    parts = [
        _intro(schema),
        _contents(schema),
        _diagram(schema),
        "## Tables\n",
        *(_table(t, schema) for t in schema.tables),
        _views(schema),
        _types(schema),
        _routines(schema),
    ]
    return "\n".join(p for p in parts if p).rstrip() + "\n"


def _intro(schema: Schema) -> str:
    return "\n".join(
        [
            "# Database schema",
            "",
            "<!-- Generated by `hms docs schema` from the live catalogue; do not edit by hand. -->",
            "",
            "Written from a database migrated to the migrations below, so it always matches them "
            "(`tests/docs/test_schema_doc.py` fails when it is stale; run `hms docs schema` to renew it). "
            "What each table is for comes from its `COMMENT ON TABLE`; the rules are the constraints, "
            "triggers and row-level security policies shown for each table. "
            f"The app connects as `{APP_ROLE}`, which owns nothing: its privileges are listed per "
            "table, and everything else is refused.",
            "",
            f"- Tables: {len(schema.tables)}; views: {len(schema.views)}; "
            f"functions and procedures: {len(schema.routines)}",
            "- Extensions: " + ", ".join(f"`{e}`" for e in schema.extensions),
            "- Migrations: " + ", ".join(f"`{m}`" for m in schema.migrations),
            "",
        ]
    )


def _contents(schema: Schema) -> str:
    lines = ["## Contents", "", "| table | one row is |", "| --- | --- |"]
    lines += [f"| [`{t.name}`](#{_anchor(t.name)}) | {_cell(t.comment or '')} |" for t in schema.tables]
    lines += ["", "| view | what it shows |", "| --- | --- |"]
    lines += [f"| [`{v.name}`](#{_anchor(v.name)}) | {_cell(v.comment or '')} |" for v in schema.views]
    return "\n".join(lines) + "\n"


def _diagram(schema: Schema) -> str:
    lines = [
        "## Entity–relationship diagram",
        "",
        "Primary keys (PK), foreign keys (FK) and unique columns (UK) of every table; each line is a "
        "foreign key, labelled with its columns.",
        "",
        "```mermaid",
        "erDiagram",
    ]
    for table in schema.tables:
        lines.append(f"    {table.name} {{")
        lines += [
            f"        {_mermaid_type(c['type'])} {c['name']}{_keys(table, c['name'])}" for c in table.columns
        ]
        lines.append("    }")
    by_name = {t.name: t for t in schema.tables}
    for table in schema.tables:
        for fk in table.foreign_keys():
            if fk["ref_table"] in by_name:
                lines.append("    " + _relationship(table, fk))
    lines += ["```", ""]
    return "\n".join(lines)


def _relationship(child: Relation, fk: dict[str, Any]) -> str:
    """``parent ||--o{ child``: mandatory or optional parent, one or many children."""
    nullable = {c["name"] for c in child.columns if not c["not_null"]}
    parent_side = "|o" if nullable & set(fk["columns"]) else "||"
    one_each = any(set(fk["columns"]) >= s for s in child.unique_sets())
    child_side = "o|" if one_each else "o{"
    label = ", ".join(fk["columns"])
    return f'{fk["ref_table"]} {parent_side}--{child_side} {child.name} : "{label}"'


def _keys(table: Relation, column: str) -> str:
    """Mermaid's key markers; UK only for a column that is unique on its own."""
    primary = {col for c in table.constraints if c["kind"] == "p" for col in c["columns"]}
    foreign = {col for fk in table.foreign_keys() for col in fk["columns"]}
    keys = [
        tag
        for tag, holds in (
            ("PK", column in primary),
            ("FK", column in foreign),
            ("UK", column not in primary and {column} in table.unique_sets()),
        )
        if holds
    ]
    return (" " + ", ".join(keys)) if keys else ""


def _mermaid_type(pg_type: str) -> str:
    short = {
        "timestamp with time zone": "timestamptz",
        "timestamp without time zone": "timestamp",
        "time with time zone": "timetz",
        "time without time zone": "time",
        "character varying": "varchar",
        "double precision": "float8",
    }
    base = re.sub(r"\(.*?\)", "", pg_type)
    for long, abbreviation in short.items():
        base = base.replace(long, abbreviation)
    return re.sub(r"[^A-Za-z0-9_\[\]]", "_", base)


def _table(table: Relation, schema: Schema) -> str:
    lines = [f"### `{table.name}`", ""]
    if table.comment:
        lines += [f"> {table.comment}", ""]
    lines += _access(table)
    lines += _column_table(table.columns)
    lines += _bullets("Constraints", [_constraint(c) for c in table.constraints])
    lines += _bullets("Indexes", [f"`{i['name']}`: `{_index(i['definition'])}`" for i in table.indexes])
    lines += _bullets("Triggers", [f"`{t['name']}`: `{_trigger(t['definition'])}`" for t in table.triggers])
    lines += _bullets("Row-level security policies", [_policy(p) for p in table.policies])
    referenced = sorted(
        (other.name, ", ".join(fk["columns"]))
        for other in schema.tables
        for fk in other.foreign_keys()
        if fk["ref_table"] == table.name
    )
    lines += _bullets("Referenced by", [f"`{name}` ({columns})" for name, columns in referenced])
    return "\n".join(lines)


def _access(rel: Relation) -> list[str]:
    privileges = _ordered(rel.app_privileges)
    column_grants = _column_grants(rel.columns)
    text = f"`{APP_ROLE}` may: " + (", ".join(privileges) or "nothing")
    if column_grants:
        text += "; on some columns only: " + "; ".join(column_grants)
    text += "."
    if rel.is_table:
        if rel.rls:
            text += " Row-level security: on" + (", forced for the owner too." if rel.rls_forced else ".")
        else:
            text += " Row-level security: off."
    return [text, ""]


def _column_grants(columns: Iterable[dict[str, Any]]) -> list[str]:
    by_privilege: dict[str, list[str]] = {}
    for column in columns:
        for privilege in column["app_privileges"]:
            by_privilege.setdefault(privilege, []).append(column["name"])
    return [f"{p} ({', '.join(by_privilege[p])})" for p in _ordered(by_privilege)]


def _ordered(privileges: Iterable[str]) -> list[str]:
    rank = {p: i for i, p in enumerate(PRIVILEGE_ORDER)}
    return sorted(set(privileges), key=lambda p: (rank.get(p, len(rank)), p))


def _column_table(columns: list[dict[str, Any]]) -> list[str]:
    lines = ["| column | type | null | default | notes |", "| --- | --- | --- | --- | --- |"]
    for c in columns:
        default, notes = _column_default(c)
        if c["comment"]:
            notes.append(c["comment"])
        lines.append(
            f"| `{c['name']}` | `{_cell(c['type'])}` | {'' if c['not_null'] else 'yes'} | "
            f"{_code(default)} | {_cell('; '.join(notes))} |"
        )
    return [*lines, ""]


def _column_default(column: dict[str, Any]) -> tuple[str, list[str]]:
    if column["identity"]:
        return "", ["identity (" + ("always" if column["identity"] == "a" else "by default") + ")"]
    if column["generated"]:
        return "", [f"generated: `{column['expression']}`"]
    return column["expression"] or "", []


def _constraint(c: dict[str, Any]) -> str:
    return f"`{c['name']}` ({CONSTRAINT_KINDS[c['kind']]}): `{c['definition']}`"


def _index(definition: str) -> str:
    match = re.match(r"CREATE (UNIQUE )?INDEX \S+ ON \S+ (.*)$", definition)
    return (match.group(1) or "") + match.group(2) if match else definition


def _trigger(definition: str) -> str:
    return re.sub(r"^CREATE (CONSTRAINT )?TRIGGER \S+ | ON \S+", "", definition)


def _policy(p: dict[str, Any]) -> str:
    kind = "permissive" if p["permissive"] == "PERMISSIVE" else "restrictive"
    clauses = [
        f"{word} `{p[key]}`" for word, key in (("USING", "using"), ("WITH CHECK", "with_check")) if p[key]
    ]
    return f"`{p['name']}` ({kind}, {p['command']} to {', '.join(p['roles'])}): " + "; ".join(clauses)


def _views(schema: Schema) -> str:
    lines = ["## Views", ""]
    for view in schema.views:
        lines += [f"### `{view.name}`", ""]
        if view.comment:
            lines += [f"> {view.comment}", ""]
        lines += _access(view)
        lines += ["Reads: " + ", ".join(f"`{s}`" for s in view.sources), ""]
        lines += ["| column | type |", "| --- | --- |"]
        lines += [f"| `{c['name']}` | `{_cell(c['type'])}` |" for c in view.columns]
        lines.append("")
    return "\n".join(lines)


def _types(schema: Schema) -> str:
    lines = ["## Types", ""]
    if schema.enums:
        lines += ["| enum | values | comment |", "| --- | --- | --- |"]
        lines += [
            f"| `{e['name']}` | {', '.join(f'`{v}`' for v in e['labels'])} | {_cell(e['comment'] or '')} |"
            for e in schema.enums
        ]
        lines.append("")
    if schema.domains:
        lines += ["| domain | base type | checks | comment |", "| --- | --- | --- | --- |"]
        lines += [
            f"| `{d['name']}` | `{d['base']}`{' not null' if d['not_null'] else ''} | "
            f"{'<br>'.join(_code(c) for c in d['checks'])} | {_cell(d['comment'] or '')} |"
            for d in schema.domains
        ]
        lines.append("")
    return "\n".join(lines)


def _routines(schema: Schema) -> str:
    volatility = {"i": "immutable", "s": "stable", "v": "volatile"}
    kinds = {"f": "function", "p": "procedure", "a": "aggregate", "w": "window"}
    lines = [
        "## Functions and procedures",
        "",
        "Atomic operations and the helpers that constraints, generated columns and triggers use. "
        f"The last column says whether `{APP_ROLE}` may call it.",
        "",
        "| name | arguments | returns | kind | language | volatility | app | comment |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in schema.routines:
        kind = kinds.get(r["kind"], r["kind"]) + (", security definer" if r["security_definer"] else "")
        lines.append(
            f"| `{r['name']}` | {_code(r['arguments'])} | {_code(r['result'] or '')} | {kind} | "
            f"{r['language']} | {volatility[r['volatility']]} | {'yes' if r['app_may_execute'] else 'no'} | "
            f"{_cell(r['comment'] or '')} |"
        )
    return "\n".join([*lines, ""])


def _bullets(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    return [f"{title}:", "", *(f"- {item}" for item in items), ""]


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{_cell(text)}`" if text else ""


def _anchor(name: str) -> str:
    return name.lower()
