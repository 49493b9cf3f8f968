"""Lexical support between a question and a sentence: content words, accent-folded, crudely stemmed."""

from __future__ import annotations

from assistant.answering.claims import numbers
from assistant.core.text import words

_STOPWORDS_BY_LANGUAGE = {
    "fr": """a au aux avec ce ces cet cette dans de des du elle en est et il ils je la le les leur lui ma mais me
        mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses si son sur ta te tes toi ton tu un une
        vos votre vous y quel quelle quels quelles comment combien quand pourquoi faut faire peut peux doit dois
        ai as avez avons ont sont etre avoir""",
    "en": """the a an and are as at be by can do does for from how i in is it my of on or our should that their
        this to was what when where which who why will with you your""",
    "es": "el la los las un una unos unas y o de del en que con por para como cuando cual cuanto cuantos es son se "
    "su sus mi al lo le les puedo puede debo",
    "de": "der die das den dem des ein eine einer eines und oder zu mit fur von wie was wann wo wer ist sind ich "
    "kann muss soll im in am auf bei",
    "it": "il lo la gli le un una e o di da in con per come quando quale quanto sono",
}
_STOPWORDS = frozenset(w for text in _STOPWORDS_BY_LANGUAGE.values() for w in text.split())


# number words -> digits, so that "trois articles achetés, deux payés" meets "3 pour 2"; words that also mean
# something else once accents are folded are left out ("un", "dos" (back), "très" -> "tres", "due", "sei")
_NUMBER_WORDS = {
    word: str(value)
    for value, names in {
        2: "deux two zwei",
        3: "trois three drei",
        4: "quatre four cuatro vier quattro",
        5: "cinq five cinco funf cinque",
        6: "six seis sechs",
        7: "sept seven siete sieben sette",
        8: "huit eight ocho acht otto",
        9: "neuf nine nueve neun nove",
        10: "dix ten diez zehn dieci",
        12: "douze twelve doce zwolf dodici",
        15: "quinze fifteen quince funfzehn quindici",
        20: "vingt twenty veinte zwanzig venti",
        30: "trente thirty treinta dreissig trenta",
    }.items()
    for word in names.split()
}


def stem(word: str) -> str:
    return word[:6] if len(word) > 6 else word.rstrip("s")


def content_terms(text: str) -> set[str]:
    return {_NUMBER_WORDS.get(w) or stem(w) for w in words(text) if w not in _STOPWORDS and (len(w) > 2 or w.isdigit())}


def support(question_terms: set[str], sentence: str) -> float:
    """Share of the question's content terms that occur in the sentence (0..1)."""
    return share(question_terms, content_terms(sentence))


def share(question_terms: set[str], terms: set[str]) -> float:
    """Share of the question's content terms found among ``terms`` (0..1; 0 for a question without any)."""
    return len(question_terms & terms) / len(question_terms) if question_terms else 0.0


POLARITY = content_terms(
    "oui non possible impossible exact exactement correct bien sûr yes no not possible impossible exactly indeed "
    "sí no posible imposible ja nein möglich unmöglich genau sì possibile impossibile esatto"
)  # what a yes/no answer says besides its subject
_YES_NO = {"fr": {"oui", "non"}, "en": {"yes", "no"}, "es": {"si", "no"}, "de": {"ja", "nein"}, "it": {"si", "no"}}


def restates(sentence: str, question: str, language: str) -> bool:
    """Whether ``sentence`` opens with yes or no and otherwise only repeats the question's words ("Oui, un vendeur
    peut échanger deux articles." to "Un vendeur peut-il échanger deux articles ?"): at least two of
    the question's content words, none of its own and no number the question did not give. It asserts nothing but
    the polarity, which a passage sharing the question's words seems to back whatever the passage says."""
    said = words(sentence)
    if not question or not said or said[0] not in _YES_NO.get(language, set()):
        return False
    terms = content_terms(sentence) - POLARITY
    return len(terms) >= 2 and terms <= content_terms(question) and numbers(sentence) <= numbers(question)
