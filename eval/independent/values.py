"""Personal values of one locale, from Faker's own providers (never from :mod:`eval.pii` or the recognizers).

Seven locales: ``fr_FR``, ``fr_BE``, ``fr_CH``, ``en_GB``, ``de_DE``, ``es_ES``, ``it_IT``. Where a locale's Faker
lacks a provider, a neighbour of the same country supplies it (``fr_BE`` takes Belgian addresses, phones, national
numbers, IBANs and plates from ``nl_BE``; ``fr_CH`` its plates from ``de_CH``), and a locale with no national id
in Faker (``de_DE``) gets none. Every value is a :class:`Planted` with its gold type and the keys the leak scan
looks for (full form, compact and digit-only forms, a person's surname, an address's street)."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from faker import Faker

LOCALES: tuple[str, ...] = ("fr_FR", "fr_BE", "fr_CH", "en_GB", "de_DE", "es_ES", "it_IT")
LANGUAGE = {"fr_FR": "fr", "fr_BE": "fr", "fr_CH": "fr", "en_GB": "en", "de_DE": "de", "es_ES": "es", "it_IT": "it"}
#: Providers taken from a neighbour locale (see the module doc).
NEIGHBOUR = {"fr_BE": "nl_BE", "fr_CH": "de_CH"}
CARD_TYPES = ("amex", "diners", "discover", "jcb15", "jcb16", "maestro", "mastercard", "visa13", "visa16", "visa19")
PARTICLES = {
    "fr": ("de", "du", "de la", "Le", "d'"), "en": ("O'", "Mc", "van"), "de": ("von", "von der", "van"),
    "es": ("de", "del", "de la"), "it": ("De", "Di", "Da", "Lo"),
}  # fmt: skip
TITLES = {"fr": ("M.", "Mme", "Madame", "Monsieur"), "en": ("Mr", "Mrs", "Ms", "Dr"), "de": ("Herr", "Frau"),
          "es": ("Sr.", "Sra.", "Don", "Doña"), "it": ("Sig.", "Sig.ra", "Dott.")}  # fmt: skip

# entity types of the gold labels (the product's names; NATIONAL_ID, COMPANY_ID and IDENTIFIER are new)
PERSON, EMAIL, PHONE, IBAN, NIR, NATIONAL_ID = "PERSON", "EMAIL", "PHONE", "IBAN", "NIR", "NATIONAL_ID"
CREDIT_CARD, SIRET, SIREN, COMPANY_ID = "CREDIT_CARD", "SIRET", "SIREN", "COMPANY_ID"
LICENCE_PLATE, ADDRESS, IDENTIFIER = "LICENCE_PLATE", "ADDRESS", "IDENTIFIER"
STRUCTURED = (EMAIL, PHONE, IBAN, NIR, NATIONAL_ID, CREDIT_CARD, SIRET, SIREN, COMPANY_ID, LICENCE_PLATE, ADDRESS,
              IDENTIFIER)  # fmt: skip


@dataclass(frozen=True)
class Planted:
    """One personal value placed in a document: ``value`` as written, its gold type and locale, and the
    strings whose presence on disk means it leaked (``leak_keys``; surname / street ones are whole words)."""

    entity_type: str
    value: str
    locale: str
    leak_keys: tuple[str, ...]
    word_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    written: str  # the full name as the document writes it
    surname: str  # the surname without particle (a leak key)
    email: str


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


#: Characters a value's derived form (without separators, digits alone) needs to be looked for: a shorter string
#: turns up by chance in the hundreds of megabytes of vectors and ciphertext a data dir holds (a 4-character form
#: about once per 20 values per seed in 226 MB; a 6-character one about once per million).
MIN_DERIVED_FORM = 6


def compact_forms(value: str) -> tuple[str, ...]:
    """The value, its form without separators and its digits alone when each has at least
    :data:`MIN_DERIVED_FORM` characters (the digits only when they are most of the value)."""
    compact = re.sub(r"[\s.\-/()]", "", value)
    digits = re.sub(r"\D", "", value)
    mostly_digits = len(digits) >= 0.6 * len(re.sub(r"\W", "", value))
    derived = (compact, digits if mostly_digits else "")
    return tuple(dict.fromkeys([value, *(v for v in derived if len(v) >= MIN_DERIVED_FORM)]))


def _in_stable_order(faker: Faker) -> Faker:
    """``faker`` with its town lists sorted: it_IT builds its list from a set, whose order (and so the town a seed
    draws) changed with each process's hash seed; a seed must give the same documents in every process."""
    for provider in faker.providers:
        cities = getattr(provider, "cities", None)
        if isinstance(cities, list):
            provider.cities = sorted(cities)
    return faker


