"""Question sets built from public documents: their question-shaped headings become the questions.

The construction is the same for every package (``eval.vdd_questions``, ``eval.fiches_travail``) and was fixed
before any result was measured on it:

- a heading (or a sheet title) is a question when it ends with ``?``;
- it is kept only when it stands on its own: at least :data:`MIN_CONTENT_WORDS` distinct content words (words of
  three letters or more that are not French function words, question words or auxiliary verbs, see
  :data:`FUNCTION_WORDS`) and no demonstrative (``ce``, ``cet``, ``cette``, ``ces``: "Quelle est la durée de ce
  congé ?" needs the sheet to be understood). "Quelles sont les conditions ?" is dropped, "Quelle est la durée
  maximale du stage ?" is kept;
- a kept question is removed from the corpus (the heading goes, the text under it stays), so a question is never
  found by matching its own words in the document; the sheet's other headings and its title stay, as in a real
  document;
- its gold is the sheet it came from; the same question (the same words once case and punctuation are
  ignored) in several sheets lists all of them as gold;
- each question is put in the ``dev`` or ``test`` half by a hash of its text: choices (fusion, weights) are made
  on ``dev`` halves and the project's own sets, and the ``test`` halves only measure them.

Sets are frozen once written: the builders pin the package version and its sha512, and the sample is seeded.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

MIN_CONTENT_WORDS = 3
DEMONSTRATIVES = frozenset({"ce", "cet", "cette", "ces"})
_FUNCTION_TEXT = """
    a à au aux avec ce ces cet cette comment combien d de des du dans doit doivent dont elle elles en est et être
    faut fait faire il ils l la le les leur leurs lui mais même n ne ni nous on ont ou où par pas peut peuvent pour
    quand que quel quelle quelles quels qu qui quoi s sa se ses si son sont sur t un une vous y lequel laquelle
    lesquels lesquelles auquel auxquels auxquelles duquel desquels desquelles afin avoir été sera seront ainsi
    alors aussi autre autres cas cela ceci celui celle ceux celles chaque entre hors lors moins plus sans selon
    sous tout tous toute toutes très ça est-ce qu'est-ce quoi faut-il peut-on doit-on
"""
FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def is_question(heading: str) -> bool:
    return heading.rstrip().endswith("?")


def content_words(text: str) -> list[str]:
    """The distinct content words of ``text`` (lower case, in order), elisions split (``l'employeur`` ->
    ``employeur``)."""
    words: list[str] = []
    for token in _WORD.findall(text.casefold().replace("’", "'")):
        for part in re.split(r"['-]", token):
            if len(part) >= 3 and part not in FUNCTION_WORDS and part not in words:
                words.append(part)
    return words


def stands_alone(question: str) -> bool:
    """Whether a question-shaped heading can be asked without its sheet (the rule of the module docstring)."""
    tokens = set(re.split(r"[\s'’,;:()«»\"]+", question.casefold()))  # "qu'est-ce" is no demonstrative
    return is_question(question) and len(content_words(question)) >= MIN_CONTENT_WORDS and not tokens & DEMONSTRATIVES


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def split_of(question: str) -> str:
    """``dev`` or ``test``, from a hash of the normalised question (stable across builds and samples)."""
    return "dev" if hashlib.sha256(normalise(question).encode()).digest()[0] % 2 == 0 else "test"


@dataclass(frozen=True)
class SetDocument:
    """One corpus file: ``name`` (the file stem, used as gold), its ``suffix`` (``.md``, ``.html``) and content."""

    name: str
    suffix: str
    content: str


@dataclass(frozen=True)
class SetQuestion:
    text: str
    gold: str  # the SetDocument name it came from


def write_set(
    prefix: str, documents: Sequence[SetDocument], questions: Iterable[SetQuestion], out_dir: Path
) -> tuple[Path, Path]:
    """Write ``out_dir/corpus/<name><suffix>`` and ``out_dir/questions.jsonl`` (one line per distinct question:
    ``{id, question, gold, language, split}``); stale corpus files are removed. Returns both paths."""
    corpus = out_dir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    keep = {d.name + d.suffix for d in documents}
    for stale in corpus.iterdir():
        if stale.is_file() and stale.name not in keep:
            stale.unlink()
    for d in documents:
        (corpus / (d.name + d.suffix)).write_text(d.content, encoding="utf-8", newline="\n")
    gold: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for q in questions:
        key = normalise(q.text)
        texts.setdefault(key, " ".join(q.text.split()))
        if q.gold not in gold.setdefault(key, []):
            gold[key].append(q.gold)
    rows = [
        {"id": f"{prefix}-{n:04d}", "question": texts[key], "gold": ids, "language": "fr", "split": split_of(key)}
        for n, (key, ids) in enumerate(gold.items(), 1)
    ]
    path = out_dir / "questions.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8", newline="\n")
    return corpus, path
