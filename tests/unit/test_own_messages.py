"""A socket holds back the bus echo of its own messages, and remembers each only until that echo comes."""

from showdesk.transport.own_messages import REMEMBERED, OwnMessages


def echo(client_id: str, sender: str = "customer") -> dict[str, str]:
    return {"type": "message", "from": sender, "clientId": client_id, "text": "hi"}


def test_its_own_echo_is_held_back_once_and_then_forgotten() -> None:
    own = OwnMessages("customer")
    for n in range(5000):
        own.sending(f"c{n}")
        assert own.withheld(echo(f"c{n}"))
    assert len(own._client_ids) == 0  # a long chat leaves nothing behind
    assert not own.withheld(echo("c1"))  # a later frame with that id (a replay on resume) goes through


def test_the_other_sides_messages_and_unknown_ids_go_through() -> None:
    own = OwnMessages("customer")
    own.sending("c1")
    assert not own.withheld(echo("c1", sender="agent"))
    assert not own.withheld(echo("c2"))
    assert own.withheld({"type": "videoSignal", "for": "agent"})  # signaling meant for the other side
    assert not own.withheld({"type": "videoSignal", "for": "customer"})


def test_echoes_that_never_come_are_remembered_up_to_a_bound() -> None:
    own = OwnMessages("agent")
    for n in range(3 * REMEMBERED):
        own.sending(f"a{n}")  # e.g. resends of stored messages: nothing new is published for them
    assert len(own._client_ids) == REMEMBERED
    assert own.withheld(echo(f"a{3 * REMEMBERED - 1}", sender="agent"))
