"""Property: whatever Dr Alice and Nurse Bob do to notes — write, edit, sign,
amend, mark in error, or tamper with raw SQL (as themselves or as the schema's
owner) — signed history only grows.

A model of the notes runs beside the database. After every step: each signed
version, with its text, is exactly as it was when first seen; versions are
numbered 1..n; each amendment points at the version before it; note_current
is the last signed version; and the database agrees with the model. A step
the database refuses must leave everything as it was.

Each clinician works through the app's role as themselves, so row-level
security is in play: a draft is visible to its author only.
"""

from dataclasses import dataclass, field

import psycopg
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.journal import given

# Both on the medical ward, where Greta is cared for.
CLINICIANS = {"alice": "doctor", "bob": "nurse"}
HEADINGS = ["Anamnes", "Status", "Bedömning", "Åtgärd"]
BODIES = st.one_of(
    st.sampled_from(["Feber 39 grader sedan tre dagar.", "Lungröntgen: infiltrat höger\nbasalt.", "", "   "]),
    st.text(alphabet="abcåäö ,.", max_size=20),
)
# Mostly good reasons, so that amendments actually happen; the bad ones must be refused.
REASONS = st.sampled_from(
    [None, "", "     ", "typo", "  ab  "] + ["Wrong patient", "  Fel dos  ", "Lab value corrected"] * 3
)
# Marking a note in error ends its history, so a good reason comes rarely.
MARK_REASONS = st.sampled_from([None, "", "     ", "typo", "Written in the wrong chart"])
# Usually the author signs their own draft; now and then someone else tries.
SIGNERS = st.sampled_from(["author"] * 3 + list(CLINICIANS))
TAMPERING = [
    "UPDATE note_version SET status = 'draft', signed_at = NULL WHERE id = %(v)s",
    "UPDATE note_version SET amend_reason = 'Rewritten history' WHERE id = %(v)s",
    "DELETE FROM note_version WHERE id = %(v)s",
    "UPDATE note_section SET body = body || ' (edited)' WHERE version_id = %(v)s",
    "DELETE FROM note_section WHERE version_id = %(v)s",
    "INSERT INTO note_section (version_id, position, heading, body) VALUES (%(v)s, 50, 'Åtgärd', 'Late')",
]

# The journal of the model's notes in one round trip: versions with their
# sections, the error marks, and note_current.
SNAPSHOT = """
SELECT
    (SELECT coalesce(json_agg(json_build_object(
        'id', v.id, 'note_id', v.note_id, 'version', v.version, 'status', v.status,
        'author_id', v.author_id, 'amends_version_id', v.amends_version_id,
        'amend_reason', v.amend_reason, 'signed_at', v.signed_at,
        'sections', (SELECT coalesce(json_agg(json_build_array(s.position, s.heading, s.body) ORDER BY s.position),
                                     '[]'::json)
                     FROM note_section AS s WHERE s.version_id = v.id))
        ORDER BY v.note_id, v.version), '[]'::json)
     FROM note_version AS v WHERE v.note_id = ANY(%(ids)s)) AS versions,
    (SELECT coalesce(json_agg(json_build_object(
        'id', n.id, 'at', n.entered_in_error_at, 'by', n.entered_in_error_by, 'reason', n.entered_in_error_reason)
        ORDER BY n.id), '[]'::json)
     FROM note AS n WHERE n.id = ANY(%(ids)s)) AS marks,
    (SELECT coalesce(json_agg(json_build_object('note_id', c.note_id, 'version_id', c.version_id,
        'version', c.version) ORDER BY c.note_id), '[]'::json)
     FROM note_current AS c WHERE c.note_id = ANY(%(ids)s)) AS current
"""


def reason_is_valid(reason: str | None) -> bool:
    return reason is not None and len(reason.strip(" ")) >= 5


@dataclass
class Version:
    id: int
    number: int
    author: str
    sections: dict[int, tuple[str, str]]
    amends: int | None = None
    status: str = "draft"

    def has_text(self) -> bool:
        return any(body.strip(" ") for _, body in self.sections.values())


@dataclass
class Note:
    id: int
    versions: list[Version] = field(default_factory=list)
    in_error: bool = False

    @property
    def latest(self) -> Version:
        return self.versions[-1]


