"""Checkable facts in generated text: numbers, materials and marketing claims, each compared with the sources.

A generated sentence or copy may only state a number, a material or a claim (organic, made in France, guarantee,
superlatives...) that its sources state too. Numbers are compared by value ("1 500" = "1500", "19,95" = "19.95",
"139,00 €" = "139"); materials and claims by concept across languages ("cotton" in an English copy is supported by
"coton" in a French product sheet).
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.core.text import fold

# digits with thousands groups separated by (narrow) spaces or dots, and an optional decimal part
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?(?![\d])|\d+(?:[.,]\d+)?")


def _canonical(raw: str) -> str:
    text = re.sub(r"[ \u00a0\u202f]", "", raw)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):  # 1.500 or 1.500,50 (dotted thousands)
        text = text.replace(".", "")
    whole, _, decimals = text.replace(",", ".").partition(".")
    whole, decimals = whole.lstrip("0") or "0", decimals.rstrip("0")
    return f"{whole}.{decimals}" if decimals else whole


def numbers(text: str) -> set[str]:
    """Canonical values of the numbers written in ``text`` (decimal point, no thousands separator)."""
    return {_canonical(m.group(0)) for m in _NUMBER.finditer(text)}


# concept -> words that express it, in the supported languages, folded (lower case, no accents); a trailing "*"
# matches any ending. Kept small and specific to retail product copy; extend with the catalogue.
CONCEPTS: dict[str, tuple[str, ...]] = {
    "cotton": ("coton*", "cotton*", "algodon*", "baumwoll*", "cotone"),
    "organic": ("bio", "biologique*", "organic*", "ecologique*", "organico*", "biologisch*", "biologico*"),
    "recycled": ("recycle*", "recycled", "reciclado*", "recycelt*", "riciclat*"),
    "linen": ("lin", "linen", "lino", "leinen"),
    "wool": ("laine*", "wool*", "lana", "wolle", "merino*", "merinos"),
    "cashmere": ("cachemire", "cashmere", "kaschmir", "cachemir*"),
    "silk": ("soie", "silk*", "seda", "seide*", "seta"),
    "leather": ("cuir*", "leather", "cuero", "leder", "pelle"),
    "elastane": ("elasthanne", "elastane", "elastano", "elasthan", "spandex", "lycra"),
    "polyester": ("polyester", "poliester*"),
    "viscose": ("viscose", "viscosa"),
    "cast iron": ("fonte", "cast iron", "hierro fundido", "gusseisen*", "ghisa"),
    "enamel": ("email*", "emaille*", "enamel*", "esmalt*", "smalt*"),
    "stainless steel": ("inox*", "stainless", "acier*", "steel", "acero", "edelstahl", "acciaio"),
    "wood": ("bois", "wood*", "madera", "holz*", "legno"),
    "silicone": ("silicone*", "silikon*"),
    "glass": ("verre*", "glass*", "vidrio", "vetro"),
    "ceramic": ("ceramique*", "ceramic*", "ceramica*", "keramik*", "porcelaine*", "porcelain"),
    "induction": ("induction", "induccion", "induktion", "induzione"),
    "dishwasher": ("lave-vaisselle", "lave vaisselle", "dishwasher*", "lavavajillas", "spulmaschine*", "lavastoviglie"),
    "oven": ("au four", "en four", "oven*", "horno", "backofen", "forno"),
    "guarantee": ("garanti*", "guarantee*", "warrant*", "garantia*", "garantie*", "garanzia"),
    "made in": ("fabrique*", "made in", "fabricado*", "hergestellt", "prodotto in", "fatto in"),
    "france": ("france", "francais*", "french", "francia", "frances*", "frankreich", "franzosisch*"),
    "portugal": ("portugal", "portugais*", "portuguese", "portugues*", "portogallo", "portugiesisch*"),
    "handmade": ("fait main", "artisanal*", "handmade", "hand-made", "hecho a mano", "handgemacht", "fatto a mano"),
    "certified": ("certifie*", "certified", "certificad*", "zertifiziert*", "certificat*", "gots", "oeko-tex"),
    "exclusive": ("exclusi*", "exklusiv*", "esclusiv*"),
    "hypoallergenic": ("hypoallergenique*", "hypoallergenic", "hipoalergenic*", "ipoallergenic*"),
    "vegan": ("vegan*", "vegano*", "vegetalien*"),
    "natural": ("naturel*", "natural*", "naturlich*", "naturale"),
    "waterproof": ("impermeable*", "waterproof", "wasserdicht*", "impermeabil*"),
    "carbon neutral": ("neutre en carbone", "carbon neutral", "carbon-neutral", "klimaneutral*"),
    "best": ("meilleur*", "best", "mejor*", "beste*", "migliore", "n°1", "numero 1", "number one", "leader"),
    "cheapest": ("moins cher*", "cheapest", "mas barato*", "billigste*", "piu economic*"),
    "sustainable": ("durable*", "sustainab*", "sostenib*", "nachhaltig*", "eco-responsable*", "eco-friendly"),
}


@lru_cache(maxsize=1)
def _concept_patterns() -> dict[str, re.Pattern[str]]:
    out = {}
    for concept, variants in CONCEPTS.items():
        parts = [re.escape(v[:-1]) + r"\w*" if v.endswith("*") else re.escape(v) for v in variants]
        out[concept] = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")
    return out


def concepts(text: str) -> set[str]:
    folded = fold(text)
    return {concept for concept, pattern in _concept_patterns().items() if pattern.search(folded)}


def unsupported_claims(generated: str, sources: str) -> list[str]:
    """Numbers and material/claim concepts of ``generated`` that ``sources`` never state (sorted, for messages)."""
    missing_numbers = numbers(generated) - numbers(sources)
    missing_concepts = concepts(generated) - concepts(sources)
    return sorted(missing_numbers) + sorted(missing_concepts)
