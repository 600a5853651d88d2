"""`pop packs validate` on broken and hostile input: one clear line per problem, exit 2."""

from __future__ import annotations

import time

import pytest
from helpers import pop_process

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

CASES = {
    "empty": (b"", "file is empty", None),
    "only_comments": (b"# nothing here\n\n", "file is empty", None),
    "syntax": (b"id: x\nname: [unclosed\n", "YAML syntax error", 3),
    "a_list": (b"- id: x\n- id: y\n", "must be a mapping", 1),
    "a_string": (b"just some text\n", "must be a mapping", 1),
    "duplicate_keys": (b"id: x\nname: A\nid: y\n", "duplicate key 'id'", 3),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file", None),
    "latin1": ("id: café\n".encode("latin-1"), "not valid UTF-8", 1),
    "merge_key": (b"base: &b {x: 1}\nother:\n  <<: *b\n", "anchors and aliases", 1),
    "set_tag": (b"id: !!set {a, b}\n", "tag !!set is not allowed", 1),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_pack_gives_one_clear_line(case, make_pack, pop):
    raw, expected, line = CASES[case]
    folder = make_pack({"pack.yaml": raw}, name=case)
    result = pop("packs", "validate", str(folder))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "pack.yaml" in lines[0] and expected in lines[0]
    if line is not None:
        assert f"pack.yaml:{line}:" in lines[0]
    assert "Traceback" not in result.output


def test_billion_laughs_is_refused_quickly(make_pack, pop):
    folder = make_pack({"pack.yaml": BILLION_LAUGHS})
    started = time.monotonic()
    result = pop("packs", "validate", str(folder))
    assert time.monotonic() - started < 5  # generous; the benchmark measures real speed
    assert result.exit_code == 2
    assert "anchors and aliases" in result.stderr
    assert "pack.yaml:1:4" in result.stderr


def test_python_tags_never_run(tmp_path, make_pack):
    marker = tmp_path / "pwned"
    folder = make_pack({"pack.yaml": f"id: !!python/object/apply:os.system ['touch {marker}']\n"
                        f"name: !!python/name:os.system\n"})
    result = pop_process("packs", "validate", str(folder))
    assert result.returncode == 2
    assert not marker.exists()
    assert "!!python/object/apply:os.system is not allowed" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_and_folder_without_pack(tmp_path, pop):
    (tmp_path / "empty").mkdir()
    result = pop("packs", "validate", str(tmp_path / "nope" / "pack.yaml"),
                 str(tmp_path / "empty"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "file not found" in lines[0]
    assert "no pack.yaml in this folder" in lines[1]


def test_deep_nesting_is_refused(make_pack, pop):
    folder = make_pack({"pack.yaml": "id: " + "[" * 5000 + "]" * 5000 + "\n"})
    result = pop("packs", "validate", str(folder))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_huge_file_is_refused(make_pack, pop):
    folder = make_pack({"pack.yaml": "id: x\n" + "# " + "x" * 3_000_000 + "\n"})
    result = pop("packs", "validate", str(folder))
    assert result.exit_code == 2
    assert "too large" in result.stderr
