"""Publish to a git branch: commit the build with a temporary index, push it if asked.

Every git call names git's own folder and work tree by absolute path, and separates options from
arguments (`--`, or `--end-of-options` where git takes `--` for something else), so no remote,
branch or path can be read as an option. A remote or branch starting with `-` is refused first.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from generator.config import SiteConfig
from generator.deploy.folder import Change
from generator.errors import Problem, warning

FALLBACK_AUTHOR = ("Footfall", "footfall@localhost")
SCP_LIKE = re.compile(r"^[^/:]+@?[^/:]*:")  # user@host:path, host:path


class GitRefused(Exception):
    """A git publish that cannot go ahead; carries the message and a hint."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def check_names(remote: str, branch: str) -> None:
    """Refuse a remote or branch that git could take for an option, or that is not a valid name."""
    for what, value in (("remote", remote), ("branch", branch)):
        if value.startswith("-"):
            raise GitRefused(f"refusing the {what} {value!r}: it starts with '-', so git would take it for an option",
                             f"give the {what} as a name or URL")
        if any(ch in value for ch in "\0\n\r"):
            raise GitRefused(f"refusing the {what} {value!r}: it holds a control character")
    if not branch:
        raise GitRefused("the branch to publish to is empty", "leave --branch out for gh-pages, or name one")


def remote_argument(remote: str) -> str:
    """Return the remote as git must be given it from another folder: a relative path made absolute.

    Git runs in the repository's own folder, so a path such as ../pages.git, meant from where
    footfall was started, would point elsewhere. Remote names and URLs are left as they are.
    """
    if not is_path(remote):
        return remote
    path = Path(remote).expanduser()
    return str(path.absolute()) if path.exists() else remote


def is_path(remote: str) -> bool:
    """Return True when a remote is written as a path on this machine (not a name, a URL or host:path)."""
    if not remote or remote.startswith("-") or "://" in remote or SCP_LIKE.match(remote):
        return False
    return "/" in remote or remote.startswith((".", "~"))


def _run(args: list[str], cwd: Path, env: Mapping[str, str], stdin: str | None = None) -> str:
    """Run git and return its output; raise GitRefused when it fails."""
    clean = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, input=stdin,
                              env={**clean, **env}, check=False)
    except FileNotFoundError as exc:
        raise GitRefused("git is not installed", "install git, or publish with --to DIR") from exc
    if done.returncode != 0:
        raise GitRefused(f"git {args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def git(repo: Path, *args: str, env: Mapping[str, str] | None = None, stdin: str | None = None,
        work_tree: Path | None = None) -> str:
    """Run git on a repository's git folder (never on the user's working tree unless given one)."""
    repo = repo.resolve()
    work_tree = work_tree.resolve() if work_tree is not None else None
    extra = {"GIT_DIR": str(repo), **({"GIT_WORK_TREE": str(work_tree)} if work_tree else {}), **(env or {})}
    return _run(list(args), work_tree or repo, extra, stdin)


def site_repository(root: Path) -> Path | None:
    """Return the git folder of the repository the site is in, or None when it is in none."""
    root = root.resolve()
    try:
        return (root / _run(["rev-parse", "--git-common-dir"], root, {})).resolve()
    except GitRefused:
        return None


def repository(cfg: SiteConfig, remote: str) -> Path:
    """Return the git folder to commit in: the site's repository, or a private one for pushing."""
    found = site_repository(cfg.root)
    if found is not None:
        return found
    if not remote:
        raise GitRefused(f"{cfg.root} is not in a git repository",
                         "run `git init` there, pass --remote URL, or publish with --to DIR")
    store = (cfg.cache_dir / "publish.git").resolve()
    if not (store / "HEAD").is_file():
        store.mkdir(parents=True, exist_ok=True)
        _run(["init", "--bare", "--quiet", "--", str(store)], store, {})
    return store


def checked_out(repo: Path, ref: str) -> bool:
    """Return True when a working tree of the repository has the branch checked out."""
    listing = git(repo, "worktree", "list", "--porcelain")
    return f"branch {ref}" in listing.splitlines()


def parent_commit(repo: Path, ref: str, remote: str) -> str:
    """Return the commit to build on: the remote branch when pushing, else the local one ("" for none)."""
    if remote:
        if git(repo, "ls-remote", "--heads", "--", remote, ref):
            git(repo, "fetch", "--quiet", "--", remote, ref)
            return git(repo, "rev-parse", "--verify", "--end-of-options", "FETCH_HEAD^{commit}")
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    except GitRefused:
        return ""


