"""Labelled values for the PII benchmark: Faker (fr_FR, en_US, fixed seed) plus generators of our own for
what Faker lacks or formats one way only (NIR with valid keys and Corsica, grouped IBANs and cards, phone
styles, French addresses in several layouts, SIV/FNI plates, the chain's ids)."""

from __future__ import annotations

import random
import unicodedata

from faker import Faker

from privacy.recognizers.checksums import nir_key

PARTICLES = ("de ", "Le ", "Van ", "de La ", "Du ", "d'", "Da ", "Mac")
STREET_TYPES = ("rue", "avenue", "boulevard", "chemin", "allée", "place", "impasse", "quai", "cours", "route",
                "square", "rue", "rue", "avenue")  # fmt: skip
STREET_NAMES = ("des Lilas", "Jean Jaurès", "de la République", "du Général de Gaulle", "Victor Hugo", "Pasteur",
                "des Tilleuls", "de la Gare", "du Moulin", "Paul Bert", "des Écoles", "Émile Zola", "de Verdun",
                "Saint-Exupéry", "du 8 Mai 1945", "des Mimosas", "Gambetta", "de l'Église", "Marcel Pagnol",
                "Anatole France", "des Acacias", "du Port", "de Bretagne", "Jules Ferry")  # fmt: skip
CITIES = ("Lyon", "Paris", "Marseille", "Saint-Étienne", "Aix-en-Provence", "Le Havre", "Boulogne-Billancourt",
          "Villeneuve-d'Ascq", "Nantes", "Lille", "Bordeaux", "Clermont-Ferrand", "La Rochelle", "Saint-Denis",
          "Ajaccio", "Bastia", "Strasbourg", "Montpellier", "Rennes", "Toulouse", "Annecy", "Roubaix")  # fmt: skip
MAIL_DOMAINS = ("gmail.com", "orange.fr", "free.fr", "laposte.net", "wanadoo.fr", "outlook.fr", "yahoo.fr",
                "sfr.fr", "maison-lumiere.fr", "hotmail.com", "icloud.com", "proton.me")  # fmt: skip
IBAN_LOCALES = ("fr_FR", "fr_FR", "fr_FR", "de_DE", "es_ES", "it_IT", "nl_BE", "nl_NL", "pt_PT", "fr_CH")
CARD_TYPES = ("visa16", "visa16", "mastercard", "mastercard", "amex", "discover", "jcb16", "visa13", "visa19")
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTVWXYZ"


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _group(digits: str, size: int = 4, sep: str = " ") -> str:
    return sep.join(digits[i : i + size] for i in range(0, len(digits), size))


