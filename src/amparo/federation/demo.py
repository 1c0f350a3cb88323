"""`amparo demo --federation`: a Mexican node on PORT and a Guatemalan node on PORT+1, each
with its own data folder, database and keys, pinned to each other, each with its outbox
worker running. Everything in them is synthetic.

Each node is prepared by its own processes (`amparo demo --no-serve`, `amparo node ...`), so
nothing of one node's database or keys is ever opened by the other.
"""

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from amparo.accounts.enums import Role

AMPARO = [sys.executable, "-m", "amparo"]
NODES = (("MX", 0), ("GT", 1))
# Variables that would make both nodes share one database or one key ring.
_SHARED = ("DATABASE_URL", "AMPARO_KEYS", "AMPARO_INDEX_KEY", "AMPARO_KEY_FILE", "AMPARO_DATA_DIR")
# Accounts each node adds to the usual demo accounts (same demo password).
FOCAL_ACCOUNTS = {
    "MX": [],  # focal.mx is one of the usual demo accounts
    "GT": [
        ("focal.gt", "gt-pgn", Role.FOCAL_POINT),
        ("receiving.gt", "gt-sbs", Role.RECEIVING_OFFICER),
    ],
}


def _env(country: str, port: int, base: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SHARED}
    env.update(
        {
            "AMPARO_DATA_DIR": str(base / country.lower()),
            "AMPARO_DEMO": "true",
            "AMPARO_REQUIRE_2FA": os.environ.get("AMPARO_REQUIRE_2FA", "false"),
            "PORT": str(port),
        }
    )
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(  # noqa: S603  (our own command)
        [*AMPARO, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"amparo {' '.join(args)} failed:\n{done.stderr.strip()}")
    return done.stdout


def prepare_nodes(port: int, cases: int, say: Callable[[str], None]) -> dict[str, dict[str, str]]:
    """Both nodes ready (idempotent): demo data, identities, cards, each trusting the other."""
    base = Path(settings.DATA_DIR) / "federation-demo"
    envs = {c: _env(c, port + offset, base) for c, offset in NODES}
    for country, env in envs.items():
        say(f"Preparing the {country} node in {env['AMPARO_DATA_DIR']} ...")
        _run(["demo", "--no-serve", "--cases", str(cases)], env)
        card = base / f"{country}.json"
        if "no identity" in _run(["shell", "-c", _HAS_IDENTITY], env):
            url = f"http://127.0.0.1:{env['PORT']}"
            say(_run(["node", "init", "--country", country, "--url", url], env).strip())
        _run(["node", "card", "--out", str(card)], env)
        _run(
            [
                "shell",
                "-c",
                f"from amparo.federation.demo import seed_node; seed_node({country!r})",
            ],
            env,
        )
    for country, env in envs.items():
        for other, _offset in NODES:
            if other != country:
                _run(["node", "trust", str(base / f"{other}.json"), "--yes"], env)
    return envs


_HAS_IDENTITY = (
    "from amparo.federation.models import NodeIdentity; "
    "print('identity' if NodeIdentity.objects.exists() else 'no identity')"
)


def seed_node(country: str) -> None:
    """Inside one node: its focal point (and on GT a receiving officer), and on MX a synthetic
    case with consent to a Guatemalan institution, ready to be referred. Idempotent."""
    from amparo.accounts.domain.users import create_staff_user
    from amparo.accounts.models import Agency, User
    from amparo.demo.seed import DEMO_PASSWORD

    for username, agency_code, role in FOCAL_ACCOUNTS[country]:
        if not User.objects.filter(username=username).exists():
            agency = Agency.objects.get(code=agency_code)
            create_staff_user(username, password=DEMO_PASSWORD, memberships=[(agency, role)])
    if country == "MX":
        _seed_mexican_case()


def _seed_mexican_case() -> None:
    import datetime as dt

    from amparo.accounts.models import Agency, User
    from amparo.casework.domain.consent import ConsentInput, record_consent
    from amparo.people.domain.cases import PersonData, open_case, register_person
    from amparo.people.models import Case

    manager = User.objects.get(username="manager.mx")
    if Case.objects.filter(person__first_surname="Transfronteriza").exists():
        return
    person = register_person(
        PersonData(
            given_names="Mariela Ficticia",
            first_surname="Transfronteriza",
            sex="female",
            birth_date=dt.date(1994, 3, 8),
            nationalities=["GT"],
            languages=["es"],
        ),
        actor=manager,
        is_synthetic=True,
    )
    oim = Agency.objects.get(code="mx-oim")
    case = open_case(person, actor=manager, agency=oim, assigned_to=manager)
    consent = ConsentInput(
        purpose="cross_border",
        method="written",
        language="es",
        recipient=Agency.objects.get(code="gt-sbs"),
    )
    record_consent(case, consent, actor=manager)


def serve_two_nodes(port: int, cases: int, say: Callable[[str], None]) -> None:
    """Prepare both nodes, then run each one's server and outbox worker until Ctrl+C."""
    envs = prepare_nodes(port, cases, say)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for env in envs.values():
            processes.append(subprocess.Popen([*AMPARO, "serve"], env=env))  # noqa: S603
            processes.append(subprocess.Popen([*AMPARO, "federation", "deliver"], env=env))  # noqa: S603
        say(INSTRUCTIONS.format(mx=port, gt=port + 1))
        while all(p.poll() is None for p in processes):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


INSTRUCTIONS = """
Two national nodes are running (all data synthetic; demo password as printed above):
  Mexico    http://127.0.0.1:{mx}/   Guatemala http://127.0.0.1:{gt}/
Follow one referral from one to the other:
  1. Mexico, as manager.mx: open the case of Mariela Ficticia Transfronteriza (consent to
     Guatemala's SBS is recorded), "Refer to another country", choose SBS, save the draft.
  2. Mexico, as focal.mx: "Cross-border", open the draft, "Approve and send".
  3. Guatemala, as focal.gt: "Cross-border", open the referral, route it to SBS: a case
     is opened in Guatemala from the minimum data and an in-country referral sent to SBS.
  4. Guatemala, as receiving.gt: in the referral inbox (or "Cross-border"), accept it, then
     report the outcome; each step goes back to Mexico as a signed envelope.
  5. Mexico, as manager.mx: the case's cross-border page shows each step and the outcome.
Ctrl+C stops both nodes.
"""
