"""Labelled benchmark sentences: templates of :mod:`eval.pii.templates_fr` / :mod:`eval.pii.templates_en` filled
with :class:`eval.pii.values.ValueFactory` values and with decoys (brands and products from the
catalogue, dates, amounts, references) whose positions are kept to count allow-list false positives."""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from eval.pii.templates_en import TEMPLATES_EN
from eval.pii.templates_fr import TEMPLATES_FR
from eval.pii.values import CITIES, ValueFactory
from privacy import entities as e

SAMPLE_CATALOGUE = Path(__file__).resolve().parents[2] / "ingestion/samples/produits/catalogue/catalogue-produits.csv"
FRENCH_SHARE = 0.6
_PLACEHOLDER = re.compile(r"\{([A-Z_0-9]+)\}")
_MONTHS = {"fr": ("janvier", "mars", "mai", "juin", "septembre", "novembre"), "en": ("January", "March", "June")}


@dataclass(frozen=True)
class LabelledSpan:
    entity_type: str
    start: int
    end: int


@dataclass(frozen=True)
class Sample:
    text: str
    language: str
    gold: tuple[LabelledSpan, ...]
    decoys: tuple[tuple[int, int], ...]  # brand and product names: must not be flagged


@dataclass(frozen=True)
class Catalogue:
    brands: tuple[str, ...]
    products: tuple[str, ...]
    references: tuple[str, ...]


def read_catalogue(path: Path = SAMPLE_CATALOGUE) -> Catalogue:
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    return Catalogue(
        brands=tuple(sorted({r["marque"] for r in rows})),
        products=tuple(r["nom"] for r in rows),
        references=tuple(r["reference"] for r in rows),
    )


def _ean13(rng: random.Random) -> str:
    body = "3" + "".join(str(rng.randint(0, 9)) for _ in range(11))
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


class SampleBuilder:
    """Fills templates; each sentence gets fresh values (one person per sentence, e-mail derived from them)."""

    def __init__(self, seed: int, catalogue: Catalogue) -> None:
        self.rng = random.Random(seed)
        self.values = ValueFactory(seed)
        self.catalogue = catalogue

    def _product(self) -> str:
        name = self.rng.choice(self.catalogue.products)
        style = self.rng.random()
        short = name.split()[:2]
        if style < 0.3 and len(short[-1]) > 3:
            return " ".join(short).lower()
        return name if style < 0.7 else re.sub(r"[«»]\s?|\s?[«»]", "", name)

    def _date(self, language: str) -> str:
        month = self.rng.choice(_MONTHS[language])
        day = self.rng.randint(1, 28)
        return f"{day} {month} 2025" if language == "fr" else f"{month} {day}, 2025"

    def _fillers(self, language: str) -> dict[str, Callable[[], str]]:
        v, rng = self.values, self.rng
        return {
            "PHONE": lambda: v.phone(language), "IBAN": v.iban, "NIR": v.nir, "SIRET": v.siret, "SIREN": v.siren,
            "ADDRESS": v.address, "CARD": v.card, "PLATE": v.plate, "LOYALTY": v.loyalty_card,
            "EMPLOYEE": v.employee_id, "BRAND": lambda: rng.choice(self.catalogue.brands), "PRODUCT": self._product,
            "STORE": lambda: rng.choice(("Lyon Part-Dieu", "Marseille Vieux-Port", "Lille Centre", *CITIES)),
            "CITY": lambda: rng.choice(CITIES), "DATE": lambda: self._date(language),
            "DATE2": lambda: self._date(language),
            "AMOUNT": lambda: f"{rng.randint(5, 2500)},{rng.randint(0, 99):02d} €",
            "ORDER": lambda: f"CMD-2025-{rng.randint(100000, 999999)}", "EAN": lambda: _ean13(rng),
            "REF": lambda: rng.choice(self.catalogue.references), "YEAR": lambda: str(rng.randint(2005, 2024)),
        }  # fmt: skip

    def build(self, language: str) -> Sample:
        templates = TEMPLATES_FR if language == "fr" else TEMPLATES_EN
        template = self.rng.choice(templates)
        name, full = self.values.person(language)
        name2, _ = self.values.person(language)
        last = self.values.person(language)[1].split(" ", 1)[1]
        people = {"PERSON": name, "PERSON2": name2, "PERSON_LAST": last, "EMAIL": self.values.email(full)}
        labels = {
            "PERSON": e.PERSON, "PERSON2": e.PERSON, "PERSON_LAST": e.PERSON, "EMAIL": e.EMAIL, "PHONE": e.PHONE,
            "IBAN": e.IBAN, "NIR": e.NIR, "SIRET": e.SIRET, "SIREN": e.SIREN, "ADDRESS": e.ADDRESS,
            "CARD": e.CREDIT_CARD, "PLATE": e.LICENCE_PLATE, "LOYALTY": e.LOYALTY_CARD, "EMPLOYEE": e.EMPLOYEE_ID,
        }  # fmt: skip
        fillers = self._fillers(language)
        parts: list[str] = []
        gold: list[LabelledSpan] = []
        decoys: list[tuple[int, int]] = []
        cursor, length = 0, 0
        for match in _PLACEHOLDER.finditer(template):
            literal = template[cursor : match.start()]
            parts.append(literal)
            length += len(literal)
            key = match.group(1)
            value = people[key] if key in people else fillers[key]()
            if key in labels:
                gold.append(LabelledSpan(labels[key], length, length + len(value)))
            elif key in ("BRAND", "PRODUCT"):
                decoys.append((length, length + len(value)))
            parts.append(value)
            length += len(value)
            cursor = match.end()
        parts.append(template[cursor:])
        return Sample("".join(parts), language, tuple(gold), tuple(decoys))


def generate_samples(n_sentences: int, seed: int, catalogue: Catalogue | None = None) -> list[Sample]:
    """``n_sentences`` labelled sentences, 60 % French and 40 % English, reproducible for a seed."""
    builder = SampleBuilder(seed, catalogue or read_catalogue())
    return [builder.build("fr" if builder.rng.random() < FRENCH_SHARE else "en") for _ in range(n_sentences)]
