"""Every file and folder the commands write goes through here: atomic files, swapped trees.

* :func:`write_file`: a temporary file in the same folder, then ``os.replace``: readers see the
  old file or the new one, never half of one.
* :func:`replace_tree`: a generated tree (``generate -o DIR``, ``dashboards -o DIR``) is built whole
  beside the old one (same parent, temporary name), with the files of DIR that slaforge did not
  write copied in, then swapped in by one rename (an atomic exchange where the kernel offers it).
  ``DIR/.slaforge-manifest`` lists what slaforge wrote; what it wrote before and no longer writes is
  gone after the swap, and files it did not write are never removed. A failure before the swap
  leaves DIR exactly as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import IO, Any

import click

MANIFEST = ".slaforge-manifest"
_MANIFEST_HEAD = "# Files slaforge generated in this folder; the next run replaces or removes exactly these.\n"


class OutputError(click.ClickException):
    """A file or tree could not be written; the message names it and says why, on one line.

    A click exception: a command that lets it through exits 1 with ``slaforge: MESSAGE``, no traceback.
    """

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"slaforge: {self.message}", err=True)


def write_file(path: Path, content: str | bytes) -> None:
    """Write through a temporary file in the same folder and rename: never a half-written file."""
    try:
        _write_atomically(path, content)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _write_atomically(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual mode of a new file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _relative(rel: str) -> PurePosixPath:
    """A generated file's place under the tree: relative, normalised, no way out of it."""
    path = PurePosixPath(rel)
    if (path.is_absolute() or not path.parts or any(p in ("", ".", "..") for p in path.parts)
            or any(ord(c) < 32 for c in rel) or str(path) == MANIFEST):
        raise OutputError(f"refusing to write {rel!r}: not a plain relative path")
    return path


def read_manifest(root: Path) -> set[PurePosixPath]:
    """What slaforge wrote in ``root`` last time (nothing when there is no manifest)."""
    try:
        text = (root / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        return set()
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"cannot read {root / MANIFEST}: {exc}") from None
    out = set()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            with contextlib.suppress(OutputError):  # a line that is not a plain path names nothing here
                out.add(_relative(line))
    return out


def _manifest(paths: Iterable[PurePosixPath]) -> str:
    return _MANIFEST_HEAD + "".join(f"{p}\n" for p in sorted(paths))


def replace_tree(root: Path, files: Iterable[tuple[str, str | bytes]]) -> None:
    """Make ``root`` hold exactly ``files`` of slaforge's, next to the user's own files, in one swap.

    Raises :class:`OutputError`; ``root`` is then as it was.
    """
    pairs = [(_relative(rel), content) for rel, content in files]
    generated = dict(pairs)
    if len(generated) != len(pairs):
        raise OutputError("the same file was generated twice")
    root = Path(os.path.realpath(root))
    if root.exists() and not root.is_dir():
        raise OutputError(f"cannot write into {root}: it is not a folder")
    if root.exists():
        _refuse_links_on_the_way(root, generated)
        if os.path.ismount(root):
            _update_in_place(root, generated)
            return
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.slaforge-new-", dir=root.parent))
    except OSError as exc:
        if root.exists() and exc.errno in _CANNOT_WRITE_BESIDE:
            click.echo(f"slaforge: warning: cannot write next to {root} ({exc.strerror}): updating it file by "
                       "file, each file atomically, not the tree as a whole", err=True)
            _update_in_place(root, generated)
            return
        raise OutputError(f"cannot write next to {root}: {exc.strerror or exc}") from None
    try:
        try:
            before = _build(root, staging, generated)
        except OSError as exc:
            raise OutputError(f"cannot build the new {root}: {_where(exc)}") from None
        _swap(staging, root)
        _rescue_late_files(staging, root, before | set(generated))
    finally:
        # after a swap, staging holds the old tree; after a failure, the half-built new one
        shutil.rmtree(staging, ignore_errors=True)


_CANNOT_WRITE_BESIDE = (errno.EACCES, errno.EPERM, errno.EROFS)


def _build(root: Path, staging: Path, generated: dict[PurePosixPath, str | bytes]) -> set[PurePosixPath]:
    """The new tree in ``staging``: the user's files of ``root``, then slaforge's, then the manifest.

    Returns what the old manifest listed.
    """
    before: set[PurePosixPath] = set()
    if root.exists():
        before = read_manifest(root)
        shutil.copystat(root, staging)
        _copy_user_files(root, staging, before, set(generated))
    else:
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes 0700
    for rel, content in generated.items():
        target = staging.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    (staging / MANIFEST).write_text(_manifest(generated), encoding="utf-8")
    return before


