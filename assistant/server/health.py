"""``/healthz`` (the process answers) and ``/readyz`` (its stores answer; the LLM endpoint down only degrades it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from assistant.server.state import current

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness: the server process answers")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness: index, audit store, vault, user store and the LLM endpoint")
async def readyz() -> JSONResponse:
    checks = await run_in_threadpool(_checks)
    required = [name for name in ("index", "audit", "vault", "users") if name in checks]
    ready = all(checks[name]["ok"] for name in required)
    llm = checks.get("llm", {"ok": True})
    body = {"ready": ready, "degraded": ready and not llm["ok"], "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


def _checks() -> dict[str, dict[str, Any]]:
    c = current().container
    probes = {
        "index": lambda: f"{c.index.count()} chunks",
        "audit": lambda: f"head #{c.audit.store.head()[0]}",
        "users": lambda: f"{len(c.users.users())} users",
    }
    if c.settings.privacy.enabled:
        probes["vault"] = lambda: f"{c.privacy.vault.stats()}"
    checks = {name: _run(probe) for name, probe in probes.items()}
    llm = c.settings.llm
    if llm.backend == "openai":
        from assistant.llm.server import list_models

        def probe_llm() -> str:
            served = list_models(llm.base_url, api_key=llm.api_key.get_secret_value(), timeout_s=2.0).models
            if llm.model not in served:
                raise LookupError(f"the endpoint serves {served}, not {llm.model}")
            return f"{llm.model} at {llm.base_url}"

        checks["llm"] = _run(probe_llm)
        if not checks["llm"]["ok"]:
            checks["llm"]["detail"] += ": answers come from the extractive fallback"
    return checks


def _run(probe: Any) -> dict[str, Any]:
    try:
        return {"ok": True, "detail": probe()}
    except Exception as exc:  # a readiness probe reports, it never raises
        return {"ok": False, "detail": f"{type(exc).__name__}: {str(exc)[:200]}"}
