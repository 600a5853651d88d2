"""Messages in Dutch by default and in English on request; the catalog complete and compiled."""

from __future__ import annotations

import gettext
import io
import sys
from pathlib import Path

import pytest
from helpers import ROOT, pop_process

LOCALE = ROOT / "engine" / "locale"
PO = LOCALE / "nl" / "LC_MESSAGES" / "pop.po"

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


def test_compiled_catalog_is_up_to_date():
    sys.path.insert(0, str(ROOT / "tools"))
    import make_catalogs

    assert make_catalogs.languages() == ["nl"]
    assert (LOCALE / "compiled_nl.py").read_text(encoding="utf-8") == make_catalogs.module("nl"), \
        "run: python tools/make_catalogs.py"


def test_the_compiled_catalog_translates_as_gettext_would():
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from engine.i18n import _catalog

    with PO.open("rb") as f:
        catalog = read_po(f)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    reference = gettext.GNUTranslations(buffer)
    ours = _catalog("nl")
    for message in catalog:
        if isinstance(message.id, str) and message.id:
            assert ours.gettext(message.id) == reference.gettext(message.id)
        elif message.id:
            for n in (0, 1, 2, 5):
                assert ours.ngettext(*message.id, n) == reference.ngettext(*message.id, n)
    assert ours.gettext("not a message of pop") == "not a message of pop"
    assert ours.ngettext("{n} thing", "{n} things", 3) == "{n} things"


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

    assert (Path(engine.__file__).parent / "locale" / "compiled_nl.py").is_file()


# --- issue 20: what decides the language; click's words; pop's own words in English ----------


def test_clicks_own_words_follow_the_language_in_help_and_errors():
    for lang, words, foreign in (
            ("nl", ("Gebruik: pop [OPTIES] OPDRACHT [ARGUMENTEN]...", "Opties:",
                    "Toon deze hulp en stop."), ("Usage", "[OPTIONS]", "COMMAND", "Options:")),
            ("en", ("Usage: pop [OPTIONS] COMMAND [ARGS]...", "Options:",
                    "Show this message and exit."), ("Gebruik", "[OPTIES]", "Opties"))):
        shown = pop_process("--help", env={"POP_LANG": lang})
        assert shown.returncode == 0
        assert all(w in shown.stdout for w in words), shown.stdout
        assert not any(w in shown.stdout for w in foreign), shown.stdout
        missing = pop_process("show", env={"POP_LANG": lang})
        assert missing.returncode == 2
        assert not any(w in missing.stderr for w in foreign), missing.stderr
    dutch = pop_process("show", env={"POP_LANG": "nl"}).stderr
    assert "Gebruik: pop show [OPTIES] ID" in dutch and "Fout: Ontbrekend argument 'ID'." in dutch
    sign = pop_process("sign", "--help", env={"POP_LANG": "nl"}).stdout
    assert "--role TEKST" in sign and "[verplicht]" in sign and "[required]" not in sign


def test_an_unknown_pop_lang_is_named_as_pop_lang():
    refused = pop_process("packs", "list", env={"POP_LANG": "fr"})
    assert refused.returncode == 2 and refused.stdout == ""
    assert "POP_LANG='fr'" in refused.stderr and "--lang" not in refused.stderr
    assert "Traceback" not in refused.stderr
    assert pop_process("--lang", "en", "packs", "list", env={"POP_LANG": "fr"}).returncode == 0


def _dutch_of_pop() -> set[str]:
    """The words pop's Dutch catalog adds: each msgstr's pieces (between placeholders and
    punctuation) that are no words of pop's English messages."""
    import re

    from babel.messages.pofile import read_po

    with PO.open("rb") as f:
        catalog = read_po(f)
    quoted = r"\(ja/nee\)"  # the Dutch answers English messages name as accepted input
    english = re.sub(quoted, "", " ".join(m.id if isinstance(m.id, str) else " ".join(m.id)
                                          for m in catalog))
    pieces = set()
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            for piece in re.split(r"\{[^}]*\}|[:;,.()!?*_|\n\[\]—–-]", string or ""):
                piece = piece.strip()
                if len(piece) >= 2 and any(c.isalpha() for c in piece) and not re.search(
                        rf"(?<!\w){re.escape(piece)}(?!\w)", english):
                    pieces.add(piece)
    return pieces


