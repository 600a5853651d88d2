"""The documentation cannot drift from the code: docs/plugins.md is generated from the hooks."""

from __future__ import annotations

import importlib.util
import inspect

import pytest
from helpers import ROOT

from engine import hookspecs


def load_tool():
    spec = importlib.util.spec_from_file_location(
        "make_plugins_doc", ROOT / "tools" / "make_plugins_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HOOKS = [name for name, f in vars(hookspecs).items()
         if name.startswith("pop_") and hasattr(f, "pop_spec")]


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_is_documented_with_an_example(name):
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert doc.strip(), f"hook {name} has no docstring: it is the hook's documentation"
    assert "Example" in doc and "@hookimpl" in doc, f"hook {name} has no example"


def test_docs_plugins_md_is_generated_from_the_hookspecs():
    tool = load_tool()
    expected = tool.render()
    actual = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert actual == expected, ("docs/plugins.md is stale: "
                                "python tools/make_plugins_doc.py > docs/plugins.md")
    for name in HOOKS:
        assert f"### `{name}`" in actual


def test_every_hook_has_its_arguments_in_the_docs():
    text = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    for name in HOOKS:
        signature = inspect.signature(getattr(hookspecs, name))
        line = f"def {name}{str(signature).replace(chr(39), '')}: ..."
        assert line in text, line


def test_the_generator_refuses_a_hook_without_a_docstring(monkeypatch):
    tool = load_tool()

    @hookspecs.hookspec
    def pop_undocumented(plan) -> None:  # noqa: ANN001
        pass

    monkeypatch.setattr(hookspecs, "pop_undocumented", pop_undocumented, raising=False)
    monkeypatch.setattr(tool, "hooks", lambda module: [(10_000, "pop_undocumented",
                                                        pop_undocumented)])
    with pytest.raises(SystemExit, match="pop_undocumented has no docstring"):
        tool.render()


def test_readme_points_to_the_docs_for_authors_and_integrators():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## For pack authors and integrators", 1)[1]
    for target in ("docs/authoring.md", "docs/plugins.md", "examples/plugins/pop-webhook"):
        assert target in section
        assert (ROOT / target).exists()


def test_pack_schema_is_what_its_generator_writes():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_pack_schema.py"),
                             "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_documented_plugin_installs_and_its_txt_format_follows_o_file(tmp_path):
    """The pyproject.toml and module of docs/plugins.md, as written there, make a complete
    distribution: its build backend (setuptools, at hand offline) writes the metadata from
    the pyproject alone, and with it beside the module pop loads the plugin; ``-o x.txt``
    then picks the plugin's format registered with suffix ``.txt``."""
    import json
    import re
    import subprocess
    import sys

    from helpers import VDAB, pop_process

    pytest.importorskip("setuptools")
    doc = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    toml = re.search(r"```toml\n(# pyproject.toml of your plugin.*?)```", doc, re.S).group(1)
    module = re.search(r"```python\n(# pop_myplugin.py.*?)```", doc, re.S).group(1)
    project = tmp_path / "pop-myplugin"
    project.mkdir()
    (project / "pyproject.toml").write_text(toml, encoding="utf-8")
    (project / "pop_myplugin.py").write_text(module + '''

@hookimpl
def pop_register_formats(register):
    register("people", lambda context: "people: " + ", ".join(context.plan.people.values()))
''', encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    built = subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()",
                            "egg_info", "--egg-base", str(site)], cwd=project,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr           # a name and a version, at least
    (site / "pop_myplugin.py").write_text((project / "pop_myplugin.py").read_text())
    env = {"PYTHONPATH": str(site), "POP_DISABLE_PLUGINS": "0"}
    listing = json.loads(pop_process("plugins", "--json", env=env).stdout)
    assert any(p["name"] == "myplugin" for p in listing), listing
    made = pop_process("run", "--answers", str(VDAB), "--json", env=env)
    plan = json.loads(made.stdout)["plan"]["id"]
    out = tmp_path / "x.txt"
    written = pop_process("export", plan, "-o", str(out), env=env)
    assert written.returncode == 0, written.stderr
    assert out.read_text(encoding="utf-8") == "people: Dries Verbeeck, Els Vandamme"
    assert pop_process("export", plan, "-o", str(tmp_path / "y.md"), env=env).returncode == 0
    assert (tmp_path / "y.md").read_text(encoding="utf-8").startswith("# POP-sjabloon")


def readme_console_lines() -> list[str]:
    """Every ``$ pop …`` command in the README's console blocks, in order, without comments;
    a line holding several (``a; pop b``) gives each."""
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ pop "):
                line = re.sub(r"\s{2,}#.*$", "", line[2:])
                commands += [part.strip() for part in re.split(r"; (?=pop )", line)]
    return commands


def test_every_pop_line_of_the_readme_runs_on_the_example_data(tmp_path, monkeypatch):
    import json
    import shlex

    from helpers import pop_process

    monkeypatch.chdir(tmp_path)
    env = {"POP_TODAY": "2026-04-20", "POP_LANG": "nl"}
    made = pop_process("run", "--answers", str(ROOT / "examples" / "vdab-answers.yaml"),
                       "--json", env=env)
    plan = json.loads(made.stdout)["plan"]["id"]
    lines = readme_console_lines()
    assert len(lines) >= 15 and any(line.startswith("pop checkin") for line in lines)
    for line in lines:
        args = [plan if word == "PLAN" else word.replace("examples/", f"{ROOT}/examples/")
                for word in shlex.split(line)[1:]]
        result = subprocess_in(tmp_path, args, env)
        assert result.returncode == 0, (line, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
    assert (tmp_path / "dries.json").is_file() and (tmp_path / "overzicht.xlsx").is_file()


def subprocess_in(folder, args: list[str], env: dict):
    """``pop ARGS`` run in ``folder`` (where the README's -o files go)."""
    import os
    import subprocess

    from helpers import pop_command

    return subprocess.run([*pop_command(), *args], capture_output=True, text=True,
                          env={**os.environ, **env}, cwd=folder, timeout=120)
