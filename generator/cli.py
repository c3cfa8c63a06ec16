"""The `footfall` command: parse options, run a stage, show problems with rich, set the exit code."""

from __future__ import annotations

import errno
import os
import signal
import sys
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

import click

from generator import __version__
from generator.incremental.builder import Builder
from generator.pipeline.inputs import check, check_setup, output_dir, watched_folders
from generator.pipeline.result import BuildResult
from generator.errors import error, plural
from generator.pipeline.markdown import Audience
from generator.route_commands import import_command, route_command
from generator.terminal import (EXIT_PROBLEMS, ProgressBar, console, echo, escape, show_problems, site_option,
                                summary_line, view_line)

if TYPE_CHECKING:
    from generator.config import SiteConfig
    from generator.dev import reflect as reflect_types

    from generator.deploy.publish import PublishResult
    from generator.dev.serve import BuildReport, DevServer
    from generator.dev.watch import Batch, Watcher

today_option = click.option("--today", type=click.DateTime(["%Y-%m-%d"]), envvar="FOOTFALL_TODAY", hidden=True,
                            default=None, help="The date to build as (YYYY-MM-DD); else today in the site's time zone.")


def run_build(builder: Builder, root: Path, profile: bool = False) -> BuildResult:
    """Run one build and print its problems and its one-line summary."""
    bar = builder.progress if isinstance(builder.progress, ProgressBar) else None
    try:
        result = builder.build()
    finally:
        if bar is not None:
            bar.close()
    show_problems(result.problems, root)
    if result.ok:
        echo(summary_line(result))
    if result.ok and profile:
        echo(f"  parsed {result.parsed} files, checked {result.checked} pages, rendered {result.rendered} pages")
        for stage, seconds in result.timings.items():
            echo(f"  {stage:<10} {seconds:8.3f}s")
        if result.cards[0]:
            count, seconds = result.cards
            echo(f"  cards: {count} in {seconds:.2f} s ({count / max(seconds, 1e-9):.0f} per second)")
    return result


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="footfall")
def cli() -> None:
    """Footfall turns a running journal into a website."""


@cli.command("build")
@click.option("--journal", is_flag=True, help="Build the full journal (everything) into output/journal/.")
@click.option("--profile", is_flag=True, help="Print the time spent in each stage.")
@today_option
@site_option
def build_command(journal: bool, profile: bool, today: datetime | None, site_dir: Path) -> None:
    """Build the public site into output/public/ (or the journal with --journal)."""
    with Builder(site_dir, "journal" if journal else "public", progress=ProgressBar(),
                 today=today.date() if today else None) as builder:
        ok = run_build(builder, site_dir, profile).ok
    if not ok:
        sys.exit(EXIT_PROBLEMS)
    echo(view_line(builder.audience, site_dir))


