"""The demo pharmacy: a small seed stocks the central pharmacy through the
pharmacy's own functions, so every balance is its ledger's sum, some drugs
are low and some near expiry, ward orders stand at every step, and no
session the seed opened outlives it."""

from hms.seed.demo import seed_hospital
from tests.pharmacy import given


def one(owner, query: str):
    return next(iter(owner.execute(query).fetchone().values()))


def test_the_demo_pharmacy_is_stocked_through_its_ledger(owner_url, owner):
    seed_hospital(owner_url, patients=30)
    balances = given.balances(owner)
    assert balances and all(quantity == ledger >= 0 for _, quantity, ledger in balances)
    assert one(owner, "SELECT count(*) FROM stock_location WHERE kind = 'ward'") >= 1
    assert one(owner, "SELECT count(*) FROM stock_low") >= 1
    assert (
        one(owner, "SELECT count(*) FROM stock_batch WHERE quantity > 0 AND expires_on < current_date + 90")
        >= 1
    )
    states = {r["status"] for r in owner.execute("SELECT DISTINCT status::text FROM ward_order")}
    assert states == {"requested", "approved", "delivered"}
    assert one(owner, "SELECT count(*) FROM stock_ledger WHERE movement = 'transfer_in'") >= 1
    pharmacist = one(
        owner,
        "SELECT count(DISTINCT l.recorded_by) FROM stock_ledger AS l JOIN app_user AS u "
        "ON u.id = l.recorded_by WHERE u.role = 'pharmacist'",
    )
    assert pharmacist == 1
    assert one(owner, "SELECT count(*) FROM user_session") == 0
