"""Publish the public site: build it afresh, audit it, then deploy it to a folder or a git branch.

Publishing only ever ships output/public, right after a successful public build (which ends with
the privacy audit); when the build or the audit fails, nothing is deployed. There is no way to
publish the journal.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.deploy import audit
from generator.incremental.builder import build
from generator.pipeline.inputs import make_model, output_dir, read_inputs
from generator.pipeline.result import BuildResult
from generator.config import SiteConfig, load_config
from generator.errors import Problem, error

GIT_TARGET = "git"  # `--to git` publishes to a branch instead of a folder
DEFAULT_BRANCH = "gh-pages"
PUBLISH_KEYS = ("to", "remote", "branch")
FALLBACK_AUTHOR = ("Footfall", "footfall@localhost")


@dataclass(frozen=True, slots=True)
class Change:
    """One file that a deploy adds, updates or deletes."""

    action: str  # "add", "update" or "delete"
    path: str  # relative to the published folder


@dataclass(frozen=True, slots=True)
class Target:
    """Where to publish, from the command line and site.toml's [publish] table."""

    to: str  # a folder, or "git"
    remote: str = ""  # git only: a remote name or URL to push to
    branch: str = DEFAULT_BRANCH  # git only


@dataclass
class PublishResult:
    """What a publish did, or would do with --dry-run."""

    build: BuildResult
    target: Target | None = None
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    commit: str = ""  # git only: the commit made ("" when nothing changed)
    pushed: bool = False  # git only: pushed to the remote
    usage: bool = False  # the options were wrong: nothing was built

    @property
    def ok(self) -> bool:
        """Return True when the build, the audit and the deploy all succeeded."""
        return self.build.ok and not any(p.is_error for p in self.problems)


class PublishError(Exception):
    """A deploy that cannot go ahead; carries the message and a hint."""

    def __init__(self, message: str, hint: str = "", *, usage: bool = False) -> None:
        super().__init__(message)
        self.message, self.hint, self.usage = message, hint, usage


def resolve_target(cfg: SiteConfig, to: str | None, remote: str | None, branch: str | None) -> Target:
    """Return the target from the options, falling back on [publish] in site.toml."""
    table: Mapping[str, Any] = cfg.section("publish")
    unknown = sorted(set(table) - set(PUBLISH_KEYS))
    if unknown:
        raise PublishError(f"unknown setting `{unknown[0]}` in [publish]", "use to, remote and branch")
    for key in PUBLISH_KEYS:
        if key in table and not isinstance(table[key], str):
            raise PublishError(f"[publish] {key} must be a quoted string")
    chosen = to or table.get("to", "")
    if not chosen:
        raise PublishError("say where to publish: --to DIR or --to git (or set `to` in [publish] in site.toml)",
                           usage=True)
    if chosen != GIT_TARGET and not to:
        chosen = str(cfg.root / chosen)  # a folder from site.toml is relative to the site
    return Target(chosen, remote or table.get("remote", ""), branch or table.get("branch", DEFAULT_BRANCH))


def publish(root: Path, *, to: str | None = None, remote: str | None = None, branch: str | None = None,
            dry_run: bool = False) -> PublishResult:
    """Build and audit the public site, then deploy it (or list the changes with dry_run)."""
    cfg, problems = load_config(root)
    if cfg is None:
        return PublishResult(BuildResult("public", problems=problems))
    try:
        target = resolve_target(cfg, to, remote, branch)
        if target.to != GIT_TARGET:
            check_folder(Path(target.to).expanduser(), cfg)
    except PublishError as exc:
        return PublishResult(BuildResult("public"), problems=[error(cfg.path, None, exc.message, exc.hint)],
                             usage=exc.usage)
    result = PublishResult(build(root, "public"), target)
    if result.build.ok and result.build.output_dir is not None:
        try:
            _deploy(result.build.output_dir, cfg, target, result, dry_run=dry_run)
        except PublishError as exc:
            result.problems.append(error(None, None, exc.message, exc.hint))
    return result


