"""``assistant``: the command-line front door (ingest, search, ask, serve, documents, models)."""

from __future__ import annotations

import typer

from assistant.cli import (
    audit_cmd,
    documents,
    draft,
    eval_loop,
    eval_run,
    evaluate,
    ingest,
    llm_cmd,
    models,
    privacy_cmd,
    query,
    report_cmd,
    serve,
    users_cmd,
)
from assistant.cli.output import run_guarded

app = typer.Typer(
    help="Retail assistant: ingest internal documents, search them and answer staff questions with citations.\n\n"
    "Configuration comes from ASSISTANT_* environment variables (e.g. ASSISTANT_DATA_DIR) or ./assistant.toml.\n\n"
    "Exit codes: 0 ok, 1 some inputs failed, 2 bad usage or configuration, 3 set-up missing, 4 service failure.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("ingest")(ingest.ingest)
app.command("search")(query.search)
app.command("ask")(query.ask)
app.command("feedback")(query.feedback)
app.command("serve")(serve.serve)
app.add_typer(documents.app, name="documents")
app.add_typer(models.app, name="models")
eval_run.register(evaluate.app)
eval_loop.register(evaluate.app)
app.add_typer(evaluate.app, name="eval")
app.add_typer(draft.app, name="draft")
app.add_typer(privacy_cmd.app, name="privacy")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(llm_cmd.app, name="llm")
app.add_typer(report_cmd.app, name="report")
app.add_typer(users_cmd.app, name="users")


def main() -> None:
    run_guarded(app)
