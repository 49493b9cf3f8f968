"""``assistant llm``: run the local LLM server, check the configured endpoint, measure its speed."""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli.output import container, emit_json, out
from assistant.core.errors import BackendError
from assistant.processes import interrupt_on_signals

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI

    from assistant.settings import Settings

app = typer.Typer(
    help="The LLM endpoint: a local llama.cpp server on a CPU machine (deploy/llm.sh), vLLM in production.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
BaseUrlOption = Annotated[
    str | None, typer.Option(help="OpenAI-compatible endpoint, /v1 included (default from ASSISTANT_LLM_BASE_URL).")
]

# Short French staff questions (one with a context passage, like a RAG prompt) for `llm bench`.
BENCH_PROMPTS = (
    "Explique en deux phrases à un vendeur comment accueillir un client qui entre en magasin.",
    "Contexte : « Les clients disposent de 30 jours après l'achat pour retourner un article non porté, avec son "
    "ticket de caisse. Les articles soldés ne sont ni repris ni échangés. Le remboursement se fait sur le moyen de "
    "paiement d'origine. » Question : un client peut-il rendre un pull acheté il y a deux semaines ? Réponds en "
    "une phrase en citant le délai.",
    "Donne trois conseils courts pour bien présenter un rayon de vêtements.",
)


@app.command("serve")
def serve(
    model: Annotated[
        Path | None,
        typer.Option(help="GGUF weights (default from ASSISTANT_LOCAL_LLM_MODEL_PATH: Qwen2.5-Coder-1.5B)."),
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port (default from ASSISTANT_LOCAL_LLM_PORT: 8089).")
    ] = None,
    embedding: Annotated[
        bool,
        typer.Option(
            "--embedding", help="Serve /v1/embeddings (mean-pooled, for ASSISTANT_EMBEDDING_BACKEND=openai) instead."
        ),
    ] = False,
) -> None:
    """Run the local OpenAI-compatible LLM server (llama.cpp) in the foreground on 127.0.0.1; Ctrl-C stops it."""
    from assistant.llm.server import LocalLlmServer, LocalLlmStartError

    interrupt_on_signals()  # systemd / docker stop / timeout / Ctrl-C: stop the child server too
    with container(False) as c:
        server = LocalLlmServer(c.settings.local_llm, model_path=model, port=port, embedding=embedding)
        out.print(f"starting the LLM server with {server.model_path} ...", soft_wrap=True)
        server.start()
        try:
            out.print(
                f"[bold]LLM server ready[/] on {server.base_url} (model name {server.model_alias!r}); Ctrl-C stops it",
                soft_wrap=True,
            )
            code = server.wait()
        except KeyboardInterrupt:
            out.print("stopping the LLM server")
            code = 0
        finally:
            server.stop()
        if code != 0:
            raise LocalLlmStartError(f"the LLM server exited with code {code} (its output is above)")


@app.command("status")
def status(base_url: BaseUrlOption = None, as_json: JsonOption = False) -> None:
    """Does the configured endpoint answer, and which models does it serve?

    Exit 0 when it answers, 2 when it refuses the key or the URL is wrong, 4 when it does not answer.
    """
    from assistant.llm.server import LocalLlmServer

    with container(as_json) as c:
        llm, local = c.settings.llm, LocalLlmServer(c.settings.local_llm)
        url = base_url or llm.base_url
        report, code = _probe(url, llm.api_key.get_secret_value(), llm.connect_timeout_s + 3)
        report["configured_model"] = llm.model
        if code == 0:
            report["model_served"] = llm.model in report["models"]
        report["local_server"] = {
            "venv": str(local.python.parent.parent),
            "venv_present": local.python.is_file(),
            "model_path": str(local.model_path),
            "model_present": local.model_path.is_file(),
        }
    if as_json:
        emit_json(report)
    elif code == 0:
        served = "served" if report["model_served"] else f"NOT announced (it serves {report['models']})"
        out.print(f"{url}: answering in {report['latency_ms']} ms; model {llm.model!r} {served}", soft_wrap=True)
    else:
        out.print(f"{url}: {report['error']}", soft_wrap=True)
    if code:
        raise typer.Exit(code)


def _probe(url: str, api_key: str, timeout_s: float) -> tuple[dict[str, Any], int]:
    """GET /models: the report and the exit code (0 answering, 2 key or URL refused, 4 no answer)."""
    import httpx

    from assistant.llm.server import list_models

    report: dict[str, Any] = {"base_url": url, "answering": False}
    try:
        listed = list_models(url, api_key=api_key, timeout_s=timeout_s)
    except httpx.HTTPStatusError as exc:
        http = exc.response.status_code
        if http in (401, 403):
            report |= {
                "answering": True,
                "error": f"HTTP {http}: the endpoint refused the key; set ASSISTANT_LLM_API_KEY",
            }
            return report, 2
        if http == 404:
            report |= {"answering": True, "error": "HTTP 404 on /models: ASSISTANT_LLM_BASE_URL must end with /v1"}
            return report, 2
        report["error"] = f"HTTP {http}: the endpoint failed"
        return report, 4
    except httpx.DecodingError:
        report |= {
            "answering": True,
            "error": "answered, but not with an OpenAI model list: ASSISTANT_LLM_BASE_URL points at another "
            "service (it must be the LLM server's URL, ending with /v1)",
        }
        return report, 2
    except httpx.HTTPError as exc:
        report["error"] = (
            f"not answering ({type(exc).__name__}); start the local server with `assistant llm serve` "
            "(set-up: deploy/llm.sh --model qwen) or check ASSISTANT_LLM_BASE_URL"
        )
        return report, 4
    report |= {"answering": True, "models": listed.models, "latency_ms": round(listed.seconds * 1000, 1)}
    return report, 0


@dataclass(frozen=True)
class BenchRun:
    prompt: int
    ttft_s: float
    total_s: float
    tokens: int
    tokens_per_s: float | None  # decode speed after the first token


def _chat_model(settings: Settings, base_url: str, max_tokens: int) -> ChatOpenAI:
    import httpx
    from langchain_openai import ChatOpenAI

    llm = settings.llm
    return ChatOpenAI(
        base_url=base_url,
        api_key=llm.api_key,
        model=llm.model,
        temperature=0.0,
        max_tokens=max_tokens,
        # langchain-openai sends max_completion_tokens, which llama.cpp's server ignores: send max_tokens too.
        extra_body={"max_tokens": max_tokens},
        streaming=True,
        stream_usage=True,
        timeout=httpx.Timeout(llm.timeout_s, connect=llm.connect_timeout_s),
        max_retries=0,
    )


def _measure(chat: ChatOpenAI, prompt_no: int) -> BenchRun:
    started = time.perf_counter()
    first: float | None = None
    chunks = 0
    usage_tokens: int | None = None
    for chunk in chat.stream(BENCH_PROMPTS[prompt_no]):
        if isinstance(chunk.content, str) and chunk.content:
            first = first or time.perf_counter()
            chunks += 1
        if chunk.usage_metadata:
            usage_tokens = chunk.usage_metadata["output_tokens"]
    ended = time.perf_counter()
    tokens = usage_tokens or chunks  # llama.cpp streams one token per chunk and reports no usage
    first = first or ended
    decode = ended - first
    return BenchRun(prompt_no, first - started, ended - started, tokens, (tokens - 1) / decode if tokens > 1 else None)


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 3) if present else None


