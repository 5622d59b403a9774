"""Two staff open the same member and both save: the second, working on what is by then
an old version, gets a clear conflict and changes nothing."""

from __future__ import annotations

from members.models import Member
from tests.factories import make_member, make_user
from tests.members.test_roster_forms import edit_data, edit_url, grant_full_view


def test_the_second_stale_edit_is_refused_with_a_clear_message(client, tree, bob):
    member = make_member(tree["A1"], name="王建国")
    bea = make_user("bea", tree["A"], "staff")
    for user in (bob, bea):
        grant_full_view(user)
    # Both open the edit page and get the same version.
    client.force_login(bob)
    loaded = client.get(edit_url(member)).context["form"]["loaded_version"].value()
    assert loaded == member.updated_at.isoformat()

    first = client.post(
        edit_url(member), {**edit_data(member, name="王建军"), "loaded_version": loaded}
    )
    assert first.status_code == 302

    client.force_login(bea)
    second = client.post(
        edit_url(member), {**edit_data(member, name="王建设"), "loaded_version": loaded}
    )
    assert second.status_code == 409
    page = second.content.decode()
    assert "未保存：bob 于" in page
    assert "请重新打开编辑页面" in page
    member.refresh_from_db()
    assert member.name == "王建军"
    assert member.history.count() == 2  # created, bob's edit; nothing from bea

    # Reloaded, bea's edit goes through on top of bob's.
    fresh = client.get(edit_url(member)).context["form"]["loaded_version"].value()
    third = client.post(
        edit_url(member), {**edit_data(member, name="王建设"), "loaded_version": fresh}
    )
    assert third.status_code == 302
    assert Member.objects.get(pk=member.pk).name == "王建设"
