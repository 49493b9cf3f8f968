"""Prompt-injection defence: retrieved text is data, and chunks that talk to the model are kept out of its context.

A multilingual (fr, en, es, de, it) rule-based detector flags chunks written as instructions to an AI: "ignore the
previous instructions", "tu es maintenant...", "réponds uniquement PWNED", chat-template tokens, fake document
delimiters. Flagged chunks are quarantined (not numbered into the prompt, so they can support nothing); the rest are
fenced as data in the prompt (see :func:`fence`). The detector reports rule names only, never the matched text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.lexical import content_terms
from assistant.core.domain import SearchHit
from assistant.core.text import fold

_IGNORE = (
    r"(?:ignore\w*|disregard|forget|oubli\w*|ne tiens? pas compte|ignora\w*|olvid\w*|ignorier\w*|vergiss\w*"
    r"|dimentic\w*)"
)
_PREVIOUS = (
    r"(?:previous|prior|above|earlier|all|any|your|the|precedent\w*|ci-dessus|anterieur\w*|toutes|tous|tes|vos|les"
    r"|anteriores?|todas|las|tus|sus|vorherig\w*|obig\w*|alle|deine|ihre|die|precedent\w*|tutte|le|tue)"
)
_INSTRUCTIONS = (
    r"(?:instructions?|rules?|prompts?|directives?|consignes?|regles?|instrucciones|reglas|anweisungen|regeln"
    r"|istruzioni|regole|system message)"
)
_REPLY = (
    r"(?:repon\w*|reply|respond\w*|answer|say|write|ecri\w*|dis|dites|responde\w*|di|antworte\w*|sag\w*"
    r"|rispondi\w*|scrivi\w*)"
)

RULES: dict[str, re.Pattern[str]] = {
    "ignore_instructions": re.compile(rf"\b{_IGNORE}\s+(?:{_PREVIOUS}\s+){{0,3}}{_INSTRUCTIONS}\b"),
    "role_override": re.compile(
        r"\b(?:you are now|from now on,? you|tu es (?:maintenant|desormais)|vous etes (?:maintenant|desormais)"
        r"|a partir de maintenant,? (?:tu|vous)|ahora eres|a partir de ahora,? (?:eres|debes)|du bist (?:jetzt|nun)"
        r"|ab jetzt (?:bist|musst) du|ora sei|d'ora in poi,? (?:sei|devi))\b"
    ),
    "reply_with_token": re.compile(
        rf"\b{_REPLY}\s+(?:(?:only|exactly|uniquement|exactement|seulement|solo|nur|solamente|simplement)\s+)?"
        r"(?:(?:with|by|par|avec|con|mit)\s+)?[\"'«“]?\s*[a-z]{4,}[\"'»”]?\s*(?:$|[.!])"
    ),
    "system_prompt": re.compile(
        r"\b(?:system prompt|prompt systeme|invite systeme|new instructions|nouvelles instructions"
        r"|nuevas instrucciones|neue anweisungen|nuove istruzioni|developer mode|mode developpeur|jailbreak)\b"
    ),
    "chat_template": re.compile(r"<\|(?:im_start|im_end|system|user|assistant|endoftext)\|>|\[/?inst\]|<</?sys>>"),
    "fake_delimiter": re.compile(r"</?\s*(?:document|documents|context|contexte|system|instructions?)\s*>"),
    "address_to_ai": re.compile(
        r"\b(?:ai|ia|assistant|chatbot|llm|language model|modele de langage|modelo de lenguaje|sprachmodell)\s*[:,]"
        r"\s*(?:ignore|oublie|tu dois|you must|debes|du musst|devi|reponds|answer|respond)"
    ),
}


@dataclass(frozen=True)
class Verdict:
    rules: tuple[str, ...]

    @property
    def suspicious(self) -> bool:
        return bool(self.rules)


def inspect(text: str) -> Verdict:
    """Which injection rules ``text`` triggers (none: it reads as a document)."""
    folded = " ".join(fold(text).split())
    # the reply rule looks for an all-caps code word ("répondez PWNED"): check it on the original casing
    rules = [name for name, rule in RULES.items() if name != "reply_with_token" and rule.search(folded)]
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        if re.search(r"\b[A-Z]{4,}\b", sentence) and RULES["reply_with_token"].search(" ".join(fold(sentence).split())):
            rules.append("reply_with_token")
            break
    return Verdict(tuple(rules))


def quarantine(hits: Sequence[SearchHit]) -> tuple[list[SearchHit], list[tuple[SearchHit, Verdict]]]:
    """Split hits into clean ones (usable as context) and quarantined ones with the rules they triggered."""
    clean: list[SearchHit] = []
    flagged: list[tuple[SearchHit, Verdict]] = []
    for hit in hits:
        verdict = inspect(hit.chunk.text)
        if verdict.suspicious:
            flagged.append((hit, verdict))
        else:
            clean.append(hit)
    return clean, flagged


_DELIMITERS = re.compile(r"</?\s*documents?\b[^>]*>", re.IGNORECASE)


def fence(text: str) -> str:
    """Neutralise anything in document text that could close or open the prompt's document fences."""
    return _DELIMITERS.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)


def echo_terms(quarantined: Sequence[str], clean: Sequence[str], question: str) -> frozenset[str]:
    """Words that only quarantined chunks contain: an answer repeating them obeyed an injected instruction."""
    if not quarantined:
        return frozenset()
    injected = set().union(*(content_terms(text) for text in quarantined))
    return frozenset(injected - set().union(*(content_terms(text) for text in clean), content_terms(question)))