def write_tree(repo: Path, source: Path) -> str:
    """Return the tree of the public build plus .nojekyll, made with a temporary index."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        git(repo, "add", "--all", "--force", "--", ".", env=env, work_tree=source)
        blob = git(repo, "hash-object", "-w", "--stdin", env=env, stdin="")
        git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},.nojekyll", env=env)
        return git(repo, "write-tree", env=env)


def tree_changes(repo: Path, parent: str, tree: str) -> list[Change]:
    """Return what a new tree changes against the parent commit's tree."""
    actions = {"A": "add", "M": "update", "D": "delete", "T": "update"}
    if not parent:
        files = git(repo, "ls-tree", "-r", "--name-only", "--end-of-options", tree).splitlines()
        return [Change("add", p) for p in files]
    lines = git(repo, "diff-tree", "-r", "--no-renames", "--name-status", "--end-of-options", parent, tree).splitlines()
    return sorted((Change(actions.get(line[0], "update"), line.split("\t", 1)[1]) for line in lines if line),
                  key=lambda c: (c.path, c.action))


def commit(repo: Path, tree: str, parent: str, ref: str, message: str, cfg: SiteConfig) -> str:
    """Commit the tree on the branch (after its parent) and return the commit."""
    made = git(repo, "commit-tree", *(["-p", parent] if parent else []), "-m", message, "--", tree, env=author(repo, cfg))
    git(repo, "update-ref", "--", ref, made)
    return made


def push(repo: Path, remote: str, ref: str) -> None:
    """Push the branch to the remote."""
    git(repo, "push", "--quiet", "--", remote, f"{ref}:{ref}")


def author(repo: Path, cfg: SiteConfig) -> dict[str, str]:
    """Return author and committer variables when git config has no identity."""
    try:
        git(repo, "config", "--get", "user.name")
        git(repo, "config", "--get", "user.email")
        return {}
    except GitRefused:
        name, email = (cfg.author or FALLBACK_AUTHOR[0]), FALLBACK_AUTHOR[1]
        return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}


# --- the journal's own remote ---------------------------------------------------------------------

def journal_remote_warning(root: Path, remote: str, ref: str) -> Problem | None:
    """Return a warning when the remote pushed to is also where the journal's own branches live; None otherwise.

    It is when a branch of the site's repository tracks it, when one of its branches (besides the
    one published to) holds a commit of the site's repository, or when it is a remote of the site's
    repository (by name or URL) that holds no branch yet.
    """
    repo = site_repository(root)
    if repo is None or not remote:
        return None
    names, tracking = _configured(repo, remote, root.resolve())
    heads = _remote_heads(repo, remote)
    shared = {name for name, sha in heads.items() if name != ref.removeprefix("refs/heads/") and _has_commit(repo, sha)}
    if not (tracking or shared or (names and not heads)):
        return None
    where = (f"its branches {', '.join(sorted(tracking | shared)[:3])} are the journal's" if tracking or shared
             else f"it is the journal repository's remote {sorted(names)[0]}")
    return warning(None, None, f"the remote {remote} is where the journal's own branches live ({where}): the "
                               "journal's repository must stay private, and the public site is pushed into it",
                   "publish to a separate repository for the public site (GitHub Pages on a free plan needs a "
                   "public one), e.g. --remote git@github.com:you/your-runs.git")


def _configured(repo: Path, remote: str, root: Path) -> tuple[set[str], set[str]]:
    """Return the site repository's remotes that are this remote (by name or URL), and the branches tracking them."""
    try:
        listing = git(repo, "config", "--get-regexp", r"^(branch\..*\.remote|remote\..*\.(url|pushurl))$")
    except GitRefused:  # no such settings at all
        return set(), set()
    upstreams: dict[str, str] = {}
    urls: dict[str, set[str]] = {}
    for line in listing.splitlines():
        key, _, value = line.partition(" ")
        section, _, rest = key.partition(".")
        name = rest.rpartition(".")[0]
        if section == "branch":
            upstreams[name] = value
        else:
            urls.setdefault(name, set()).add(same_place(value, root))
    wanted = same_place(remote, root)
    names = {name for name, found in urls.items() if name == remote or wanted in found}
    return names, {branch for branch, name in upstreams.items() if name in names or name == remote}


def _remote_heads(repo: Path, remote: str) -> dict[str, str]:
    """Return the remote's branches and their commits (none when it cannot be reached)."""
    try:
        listing = git(repo, "ls-remote", "--heads", "--", remote)
    except GitRefused:
        return {}
    heads = {}
    for line in listing.splitlines():
        sha, _, name = line.partition("\t")
        if name:
            heads[name.removeprefix("refs/heads/")] = sha
    return heads


def _has_commit(repo: Path, sha: str) -> bool:
    """Return True when the repository holds the commit."""
    try:
        git(repo, "cat-file", "-e", "--end-of-options", f"{sha}^{{commit}}")
    except GitRefused:
        return False
    return True


def same_place(remote: str, root: Path) -> str:
    """Return a remote URL or path in a form that compares equal for the same repository."""
    text = remote.strip()
    if "://" not in text and not SCP_LIKE.match(text):  # a path on this machine
        path = Path(text).expanduser()
        text = str((path if path.is_absolute() else root / path).resolve())
    return text.rstrip("/").removesuffix(".git").rstrip("/")
