"""Messages in Dutch by default and in English on request; the catalog complete and compiled."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers import ROOT, pop_process

LOCALE = ROOT / "engine" / "locale"
PO = LOCALE / "nl" / "LC_MESSAGES" / "pop.po"
MO = LOCALE / "nl" / "LC_MESSAGES" / "pop.mo"

babel = pytest.importorskip("babel")


def code_messages() -> set[str]:
    from babel.messages.extract import extract_from_dir

    found = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
            str(ROOT / "engine"), method_map=[("**.py", "python"),
                                              ("web/templates/**.html", "jinja2")]):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_dutch_translation():
    from babel.messages.pofile import read_po

    with PO.open("rb") as f:
        catalog = read_po(f)
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m.string
                  for m in catalog if m.id}
    missing = sorted(m for m in code_messages() if not translated.get(m))
    assert not missing, f"untranslated (run the steps in docs/translating.md): {missing[:10]}"
    for message in catalog:
        if message.id and not message.fuzzy and isinstance(message.id, str):
            for field in ("{", "}"):
                assert message.id.count(field) == message.string.count(field), message.id


@pytest.mark.parametrize("domain", ["pop", "click"])
def test_compiled_catalog_is_up_to_date(domain):
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with (LOCALE / "nl" / "LC_MESSAGES" / f"{domain}.po").open("rb") as f:
        catalog = read_po(f)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    assert (LOCALE / "nl" / "LC_MESSAGES" / f"{domain}.mo").read_bytes() == buffer.getvalue(), \
        f"run: pybabel compile -d engine/locale -D {domain}"


def test_clicks_own_messages_follow_the_language():
    dutch = pop_process("sign", env={"POP_LANG": "nl"})
    assert dutch.returncode == 2 and "Fout: Ontbrekend argument 'ID'." in dutch.stderr
    english = pop_process("--lang", "en", "sign")
    assert "Error: Missing argument 'ID'." in english.stderr


def test_dutch_by_default_english_on_request(make_pack):
    broken = make_pack({"pack.yaml": "id: x\nid: y\n"})
    dutch = pop_process("packs", "validate", str(broken), env={"POP_LANG": "", "LANG": "C"})
    assert dutch.returncode == 2
    assert "dubbele sleutel 'id'" in dutch.stderr
    english = pop_process("--lang", "en", "packs", "validate", str(broken),
                          env={"POP_LANG": "nl"})
    assert "duplicate key 'id'" in english.stderr
    by_env = pop_process("packs", "validate", str(broken), env={"POP_LANG": "en"})
    assert "duplicate key 'id'" in by_env.stderr
    by_locale = pop_process("packs", "validate", str(broken),
                            env={"POP_LANG": "", "LANG": "en_GB.UTF-8", "LC_ALL": ""})
    assert "duplicate key 'id'" in by_locale.stderr


def test_help_is_translated():
    dutch = pop_process("--help", env={"POP_LANG": "nl"})
    english = pop_process("--help", env={"POP_LANG": "en"})
    assert dutch.returncode == english.returncode == 0
    assert dutch.stdout != english.stdout
    assert "List the loaded plugins" in english.stdout
    assert "List the loaded plugins" not in dutch.stdout


def test_locale_files_ship_in_the_package():
    import engine

    assert (Path(engine.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "pop.mo").is_file()