@cli.command("serve")
@click.option("--public", is_flag=True, help="Serve the public site instead of the journal.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="The port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--drafts", is_flag=True, help="Show `draft: true` entries in the journal (never in the public site).")
@today_option
@site_option
def serve_command(public: bool, port: int, host: str, drafts: bool, today: datetime | None, site_dir: Path) -> None:
    """Build the journal (or the public site), serve it, rebuild and reload the page on every save."""
    from generator.dev.serve import DevServer
    from generator.dev.watch import Watcher

    cfg, _, problems = check_setup(site_dir)
    show_problems(problems, site_dir)
    if cfg is None:
        sys.exit(EXIT_PROBLEMS)
    audience: Audience = "public" if public else "journal"
    builder = Builder(site_dir, audience, progress=ProgressBar(), drafts=drafts, today=today.date() if today else None)
    try:
        server = DevServer(output_dir(cfg, audience), site_dir, lambda: serve_build(builder, site_dir),
                           host=host, port=port)
    except OSError as exc:
        console().print(f"[bold red]error[/] cannot serve on {escape(host)}:{port}: {escape(port_problem(exc, port))}",
                        markup=True)
        sys.exit(EXIT_PROBLEMS)
    server.rebuild()
    watcher = Watcher(site_dir, lambda batch: on_change(batch, server, watcher, site_dir))
    watcher.watch(*watched_folders(site_dir))
    watcher.start()
    console().print(f"Serving the {audience} at {server.url} — edit and save, the page follows. Ctrl+C to stop.")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console().print("Stopped.")
    finally:
        watcher.stop()
        server.shutdown()


def serve_build(builder: Builder, root: Path) -> BuildReport:
    """Run one build for the server and print its outcome; an unexpected failure is reported, never raised."""
    try:
        return build_report(run_build(builder, root))
    except Exception as exc:  # noqa: BLE001 - the server must outlive a failing build
        problem = error(None, None, f"the build stopped unexpectedly: {exc!r}", "the last good pages stay up")
        show_problems([problem], root)
        return build_report(BuildResult(builder.audience, problems=[problem]))


def build_report(result: BuildResult) -> BuildReport:
    """Return what the server needs to know about a build."""
    from generator.dev.serve import BuildReport

    ordered = sorted(result.problems, key=lambda p: (not p.is_error, str(p.path), p.line or 0))
    return BuildReport(result.ok, tuple(ordered), tuple(result.changed))


def on_change(batch: Batch, server: DevServer, watcher: Watcher, root: Path) -> None:
    """Rebuild after a batch of saved files, then watch the folders the site now uses."""
    names = sorted(str(p.relative_to(root.resolve())) if root.resolve() in p.parents else str(p) for p in batch)
    console().print(f"Changed: {', '.join(names[:5])}" + (f" and {len(names) - 5} more" if len(names) > 5 else ""),
                    highlight=False)
    server.rebuild()
    watcher.watch(*watched_folders(root))


def port_problem(exc: OSError, port: int) -> str:
    """Return why a port cannot be used, and what to do."""
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} is already in use (another `footfall serve`?); try --port {port + 1}"
    if exc.errno == errno.EACCES:
        return f"no permission to use port {port}; try a port above 1024, e.g. --port 8000"
    return f"{exc.strerror or exc}; check --host and --port"


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Stop serving on SIGTERM as on Ctrl+C."""
    raise KeyboardInterrupt


@cli.command("check")
@today_option
@site_option
def check_command(today: datetime | None, site_dir: Path) -> None:
    """Validate the configuration and every entry, write nothing, print every problem and the journal's notes."""
    from generator.dev.notes import journal_notes, show_notes

    result = check(site_dir)
    notes, problems = journal_notes(site_dir, today.date() if today else None) if result.ok else ((), [])
    result.problems.extend(problems)
    out = console(stdout=True)
    show_problems(result.problems, site_dir, warning_limit=None, out=out, written=False)
    if not result.ok:
        sys.exit(EXIT_PROBLEMS)
    counts = [sum(p.severity == kind for p in result.problems) for kind in ("warning", "note")]
    found = ["no errors", *(plural(n, kind) for n, kind in zip(counts, ("warning", "note")) if n)]
    drafts = f" and {plural(result.drafts, 'draft')}" if result.drafts else ""
    out.print(f"Checked {plural(result.entries, 'entry')}{drafts}: {', '.join(found)}.", highlight=False)
    show_notes(notes, out)


@cli.command("list")
@click.option("--visibility", type=click.Choice(["private", "unlisted", "public"]), default=None,
              help="Only entries of this visibility.")
@click.option("--emotion", default=None, help="Only entries naming this emotion (or a word grouped under it).")
@click.option("--tag", default=None, help="Only entries with this tag.")
@click.option("--year", type=int, default=None, help="Only entries of this year.")
@click.option("--drafts", is_flag=True, help="Only drafts (`draft: true`).")
@site_option
def list_command(visibility: str | None, emotion: str | None, tag: str | None, year: int | None, drafts: bool,
                 site_dir: Path) -> None:
    """List entries, one line each: a table in a terminal, tab-separated when piped."""
    from generator.dev.listing import Filters, list_entries, rich_table, tab_separated

    rows, problems = list_entries(site_dir, Filters(visibility, emotion, tag, year, drafts))
    out = console(stdout=True)
    if out.is_terminal:
        out.print(rich_table(rows))
        out.print(plural(len(rows), "entry"), highlight=False)
    else:
        click.echo(tab_separated(rows), nl=False)
    show_problems(problems, site_dir, out=out, written=False)
    if problems:
        sys.exit(EXIT_PROBLEMS)


@cli.command("audit")
@site_option
def audit_command(site_dir: Path) -> None:
    """Search every file and path of output/public for private text; exit 1 on any find."""
    from generator.deploy.publish import audit_public

    result = audit_public(site_dir)
    show_problems(result.problems, site_dir)
    if not result.ok:
        sys.exit(EXIT_PROBLEMS)
    console().print(f"Audited {result.output_dir}: nothing private found.", highlight=False)