class NoteHistory(RuleBasedStateMachine):
    notes = Bundle("notes")

    def __init__(self, conns: dict[str, psycopg.Connection], owner: psycopg.Connection, cast) -> None:
        super().__init__()
        self.conns = conns
        self.owner = owner
        self.cast = cast
        self.model: list[Note] = []
        self.signed_seen: dict[int, dict] = {}

    # -- helpers -------------------------------------------------------------

    def who(self, name: str) -> int:
        return getattr(self.cast, name)

    def state(self) -> tuple[list[dict], list[dict], list[dict]]:
        """Everything about the model's notes, read as the owner (past row-level security)."""
        row = self.owner.execute(SNAPSHOT, {"ids": [n.id for n in self.model]}).fetchone()
        return row["versions"], row["marks"], row["current"]

    def attempt(self, refusal: str | set[str] | None, statement, *, unseen_ok: bool = False) -> bool:
        """Run `statement`; the database must refuse it with `refusal` (one
        SQLSTATE or a set) and change nothing, or accept it when `refusal` is
        None. With `unseen_ok`, touching no row (row-level security hid it)
        counts as a refusal too."""
        allowed = {refusal} if isinstance(refusal, str) else refusal
        before = self.state() if allowed else None
        try:
            cursor = statement()
        except psycopg.Error as error:
            assert allowed, f"refused unexpectedly: {error.sqlstate} {error}"
            assert error.sqlstate in allowed, f"expected {allowed}, got {error.sqlstate}: {error}"
            assert self.state() == before, "a refused operation changed the journal"
            return False
        if unseen_ok and cursor.rowcount == 0:
            assert self.state() == before, "an operation that touched no row changed the journal"
            return False
        assert not allowed, f"expected the database to refuse with {allowed}"
        return True

    # -- what clinicians do ---------------------------------------------------

    @rule(
        target=notes,
        author=st.sampled_from(list(CLINICIANS)),
        sections=st.lists(st.tuples(st.sampled_from(HEADINGS), BODIES), max_size=3),
        sign_now=st.sampled_from([True, True, True, False]),
    )
    def write_note(self, author, sections, sign_now):
        note_id, version_id = given.note(
            self.conns[author], self.cast, author=self.who(author), sections=sections
        )
        note = Note(note_id, [Version(version_id, 1, author, dict(enumerate(sections, start=1)))])
        self.model.append(note)
        if sign_now:
            self.sign(note, 0, author)
        return note

    @rule(
        note=notes,
        editor=st.sampled_from(list(CLINICIANS)),
        position=st.integers(1, 4),
        heading=st.sampled_from(HEADINGS),
        body=BODIES,
    )
    def edit_latest_version(self, note, editor, position, heading, body):
        latest = note.latest
        if latest.status == "signed":
            # frozen; someone else's version is not even theirs to touch (row-level security)
            refusal = "HM020" if editor == latest.author else "42501"
        elif editor != latest.author:
            refusal = "42501"  # someone else's draft: row-level security refuses
        else:
            refusal = None
        done = self.attempt(
            refusal,
            lambda: self.conns[editor].execute(
                "INSERT INTO note_section (version_id, position, heading, body) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (version_id, position, patient_id) DO UPDATE SET heading = EXCLUDED.heading, body = EXCLUDED.body",
                [latest.id, position, heading, body],
            ),
        )
        if done:
            latest.sections[position] = (heading, body)

    @rule(note=notes, which=st.integers(0, 4), by=SIGNERS)
    def sign(self, note, which, by):
        version = note.versions[-1 - which % len(note.versions)]
        by = version.author if by == "author" else by
        if by != version.author:
            refusal = "HM022"  # not theirs to sign: row-level security hides it from note_sign
        elif version.status == "signed":
            refusal = "HM023"
        elif note.in_error:
            refusal = "HM029"  # a note marked entered in error is not signed any more
        elif not version.has_text():
            refusal = "HM025"
        else:
            refusal = None
        if self.attempt(refusal, lambda: given.sign(self.conns[by], version.id, self.who(by))):
            version.status = "signed"

    @rule(note=notes, by=st.sampled_from(list(CLINICIANS)), reason=REASONS)
    def amend(self, note, by, reason):
        latest = note.latest
        if note.in_error:
            refusal = "HM022"
        elif latest.status == "draft" and latest.author == by:
            refusal = "HM026"
        elif latest.status == "draft":
            # Someone else's draft, which note_amend cannot see through
            # row-level security: the unique indexes (or, with no signed
            # version in sight, the policies) still refuse a second draft,
            # after or before the reason is checked (see test_note_amendment).
            refusal = {"HM026", "23505", "42501"} | ({"HM027"} if not reason_is_valid(reason) else set())
        elif not reason_is_valid(reason):
            refusal = "HM027"
        else:
            refusal = None
        new_id: list[int] = []
        done = self.attempt(
            refusal,
            lambda: new_id.append(
                given.amend(self.conns[by], self.cast, note.id, by=self.who(by), reason=reason)
            ),
        )
        if done:
            note.versions.append(Version(new_id[0], latest.number + 1, by, dict(latest.sections), latest.id))

    @rule(note=notes, by=st.sampled_from(list(CLINICIANS)), body=BODIES)
    def correct_and_sign(self, note, by, body):
        """The whole correction of a signed note: amend, edit, sign."""
        versions = len(note.versions)
        self.amend(note, by, "Corrected after review")
        if len(note.versions) > versions:
            self.edit_latest_version(note, by, 1, "Bedömning", body)
            self.sign(note, 0, by)

    @rule(note=notes, by=st.sampled_from(list(CLINICIANS)), reason=MARK_REASONS)
    def mark_in_error(self, note, by, reason):
        refusal = "HM027" if not reason_is_valid(reason) else "HM022" if note.in_error else None
        if self.attempt(
            refusal,
            lambda: self.conns[by].execute(
                "SELECT note_mark_in_error(%s, %s, %s)", [note.id, self.who(by), reason]
            ),
        ):
            note.in_error = True

    @rule(note=notes, which=st.integers(0, 4), statement=st.sampled_from(TAMPERING))
    def tamper_with_a_signed_version(self, note, which, statement):
        signed = [v for v in note.versions if v.status == "signed"]
        if signed:
            version = signed[which % len(signed)]
            self.attempt("HM020", lambda: self.owner.execute(statement, {"v": version.id}))
            self.attempt(
                "HM020",
                lambda: self.conns[version.author].execute(statement, {"v": version.id}),
                unseen_ok=True,
            )

    # -- what must always hold --------------------------------------------------

    @invariant()
    def history_holds(self):
        versions, marks, current = self.state()
        self.check_signed_versions_never_change(versions)
        self.check_numbering_and_chain(versions)
        self.check_current_is_last_signed(versions, current)
        self.check_database_agrees_with_model(versions, marks)

    def check_signed_versions_never_change(self, versions):
        signed_now = {v["id"]: v for v in versions if v["status"] == "signed"}
        for version_id, seen in self.signed_seen.items():
            assert signed_now.get(version_id) == seen, f"signed version {version_id} changed or vanished"
        self.signed_seen.update(signed_now)

    def check_numbering_and_chain(self, versions):
        for note in self.model:
            rows = [v for v in versions if v["note_id"] == note.id]
            assert [v["version"] for v in rows] == list(range(1, len(rows) + 1))
            assert [v["amends_version_id"] for v in rows] == [None] + [v["id"] for v in rows[:-1]]

    def check_current_is_last_signed(self, versions, current):
        expected = {v["note_id"]: (v["id"], v["version"]) for v in versions if v["status"] == "signed"}
        assert {c["note_id"]: (c["version_id"], c["version"]) for c in current} == expected

    def check_database_agrees_with_model(self, versions, marks):
        expected = [
            (
                n.id,
                v.id,
                v.number,
                v.status,
                self.who(v.author),
                v.amends,
                [[p, h, b] for p, (h, b) in sorted(v.sections.items())],
            )
            for n in self.model
            for v in n.versions
        ]
        actual = [
            (
                v["note_id"],
                v["id"],
                v["version"],
                v["status"],
                v["author_id"],
                v["amends_version_id"],
                v["sections"],
            )
            for v in versions
        ]
        assert actual == expected
        assert [m["at"] is not None for m in marks] == [n.in_error for n in self.model]


def test_signed_note_history_only_grows(dr_alice, nurse_bob, owner, cast):
    run_state_machine_as_test(
        lambda: NoteHistory({"alice": dr_alice, "bob": nurse_bob}, owner, cast),
        settings=settings(
            max_examples=30,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
