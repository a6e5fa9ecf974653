"""32 pharmacists' terminals reach for the last 50 tablets at once, 1,000
attempts in all: exactly the stock leaves, never more, the ledger's sum is
the balance, and every dispense is whole or not made at all."""

import threading
from collections import Counter

import psycopg
import pytest

from tests.pharmacy import given

WORKERS = 32
ATTEMPTS = 1000
STOCK = 50


@pytest.mark.parametrize("quantity", [1, 3])
def test_parallel_dispensers_take_exactly_the_stock_and_never_part_of_a_dispense(
    acting_as, owner, cast, room, quantity
):
    # given one batch of 50 tablets and an approved prescription
    batch = given.receive(acting_as(cast.petra), room.paracetamol, STOCK)
    prescription = given.prescription(acting_as, cast, room.paracetamol)
    terminals = [acting_as(cast.petra, "pharmacist") for _ in range(WORKERS)]
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(WORKERS)

    def work(conn, attempts: int) -> None:
        start.wait()
        for _ in range(attempts):
            try:
                conn.execute("SELECT pharmacy_dispense(%s, %s)", [prescription, quantity])
                outcome = "dispensed"
            except psycopg.Error as exc:
                outcome = exc.diag.constraint_name or f"{exc.sqlstate}: {exc}"
            with lock:
                outcomes[outcome] += 1

    # when 32 workers make 1,000 attempts between them, each in its own transaction
    share = [ATTEMPTS // WORKERS + (1 if n < ATTEMPTS % WORKERS else 0) for n in range(WORKERS)]
    threads = [threading.Thread(target=work, args=(c, n)) for c, n in zip(terminals, share, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # then exactly the stock that fits left, and every other attempt was refused for want of stock
    made = STOCK // quantity
    assert outcomes == {"dispensed": made, "stock_batch_enough_stock": ATTEMPTS - made}
    assert given.balances(owner) == [(batch, STOCK % quantity, STOCK % quantity)]
    # and each dispense took its whole quantity from the ledger, no more and no less
    partial = owner.execute(
        "SELECT d.id FROM stock_dispense AS d JOIN stock_ledger AS l ON l.dispense_id = d.id "
        "GROUP BY d.id, d.quantity HAVING sum(l.quantity) <> -d.quantity"
    ).fetchall()
    assert partial == []
    assert owner.execute("SELECT sum(quantity) AS n FROM stock_dispense").fetchone()["n"] == made * quantity