def _rescue_late_files(old_tree: Path, root: Path, slaforges: set[PurePosixPath]) -> None:
    """Files another process created in the old tree while the new one was built: moved into the new one.

    Without this they would go with the old tree, and slaforge never removes a file it did not write.
    """
    if not old_tree.exists():
        return
    for folder, dirs, names in os.walk(old_tree):
        rel_dir = Path(folder).relative_to(old_tree)
        links = [d for d in dirs if (Path(folder) / d).is_symlink()]
        for name in [*names, *links]:  # files and links one by one; folders are walked into
            rel = PurePosixPath(*(rel_dir / name).parts)
            source, target = Path(folder) / name, root / rel_dir / name
            if rel in slaforges or str(rel) == MANIFEST or target.exists() or target.is_symlink():
                continue
            with contextlib.suppress(OSError):  # best effort: the new tree is in place already
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(source, target)


def _refuse_links_on_the_way(root: Path, generated: dict[PurePosixPath, str | bytes]) -> None:
    """A folder on the way to a generated file may not be a symbolic link: slaforge would write through it,
    outside the tree it swaps, and could not take back a half-done write."""
    for folder in sorted({parent for rel in generated for parent in rel.parents if parent != PurePosixPath(".")}):
        if root.joinpath(*folder.parts).is_symlink():
            raise OutputError(
                f"{root.joinpath(*folder.parts)} is a symbolic link; slaforge replaces the folders it writes "
                "whole and does not write through links: link to that folder instead"
            )


def _where(exc: OSError) -> str:
    name = f"{exc.filename}: " if exc.filename else ""
    return f"{name}{exc.strerror or exc}"


def _copy_user_files(root: Path, staging: Path, before: set[PurePosixPath], now: set[PurePosixPath]) -> None:
    """Everything under ``root`` that slaforge did not write ``before`` (nor writes ``now``), into ``staging``."""
    slaforges = before | now
    for folder, dirs, names in os.walk(root):
        here = Path(folder)
        rel_dir = here.relative_to(root)
        for name in dirs:
            source, target = here / name, staging / rel_dir / name
            if source.is_symlink():
                os.symlink(os.readlink(source), target)
            else:
                target.mkdir()
                shutil.copystat(source, target)
        dirs[:] = [d for d in dirs if not (here / d).is_symlink()]  # a link is copied, not followed
        for name in names:
            rel = PurePosixPath(*(rel_dir / name).parts)
            if rel in slaforges or str(rel) == MANIFEST:
                continue
            source, target = here / name, staging / rel_dir / name
            if source.is_symlink():
                os.symlink(os.readlink(source), target)
                continue
            try:
                os.link(source, target)  # same file system (same parent): no copy needed
            except OSError:
                shutil.copy2(source, target)
    # Folders left empty that only held slaforge's files from before go; those it still writes into
    # stay (with their modes), as do the user's own empty folders.
    gone = {parent for path in before for parent in path.parents} - {parent for path in now for parent in path.parents}
    for folder, _, _ in sorted(os.walk(staging), key=lambda entry: -len(entry[0])):  # deepest first
        rel = PurePosixPath(*Path(folder).relative_to(staging).parts)
        if rel != PurePosixPath(".") and rel in gone and not os.listdir(folder):
            os.rmdir(folder)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not offered."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # not on this file system or kernel
        return False
    raise OSError(code, os.strerror(code), str(b))


def _swap(staging: Path, root: Path) -> None:
    """Put ``staging`` at ``root``; afterwards ``staging`` holds the old tree, or nothing when there was none."""
    try:
        if not root.exists():
            os.rename(staging, root)
            return
        if _exchange(staging, root):
            return
        # Two renames: for an instant there is no root. Roll back if the second one fails.
        aside = Path(tempfile.mkdtemp(prefix=f".{root.name}.slaforge-old-", dir=root.parent))
        os.rmdir(aside)
        os.rename(root, aside)
        try:
            os.rename(staging, root)
        except OSError:
            os.rename(aside, root)
            raise
        os.rename(aside, staging)
    except OSError as exc:
        raise OutputError(f"cannot put the new {root} in place: {_where(exc)}") from None


def _update_in_place(root: Path, generated: dict[PurePosixPath, str | bytes]) -> None:
    """For a ``root`` that is a mount point (it cannot be renamed): file by file, each one atomic.

    Not all-or-nothing across files; what slaforge wrote before and no longer writes is still removed.
    """
    old = read_manifest(root)
    for rel, content in generated.items():
        write_file(root.joinpath(*rel.parts), content)
    write_file(root / MANIFEST, _manifest(generated))
    for rel in sorted(old - set(generated), reverse=True):
        with contextlib.suppress(FileNotFoundError):
            try:
                root.joinpath(*rel.parts).unlink()
            except OSError as exc:
                raise OutputError(f"cannot remove {root.joinpath(*rel.parts)}: {exc.strerror or exc}") from None
