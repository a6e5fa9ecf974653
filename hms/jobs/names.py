"""The vocabulary of patients' names kept to the names patients have now: a
rename takes away its old words itself, but one made in a transaction of a
single snapshot leaves them for this round. One database function, which
takes each word under its row lock, so it never takes a word that a
registration is adding at the same moment."""

from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class Report:
    words_pruned: int

    def line(self) -> str:
        return f"name words no patient has any more, pruned: {self.words_pruned}"


def run(worker_url: str) -> Report:
    with psycopg.connect(worker_url, autocommit=True) as conn:
        row = conn.execute("SELECT patient_name_words_prune()").fetchone()
    return Report(int(row[0]) if row else 0)