def _deploy(source: Path, cfg: SiteConfig, target: Target, result: PublishResult, *, dry_run: bool) -> None:
    """Deploy a finished public build to its target."""
    if target.to == GIT_TARGET:
        publish_git(source, cfg, target, result, dry_run=dry_run)
        return
    folder = Path(target.to).expanduser()
    result.changes = plan_sync(source, folder)
    if not dry_run:
        apply_sync(source, folder, result.changes)


def audit_public(root: Path) -> BuildResult:
    """Audit the existing public build (output/public) against the current content."""
    result = BuildResult("public")
    inputs = read_inputs(root, result)
    if inputs is None:
        return result
    result.output_dir = output_dir(inputs.config, "public")
    site = make_model(inputs, "public", result)
    result.entries = len(site.posts)
    if not result.output_dir.is_dir():
        result.problems.append(error(None, None, f"there is no public build in {result.output_dir} to audit",
                                     "run `footfall build` first"))
    elif not any(p.is_error for p in result.problems):
        with result.timed("audit"):
            files = audit.folder_files(result.output_dir)
            result.problems.extend(audit.audit_files(files, result.output_dir, site, inputs.entries,
                                                     inputs.vocabulary, inputs.theme, inputs.config.path))
    return result


# --- a folder -------------------------------------------------------------------------------------

def check_folder(folder: Path, cfg: SiteConfig) -> None:
    """Refuse a folder that holds the site, its content or its output, or is inside the content."""
    target = folder.resolve()
    protected = {"the site folder": cfg.root.resolve(), "content/": cfg.content_dir.resolve(),
                 "output/": cfg.output_root.resolve()}
    for name, path in protected.items():
        if target == path or target in path.parents:
            raise PublishError(f"refusing to publish into {folder}: it holds {name}",
                               "publish to a folder of its own, outside the site")
    if cfg.content_dir.resolve() in target.parents or cfg.output_root.resolve() in target.parents:
        raise PublishError(f"refusing to publish into {folder}: it is inside the site's content/ or output/",
                           "publish to a folder of its own, outside the site")
    if target.exists() and not target.is_dir():
        raise PublishError(f"{folder} is a file, not a folder")


def _visible_files(folder: Path) -> dict[str, Path]:
    """Return relpath -> file for the files of a folder, leaving out anything under a dot-name (.git)."""
    if not folder.is_dir():
        return {}
    found: dict[str, Path] = {}
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                path = Path(current) / name
                found[path.relative_to(folder).as_posix()] = path
    return found


def plan_sync(source: Path, folder: Path) -> list[Change]:
    """Return the changes that make folder hold exactly the files of source (dot-names left alone)."""
    new, old = _visible_files(source), _visible_files(folder)
    changes = [Change("add", p) for p in new if p not in old]
    changes += [Change("update", p) for p in new if p in old and not filecmp.cmp(new[p], old[p], shallow=False)]
    changes += [Change("delete", p) for p in old if p not in new]
    return sorted(changes, key=lambda c: (c.path, c.action))


def apply_sync(source: Path, folder: Path, changes: list[Change]) -> None:
    """Copy added and updated files, delete stale ones and the folders they leave empty."""
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    deletes_first = sorted(changes, key=lambda c: c.action != "delete")  # a stale folder may stand where a file goes
    for change in deletes_first:
        path = (folder / change.path).resolve()
        if root not in path.parents:
            raise PublishError(f"refusing to touch {path}: it is outside {folder}")
        if change.action == "delete":
            path.unlink(missing_ok=True)
            _remove_empty_parents(path.parent, root)
        else:
            if path.is_dir():
                shutil.rmtree(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / change.path, path)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    """Remove folder and its parents up to root while they are empty."""
    while folder != root and root in folder.parents and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


# --- a git branch ---------------------------------------------------------------------------------

def _run(args: list[str], cwd: Path, env: Mapping[str, str], stdin: str | None = None) -> str:
    """Run git and return its output; raise PublishError when it fails."""
    clean = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, input=stdin,
                              env={**clean, **env}, check=False)
    except FileNotFoundError as exc:
        raise PublishError("git is not installed", "install git, or publish with --to DIR") from exc
    if done.returncode != 0:
        raise PublishError(f"git {args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def git(repo: Path, *args: str, env: Mapping[str, str] | None = None, stdin: str | None = None,
        work_tree: Path | None = None) -> str:
    """Run git on a repository's git folder (never on the user's working tree unless given one)."""
    extra = {"GIT_DIR": str(repo), **({"GIT_WORK_TREE": str(work_tree)} if work_tree else {}), **(env or {})}
    return _run(list(args), work_tree or repo, extra, stdin)


