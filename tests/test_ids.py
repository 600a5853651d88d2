"""Plan and person ids: from the typing-safe alphabet, every letter equally likely."""

from engine import ids
from engine.people import new_person_id
from engine.plan import new_plan_id


def test_ids_have_their_length_and_only_the_alphabets_letters() -> None:
    plan_ids = {new_plan_id() for _ in range(2000)}
    assert len(plan_ids) == 2000  # 40 bits: no two of a few thousand meet
    assert all(len(i) == 8 and set(i) <= set(ids.ALPHABET) for i in plan_ids)
    person = new_person_id()
    assert person[0] == "p" and len(person) == 10 and set(person[1:]) <= set(ids.ALPHABET)


def test_every_letter_is_drawn() -> None:
    drawn = "".join(ids.random_id(31) for _ in range(400))
    assert set(drawn) == set(ids.ALPHABET)


def test_bytes_that_would_favour_the_first_letters_are_drawn_again(monkeypatch) -> None:
    given = iter([bytes([255, 248, 0]), bytes([247, 31, 250])])
    monkeypatch.setattr(ids.os, "urandom", lambda n: next(given))
    # 255 and 248 are refused (248 = 8 × 31: they would make a..h likelier); 0 → a,
    # 247 → 247 % 31 = 30 (the last letter), 31 → a; 250 refused
    assert ids.random_id(3) == "a" + ids.ALPHABET[30] + "a"
