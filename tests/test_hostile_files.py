"""Files that never end, are not files, point out of a pack, or are cut short by a crash."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import time

import pytest
from helpers import MINI, VDAB, ok, ok_json, pop_process


def refused_quickly(*args: str) -> str:
    started = time.monotonic()
    result = pop_process(*args)
    assert time.monotonic() - started < 10
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_an_endless_device_is_refused_not_read():
    assert "not a regular file" in refused_quickly("run", "--answers", "/dev/zero")
    assert "not a regular file" in refused_quickly("packs", "validate", "/dev/zero")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "answers.yaml"
    os.mkfifo(pipe)
    assert "not a regular file" in refused_quickly("run", "--answers", str(pipe))


def test_a_file_larger_than_the_cap_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as f:
        f.truncate(1 << 30)                       # 1 GB of holes: reading it all would show
    assert "too large" in refused_quickly("run", "--answers", str(big))


def test_a_template_linking_out_of_the_pack_is_refused_and_not_quoted(tmp_path):
    pack = tmp_path / "mini"
    shutil.copytree(MINI, pack)
    secret = tmp_path / "secret.txt"
    secret.write_text("GEHEIM WACHTWOORD\n", encoding="utf-8")
    (pack / "templates" / "stolen.md.j2").symlink_to(secret)
    result = pop_process("packs", "validate", str(pack))
    assert result.returncode == 2
    assert "stolen.md.j2" in result.stderr and "refers outside the pack" in result.stderr
    assert "GEHEIM" not in result.stdout + result.stderr


def test_an_export_takes_its_name_only_when_whole(tmp_path):
    plan = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    target = tmp_path / "plan.md"
    assert pop_process("export", plan, "-o", str(target)).returncode == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    again = pop_process("export", plan, "-o", str(target))
    assert again.returncode == 2 and "exists" in again.stderr
    assert pop_process("export", plan, "-o", str(target), "--force").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".pop-")) == []
    assert "not a regular file" in refused_quickly("export", plan, "-o", "/dev/null", "--force")
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    long_name = tmp_path / ("x" * 300 + ".md")
    refused_quickly("export", plan, "-o", str(long_name))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pop-")] == []


def test_json_escaped_emoji_are_paired_and_half_of_one_is_refused(tmp_path):
    import json

    paired = tmp_path / "paired.json"
    paired.write_text(json.dumps({"pack": "vdab", "date": "2026-03-09", "people": {
        "employee": "Dries 😊", "manager": "Els Vandamme"}}), encoding="utf-8")
    assert "\\ud83d\\ude0a" in paired.read_text(encoding="utf-8")       # as json.dump writes
    made = ok_json("run", "--answers", str(paired), "--partial")["plan"]
    assert made["people"]["employee"] == "Dries 😊"
    half = tmp_path / "half.json"
    half.write_text('{"pack": "vdab", "people": {"employee": "Dries \\ud83d"}}',
                    encoding="utf-8")
    assert "half of a character" in refused_quickly("run", "--answers", str(half))


def test_the_pack_cache_is_owner_only_and_a_tampered_entry_is_not_used(tmp_path, monkeypatch):
    from engine.packcache import PackCache

    source = tmp_path / "pack.yaml"
    source.write_text("id: x\n", encoding="utf-8")
    cache = PackCache(tmp_path / "cache")
    cache.put("pack", "x", [source], {"id": "x", "name": "Echt"})
    (entry,) = (tmp_path / "cache").glob("pack-*.json")
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert cache.get("pack", "x") == {"id": "x", "name": "Echt"}
    entry.write_text(entry.read_text(encoding="utf-8").replace("Echt", "Vals"),
                     encoding="utf-8")
    assert cache.get("pack", "x") is None                 # changed behind pop's back
    cache.put("pack", "x", [source], {"id": "x", "name": "Echt"})
    entry.chmod(0o666)
    assert cache.get("pack", "x") is None                 # anyone could have written it


def test_a_million_tiny_items_are_refused_as_they_are_read(tmp_path):
    many = tmp_path / "many.yaml"
    many.write_text("pack: vdab\nanswers:\n  sterktes:\n" + "  - a\n" * 300_000)
    assert "too many items" in refused_quickly("run", "--answers", str(many))
    pack = tmp_path / "pack.yaml"
    pack.write_text("id: veel\n" + "".join(f"k{i}: 1\n" for i in range(30_000)))
    assert "too many items" in refused_quickly("packs", "validate", str(pack))


def test_thousands_of_unknown_questions_are_one_problem(tmp_path):
    stray = tmp_path / "stray.yaml"
    stray.write_text(VDAB.read_text(encoding="utf-8") + "".join(
        f"  verzonnen_{i}: 1\n" for i in range(5000)), encoding="utf-8")
    result = pop_process("run", "--answers", str(stray))
    assert result.returncode == 2
    unknown = [line for line in result.stderr.splitlines() if "unknown question" in line]
    assert unknown == [unknown[0]] and "(and 4999 more unknown questions)" in unknown[0]


@pytest.mark.parametrize("args", [
    ["sign", "abc", "--role", "manager", "--name", "J\udcfcrgen"],
    ["list", "--person", "J\udcfcrgen"],
    ["forget", "J\udcfcrgen", "--yes"],
    ["history", "J\udcfcrgen"],
    ["run", "--answers", str(VDAB), "--actor", "J\udcfcrgen"],
])
def test_an_argument_that_is_not_utf8_is_refused_in_one_line(args):
    import subprocess

    from helpers import pop_command

    raw = [os.fsencode(a) for a in (*pop_command(), *args)]  # J\xfcrgen: Latin-1 bytes
    result = subprocess.run(raw, capture_output=True, timeout=30)
    err = result.stderr.decode("utf-8")
    assert result.returncode == 2 and "Traceback" not in err
    assert err.strip().splitlines() == [err.strip()] and "not valid UTF-8 text" in err
    assert "J?rgen" in err


def test_latin1_typed_at_a_prompt_is_asked_again():
    import subprocess

    from helpers import pop_command

    result = subprocess.run([*pop_command(), "run", "--pack", "vdab"], capture_output=True,
                            input=b"J\xfcrgen\nJan\n", timeout=30)
    out = result.stdout.decode("utf-8") + result.stderr.decode("utf-8")
    assert "Traceback" not in out
    assert "not valid UTF-8 text" in out and "new in the people register: Jan" in out


HOSTILE_TEXT = ("<script>alert(1)</script> [klik](javascript:alert(1)) "
                "![](http://evil.example/x.png) | kolom")


def test_answers_print_in_markdown_as_typed(tmp_path):
    text = VDAB.read_text(encoding="utf-8")
    start = text.index("      wat: >-\n")
    end = text.index("      meetbaar:", start)
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(text[:start] + f"      wat: {json.dumps(HOSTILE_TEXT)}\n" + text[end:]
                       + "  opmerkingen: \"```\\n# kop\"\n", encoding="utf-8")
    plan = ok_json("run", "--answers", str(hostile), "--partial")["plan"]["id"]
    for template in ("pop-sjabloon", "pop/plan"):
        md = ok("export", plan, "--template", template)
        assert "alert(1)" in md                                     # printed, as typed …
        for raw in ("<script>", "[klik](", "![](", r"(?<!\\)\]\("):
            assert not re.search(raw if raw.startswith("(?") else re.escape(raw), md), (
                template, raw)                                      # … but never as Markdown
        assert "\\<script\\>" in md and "\\[klik\\](javascript:alert(1))" in md
        html = ok("export", plan, "--template", template, "--format", "html") \
            if template == "pop/plan" else ""
        assert "<script>" not in html


def test_names_and_notes_never_drive_the_terminal(tmp_path):
    from engine.store import open_store

    plan = ok_json("run", "--answers", str(VDAB))["plan"]["id"]
    store = open_store()
    with store.transaction():
        store.db.execute("UPDATE people SET name = name || ?",
                         ("\x1b]0;pwned\x07\x1b[2J\x1b[8m\u202e",))
    store.close()
    for args in (["list"], ["people", "list"], ["show", plan], ["due"], ["history", plan]):
        result = pop_process(*args)
        assert "\x1b" not in result.stdout + result.stderr, args
        assert "\u202e" not in result.stdout and "\x07" not in result.stdout
    assert "Dries Verbeeck" in ok("show", plan)


def test_extending_a_file_that_is_not_a_pack_never_quotes_it(tmp_path):
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$GEHEIM:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n")
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(f"id: sluw\nextends: {secret}\n", encoding="utf-8")
    result = pop_process("packs", "validate", str(pack))
    assert result.returncode == 2 and "not a pack" in result.stderr
    assert "GEHEIM" not in result.stderr + result.stdout and "bin:" not in result.stderr
