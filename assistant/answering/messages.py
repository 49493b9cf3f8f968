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
    "nothing_indexed": {
        "fr": "Aucun document n'est encore indexé : il n'y a rien où chercher. Un administrateur doit d'abord lancer "
        "« assistant ingest DOSSIER ».",
        "en": "No document has been indexed yet: there is nothing to search. An administrator must first run "
        "'assistant ingest FOLDER'.",
        "es": "Todavía no hay ningún documento indexado: no hay dónde buscar. Un administrador debe ejecutar primero "
        "« assistant ingest CARPETA ».",
        "de": "Es ist noch kein Dokument indexiert: es gibt nichts zu durchsuchen. Eine Administratorin oder ein "
        "Administrator muss zuerst „assistant ingest ORDNER“ ausführen.",
        "it": "Nessun documento è ancora indicizzato: non c'è nulla in cui cercare. Un amministratore deve prima "
        "eseguire « assistant ingest CARTELLA ».",
    },
    "nothing_readable": {
        "fr": "Aucun des documents indexés n'est accessible au rôle « {role} » : ce n'est pas que la réponse manque, "
        "ce rôle ne peut rien lire. Un administrateur peut indexer des documents pour lui (« assistant ingest "
        "DOSSIER --audience {role} ») ; sinon, posez la question avec un autre rôle (--role).",
        "en": "None of the indexed documents can be read by the role '{role}': it is not that the answer is missing, "
        "this role can read nothing. An administrator can index documents for it ('assistant ingest FOLDER "
        "--audience {role}'), or ask with another role (--role).",
        "es": "Ninguno de los documentos indexados es accesible para el rol « {role} »: no es que falte la respuesta, "
        "este rol no puede leer nada. Un administrador puede indexar documentos para él (« assistant ingest CARPETA "
        "--audience {role} »), o pregunte con otro rol (--role).",
        "de": "Keines der indexierten Dokumente ist für die Rolle „{role}“ lesbar: Nicht die Antwort fehlt, diese "
        "Rolle kann nichts lesen. Die Administration kann Dokumente für sie indexieren („assistant ingest ORDNER "
        "--audience {role}“), oder fragen Sie mit einer anderen Rolle (--role).",
        "it": "Nessuno dei documenti indicizzati è leggibile dal ruolo « {role} »: non è che manchi la risposta, "
        "questo ruolo non può leggere nulla. Un amministratore può indicizzare documenti per esso (« assistant ingest "
        "CARTELLA --audience {role} »), oppure chieda con un altro ruolo (--role).",
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
    "llm_unavailable": {
        "fr": "Le modèle génératif est indisponible pour le moment : voici les passages exacts des documents.",
        "en": "The generative model is unavailable right now: these are the exact passages of the documents.",
        "es": "El modelo generativo no está disponible en este momento: estos son los pasajes exactos.",
        "de": "Das generative Modell ist derzeit nicht verfügbar: dies sind die genauen Textstellen.",
        "it": "Il modello generativo non è al momento disponibile: ecco i passaggi esatti dei documenti.",
    },
    "language_fallback": {
        "fr": "La réponse générée n'était pas en français : voici les passages exacts des documents.",
        "en": "The generated answer was not in English: these are the exact passages of the documents.",
        "es": "La respuesta generada no estaba en español: estos son los pasajes exactos de los documentos.",
        "de": "Die erzeugte Antwort war nicht auf Deutsch: dies sind die genauen Textstellen.",
        "it": "La risposta generata non era in italiano: ecco i passaggi esatti dei documenti.",
    },
    "unsupported_removed": {
        "fr": "Réponse générée par IA ; les phrases que les documents ne justifient pas ont été retirées.",
        "en": "AI-generated answer; sentences the documents do not support were removed.",
        "es": "Respuesta generada por IA; se han retirado las frases que los documentos no justifican.",
        "de": "KI-generierte Antwort; Sätze, die die Dokumente nicht belegen, wurden entfernt.",
        "it": "Risposta generata dall'IA; le frasi non giustificate dai documenti sono state rimosse.",
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