@cli.command("publish")
@click.option("--to", "to", default=None, metavar="DIR|git",
              help="A folder to sync the public site into, or `git` to commit it to a branch. [publish] to in site.toml.")
@click.option("--remote", default=None, help="With --to git: push the branch to this remote (a name or URL).")
@click.option("--branch", default=None, help="With --to git: the branch to commit to (default gh-pages).")
@click.option("--dry-run", is_flag=True, help="Build and audit, then list what would change; deploy nothing.")
@site_option
def publish_command(to: str | None, remote: str | None, branch: str | None, dry_run: bool, site_dir: Path) -> None:
    """Build the public site afresh, audit it, then deploy it to a folder or a git branch."""
    from generator.deploy.publish import publish

    result = publish(site_dir, to=to, remote=remote, branch=branch, dry_run=dry_run)
    if result.usage:
        raise click.UsageError(result.problems[0].message)
    show_problems([*result.build.problems, *result.problems], site_dir)
    if not result.ok:
        console().print("[bold red]Nothing was published.[/]", markup=True)
        sys.exit(EXIT_PROBLEMS)
    console().print(publish_summary(result, dry_run), highlight=False)
    for change in result.changes:
        console().print(f"  {change.action:<6} {change.path}", highlight=False)


def publish_summary(result: PublishResult, dry_run: bool) -> str:
    """Return the one-line summary of a publish."""
    assert result.target is not None
    where = f"branch {result.target.branch}" if result.target.to == "git" else result.target.to
    counts = {a: sum(c.action == a for c in result.changes) for a in ("add", "update", "delete")}
    changed = f"{counts['add']} added, {counts['update']} updated, {counts['delete']} deleted"
    if dry_run:
        return f"Dry run: publishing {plural(result.build.entries, 'entry')} to {where} would change {changed}:"
    if not result.changes:
        return f"{where} already holds this build; nothing to publish."
    pushed = f", pushed to {result.target.remote}" if result.pushed else ""
    commit = f" (commit {result.commit[:10]}{pushed})" if result.commit else ""
    return f"Published {plural(result.build.entries, 'entry')} to {where}{commit}: {changed}."


@cli.command("new")
@click.argument("title")
@click.option("--intention", default=None, help="The intention for the run (asked for in a terminal).")
@click.option("--date", "when", default=None, metavar="DATE",
              help="The run's date: 2026-11-01, 2026-11-01T07:10, yesterday or today (the default).")
@site_option
def new_command(title: str, intention: str | None, when: str | None, site_dir: Path) -> None:
    """Start a new entry for today (or --date), with the fields to fill in."""
    if intention is None and sys.stdin.isatty():
        intention = _ask_intention(site_dir)
    from generator.dev.scaffold import create_entry

    path, problems = create_entry(site_dir, title, intention or "", now=datetime.now().astimezone(), when=when)
    if path is None:
        show_problems(problems, site_dir)
        sys.exit(EXIT_PROBLEMS)
    console().print(f"Created {path}")


def _ask_intention(site_dir: Path) -> str:
    """Ask for the run's intention in the terminal, in the site's wording ([prompts] intention); "" when skipped."""
    from generator.dev.asking import TerminalAsker
    from generator.dev.reflect import start

    _, prompts, _ = start(site_dir)
    try:
        return " ".join(TerminalAsker()(f"{prompts['intention']} (Enter skips it)", ()).split())
    except KeyboardInterrupt:
        console().print("Stopped: nothing was written.")
        sys.exit(EXIT_PROBLEMS)