def _pack_texts(*data) -> set[str]:  # noqa: ANN002
    """Every text in ``data`` (a pack's, an answers file's): what is not pop's own words."""
    found: set[str] = set()

    def walk(value) -> None:  # noqa: ANN001
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(list(data))
    return found


def _dutch_in(text: str, dutch: set[str], pack_texts: set[str] = frozenset()) -> list[str]:
    """The pieces of ``dutch`` in ``text`` once the pack's own texts are taken out of it."""
    import re

    from markupsafe import escape

    text = re.sub(r"<style>.*?</style>|<[^>]*>", " ", text, flags=re.S)  # HTML: its text
    for own in sorted(pack_texts, key=len, reverse=True):
        for form in {own, own.lower()}:
            text = text.replace(str(escape(form)), " ").replace(form, " ")
    return sorted(p for p in dutch if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text))


def test_every_built_in_layout_and_prompt_speaks_english_in_english(pop, monkeypatch):
    from helpers import EXAMPLES

    from engine.packs import PackLibrary
    from engine.plugins import get_plugins
    from engine.yamlfile import load_file

    library = PackLibrary(get_plugins())
    dutch = _dutch_of_pop()
    for name in ("vdab", "vtoc", "vandenberg"):
        made = pop("run", "--answers", str(EXAMPLES / f"{name}-answers.yaml"), "--json")
        assert made.exit_code == 0, made.stderr
        import json

        plan = json.loads(made.stdout)["plan"]["id"]
        own = _pack_texts(library.load(name).data,
                          load_file(EXAMPLES / f"{name}-answers.yaml")[0])
        assert {"ja", "Valkuilen", "Vast te leggen", "Controles"} <= dutch  # the test can fail
        for fmt in ("md", "html"):
            documents = [pop("guide", name, "-t", "pop/guide", "-f", fmt)] + [
                pop("export", plan, "-t", f"pop/{layout}", "-f", fmt)
                for layout in ("plan", "guide", "invite") if (layout, name) != ("invite", "vdab")]
            for document in documents:
                assert document.exit_code == 0, document.stderr
                assert _dutch_in(document.stdout, dutch, own) == [], (name, fmt)
        monkeypatch.setenv("POP_LANG", "nl")
        assert "Handtekening" in _dutch_in(pop("export", plan, "-t", "pop/plan").stdout, dutch,
                                           own)              # ... and in Dutch it finds them
        monkeypatch.setenv("POP_LANG", "en")
    asked = pop("run", "--pack", "vdab", input="Dries Verbeeck\n\nnot a date\n")
    assert "Date of the conversation" in asked.stdout and "31 March 2026" in asked.stdout
    assert _dutch_in(asked.stdout, dutch, _pack_texts(library.load("vdab").data)) == []


def test_forget_asks_in_the_language_and_takes_ja(pop):
    from helpers import VDAB

    assert pop("run", "--answers", str(VDAB)).exit_code == 0
    kept = pop_process("forget", "Dries Verbeeck", input="misschien\nnee\n",
                       env={"POP_LANG": "nl"})
    assert kept.returncode == 1
    assert "met 1 plan over die persoon" in kept.stdout and "[j/N]" in kept.stdout
    assert "antwoord ja of nee" in kept.stdout.lower() or "ja/nee" in kept.stdout
    english = pop_process("forget", "Dries Verbeeck", input="\n", env={"POP_LANG": "en"})
    assert english.returncode == 1
    assert "with 1 plan about them" in english.stdout and "[y/N]" in english.stdout
    erased = pop_process("forget", "Dries Verbeeck", input="ja\n", env={"POP_LANG": "nl"})
    assert erased.returncode == 0, erased.stderr
    assert "Dries Verbeeck gewist: 1 plan over die persoon" in erased.stdout
