"""Documents of the independent set: Faker values (:mod:`eval.independent.values`) in seven shapes — prose, bullet
list, Markdown table, HTML table, CSV rows, e-mail thread with signatures, form — with non-personal references
beside them (catalogue brands, products and references, GTIN barcodes, legal references, amounts, towns)."""

from __future__ import annotations

import html
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from eval.independent import phrases as ph
from eval.independent.values import PERSON, LocaleValues, Person, Planted
from eval.pii.corpus import Catalogue

SHAPES: tuple[str, ...] = ("prose", "bullets", "md_table", "html_table", "csv", "email", "form")
SUFFIX = {"prose": ".md", "bullets": ".md", "md_table": ".md", "html_table": ".html", "csv": ".csv",
          "email": ".txt", "form": ".md"}  # fmt: skip


@dataclass
class Document:
    name: str
    locale: str
    language: str
    shape: str
    text: str = ""
    planted: list[Planted] = field(default_factory=list)
    decoys: list[str] = field(default_factory=list)  # brands and products: must never be flagged
    others: list[str] = field(default_factory=list)  # towns: no personal value alone (a surname may be one too)


def gtin(rng: random.Random) -> str:
    """A valid GTIN-12, -13 or -14 (barcode check digit: weights 3 and 1 from the right)."""
    body = "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((11, 12, 12, 13)) - 1))
    body = str(rng.randint(1, 9)) + body
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def _csv_cell(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(x in cell for x in ',;"\n') else cell


class DocumentBuilder:
    """Builds the documents of one locale (see the module doc); the same seed gives the same documents."""

    def __init__(self, values: LocaleValues, catalogue: Catalogue) -> None:
        self.v = values
        self.rng = values.rng
        self.lang = values.language
        self.catalogue = catalogue
        self.labels = ph.LABELS[self.lang]

    # -- values, each registered in the document it goes into ------------------------------------------------
    def _plant(self, doc: Document, planted: Planted | None) -> str:
        if planted is None:
            return ""
        doc.planted.append(planted)
        return planted.value

    def _address(self, doc: Document, multiline: bool = False) -> str:
        lines = self.v.address_lines()
        return self._plant(doc, self.v.address(lines, ("\n" if multiline else ", ").join(lines)))

    def _decoy(self, doc: Document, kind: str) -> str:
        rng, f = self.rng, self.v.faker
        if kind in ("brand", "product"):
            value = rng.choice(self.catalogue.brands if kind == "brand" else self.catalogue.products)
            doc.decoys.append(value)
            return value
        return {
            "ref": lambda: rng.choice(self.catalogue.references),
            "ean": lambda: gtin(rng),
            "legal": lambda: rng.choice(ph.LEGAL[self.lang]),
            "amount": lambda: f"{rng.randint(5, 900)},{rng.randint(0, 99):02d} {rng.choice(('€', 'EUR', 'CHF'))}",
            "date": lambda: f.date_between_dates(date(2023, 1, 1), date(2025, 12, 31)).strftime("%d/%m/%Y"),
            "town": lambda: self._town(doc, f.city()),
        }[kind]()

    @staticmethod
    def _town(doc: Document, town: str) -> str:
        doc.others.append(town)
        return town

    def _fill(self, doc: Document, frame: str, person: Person) -> str:
        v = self.v
        nid = v.national_id()
        vat = v.company_ids()[0]
        fields: dict[str, Callable[[], str]] = {
            "name": lambda: self._plant(doc, v.person_planted(person)),
            "surname": lambda: self._plant(doc, v.person_planted(person, person.last)),
            "title": v.title, "phone": lambda: self._plant(doc, v.phone()),
            "email": lambda: self._plant(doc, v.email(person)), "address": lambda: self._address(doc),
            "iban": lambda: self._plant(doc, v.iban()), "card": lambda: self._plant(doc, v.card()),
            "nid": lambda: self._plant(doc, nid), "nid_label": self._nid_label,
            "vat": lambda: self._plant(doc, vat), "vat_label": lambda: self.labels["vat"],
            "plate": lambda: self._plant(doc, v.plate()), "cid": lambda: self._plant(doc, v.customer_id()),
            "cid_label": lambda: self.rng.choice(ph.CID_LABELS[self.lang]),
        }  # fmt: skip
        out, rest = [], frame
        while "{" in rest:
            before, _, after = rest.partition("{")
            key, _, rest = after.partition("}")
            out.append(before)
            out.append(fields[key]() if key in fields else self._decoy(doc, key))
        return "".join(out) + rest

    def _nid_label(self) -> str:
        return ph.NID_LABELS.get(self.v.locale, self.labels["nid"])

    def _frames(self) -> tuple[str, ...]:
        frames = ph.PROSE[self.lang]
        return frames if self.v.national_id() is not None else tuple(f for f in frames if "{nid}" not in f)

    # -- shapes -------------------------------------------------------------------------------------------
    def prose(self, doc: Document) -> str:
        paragraphs = []
        for _ in range(self.rng.randint(3, 5)):
            person = self.v.person()
            sentences = self.rng.sample(self._frames(), 2)
            paragraphs.append(" ".join(self._fill(doc, s, person) for s in sentences))
        return "\n\n".join(paragraphs)

    def _row(self, doc: Document, person: Person) -> list[tuple[str, str]]:
        cid_label = self.rng.choice(ph.CID_LABELS[self.lang])
        return [
            (self.labels["name"], self._plant(doc, self.v.person_planted(person))),
            (self.labels["phone"], self._plant(doc, self.v.phone())),
            (self.labels["email"], self._plant(doc, self.v.email(person))),
            (self.labels["address"], self._address(doc)),
            (cid_label, self._plant(doc, self.v.customer_id())),
        ]

    def bullets(self, doc: Document) -> str:
        lines = []
        for _ in range(self.rng.randint(3, 6)):
            row = self._row(doc, self.v.person())
            lines.append("- " + " — ".join(f"{k} : {v}" if self.lang == "fr" else f"{k}: {v}" for k, v in row))
        return "\n".join(lines)

    def _table(self, doc: Document) -> tuple[list[str], list[list[str]]]:
        rows = [self._row(doc, self.v.person()) for _ in range(self.rng.randint(3, 6))]
        return [k for k, _ in rows[0]], [[v for _, v in r] for r in rows]

    def md_table(self, doc: Document) -> str:
        header, rows = self._table(doc)
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])

    def html_table(self, doc: Document) -> str:
        header, rows = self._table(doc)
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>\n" for r in rows)
        return f"<table>\n<tr>{head}</tr>\n{body}</table>"

    def csv(self, doc: Document) -> str:
        header, rows = self._table(doc)
        return "\n".join(";".join(_csv_cell(c) for c in r) for r in [header, *rows]) + "\n"

    def email(self, doc: Document) -> str:
        w = ph.EMAIL_WORDS[self.lang]
        sender, first_writer = self.v.person(), self.v.person()
        body = self._fill(doc, self.rng.choice(self._frames()), first_writer)
        quoted = self._fill(doc, self.rng.choice(self._frames()), sender)
        sender_name = self._plant(doc, self.v.person_planted(sender))
        phone = self._plant(doc, self.v.phone())
        signature = [sender_name, self.rng.choice(ph.ROLES[self.lang]), f"{self.labels['phone']} {phone}",
                     self._address(doc, multiline=True)]  # fmt: skip
        writer = self._plant(doc, self.v.person_planted(first_writer))
        header = (f"{w['from']}: {sender_name} <{self._plant(doc, self.v.email(sender))}>\n"
                  f"{w['subject']}: {w['topic']}\n\n")  # fmt: skip
        wrote = w["wrote"].format(date=self._decoy(doc, "date"), name=writer)
        quoted_lines = "\n".join("> " + line for line in quoted.split("\n"))
        closing = "\n".join([w["bye"], *signature])
        return f"{header}{w['hello']}\n\n{body}\n\n{closing}\n\n{wrote}\n{quoted_lines}\n"

    def form(self, doc: Document) -> str:
        person = self.v.person()
        lab, v = self.labels, self.v
        sep = " : " if self.lang == "fr" else ": "
        surname = self._plant(doc, v.person_planted(person, person.last.upper() if self.v.chance(0.5) else person.last))
        first = self._plant(doc, Planted(PERSON, person.first, v.locale, (), ()))
        fields = [(lab["name"], surname), (lab["first"], first), (lab["birth"], self._decoy(doc, "date")),
                  (lab["address"], self._address(doc)), (lab["phone"], self._plant(doc, v.phone())),
                  (lab["email"], self._plant(doc, v.email(person))), (lab["iban"], self._plant(doc, v.iban())),
                  (lab["plate"], self._plant(doc, v.plate())),
                  (self.rng.choice(ph.CID_LABELS[self.lang]), self._plant(doc, v.customer_id()))]  # fmt: skip
        nid = v.national_id()
        if nid is not None:
            fields.insert(3, (self._nid_label(), self._plant(doc, nid)))
        for company in v.company_ids():
            label = {"SIRET": "SIRET", "SIREN": "SIREN"}.get(company.entity_type, lab["vat"])
            fields.append((label, self._plant(doc, company)))
        fields.append((lab["card"], self._plant(doc, v.card())))
        return "\n".join(f"{k}{sep}{val}  " for k, val in fields)

    def build(self, number: int, shape: str) -> Document:
        doc = Document(f"{self.v.locale}-{number:03d}-{shape}{SUFFIX[shape]}", self.v.locale, self.lang, shape)
        title = f"{self.rng.choice(ph.TITLES[self.lang])} {number}"
        render: Callable[[Document], str] = getattr(self, shape)
        body = render(doc)
        if shape == "html_table":
            doc.text = (f'<!doctype html>\n<html lang="{self.lang}"><head><title>{title}</title></head>\n'
                        f"<body><h1>{title}</h1>\n{body}\n</body></html>\n")  # fmt: skip
        elif shape in ("csv", "email"):
            doc.text = body
        else:
            doc.text = f"---\nlang: {self.lang}\n---\n# {title}\n\n{body}\n"
        return doc