@cli.command("reflect")
@click.argument("entry", required=False)
@click.option("--emotions", default=None, help='The emotions named, e.g. "calm, tired".')
@click.option("--mood-before", type=click.IntRange(1, 5), default=None, help="Mood before the run, 1 (low) to 5 (high).")
@click.option("--mood-after", type=click.IntRange(1, 5), default=None, help="Mood after the run, 1 (low) to 5 (high).")
@click.option("--body-scan", default=None, help='How the body felt, in a few words, e.g. "tight calves, easy shoulders".')
@click.option("--thoughts", default=None, help='Thought labels, e.g. "worry, planning".')
@click.option("--write", "writing", default=None, help="A few lines to add at the end of the entry's body.")
@click.option("--no-input", is_flag=True, help="Ask nothing: use only the options given.")
@site_option
def reflect_command(entry: str | None, emotions: str | None, mood_before: int | None, mood_after: int | None,
                    body_scan: str | None, thoughts: str | None, writing: str | None, no_input: bool,
                    site_dir: Path) -> None:
    """Reflect after a run: fill in what the entry (default: the newest) is missing, and add a few lines."""
    from generator.dev import reflect

    cfg, prompts, problems = reflect.start(site_dir)
    path = None
    if cfg is not None and not any(p.is_error for p in problems):
        path, more = reflect.find_entry(cfg, entry)
        problems.extend(more)
    if cfg is None or path is None or any(p.is_error for p in problems):
        show_problems(problems, site_dir)
        sys.exit(EXIT_PROBLEMS)
    show_problems(problems, site_dir)
    given = reflect.Answers(reflect.split_list(emotions or ""), mood_before, mood_after, " ".join((body_scan or "").split()),
                            reflect.split_list((thoughts or "").lower()), (writing or "").strip())
    answers = given
    if not no_input and sys.stdin.isatty():
        answers = reflect.merge(given, _ask_reflection(path, given, cfg, prompts))
    outcome = reflect.reflect(path, answers, cfg)
    show_problems(outcome.problems, site_dir)
    if outcome.problems:
        sys.exit(EXIT_PROBLEMS)
    _say_reflected(outcome)


def _ask_reflection(path: Path, given: reflect_types.Answers, cfg: SiteConfig,
                    prompts: dict[str, str]) -> reflect_types.Answers:
    """Ask the questions the entry and the options leave open, in the terminal."""
    from generator.dev import reflect
    from generator.dev.asking import TerminalAsker
    from generator.vocabulary import load_vocabulary

    try:
        due = reflect.questions_due(path.read_text("utf-8-sig"), given)
    except (OSError, UnicodeDecodeError, ValueError):
        return reflect.Answers()  # reflect() reports what is wrong with the file
    vocabulary, _ = load_vocabulary(cfg.section("vocabulary"), cfg.path)
    click.echo(f"Reflecting on {path}. {reflect.SKIP_HINT}")
    try:
        return reflect.ask_all(due, prompts, TerminalAsker(), [e.name for e in vocabulary.emotions], click.echo)
    except KeyboardInterrupt:
        console().print("Stopped: nothing was written.")
        sys.exit(EXIT_PROBLEMS)


def _say_reflected(outcome: reflect_types.Outcome) -> None:
    """Print what reflect wrote, and what it kept."""
    done = [name.replace("_", " ") for name in outcome.filled] + (["a few lines"] if outcome.appended else [])
    kept = ", ".join(name.replace("_", " ") for name in outcome.kept)
    message = f"Added {', '.join(done)} to {outcome.path}." if done else f"Nothing to add to {outcome.path}."
    console().print(message + (f" Kept what was already there: {kept}." if kept else ""), highlight=False)


@cli.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="My running journal", show_default=True, help="The site's title.")
def init_command(directory: Path, title: str) -> None:
    """Create a new site in DIRECTORY, ready to build."""
    from generator.dev.scaffold import create_site

    problems = create_site(directory, title)
    if problems:
        show_problems(problems, directory)
        sys.exit(EXIT_PROBLEMS)
    with Builder(directory, "public") as builder:
        result = builder.build()
    show_problems(result.problems, directory)
    if not result.ok:
        sys.exit(EXIT_PROBLEMS)
    console().print(f"Created a new site in {directory}. {summary_line(result)}")
    console().print(f"Next: cd {directory} && footfall new \"My first run\" (and footfall serve to see it as you write)")


cli.add_command(import_command)
cli.add_command(route_command)


def main() -> NoReturn:
    """Run the CLI, then leave at once.

    Everything the command writes is written and closed by then; leaving with os._exit skips
    freeing the site model object by object, which takes a tenth of a second at 10,000 entries.
    """
    try:
        cli(prog_name="footfall")
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc.code)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (`footfall build | head`), a closed stream
            pass
    os._exit(code)


def _exit_code(code: object) -> int:
    """Return the process exit code sys.exit(code) stands for (printing a message given in its place)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
