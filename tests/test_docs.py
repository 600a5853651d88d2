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
