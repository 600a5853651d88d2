"""``pop packs new``, ``lint`` and ``graph``: for people who write packs."""

from __future__ import annotations

from pathlib import Path

import click

from engine.i18n import _

from .context import App, echo_json, json_option, pass_app


def register(cli: click.Group) -> None:
    packs = cli.commands["packs"]
    assert isinstance(packs, click.Group)
    extra_packs = click.option(
        "--pack", "extra", multiple=True, type=click.Path(),
        help=_("An extra folder of packs, or a pack folder (may be repeated)."))

    @packs.command(help=_("Make a new pack folder ID to start from: pack.yaml, a template, a "
                          "README and an example answers file. With --extends, a thin pack "
                          "on top of another pack."))
    @click.argument("pack_id", metavar="ID")
    @click.option("--extends", "parent", metavar="PACK",
                  help=_("Build on this pack (an id or a path), e.g. vdab."))
    @click.option("--dir", "where", type=click.Path(file_okay=False), default=".",
                  show_default=True, help=_("The folder in which the pack folder ID is made."))
    @click.option("--force", is_flag=True,
                  help=_("Write into an existing folder, replacing its pack files."))
    @extra_packs
    @pass_app
    def new(app: App, pack_id: str, parent: str | None, where: str, force: bool,
            extra: tuple[str, ...]) -> None:
        from engine.scaffold import example_answers, new_pack

        base = app.library(extra).load(parent) if parent else None
        answers = example_answers(base) if base else None
        written = new_pack(pack_id, Path(where), base, answers, force)
        folder = Path(where) / pack_id
        click.echo(_("Made pack {id} in {folder}:").format(id=pack_id, folder=folder))
        for path in written:
            click.echo(f"  {path}")
        library = app.library(extra)
        found = library.entries().get(base.id) if base else None
        if base and (found is None or str(found.folder.resolve()) != str(
                Path(base.origin).resolve())):
            click.echo(_("Note: pop finds pack {id} only through --pack here; add its folder "
                         "to POP_PACKS_PATH so that extends: {id} always works.").format(
                id=base.id), err=True)
        click.echo(_("Next: pop packs validate {folder} && pop packs lint {folder}").format(
            folder=folder))

    @packs.command(help=_("Advice on a pack beyond validity: questions never asked, rules that "
                          "never apply, answers no document shows, texts missing a language, "
                          "steps without guidance. Exit 0 (1 with --strict and advice; 2 when "
                          "the pack is not valid)."))
    @click.argument("paths", nargs=-1, required=True)
    @click.option("--strict", is_flag=True, help=_("Exit 1 when there is any advice."))
    @click.option("--inherited", is_flag=True,
                  help=_("Also advise on what the pack inherits through extends."))
    @extra_packs
    @json_option
    @pass_app
    def lint(app: App, paths: tuple[str, ...], strict: bool, inherited: bool,
             extra: tuple[str, ...], as_json: bool) -> None:
        from engine.errors import Problem, ProblemsError, UsageError
        from engine.lint import lint_pack

        library = app.library(extra)
        results = []
        for ref in paths:
            advice = []
            try:
                pack, problems, sources = library.validate_sources(library.find(ref))
            except ProblemsError as exc:
                pack, problems = None, exc.problems
            except UsageError as exc:
                pack, problems = None, [Problem(ref, str(exc))]
            if pack is not None and not problems:
                advice = lint_pack(pack, sources, inherited)
            results.append((ref, pack, problems, advice))
        if as_json:
            echo_json([{"path": ref, "id": pack.id if pack else None, "valid": not problems,
                        "problems": [p.as_dict() for p in problems],
                        "advice": [a.as_dict() for a in advice]}
                       for ref, pack, problems, advice in results])
        else:
            for ref, pack, problems, advice in results:
                for problem in problems:
                    click.echo(str(problem), err=True)
                for item in advice:
                    click.echo(str(item))
                if pack is not None and not problems:
                    click.echo(_("{path}: {n} advice ({id} {version})").format(
                        path=ref, n=len(advice), id=pack.id, version=pack.version) if advice
                        else _("{path}: no advice ({id} {version})").format(
                            path=ref, id=pack.id, version=pack.version))
        if any(problems for _r, _p, problems, _a in results):
            raise SystemExit(2)
        if strict and any(advice for _r, _p, _pr, advice in results):
            raise SystemExit(1)

    @packs.command(help=_("Print a pack's lifecycle and agenda as a Mermaid state diagram "
                          "(stateDiagram-v2), for docs and Markdown viewers."))
    @click.argument("pack")
    @click.option("--no-rules", is_flag=True,
                  help=_("Leave the rules that guard each move off the arrows."))
    @extra_packs
    @pass_app
    def graph(app: App, pack: str, no_rules: bool, extra: tuple[str, ...]) -> None:
        from engine.graph import mermaid

        click.echo(mermaid(app.library(extra).load(pack), show_rules=not no_rules), nl=False)