class ValueFactory:
    """Deterministic generator of realistic values per entity type, for one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fr = Faker("fr_FR")
        self.en = Faker("en_US")
        self.ibans = {loc: Faker(loc) for loc in set(IBAN_LOCALES)}
        for i, faker in enumerate((self.fr, self.en, *self.ibans.values())):
            faker.seed_instance(seed + i)

    def _chance(self, p: float) -> bool:
        return self.rng.random() < p

    def person(self, language: str) -> tuple[str, str]:
        """(name as written, first + last for an e-mail): plain, SURNAME First, First SURNAME, hyphenated first
        names, particles."""
        faker = self.fr if language == "fr" else self.en
        first = faker.first_name()
        if language == "fr" and self._chance(0.15):
            first = f"{faker.first_name_male()}-{faker.first_name_male()}"
        last = faker.last_name()
        if self._chance(0.12):
            particle = self.rng.choice(PARTICLES)
            last = (particle if particle != "d'" or last[0] in "AEIOUÉ" else "de ") + last
        style = self.rng.random()
        if language == "fr" and style < 0.15:
            return f"{last.upper()} {first}", f"{first} {last}"
        if language == "fr" and style < 0.3:
            return f"{first} {last.upper()}", f"{first} {last}"
        if language == "en" and style < 0.15:
            return f"{first} {self.rng.choice('ABCDEHJKLMPRST')}. {last}", f"{first} {last}"
        return f"{first} {last}", f"{first} {last}"

    def email(self, full_name: str) -> str:
        first, _, last = _ascii(full_name).lower().replace("'", "").partition(" ")
        last = last.replace(" ", "")
        local = self.rng.choice((f"{first}.{last}", f"{first[0]}.{last}", f"{first}{last}{self.rng.randint(1, 99)}",
                                 f"{last}.{first}", f"{first}_{last}"))  # fmt: skip
        return f"{local}@{self.rng.choice(MAIL_DOMAINS)}"

    def phone(self, language: str) -> str:  # noqa: PLR0911 - one return per style
        r = self.rng.random()
        pairs = [f"{self.rng.randint(0, 99):02d}" for _ in range(4)]
        lead = self.rng.choice("12345679667")
        if r < 0.45:
            sep = self.rng.choice((" ", " ", " ", ".", "-", ""))
            return sep.join([f"0{lead}", *pairs])
        if r < 0.65:
            prefix = self.rng.choice(("+33 ", "+33 ", "0033 ", "+33 (0)"))
            return f"{prefix}{lead} {' '.join(pairs)}"
        if r < 0.8:
            if self._chance(0.5):
                return f"+32 4{self.rng.randint(60, 99)} {' '.join(pairs[:3])}"
            return f"+32 2 {self.rng.randint(200, 799)} {' '.join(pairs[:2])}"
        if r < 0.92:
            area = self.rng.choice(("22", "44", "21", "79", "76"))
            return f"+41 {area} {self.rng.randint(200, 999)} {pairs[0]} {pairs[1]}"
        if language == "en" and self._chance(0.5):
            return f"+44 20 {self.rng.randint(7000, 8999)} {self.rng.randint(1000, 9999)}"
        return f"+34 6{self.rng.randint(10, 99)} {pairs[0]} {pairs[1]} {pairs[2]}"

    def iban(self) -> str:
        value: str = self.ibans[self.rng.choice(IBAN_LOCALES)].iban()
        return _group(value) if self._chance(0.75) else value

    def nir(self) -> str:
        dept = self.rng.choice([f"{self.rng.randint(1, 95):02d}"] * 8 + ["2A", "2B"])
        if dept == "20":
            dept = "2A"
        head = (f"{self.rng.choice('12')}{self.rng.randint(40, 99):02d}{self.rng.randint(1, 12):02d}{dept}"
                f"{self.rng.randint(1, 990):03d}{self.rng.randint(1, 999):03d}")  # fmt: skip
        value = head + f"{nir_key(head):02d}"
        if self._chance(0.5):
            return " ".join((value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:]))
        return value

    def siret(self) -> str:
        value: str = self.fr.siret()
        return value if self._chance(0.8) else value.replace(" ", "")

    def siren(self) -> str:
        value: str = self.fr.siren()
        return value

    def card(self) -> str:
        card_type = self.rng.choice(CARD_TYPES)
        digits: str = self.fr.credit_card_number(card_type)
        if len(digits) == 15 and digits.startswith("3"):
            return f"{digits[:4]} {digits[4:10]} {digits[10:]}" if self._chance(0.7) else digits
        style = self.rng.random()
        return _group(digits) if style < 0.65 else _group(digits, sep="-") if style < 0.8 else digits

    def address(self) -> str:
        number = str(self.rng.randint(1, 180))
        if self._chance(0.15):
            number += self.rng.choice((" bis", " ter", "bis", " B"))
        street = self.rng.choice(STREET_NAMES) if self._chance(0.6) else self.fr.last_name()
        city = self.rng.choice(CITIES) if self._chance(0.6) else self.fr.city()
        postcode = self.fr.postcode()
        sep = self.rng.choice((", ", ", ", ", ", " ", "\n", ",\n"))
        comma = "," if self._chance(0.1) else ""
        text = f"{number}{comma} {self.rng.choice(STREET_TYPES)} {street}{sep}{postcode} {city}"
        return text.lower() if self._chance(0.1) else text

    def plate(self) -> str:
        letters = ["".join(self.rng.choice(PLATE_LETTERS) for _ in range(n)) for n in (2, 2, self.rng.randint(2, 3))]
        if self._chance(0.85):
            sep = "-" if self._chance(0.85) else " "
            return f"{letters[0]}{sep}{self.rng.randint(1, 999):03d}{sep}{letters[1]}"
        return f"{self.rng.randint(1, 9999)} {letters[2]} {self.rng.randint(1, 95):02d}"

    def loyalty_card(self) -> str:
        return f"CL-{self.rng.randint(0, 9_999_999_999):010d}"

    def employee_id(self) -> str:
        return f"EMP-{self.rng.randint(0, 999_999):06d}"
