"""Members arriving from outside the county count from the day their arrival is confirmed,
and the year's change calls them 转入."""

from __future__ import annotations

import datetime

from django.utils import timezone

from members.as_of import roster_on
from members.services.transfers import transfer_accept
from partystats.selectors import party_statistics
from tests.factories import make_member
from tests.members.test_inbound_transfers import register

TODAY = timezone.localdate()
ARRIVED = TODAY - datetime.timedelta(days=2)


def test_an_arrival_counts_from_its_confirmation_as_transferred_in(bob, tree):
    make_member(tree["A1"])
    transfer = register(bob, tree["A1"], on=ARRIVED - datetime.timedelta(days=1))
    transfer_accept(user=bob, transfer=transfer, on=ARRIVED)
    day_before = ARRIVED - datetime.timedelta(days=1)
    assert roster_on(day_before).filter(pk=transfer.member_id).count() == 0
    assert roster_on(ARRIVED).filter(pk=transfer.member_id).count() == 1

    stats = party_statistics(tree["A"], TODAY)
    change = stats.change
    assert (change.start_total, change.end_total) == (1, 2)
    assert change.count("transferred_in") == 1
    assert change.count("other_added") == 0
    assert change.difference() == 0
    assert [m.name for m in change.people("transferred_in")] == ["孙归来"]
    if ARRIVED.year == TODAY.year:
        # before the arrival, the township held one member
        before = party_statistics(tree["A"], day_before)
        assert before.table("overview").line("total").total == 1
