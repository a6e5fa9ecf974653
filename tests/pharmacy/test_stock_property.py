"""Property: whatever sequence of receipts, dispenses, ward deliveries
(transfers), adjustments and wastage the pharmacy and the ward go through,
for every batch the balance is the ledger's sum and never below zero; a
refused step changes nothing; and the stock in the hospital is what came in,
less what was dispensed or wasted, plus the corrections."""

import json

import psycopg
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.pharmacy import given

QUANTITIES = st.integers(min_value=-3, max_value=40)


class Pharmacy(RuleBasedStateMachine):
    def __init__(self, petra, bob, owner, room, prescriptions: dict[int, int]) -> None:
        super().__init__()
        self.petra, self.bob, self.owner, self.room = petra, bob, owner, room
        self.prescriptions = prescriptions
        self.expected_total = self._total()

    def _total(self) -> int:
        return int(
            self.owner.execute("SELECT coalesce(sum(quantity), 0) AS n FROM stock_batch").fetchone()["n"]
        )

    def _batches(self) -> list[int]:
        return [r["id"] for r in self.owner.execute("SELECT id FROM stock_batch ORDER BY id")]

    def _try(self, conn, statement: str, params: list) -> bool:
        before = given.balances(self.owner)
        try:
            conn.execute(statement, params)
        except psycopg.Error as exc:
            assert exc.sqlstate.startswith(("HM", "23")), exc
            assert given.balances(self.owner) == before, "a refused step changed the stock"
            return False
        return True

    @rule(drug=st.sampled_from(["paracetamol", "furosemid"]), quantity=QUANTITIES, days=st.integers(1, 400))
    def receive(self, drug: str, quantity: int, days: int) -> None:
        lines = [
            {
                "drug_id": getattr(self.room, drug),
                "lot": f"L{days}",
                "unit_cost": 1,
                "expires_on": given.in_days(days).isoformat(),
                "quantity": quantity,
            }
        ]
        if self._try(
            self.petra, "SELECT pharmacy_receive('Apoteket AB', NULL, %s::jsonb)", [json.dumps(lines)]
        ):
            self.expected_total += quantity

    @rule(drug=st.sampled_from(["paracetamol", "furosemid"]), quantity=QUANTITIES)
    def dispense(self, drug: str, quantity: int) -> None:
        prescription = self.prescriptions[getattr(self.room, drug)]
        if self._try(self.petra, "SELECT pharmacy_dispense(%s, %s)", [prescription, quantity]):
            self.expected_total -= quantity

    @rule(drug=st.sampled_from(["paracetamol", "furosemid"]), quantity=st.integers(1, 30))
    def deliver_to_the_ward(self, drug: str, quantity: int) -> None:
        lines = json.dumps([{"drug_id": getattr(self.room, drug), "quantity": quantity}])
        order = self.bob.execute(
            "SELECT ward_order_request(%s, %s::jsonb) AS id", [self.room.ward_med, lines]
        ).fetchone()["id"]
        for step in ("approved", "picked", "delivered"):
            if not self._try(self.petra, "SELECT ward_order_move(%s, %s)", [order, step]):
                break

    @rule(
        pick=st.integers(0, 1000), change=st.integers(-30, 30), reason=st.sampled_from([None, "", "Counted"])
    )
    def adjust(self, pick: int, change: int, reason: str | None) -> None:
        batches = self._batches()
        if batches and self._try(
            self.petra, "SELECT stock_adjust(%s, %s, %s)", [batches[pick % len(batches)], change, reason]
        ):
            self.expected_total += change

    @rule(pick=st.integers(0, 1000), quantity=QUANTITIES, reason=st.sampled_from([None, "Broken vial"]))
    def waste(self, pick: int, quantity: int, reason: str | None) -> None:
        batches = self._batches()
        if batches and self._try(
            self.petra, "SELECT stock_waste(%s, %s, %s)", [batches[pick % len(batches)], quantity, reason]
        ):
            self.expected_total -= quantity

    @invariant()
    def balance_is_the_ledger_sum_and_never_negative(self) -> None:
        for batch, quantity, ledger in given.balances(self.owner):
            assert quantity == ledger >= 0, (batch, quantity, ledger)
        assert self._total() == self.expected_total


def test_any_sequence_of_movements_keeps_every_balance_equal_to_its_ledger(acting_as, owner, cast, room):
    prescriptions = {
        drug: given.prescription(acting_as, cast, drug) for drug in (room.paracetamol, room.furosemid)
    }
    petra, bob = acting_as(cast.petra), acting_as(cast.bob)
    run_state_machine_as_test(
        lambda: Pharmacy(petra, bob, owner, room, prescriptions),
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
