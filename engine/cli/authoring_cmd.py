"""``pop packs new``, ``lint`` and ``graph``, ``pop preview``: for people who write packs."""

from __future__ import annotations

import click

from engine.i18n import _

from .context import App, echo_json, json_option, pass_app

SCAFFOLD_LANGUAGES = ("nl-BE", "nl-NL", "en")  # engine.scaffold.LANGUAGES, without importing it


def register(cli: click.Group) -> None:
    packs = cli.commands["packs"]
    assert isinstance(packs, click.Group)
    extra_packs = click.option(
        "--pack", "extra", multiple=True, type=click.Path(),
        help=_("An extra folder of packs, or a pack folder (may be repeated)."))

    @cli.command(help=_("Render a document of PACK as a plan with the answers of FILE would "
                        "print it, storing nothing. With --watch, again each time a file of "
                        "the pack or the answers file changes (Ctrl-C stops)."))
    @click.argument("pack_ref", metavar="PACK")
    @click.option("--answers", "answers_file", required=True,
                  type=click.Path(dir_okay=False),
                  help=_("The answers (YAML or JSON, as for pop run --answers)."))
    @click.option("-f", "--format", "fmt", metavar="FORMAT",
                  help=_("md, html, or a format a plugin adds; default: from the suffix of "
                         "FILE, else md."))
    @click.option("-t", "--template", metavar="NAME",
                  help=_("Which of the pack's documents; default: the pack's plan document."))
    @click.option("-o", "--output", "output_file", metavar="FILE",
                  type=click.Path(dir_okay=False),
                  help=_("Write to FILE (readable by you only) instead of the terminal."))
    @click.option("--force", is_flag=True, help=_("Overwrite FILE if it exists."))
    @click.option("--watch", is_flag=True,
                  help=_("Render again whenever the pack or the answers change."))
    @extra_packs
    @pass_app
    def preview(app: App, pack_ref: str, answers_file: str, fmt: str | None,
                template: str | None, output_file: str | None, force: bool, watch: bool,
                extra: tuple[str, ...]) -> None:
        from pathlib import Path

        from engine.errors import PopError, ProblemsError
        from engine.outputs import format_for_file
        from engine.preview import pack_files, plan_from_answers, preview_note, rule_problems
        from engine.preview import watch as watch_files

        answers = Path(answers_file)
        fmt = fmt or format_for_file(output_file, app.plugins)
        written = {"once": force}  # after the first write, --watch replaces its own file

        def render_once() -> None:
            from engine.files import write_private
            from engine.outputs import render

            library = app.library(extra)  # anew: the pack as its files are now
            pack = library.load(pack_ref)
            plan, problems = plan_from_answers(pack, app.plugins, answers)
            if plan is None:
                raise ProblemsError(problems)
            document, _format = render(pack, fmt, plan, template, app.plugins)
            if output_file is None:
                click.echo(document, nl=False)
            else:
                write_private(Path(output_file), document, force=written["once"])
                written["once"] = True
            click.echo(preview_note(plan) + (" " + _("Written to {file}.").format(
                file=output_file) if output_file else ""), err=True)
            stops = rule_problems(plan, app.plugins)
            if stops:
                click.echo(_("pop run would not accept these answers yet:"), err=True)
                for line in stops:
                    click.echo(f"  - {line}", err=True)

        if not watch:
            render_once()
            return

        def guarded() -> None:  # a mistake while watching is shown, and the watch goes on
            try:
                render_once()
            except ProblemsError as exc:
                for problem in exc.problems:
                    click.echo(str(problem), err=True)
            except PopError as exc:
                click.echo(_("pop: {message}").format(message=exc), err=True)
            click.echo(_("Watching for changes (Ctrl-C stops)…"), err=True)

        def files() -> list[Path]:
            try:
                folder = Path(app.library(extra).find(pack_ref)).parent
            except PopError:
                return [answers]
            return list(pack_files(folder, (answers,)))

        import time

        try:
            watch_files(files, guarded, time.sleep)
        except KeyboardInterrupt:
            click.echo("", err=True)

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
    @click.option("--language", type=click.Choice(SCAFFOLD_LANGUAGES), default=None,
                  help=_("The language of the pack's wording: nl-BE (Flemish, the default), "
                         "nl-NL or en; with --extends, that of the other pack."))
    @click.option("--name", metavar="TEXT", help=_("The pack's name, as people read it."))
    @extra_packs
    @pass_app
    def new(app: App, pack_id: str, parent: str | None, where: str, force: bool,
            language: str | None, name: str | None, extra: tuple[str, ...]) -> None:
        from pathlib import Path

        from engine.scaffold import example_answers, new_pack

        base = app.library(extra).load(parent) if parent else None
        answers = example_answers(base) if base else None
        written = new_pack(pack_id, Path(where), base, answers, force, language, name)
        folder = Path(where) / pack_id
        click.echo(_("Made pack {id} in {folder}:").format(id=pack_id, folder=folder))
        for path in written:
            click.echo(f"  {path}")
        library = app.library(extra)
        found = library.entries().get(base.id) if base else None
        if base and (found is None or Path(found.folder).resolve() != Path(
                base.origin).resolve()):
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