def repository(cfg: SiteConfig, target: Target) -> Path:
    """Return the git folder to commit in: the site's repository, or a private one for pushing."""
    try:
        return (cfg.root / _run(["rev-parse", "--git-common-dir"], cfg.root, {})).resolve()
    except PublishError:
        if not target.remote:
            raise PublishError(f"{cfg.root} is not in a git repository",
                               "run `git init` there, pass --remote URL, or publish with --to DIR") from None
    store = cfg.cache_dir / "publish.git"
    if not (store / "HEAD").is_file():
        store.mkdir(parents=True, exist_ok=True)
        _run(["init", "--bare", "--quiet", str(store)], cfg.root, {})
    return store


def publish_git(source: Path, cfg: SiteConfig, target: Target, result: PublishResult, *, dry_run: bool) -> None:
    """Commit the public build to a branch without touching any working tree; push it if asked."""
    repo = repository(cfg, target)
    ref = f"refs/heads/{target.branch}"
    git(repo, "check-ref-format", ref)
    if _checked_out(repo, ref):
        raise PublishError(f"the branch {target.branch} is checked out in your working tree",
                           "switch to another branch first, or publish to a different --branch")
    parent = _parent(repo, ref, target)
    tree = _write_tree(repo, source)
    result.changes = _tree_changes(repo, parent, tree)
    if dry_run or not result.changes:
        return
    message = f"Publish {cfg.title}: {result.build.entries} {'entry' if result.build.entries == 1 else 'entries'}"
    result.commit = git(repo, "commit-tree", tree, *(["-p", parent] if parent else []), "-m", message,
                        env=_author(repo, cfg))
    git(repo, "update-ref", ref, result.commit)
    if target.remote:
        git(repo, "push", "--quiet", target.remote, f"{ref}:{ref}")
        result.pushed = True


def _checked_out(repo: Path, ref: str) -> bool:
    """Return True when a working tree of the repository has the branch checked out."""
    listing = git(repo, "worktree", "list", "--porcelain")
    return f"branch {ref}" in listing.splitlines()


def _parent(repo: Path, ref: str, target: Target) -> str:
    """Return the commit to build on: the remote branch when pushing, else the local one ("" for none)."""
    if target.remote:
        if git(repo, "ls-remote", "--heads", target.remote, ref):
            git(repo, "fetch", "--quiet", target.remote, ref)
            return git(repo, "rev-parse", "FETCH_HEAD^{commit}")
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except PublishError:
        return ""


def _write_tree(repo: Path, source: Path) -> str:
    """Return the tree of the public build plus .nojekyll, made with a temporary index."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git(repo, "add", "--all", "--force", ".", env=env, work_tree=source)
        blob = git(repo, "hash-object", "-w", "--stdin", env=env, stdin="")
        git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},.nojekyll", env=env)
        return git(repo, "write-tree", env=env)


def _tree_changes(repo: Path, parent: str, tree: str) -> list[Change]:
    """Return what a new tree changes against the parent commit's tree."""
    actions = {"A": "add", "M": "update", "D": "delete", "T": "update"}
    if not parent:
        files = git(repo, "ls-tree", "-r", "--name-only", tree).splitlines()
        return [Change("add", p) for p in files]
    lines = git(repo, "diff-tree", "-r", "--no-renames", "--name-status", parent, tree).splitlines()
    return sorted((Change(actions.get(line[0], "update"), line.split("\t", 1)[1]) for line in lines if line),
                  key=lambda c: (c.path, c.action))


def _author(repo: Path, cfg: SiteConfig) -> dict[str, str]:
    """Return author and committer variables when git config has no identity."""
    try:
        git(repo, "config", "user.name")
        git(repo, "config", "user.email")
        return {}
    except PublishError:
        name, email = (cfg.author or FALLBACK_AUTHOR[0]), FALLBACK_AUTHOR[1]
        return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