class LocaleValues:
    """Deterministic values of one locale for one seed."""

    def __init__(self, locale: str, seed: int) -> None:
        self.locale = locale
        self.language = LANGUAGE[locale]
        self.rng = random.Random(f"{locale}:{seed}")
        self.faker = _in_stable_order(Faker(locale))
        self.faker.seed_instance(self.rng.randrange(2**32))
        self.near = _in_stable_order(Faker(NEIGHBOUR.get(locale, locale)))
        self.near.seed_instance(self.rng.randrange(2**32))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def _seeded(self, provider: Callable[[], str]) -> str:
        """Faker's es_ES ``nif``, ``nie`` and ``cif`` use the global generator: seed it from ours, restore it."""
        state = random.getstate()
        random.seed(self.rng.randrange(2**32))
        try:
            return provider()
        finally:
            random.setstate(state)

    def _planted(self, entity_type: str, value: str) -> Planted:
        return Planted(entity_type, value, self.locale, compact_forms(value))

    def person(self) -> Person:
        f = self.faker
        first, last = f.first_name(), f.last_name()
        if self.chance(0.12):
            first = f"{first}-{f.first_name()}" if self.language != "en" else first
        if self.chance(0.1):
            last = f"{last}-{f.last_name()}"
        surname = last
        if self.chance(0.15):
            particle = self.rng.choice(PARTICLES[self.language])
            glue = "" if particle.endswith("'") or particle == "Mc" else " "
            last = f"{particle}{glue}{last}"
        style = self.rng.random()
        written = f"{first} {last}"
        if self.language == "fr" and style < 0.15:
            written = f"{last.upper()} {first}"
        elif style < 0.25:
            written = f"{first} {last.upper()}"
        local = fold(f"{first}.{surname}").lower().replace(" ", "").replace("'", "")
        domain = f.free_email_domain() if self.chance(0.6) else f.domain_name()
        return Person(first, last, written, surname, f"{local}@{domain}")

    def person_planted(self, person: Person, written: str | None = None) -> Planted:
        value = written or person.written
        words = tuple(w for w in re.split(r"[\s-]+", person.surname) if len(w) > 2 and w[0].isupper())  # no "van"
        return Planted(PERSON, value, self.locale, (value,), words)

    def title(self) -> str:
        return self.rng.choice(TITLES[self.language])

    def email(self, person: Person) -> Planted:
        value = person.email if self.chance(0.7) else self.faker.email()
        return Planted(EMAIL, value, self.locale, (value, value.lower()))

    def phone(self) -> Planted:
        return self._planted(PHONE, self.near.phone_number())

    def iban(self) -> Planted:
        value = self.near.iban()
        if self.chance(0.6):
            value = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
        return self._planted(IBAN, value)

    def card(self) -> Planted:
        card_type = self.rng.choice(CARD_TYPES)
        digits = self.faker.credit_card_number(card_type)
        style = self.rng.random()
        if len(digits) == 15 and digits.startswith("3") and style < 0.5:
            value = f"{digits[:4]} {digits[4:10]} {digits[10:]}"
        elif style < 0.45:
            value = " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))
        elif style < 0.6:
            value = "-".join(digits[i : i + 4] for i in range(0, len(digits), 4))
        else:
            value = digits
        return self._planted(CREDIT_CARD, value)

    def national_id(self) -> Planted | None:
        """The locale's national id as Faker writes it (None for de_DE: Faker has none)."""
        if self.locale == "fr_FR":
            value = self.faker.ssn()
            if self.chance(0.5):
                value = " ".join((value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:]))
            return self._planted(NIR, value)
        if self.locale == "es_ES":
            if self.chance(0.6):
                return self._planted(NATIONAL_ID, self._seeded(self.faker.nif))
            return self._planted(NATIONAL_ID, self._seeded(self.faker.nie))
        if self.locale in ("fr_BE", "fr_CH", "en_GB", "it_IT"):
            value = self.near.ssn()
            if self.locale == "fr_BE" and self.chance(0.5):  # the printed form: YY.MM.DD-XXX.CC
                value = f"{value[:2]}.{value[2:4]}.{value[4:6]}-{value[6:9]}.{value[9:]}"
            return self._planted(NATIONAL_ID, value)
        return None

    def company_ids(self) -> list[Planted]:
        out = [self._planted(COMPANY_ID, self.near.vat_id())]
        if self.locale == "fr_FR":
            out.append(self._planted(SIRET, self.faker.siret()))
            if self.chance(0.5):
                out.append(self._planted(SIREN, self.faker.siren()))
        if self.locale == "es_ES":
            out.append(self._planted(COMPANY_ID, self._seeded(self.faker.cif)))
        return out

    def plate(self) -> Planted:
        return self._planted(LICENCE_PLATE, self.near.license_plate())

    def customer_id(self) -> Planted:
        """An identifier in a format no setting lists: letters, digit groups, separators, chosen at random."""
        rng = self.rng
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(rng.choice((0, 0, 1, 2, 3))))
        sep = rng.choice(("", "-", " ", "/", "."))
        groups = [str(rng.randint(10 ** (n - 1), 10**n - 1)) for n in rng.choices((2, 3, 4, 5, 6, 7, 8), k=3)]
        body = sep.join(groups[: rng.choice((1, 2, 3))]) if sep else "".join(groups[:2])
        while len(re.sub(r"\W", "", body)) < 6:
            body += str(rng.randint(0, 9))
        value = f"{letters}{rng.choice(('-', '', ' ')) if letters else ''}{body}"
        return self._planted(IDENTIFIER, value)

    def address_lines(self) -> list[str]:
        """Faker's address of the locale, as lines (fr_BE: Belgian, half in nl_BE form, half with French street
        words; fr_FR: a postal box or a lieu-dit one time in ten), the house number dropped one time in three."""
        f = self.near if self.locale == "fr_BE" and self.chance(0.5) else self.faker
        if self.locale == "fr_BE" and f is self.faker:
            street = self.rng.choice(("Rue", "Avenue", "Boulevard", "Chaussée", "Place", "Drève", "Clos"))
            line = f"{street} {self.rng.choice(('de la ', 'du ', 'des ', ''))}{self.faker.last_name()}"
            value = f"{line} {self.rng.randint(1, 250)}\n{self.near.postcode()} {self.near.city()}"
        elif self.locale == "fr_FR" and self.chance(0.1):
            box = self.rng.choice((f"BP {self.rng.randint(1, 9999)}", f"CS {self.rng.randint(10000, 99999)}",
                                   f"Lieu-dit {self.faker.last_name()}"))  # fmt: skip
            value = f"{box}\n{self.faker.postcode()} {self.faker.city().upper()}{' CEDEX' if box[0] != 'L' else ''}"
        else:
            value = f.address()
        lines = [line.strip() for line in value.split("\n") if line.strip()]
        if self.locale != "en_GB" and self.chance(0.33):
            lines[0] = _NUMBER.sub("", lines[0]).strip(" ,")
        return lines

    def address(self, lines: list[str], rendered: str) -> Planted:
        """The address as the document wrote it (``rendered``), its street (without number) a leak key."""
        line = next((x for x in lines if not re.match(r"(?:Flat|Studio|Apartment|Suite)\b", x)), lines[0])
        parts = [re.sub(r"\s+", " ", _NUMBER.sub(" ", p)).strip(" ,") for p in line.split(",")]
        street = max(parts, key=lambda p: sum(c.isalpha() for c in p) - 10 * sum(c.isdigit() for c in p))
        street = street if len(street) >= 5 and any(c.islower() for c in street) else ""
        forms = (rendered, " ".join(rendered.split()), ", ".join(lines))
        return Planted(ADDRESS, rendered, self.locale, tuple(dict.fromkeys(forms)), (street,) if street else ())


#: A house number (12, 12b, 26-83, 74/20, "23,") and what follows it on the street line in Spain and Italy.
_NUMBER = re.compile(r"^\d+[a-z]?,?\s+|,?\s+\d+(?:[-/]\d+)?[a-z]?\b(?:\s+(?:Piso|Apt|Puerta|Appartamento|Piano)\b.*)?$")
