"""Publish the public site: build it from scratch, audit it, then deploy it to a folder or a git branch.

Publishing never trusts an earlier build: it builds the public site afresh into a new scratch
folder (no cache, no snapshot, no "nothing changed" shortcut; see fresh.py), the privacy audit
runs over every file, and only then is the result deployed. When the build or the audit fails,
nothing is deployed. There is no way to publish the journal.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.pipeline.inputs import make_model, output_dir, read_inputs
from generator.pipeline.result import BuildResult
from generator.config import SiteConfig, load_config
from generator.deploy import audit, git_branch
from generator.deploy.folder import Change, FolderRefused, apply_sync, check_folder, plan_sync
from generator.deploy.fresh import build_fresh
from generator.deploy.git_branch import GitRefused
from generator.errors import Problem, error
from generator.pipeline.placeholders import publish_refusals

GIT_TARGET = "git"  # `--to git` publishes to a branch instead of a folder
DEFAULT_BRANCH = "gh-pages"
PUBLISH_KEYS = ("to", "remote", "branch")

__all__ = ["Change", "PublishResult", "Target", "audit_public", "publish"]


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

    def __init__(self, message: str, hint: str = "", *, usage: bool = False, in_config: bool = False) -> None:
        super().__init__(message)
        self.message, self.hint, self.usage = message, hint, usage
        self.in_config = in_config  # the fault is in site.toml's [publish] table


def resolve_target(cfg: SiteConfig, to: str | None, remote: str | None, branch: str | None) -> Target:
    """Return the target from the options, falling back on [publish] in site.toml."""
    table: Mapping[str, Any] = cfg.section("publish")
    unknown = sorted(set(table) - set(PUBLISH_KEYS))
    if unknown:
        raise PublishError(f"unknown setting `{unknown[0]}` in [publish]", "use to, remote and branch", in_config=True)
    for key in PUBLISH_KEYS:
        if key in table and not isinstance(table[key], str):
            raise PublishError(f"[publish] {key} must be a quoted string", in_config=True)
    chosen = to or table.get("to", "")
    if not chosen:
        raise PublishError("say where to publish: --to DIR or --to git (or set `to` in [publish] in site.toml)",
                           usage=True)
    if chosen != GIT_TARGET and not to:
        chosen = str(cfg.root / Path(chosen).expanduser())  # a folder from site.toml is relative to the site
    chosen_remote, chosen_branch = remote or table.get("remote", ""), branch or table.get("branch", DEFAULT_BRANCH)
    if chosen == GIT_TARGET:
        try:
            git_branch.check_names(chosen_remote, chosen_branch)  # before any path is made of them
        except GitRefused as exc:
            raise PublishError(exc.message, exc.hint) from exc
        # a relative path is meant from where footfall runs (--remote) or from the site (site.toml)
        chosen_remote = git_branch.remote_argument(remote) if remote else _site_relative(cfg, chosen_remote)
    return Target(chosen, chosen_remote, chosen_branch)


def _site_relative(cfg: SiteConfig, remote: str) -> str:
    """Return a remote path of site.toml made absolute from the site folder (names and URLs as they are)."""
    if not git_branch.is_path(remote):
        return remote
    path = Path(remote).expanduser()
    return str(path if path.is_absolute() else cfg.root / path)


def check_target(cfg: SiteConfig, target: Target) -> None:
    """Refuse a target that publishing could harm, before anything is built."""
    try:
        if target.to == GIT_TARGET:
            git_branch.check_names(target.remote, target.branch)
        else:
            check_folder(Path(target.to), cfg)
    except (FolderRefused, GitRefused) as exc:
        raise PublishError(exc.message, exc.hint) from exc


def publish(root: Path, *, to: str | None = None, remote: str | None = None, branch: str | None = None,
            dry_run: bool = False) -> PublishResult:
    """Build the public site from scratch and audit it, then deploy it (or list the changes with dry_run)."""
    root = root.resolve()  # git runs in other folders: every path it is given is absolute
    cfg, problems = load_config(root)
    if cfg is None:
        return PublishResult(BuildResult("public", problems=problems))
    try:
        target = resolve_target(cfg, to, remote, branch)
        check_target(cfg, target)
    except PublishError as exc:
        where = cfg.path if exc.in_config else None
        return PublishResult(BuildResult("public"), problems=[error(where, None, exc.message, exc.hint)],
                             usage=exc.usage)
    refused = publish_refusals(cfg)  # an example base_url or template text in a shared story
    if refused:
        return PublishResult(BuildResult("public", problems=refused), target)
    with tempfile.TemporaryDirectory(prefix="footfall-publish-") as scratch:
        result = PublishResult(build_fresh(root, Path(scratch) / "public"), target)
        if result.build.ok and result.build.output_dir is not None:
            try:
                _deploy(result.build.output_dir, cfg, target, result, dry_run=dry_run)
            except (PublishError, FolderRefused, GitRefused) as exc:
                result.problems.append(error(None, None, exc.message, exc.hint))
            except OSError as exc:
                result.problems.append(error(None, None, f"cannot publish to {target.to}: {exc.strerror or exc}",
                                             "check the folder's permissions and free space"))
    return result


def _deploy(source: Path, cfg: SiteConfig, target: Target, result: PublishResult, *, dry_run: bool) -> None:
    """Deploy a finished, audited public build to its target."""
    if target.to == GIT_TARGET:
        publish_git(source, cfg, target, result, dry_run=dry_run)
        return
    folder = Path(target.to).expanduser()
    check_folder(folder, cfg)  # again: nothing may have changed it while the site was built
    result.changes = plan_sync(source, folder)
    if not dry_run:
        apply_sync(source, folder, result.changes)


def publish_git(source: Path, cfg: SiteConfig, target: Target, result: PublishResult, *, dry_run: bool) -> None:
    """Commit the public build to a branch without touching any working tree; push it if asked."""
    repo = git_branch.repository(cfg, target.remote)
    ref = f"refs/heads/{target.branch}"
    git_branch.git(repo, "check-ref-format", ref)  # ref starts with refs/: never an option
    if git_branch.checked_out(repo, ref):
        raise PublishError(f"the branch {target.branch} is checked out in your working tree",
                           "switch to another branch first, or publish to a different --branch")
    if target.remote:
        found = git_branch.journal_remote_warning(cfg.root, target.remote, ref)
        if found is not None:
            result.problems.append(found)
    parent = git_branch.parent_commit(repo, ref, target.remote)
    tree = git_branch.write_tree(repo, source)
    result.changes = git_branch.tree_changes(repo, parent, tree)
    if dry_run or not result.changes:
        return
    entries = result.build.entries
    message = f"Publish {cfg.title}: {entries} {'entry' if entries == 1 else 'entries'}"
    result.commit = git_branch.commit(repo, tree, parent, ref, message, cfg)
    if target.remote:
        git_branch.push(repo, target.remote, ref)
        result.pushed = True


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
                                                     inputs.vocabulary, inputs.theme, remember=False))
    return result
