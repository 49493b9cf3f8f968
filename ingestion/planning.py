"""What an ingestion run will do: the files found under the given paths, the indexed documents whose files are gone,
and the paths that cannot be ingested (missing, or a symbolic link leading outside the folder being ingested)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

from assistant.core.registry import DocumentRegistry
from assistant.core.text import printable
from ingestion.parsers import ParserRegistry
from ingestion.report import FileOutcome, IngestPlan

_ID_NAMESPACE = uuid.UUID("6f1c2b1e-3d5a-4c8e-9b7a-2f4e6d8c0a11")


def doc_id_for(source: str) -> str:
    return uuid.uuid5(_ID_NAMESPACE, source).hex


def chunk_id_for(doc_id: str, index: int) -> str:
    return str(uuid.uuid5(_ID_NAMESPACE, f"{doc_id}:{index}"))


def plan_ingestion(paths: Sequence[Path], registry: DocumentRegistry, parsers: ParserRegistry) -> IngestPlan:
    plan = IngestPlan(files=[], removed=[], errors=[])
    seen: set[str] = set()
    for raw in paths:
        path = raw.expanduser().resolve()
        if path.is_dir():
            found = _walk(path, plan, parsers)
            plan.files.extend((f, path) for f in found if str(f) not in seen)
            seen.update(str(f) for f in found)
            plan.removed.extend(r for r in registry.under(str(path)) if r.source not in seen)
        elif path.is_file():
            if str(path) not in seen:
                plan.files.append((path, path.parent))
                seen.add(str(path))
        else:
            known = registry.get(doc_id_for(str(path)))
            if known is not None:
                plan.removed.append(known)
            else:
                error = f"{printable(str(raw))}: no such file or folder; check the path"
                plan.errors.append(FileOutcome(str(raw), "failed", error=error))
    unique = {r.doc_id: r for r in plan.removed if r.source not in seen}
    plan.removed = list(unique.values())
    return plan


def _walk(root: Path, plan: IngestPlan, parsers: ParserRegistry) -> list[Path]:
    """Supported files below ``root`` (hidden ones left out). A symbolic link is never followed out of ``root``: it is
    reported; one to a file inside ``root`` is left out too (its target is ingested under its own path)."""
    files = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_symlink():
            target = path.resolve()
            if target != root and root not in target.parents:
                what = "folder" if path.is_dir() else "file"
                error = (
                    f"{printable(str(rel))}: a symbolic link to a {what} outside {printable(str(root))}, not followed; "
                    f"copy the {what} into the folder, or ingest its own folder"
                )
                plan.errors.append(FileOutcome(str(path), "failed", error=error))
            continue
        if not path.is_file():
            continue
        if parsers.supports(path):
            files.append(path)
        else:
            plan.skipped.append(str(path))
    return files
