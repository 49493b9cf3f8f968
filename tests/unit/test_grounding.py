"""Sentence support and checkable claims (rules, table-driven)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from assistant.answering.claims import concepts, numbers, unsupported_claims
from assistant.answering.grounding import EvidenceBlock, SupportScorer
from assistant.answering.lexical import content_terms
from assistant.answering.relevance import passage_sentences
from assistant.core.embedding import Vectors
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.unit

RETOURS = EvidenceBlock(
    "Le client dispose de 30 jours pour retourner un article avec son ticket de caisse.\n| Article soldé | 14 jours |",
    "fr",
)
CAISSE = EvidenceBlock("Le fond de caisse est de 150 euros. Il est compté à l'ouverture.", "fr")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 500 €", {"1500"}),
        ("1.500 €", {"1500"}),
        ("19,95 €", {"19.95"}),
        ("139,00 €", {"139"}),
        ("0,5 L", {"0.5"}),
        ("2,5 jours", {"2.5"}),
        ("le 28 de chaque mois, 43e heure", {"28", "43"}),
        ("14h30", {"14", "30"}),
        ("aucun chiffre", set()),
    ],
)
def test_numbers_are_compared_by_value(text: str, expected: set[str]) -> None:
    assert numbers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100 % coton biologique", {"cotton", "organic"}),
        ("organic cotton tank top", {"cotton", "organic"}),
        ("Fabriqué au Portugal", {"made in", "portugal"}),
        ("le meilleur jean", {"best"}),
        ("cast iron, dishwasher safe", {"cast iron", "dishwasher"}),
        ("four colours", set()),  # the English number is not the French oven
        ("un joli pull", set()),
    ],
)
def test_concepts_are_found_across_languages(text: str, expected: set[str]) -> None:
    assert concepts(text) == expected


@pytest.mark.parametrize(
    ("copy", "missing"),
    [
        ("Un marcel en coton biologique fabriqué au Portugal, 19,95 €.", []),
        ("An organic cotton tank top made in Portugal for 19.95 euros.", []),
        ("Un marcel en soie, 24,95 €.", ["24.95", "silk"]),
        ("Le meilleur marcel du monde.", ["best"]),
        ("Garanti 5 ans.", ["5", "guarantee"]),
    ],
)
def test_unsupported_claims(copy: str, missing: list[str]) -> None:
    sheet = "Marcel 100 % coton biologique certifié GOTS, fabriqué au Portugal. Prix : 19,95 €."
    assert unsupported_claims(copy, sheet) == missing


def test_passage_sentences_keeps_lines_apart_and_positions_stable() -> None:
    units = passage_sentences(["Première phrase assez longue. Courte.\n| ligne | de table |", "Autre texte."], 8)
    assert units == [
        (0, 0, "Première phrase assez longue."),
        (0, 2, "| ligne | de table |"),
        (1, 0, "Autre texte."),
    ]


@pytest.mark.parametrize(
    ("sentence", "block"),
    [
        ("Le client a 30 jours pour retourner un article avec son ticket.", 0),
        ("Un article soldé se retourne sous 14 jours.", 0),
        ("Le fond de caisse est de 150 euros.", 1),
        ("Le client a 45 jours pour retourner un article.", None),  # invented number
        ("Les retours sont interdits le dimanche sans exception.", None),  # unrelated claim
    ],
)
def test_best_supporting_block(sentence: str, block: int | None) -> None:
    scorer = SupportScorer([RETOURS, CAISSE], FakeEmbedder(), threshold=0.5)
    assert scorer.best(sentence, "fr").block == block


def test_words_gathered_from_distant_parts_of_a_block_do_not_support_a_sentence() -> None:
    block = EvidenceBlock(
        "Le siège fournit un accessoire commun.\nLes vitrines changent chaque lundi.\nLes stocks sont comptés en juin."
        "\nLes caisses ferment à vingt heures.\nLes visiteurs se garent au parking souterrain.",
        "fr",
    )
    scorer = SupportScorer([block], FakeEmbedder(), threshold=0.5)
    assert scorer.best("Le siège fournit un accessoire commun.", "fr").block == 0
    # 4 of its 5 words are in the block, but never more than 2 in one passage of three sentences
    assert scorer.best("Le siège fournit aux visiteurs un parking gratuit.", "fr").block is None


class TranslationEmbedder(FakeEmbedder):
    """Maps an English sentence onto the French one it translates (what a multilingual embedder does)."""

    def __init__(self, translations: dict[str, str]) -> None:
        super().__init__()
        self._translations = translations

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return super().embed_passages([self._translations.get(t, t) for t in texts])


def test_cross_language_support_comes_from_embeddings_but_same_language_needs_words() -> None:
    english = "The customer has 30 days to bring an item back with the receipt."
    french = "Le client dispose de 30 jours pour retourner un article avec son ticket de caisse."
    scorer = SupportScorer([RETOURS], TranslationEmbedder({english: french}), threshold=0.5)
    assert scorer.best(english, "en").block == 0
    # the same similarity does not support a French sentence that shares no words with the block
    paraphrase = "Un mois maximum, justificatif exigé."
    lookalike = SupportScorer([RETOURS], TranslationEmbedder({paraphrase: french}), threshold=0.5)
    assert lookalike.best(paraphrase, "fr").block is None


def test_embeddings_are_computed_only_when_words_do_not_suffice() -> None:
    embedder = FakeEmbedder()
    scorer = SupportScorer([RETOURS, CAISSE], embedder, threshold=0.5)
    scorer.best("Le fond de caisse est de 150 euros.", "fr")
    assert embedder.passages_embedded == 0
    scorer.best("Le client peut revenir.", "fr")
    assert embedder.passages_embedded > 0


@pytest.mark.parametrize(
    ("sentence", "neutral"),
    [("Oui, c'est possible.", True), ("Yes.", True), ("Oui, sous 30 jours.", False), ("Le client a un ticket.", False)],
)
def test_neutral_sentences(sentence: str, neutral: bool) -> None:
    assert SupportScorer.is_neutral(sentence) is neutral


def test_unit_vectors_are_unit_norm() -> None:  # guards the dot-product-as-cosine assumption of the scorer
    vectors = FakeEmbedder().embed_passages(["Le client a 30 jours.", "Fond de caisse."])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)


CLICK = EvidenceBlock(
    "La commande est gardée 10 jours en magasin. Au jour 11 elle est annulée.", "fr", "Click & collect"
)
SANCTIONS = EvidenceBlock(
    "La mise à pied disciplinaire dure 5 jours ouvrés au maximum.", "fr", "Procédure disciplinaire"
)


def test_evidence_relevance_judges_the_passage_behind_an_answer_not_its_wording() -> None:
    """A sentence restating the question around a figure from an unrelated passage reads relevant; its evidence
    does not (the ACL-denied question answered from a readable neighbour)."""
    embedder = FakeEmbedder()
    question = "Combien de jours peut durer au maximum une mise à pied disciplinaire ?"
    query, terms = embedder.embed_queries([question])[0], content_terms(question)
    scorer = SupportScorer([CLICK, SANCTIONS], embedder, threshold=0.5)
    parroted = "Une mise à pied disciplinaire peut durer au maximum 10 jours."
    from_click = scorer.evidence_relevance(parroted, [0], query, terms, "fr")
    from_sanctions = scorer.evidence_relevance("Elle dure 5 jours ouvrés au maximum.", [1], query, terms, "fr")
    assert from_click < 0.15 and from_sanctions > 0.3  # BoW cosines sit below e5 band: the words decide here
    assert scorer.evidence_relevance(parroted, [], query, terms, "fr") == 0.0


def test_evidence_in_another_language_is_judged_by_embedding_alone() -> None:
    english = "How long can a disciplinary suspension last?"
    embedder = TranslationEmbedder({english: SANCTIONS.text})
    query = embedder.embed_passages([english])[0]  # the double translates passages: the query as one
    scorer = SupportScorer([SANCTIONS], embedder, threshold=0.5)
    # no English word is in the French block: words would give 0.6 at most, the translation's cosine gives 1
    assert (
        scorer.evidence_relevance("It lasts 5 working days at most.", [0], query, content_terms(english), "en") == 1.0
    )


class AngleEmbedder:
    """Puts each listed sentence at a chosen cosine from every other text (all other texts coincide)."""

    model_name = "angle"
    dimension = 2

    def __init__(self, cosines: dict[str, float]) -> None:
        self._cosines = cosines

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        rows = [[c, (1 - c * c) ** 0.5] for c in (self._cosines.get(t, 1.0) for t in texts)]
        return np.array(rows, dtype=np.float32).reshape(len(texts), 2)

    embed_queries = embed_passages


@pytest.mark.parametrize(
    ("cosine", "supported"),
    [
        (0.86, True),  # a faithful English restatement of the French line (multilingual-e5-small: 0.84-0.87)
        (0.80, False),
        (0.74, False),
    ],
)
def test_across_languages_the_cosine_scale_starts_lower(cosine: float, supported: bool) -> None:
    english = "The customer has 30 days to bring an item back with the receipt."
    scorer = SupportScorer([RETOURS], AngleEmbedder({english: cosine}), threshold=0.5)
    assert (scorer.best(english, "en").block == 0) is supported
    # the lower scale is for other languages only: in French the same cosine never supports a sentence on its own
    paraphrase = "Un mois maximum, justificatif exigé, 30."
    assert (
        SupportScorer([RETOURS], AngleEmbedder({paraphrase: cosine}), threshold=0.5).best(paraphrase, "fr").block
        is None
    )


def test_the_quote_is_the_sentence_whose_block_is_about_the_question() -> None:
    """A rule line rarely repeats its subject: the cast-iron pot's sheet says "Produit exclu de l'opération « 3 pour
    2 »" under the title "Cocotte en fonte", while the operation's sheet repeats the question's other words. The
    words of the sentence, its neighbours and its block's title count, as for the evidence of an answer."""
    question = "Est-ce que les cocottes en fonte profitent de l'offre trois articles pour le prix de deux ?"
    fiche = EvidenceBlock(
        "Produit exclu de l'opération « 3 pour 2 » et des coupons de réduction.", "fr", "Cocotte en fonte émaillée"
    )
    operation = EvidenceBlock(
        "Pour 3 articles achetés parmi la sélection, le moins cher des trois est offert.", "fr", "Opération 3 pour 2"
    )
    scorer = SupportScorer([operation, fiche], AngleEmbedder({}), threshold=0.5)  # equal cosines: words decide
    query = AngleEmbedder({}).embed_queries([question])[0]
    quote = scorer.best_quote(query, content_terms(question), [0, 1])
    assert quote is not None and quote[0] == 1 and quote[1].startswith("Produit exclu")
