"""Scheduling's timed work: the 24-hour reminders, and offers from the
waitlist that expire and pass to the next patient. Each is one database
function; a reminder has a unique key per appointment and time and an offer
expires once, so running the jobs twice (or two at once) sends nothing twice."""

from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class Report:
    reminders: int
    offers_expired: int

    def line(self) -> str:
        return f"reminders sent: {self.reminders}, waitlist offers expired: {self.offers_expired}"


def run(worker_url: str) -> Report:
    """One round of the timed work, each job in its own transaction."""
    with psycopg.connect(worker_url, autocommit=True) as conn:
        reminders = conn.execute("SELECT appointment_reminders_send()").fetchone()
        expired = conn.execute("SELECT waitlist_offers_expire()").fetchone()
    return Report(int(reminders[0]) if reminders else 0, int(expired[0]) if expired else 0)