@app.command("bench")
def bench(
    runs: Annotated[int, typer.Option(min=1, max=50, help="Runs per prompt (the median is reported).")] = 3,
    max_tokens: Annotated[int, typer.Option(min=8, max=2048, help="Tokens generated per answer at most.")] = 64,
    base_url: BaseUrlOption = None,
    as_json: JsonOption = False,
) -> None:
    """Time to first token and tokens/s of the configured endpoint on French prompts (streamed through ChatOpenAI)."""
    import openai

    with container(as_json) as c:
        url = base_url or c.settings.llm.base_url
        chat = _chat_model(c.settings, url, max_tokens)
        samples: list[BenchRun] = []
        try:
            _measure(chat, 0)  # warm-up, not counted
            for _ in range(runs):
                samples += [_measure(chat, i) for i in range(len(BENCH_PROMPTS))]
        except (openai.APIConnectionError, openai.APIStatusError) as exc:
            raise BackendError(
                f"the LLM endpoint {url} failed ({type(exc).__name__}: {exc}); check it with `assistant llm status`"
            ) from None
    summary = {
        "base_url": url,
        "model": c.settings.llm.model,
        "runs": len(samples),
        "max_tokens": max_tokens,
        "ttft_s_median": _median([s.ttft_s for s in samples]),
        "tokens_per_s_median": _median([s.tokens_per_s for s in samples]),
        "total_s_median": _median([s.total_s for s in samples]),
        "tokens_median": _median([float(s.tokens) for s in samples]),
        "samples": [asdict(s) for s in samples],
    }
    if as_json:
        emit_json(summary)
        return
    out.print(
        f"{url} ({summary['model']}), {len(samples)} French prompts streamed, medians: time to first token "
        f"{summary['ttft_s_median']} s, {summary['tokens_per_s_median']} tokens/s, {summary['tokens_median']} tokens "
        f"in {summary['total_s_median']} s",
        soft_wrap=True,
    )
