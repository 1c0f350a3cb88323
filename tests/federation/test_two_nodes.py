"""Two real nodes: two processes, two SQLite databases, two key files, HTTP on loopback.

Mexico refers a case to Guatemala; the tests kill and restart processes around delivery and
check that the referral arrives exactly once, that answers come back, and that tampered,
expired and untrusted traffic is refused and changes nothing.
"""

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.federation.nodes import Node


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, Node]]:
    base = tmp_path_factory.mktemp("nodes")
    mx, gt = Node("MX", base / "mx"), Node("GT", base / "gt")
    with ThreadPoolExecutor(max_workers=2) as pool:  # two processes, so two cores
        list(pool.map(Node.set_up, (mx, gt)))
    mx.trust(gt)
    gt.trust(mx)
    gt.start()
    try:
        yield mx, gt
    finally:
        gt.kill()
        mx.kill()


def post(node: Node, token: str) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(  # noqa: S310  (loopback test server)
        node.url + "/api/federation/inbox",
        data=token.encode(),
        headers={"Content-Type": "application/jose"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def without_id(row: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in row.items() if key != "id"}


def deliver(node: Node) -> dict[str, object]:
    out = node.run("federation", "deliver", "--once", "--backoff", "0").stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def ping(node: Node, ttl: int = 3600) -> None:
    node.run(
        "federation", "ping", "--to", "GT" if node.country == "MX" else "MX", "--ttl", str(ttl)
    )


def test_a_referral_arrives_exactly_once_through_a_receiver_killed_and_restarted(
    nodes: tuple[Node, Node],
) -> None:
    mx, gt = nodes
    before = gt.call("count_inbound", "referral")
    mx.call("approve_a_referral", "gt-sbs")
    gt.kill()  # kill -9 while the envelope waits in the outbox
    assert deliver(mx)["retrying"] == 1
    assert without_id(mx.call("outbox")[-1]) == {
        "kind": "referral", "status": "pending", "attempts": 1, "receipt": False
    }  # fmt: skip
    gt.start()
    assert deliver(mx)["delivered"] == 1
    assert gt.call("count_inbound", "referral") == before + 1
    assert mx.call("outbox")[-1]["receipt"] is True
    assert mx.call("steps")[-3:] == ["drafted", "referral", "receipt"]
    # The same envelope posted again: stored once, answered as a duplicate.
    status, answer = post(gt, mx.call("sealed", "referral"))
    assert (status, answer["result"]) == (200, "duplicate")
    assert gt.call("count_inbound", "referral") == before + 1


def test_a_sender_killed_before_it_recorded_the_receipt_sends_again_harmlessly(
    nodes: tuple[Node, Node],
) -> None:
    mx, gt = nodes
    before = gt.call("count_inbound", "ping")
    ping(mx)
    # The worker posted the envelope, then died before writing anything down.
    status, answer = post(gt, mx.call("sealed", "ping"))
    assert (status, answer["result"]) == (200, "accepted")
    assert mx.call("outbox")[-1]["status"] == "pending"
    # Restarted, it sends again; the receiver answers with the same receipt.
    assert deliver(mx)["delivered"] == 1
    assert without_id(mx.call("outbox")[-1]) == {
        "kind": "ping", "status": "delivered", "attempts": 1, "receipt": True
    }  # fmt: skip
    assert gt.call("count_inbound", "ping") == before + 1


def test_answers_travel_back_to_the_sending_case(nodes: tuple[Node, Node]) -> None:
    mx, gt = nodes
    if not gt.call("received_referrals"):
        mx.call("approve_a_referral", "gt-sbs")
        deliver(mx)
    assert gt.call("route_accept_and_report", "gt-sbs") == "completed"
    mx.start()
    try:
        assert deliver(gt)["delivered"] == 2  # accepted, then outcome, in order
    finally:
        mx.kill()
    assert mx.call("referral_status") == "completed"
    assert mx.call("steps")[-2:] == ["accepted", "outcome"]


def test_tampered_and_expired_envelopes_are_refused_over_http(nodes: tuple[Node, Node]) -> None:
    mx, gt = nodes
    before = gt.call("count_inbound", "ping")
    ping(mx)
    token = mx.call("sealed", "ping")
    position = len(token) - 30
    tampered = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
    assert post(gt, tampered)[1]["refused"] == "bad_signature"
    ping(mx, ttl=1)
    time.sleep(1.5)
    status, answer = post(gt, mx.call("sealed", "ping"))
    assert (status, answer["refused"]) == (410, "expired")
    assert gt.call("count_inbound", "ping") == before
    assert gt.call("audit_codes", "federation.envelope_refused")[-2:] == [
        "bad_signature",
        "expired",
    ]


def test_envelopes_travel_by_file_where_no_network_is_allowed(
    nodes: tuple[Node, Node], tmp_path: Path
) -> None:
    mx, gt = nodes
    ping(mx)
    exported = tmp_path / "to-gt.json"
    mx.run("federation", "outbox", "export", "--to", "GT", "--out", str(exported))
    assert mx.call("outbox")[-1]["status"] == "sent_by_file"
    count = len(json.loads(exported.read_text())["envelopes"])  # this ping, and any left
    assert count >= 1
    first = gt.run("federation", "inbox", "import", str(exported))
    assert json.loads(first.stdout) == {"accepted": count, "duplicates": 0, "refused": []}
    again = gt.run("federation", "inbox", "import", str(exported))
    assert json.loads(again.stdout) == {"accepted": 0, "duplicates": count, "refused": []}
    content = json.loads(exported.read_text())
    token = content["envelopes"][0]
    content["envelopes"] = [token[:-20] + ("A" if token[-20] != "A" else "B") + token[-19:]]
    exported.write_text(json.dumps(content))
    refused = gt.run("federation", "inbox", "import", str(exported), check=False)
    assert refused.returncode == 3
    assert json.loads(refused.stdout)["refused"][0]["reason"] == "bad_signature"


def test_untrusting_a_peer_stops_all_traffic_with_it(nodes: tuple[Node, Node]) -> None:
    mx, gt = nodes
    gt.run("node", "untrust", "MX")
    try:
        ping(mx)
        report = deliver(mx)
        last = {"envelope": mx.call("outbox")[-1]["id"], "reason": "unknown_sender"}
        assert report["refused"][-1] == last  # type: ignore[index]
        refused = gt.run("federation", "ping", "--to", "MX", check=False)
        assert refused.returncode == 1
        assert "--to MX: no trusted peer of that country." in refused.stderr
    finally:
        gt.trust(mx)
    assert "MX  trusted" in gt.run("node", "peers").stdout


def test_drafted_by_command_routed_accepted_and_withdrawn_across_the_border(
    nodes: tuple[Node, Node],
) -> None:
    mx, gt = nodes
    reference = mx.call("case_with_consent", "gt-sbs")
    drafted = mx.run(
        "federation", "draft", "--case", reference, "--to", "GT", "--institution", "gt-sbs",
        "--type", "victim_assistance", "--user", "ana.mx",
    ).stdout  # fmt: skip
    cross_border = drafted.split()[0]
    mx.run("federation", "approve", "--referral", cross_border, "--user", "fabiola.fp.mx")
    assert deliver(mx)["delivered"] >= 1
    gt.call("route_and_accept", "gt-sbs")
    assert gt.call("received_state") == {
        "status": "accepted", "referral": "accepted", "given_names": "Yaretzifake"
    }  # fmt: skip
    mx.start()
    try:
        deliver(gt)
    finally:
        mx.kill()
    assert mx.call("referral_status") == "accepted"
    # Withdrawing consent queues `withdrawn` at once, before any worker pass.
    assert mx.call("withdraw_newest_consent")[-1] == "withdrawn"
    assert mx.call("referral_status") == "withdrawn"
    deliver(mx)
    state = gt.call("received_state")
    assert (state["status"], state["referral"]) == ("withdrawn", "closed")
    assert state["given_names"] != "Yaretzifake"  # the copy made in Guatemala is anonymised
