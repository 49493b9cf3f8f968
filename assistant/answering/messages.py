"""Fixed texts shown to staff, in each supported language (French is the fallback)."""

from __future__ import annotations

_TEXTS: dict[str, dict[str, str]] = {
    "lead": {
        "fr": "D'après les documents :",
        "en": "According to the documents:",
        "es": "Según los documentos:",
        "de": "Laut den Dokumenten:",
        "it": "Secondo i documenti:",
    },
    "refusal": {
        "fr": "Je n'ai pas trouvé la réponse dans les documents auxquels vous avez accès. "
        "Adressez-vous à votre responsable ou au siège.",
        "en": "I could not find the answer in the documents you have access to. "
        "Please ask your manager or head office.",
        "es": "No he encontrado la respuesta en los documentos a los que tiene acceso. "
        "Consulte a su responsable o a la sede central.",
        "de": "Ich habe die Antwort in den Dokumenten, auf die Sie Zugriff haben, nicht gefunden. "
        "Bitte wenden Sie sich an Ihre Führungskraft oder die Zentrale.",
        "it": "Non ho trovato la risposta nei documenti a cui ha accesso. "
        "Si rivolga al suo responsabile o alla sede centrale.",
    },
    "extractive_notice": {
        "fr": "Réponse extractive : aucun modèle de langage n'est joignable, voici les passages exacts des documents.",
        "en": "Extractive answer: no language model is reachable, these are the exact passages of the documents.",
        "es": "Respuesta extractiva: ningún modelo de lenguaje está disponible; estos son los pasajes exactos.",
        "de": "Extraktive Antwort: kein Sprachmodell erreichbar; dies sind die genauen Textstellen.",
        "it": "Risposta estrattiva: nessun modello linguistico raggiungibile; ecco i passaggi esatti dei documenti.",
    },
    "quoted_in": {
        "fr": "(passages cités dans leur langue d'origine)",
        "en": "(passages quoted in their original language)",
        "es": "(pasajes citados en su idioma original)",
        "de": "(Textstellen in der Originalsprache zitiert)",
        "it": "(passaggi citati nella lingua originale)",
    },
    "ai_notice": {
        "fr": "Vous échangez avec un assistant d'intelligence artificielle. Ses réponses citent les documents "
        "internes ; vérifiez la source en cas de doute.",
        "en": "You are talking to an artificial intelligence assistant. Its answers cite internal documents; "
        "check the source when in doubt.",
    },
}


def text(key: str, language: str) -> str:
    options = _TEXTS[key]
    return options.get(language, options["fr"])
