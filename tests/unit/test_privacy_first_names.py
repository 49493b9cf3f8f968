import pytest

from privacy.first_names import name_offset

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("span", "offset"),
    [
        ("Claire Vasseur", 0),
        ("Redactado por Lucas Moreno", len("Redactado por ")),
        ("Jean-Pierre Martin", 0),
        ("Einkaufsdirektorin Haus", None),
        ("Kunde in Frankreich", None),
        ("Stefan", None),  # a first name alone is not enough
    ],
)
def test_name_offset(span: str, offset: int | None) -> None:
    assert name_offset(span) == offset
