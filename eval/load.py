"""Load benchmark of the server: N distinct users asking at once over the HTTP API on 127.0.0.1.

Each user has their own account and token, and asks ``--questions`` golden questions one after the other (streamed,
so the time to the first sentence is measured), all users at the same time; counts and time are bounded. At the end
it checks, through the compliance API, that the N requests made exactly N ``ask`` audit records and that the chain
verifies. Prints throughput, p50/p95 latency, time to first streamed sentence and errors (``--json``: one object).

    python -m eval.load --users 50                       # extractive answerer (no LLM)
    python -m eval.load --users 8 --llm                  # the local LLM server (assistant llm serve) must run

Without ``--data-dir`` it ingests the sample corpus into a fresh folder first (about a minute).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from eval.golden import load_golden

ROOT = Path(__file__).resolve().parent.parent
ASSISTANT = str(Path(sys.executable).with_name("assistant"))


@dataclass
class Sample:
    ok: bool
    total_s: float
    first_s: float | None = None
    error: str = ""


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    wall_s: float = 0.0


def _env(data_dir: Path, llm: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["ASSISTANT_DATA_DIR"] = str(data_dir)
    if not llm:
        env["ASSISTANT_LLM_BACKEND"] = "none"
    return env


def _cli(data_dir: Path, llm: bool, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([ASSISTANT, *args], env=_env(data_dir, llm), cwd=ROOT, input=stdin, text=True,
                          capture_output=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"assistant {' '.join(args)} failed ({done.returncode}): {done.stderr[-500:]}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accounts(data_dir: Path, users: int) -> tuple[dict[str, str], str]:
    """One store account per simulated user (made once per data dir) and a compliance officer; their tokens."""
    from assistant.container import Container
    from assistant.identity.model import Identity
    from assistant.settings import load_settings

    c = Container(load_settings(data_dir=data_dir))
    try:
        bench = Identity("eval.load", "operator", via="cli", operator=True)
        existing = {u.name for u in c.users.users()}
        wanted = {f"load-{i:03d}": ("store", f"st-{i % 20:02d}") for i in range(users)}
        wanted["load-officer"] = ("compliance", "")
        for name, (role, store) in wanted.items():
            if name not in existing:
                c.users.add(name, role, store or None, actor=bench)
        tokens = {name: c.users.issue_token(name, 1, actor=bench)[0] for name in wanted}
    finally:
        c.close()
    return {n: t for n, t in tokens.items() if n != "load-officer"}, tokens["load-officer"]


async def _user(client: httpx.AsyncClient, token: str, questions: list[str], deadline: float) -> list[Sample]:
    samples = []
    for question in questions:
        if time.monotonic() > deadline:
            samples.append(Sample(False, 0.0, error="not sent: time limit"))
            continue
        started, first = time.perf_counter(), None
        try:
            headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
            async with client.stream("POST", "/v1/ask", json={"question": question}, headers=headers) as response:
                if response.status_code != 200:
                    await response.aread()
                    samples.append(Sample(False, time.perf_counter() - started, error=f"HTTP {response.status_code}"))
                    continue
                final = False
                async for line in response.aiter_lines():
                    if line.startswith("event:"):
                        first = first or time.perf_counter() - started
                        final = final or line.endswith("final")
                        if line.endswith("error"):
                            raise RuntimeError("error event")
            samples.append(Sample(final, time.perf_counter() - started, first, "" if final else "no final event"))
        except (httpx.HTTPError, RuntimeError) as exc:
            samples.append(Sample(False, time.perf_counter() - started, error=type(exc).__name__))
    return samples


async def _drive(url: str, tokens: dict[str, str], questions: list[str], per_user: int, limit_s: float) -> Run:
    deadline = time.monotonic() + limit_s
    limits = httpx.Limits(max_connections=len(tokens) + 4)
    async with httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(limit_s), limits=limits) as client:
        started = time.perf_counter()
        work = [
            _user(client, token, [questions[(u * per_user + k) % len(questions)] for k in range(per_user)], deadline)
            for u, token in enumerate(tokens.values())
        ]
        results = await asyncio.gather(*work)
        return Run([s for r in results for s in r], time.perf_counter() - started)


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def _asks(client: httpx.Client) -> int:
    records = client.get("/v1/audit/records", params={"operation": "ask", "limit": 1_000_000}).json()["records"]
    return len(records)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.load", description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=2, help="questions per user")
    parser.add_argument("--limit-s", type=float, default=600, help="time limit of the whole run")
    parser.add_argument("--llm", action="store_true", help="answer with the configured LLM endpoint")
    parser.add_argument("--data-dir", type=Path, help="an ingested data dir (default: ingest the samples afresh)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="load-")) / "data"
    if args.data_dir is None:
        _cli(data_dir, args.llm, "ingest", str(ROOT / "ingestion" / "samples"))
    tokens, officer = _accounts(data_dir, args.users)
    questions = [q.question for q in load_golden() if q.answerable and q.role == "store"]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([ASSISTANT, "serve", "--port", str(port)], env=_env(data_dir, args.llm), cwd=ROOT,
                              start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {officer}"}, timeout=120) as desk:
            _wait_ready(desk, server)
            before = _asks(desk)
            run = asyncio.run(_drive(url, tokens, questions, args.questions, args.limit_s))
            recorded = _settled(desk, before, sum(1 for s in run.samples if not s.error.startswith("not sent")))
            verified = desk.post("/v1/audit/verify").json()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    report = _report(args, run, recorded, verified)
    print(json.dumps(report, indent=2) if args.json else _table(report))
    if report["errors"] or not report["records_match"] or not report["audit_verified"]:
        raise SystemExit(1)


def _settled(desk: httpx.Client, before: int, sent: int, wait_s: float = 300) -> int:
    """The ask records made by the run, once the server has finished the requests a client gave up on (a question
    abandoned mid-answer is recorded when the server notices the reader has gone)."""
    deadline = time.monotonic() + wait_s
    while (recorded := _asks(desk) - before) < sent and time.monotonic() < deadline:
        time.sleep(2)
    return recorded


def _wait_ready(desk: httpx.Client, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if desk.get("/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit("the server did not become ready")


def _report(args: argparse.Namespace, run: Run, recorded: int, verified: dict[str, Any]) -> dict[str, Any]:
    ok = [s for s in run.samples if s.ok]
    sent = [s for s in run.samples if not s.error.startswith("not sent")]
    return {
        "users": args.users,
        "requests": len(sent),
        "answered": len(ok),
        "errors": len(run.samples) - len(ok),
        "error_kinds": sorted({s.error for s in run.samples if s.error}),
        "answerer": "llm" if args.llm else "extractive",
        "wall_s": round(run.wall_s, 2),
        "throughput_per_s": round(len(ok) / run.wall_s, 3) if run.wall_s else None,
        "latency_p50_s": _quantile([s.total_s for s in ok], 0.5),
        "latency_p95_s": _quantile([s.total_s for s in ok], 0.95),
        "first_event_p50_s": _quantile([s.first_s for s in ok if s.first_s is not None], 0.5),
        "first_event_p95_s": _quantile([s.first_s for s in ok if s.first_s is not None], 0.95),
        "audit_records": recorded,
        "records_match": recorded == len(sent),
        "audit_verified": bool(verified.get("ok")),
    }


def _table(report: dict[str, Any]) -> str:
    return "\n".join(f"{key:<20} {value}" for key, value in report.items())


if __name__ == "__main__":
    main()
