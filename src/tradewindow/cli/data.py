"""``tradewindow data push|pull|verify``: the research-data channel from a terminal, over its
HTTP API (``/v1/data``), with a progress bar for each transfer.

- ``push FILE --transfer ID``: begin (or resume) the upload, send each chunk still missing with
  its SHA-256, close it; prints the manifest's Merkle root. Run it again after an interruption:
  only the missing chunks go.
- ``pull --transfer ID OUT``: fetch the signed manifest (kept next to OUT as
  ``OUT.manifest.json``), download chunk by chunk with ``Range``, ``--parallel`` at once (each on
  its own connection), each checked against the manifest before it is written at its offset; a
  partly written OUT is resumed (its good chunks are kept); OUT is fsynced, then the verification
  is reported to the channel.
- ``verify FILE``: check FILE against its manifest offline (each chunk, the Merkle root, and the
  platform's signature with ``--public-key``, the PEM ``tradewindow data platform-key`` prints).

The API and the key come from ``--api`` / ``--key`` or ``TRADEWINDOW_API_URL`` /
``TRADEWINDOW_API_KEY``. Exit status: 0 done, 1 refused or not verified, 2 usage.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TransferSpeedColumn,
)

from tradewindow.cli.render import console
from tradewindow.datachannel import manifest as manifests
from tradewindow.datachannel.manifest import (
    CHUNK_SIZE,
    PARALLEL,
    Manifest,
    chunk_count,
    chunk_digest,
)
from tradewindow.datachannel.receiving import Worker, in_parallel, write_at
from tradewindow.evidence.platform_key import load_platform_key, platform_key_path, public_pem
from tradewindow.settings import Settings


class ApiRefused(Exception):
    def __init__(self, status: int, body: bytes) -> None:
        try:
            problem = json.loads(body)
            text = f"{problem.get('code', status)}: {problem.get('detail', '')}"
        except ValueError:
            text = body[:200].decode("utf-8", "replace")
        super().__init__(f"HTTP {status} {text}")


class DataApi:
    """The few calls the commands make, over one keep-alive connection."""

    def __init__(self, url: str, key: str) -> None:
        parts = urlsplit(url)
        self._base = parts.path.rstrip("/")
        self._key = key
        host = parts.netloc
        self._connection = (
            http.client.HTTPSConnection(host, timeout=120)
            if parts.scheme == "https"
            else http.client.HTTPConnection(host, timeout=120)
        )

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201, 206),
    ) -> bytes:
        sent = {"Authorization": f"Bearer {self._key}", **(headers or {})}
        self._connection.request(method, f"{self._base}{path}", body=body, headers=sent)
        response = self._connection.getresponse()
        data = response.read()
        if response.status not in ok:
            raise ApiRefused(response.status, data)
        return data

    def json(self, method: str, path: str, value: object = None) -> Any:
        body = None if value is None else json.dumps(value).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        return json.loads(self.call(method, path, body, headers) or b"null")

    def close(self) -> None:
        self._connection.close()


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("data", help="the research-data channel: push, pull, verify")
    commands = group.add_subparsers(dest="data_command")
    for name, text in (("push", "upload a file (resumable)"), ("pull", "download and verify")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--api", default=os.environ.get("TRADEWINDOW_API_URL", ""))
        command.add_argument("--key", default=os.environ.get("TRADEWINDOW_API_KEY", ""))
        command.add_argument("--transfer", required=True)
        command.add_argument("file", type=Path)
        if name == "push":
            command.add_argument("--chunk-size", type=int, default=CHUNK_SIZE)
        command.add_argument(
            "--parallel",
            type=int,
            default=PARALLEL,
            help=f"chunks moved at once, each on its own connection (default {PARALLEL})",
        )
        command.set_defaults(run=_push if name == "push" else _pull)
    verify = commands.add_parser("verify", help="check a file against its manifest")
    verify.add_argument("file", type=Path)
    verify.add_argument("--manifest", type=Path, help="default: FILE.manifest.json")
    verify.add_argument("--public-key", type=Path, help="the platform's Ed25519 key (PEM)")
    verify.set_defaults(run=_verify)
    key = commands.add_parser("platform-key", help="print the key manifests are signed with")
    key.set_defaults(run=_platform_key)
    group.set_defaults(run=lambda _args: _usage(group))


def _usage(group: argparse.ArgumentParser) -> int:
    group.print_help()
    return 2


def _api(args: argparse.Namespace) -> DataApi | None:
    if not args.api or not args.key:
        console.print("give --api and --key (or TRADEWINDOW_API_URL / TRADEWINDOW_API_KEY)")
        return None
    return DataApi(args.api, args.key)


def _bar(description: str) -> Progress:
    # rich's bar in bytes, with the rate: a large transfer shows how far and how fast
    return Progress(
        TextColumn(description),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=console,
        transient=False,
    )


def _push(args: argparse.Namespace) -> int:
    api = _api(args)
    if api is None:
        return 2
    path = f"/v1/data/transfers/{args.transfer}"
    size = args.file.stat().st_size
    try:
        plan = api.json("POST", f"{path}/upload", {"size": size, "chunkSize": args.chunk_size})
        missing = plan["missing"]
        bar = _bar(f"push {args.transfer}")
        with bar, args.file.open("rb") as file:
            task = bar.add_task("push", total=size)
            bar.update(task, completed=size - _bytes(missing, size, args.chunk_size))
            _send_chunks(args, path, file.fileno(), missing, lambda n: bar.advance(task, n))
        signed = api.json("POST", f"{path}/manifest")
    except (ApiRefused, OSError, http.client.HTTPException) as error:
        console.print(f"push refused: {error}")
        return 1
    finally:
        api.close()
    console.print(f"pushed {size:,} bytes in {len(signed['chunks'])} chunks; root {signed['root']}")
    return 0


def _send_chunks(
    args: argparse.Namespace,
    path: str,
    descriptor: int,
    missing: list[int],
    sent: Callable[[int], None],
) -> None:
    """PUT each missing chunk, ``--parallel`` at once (hashing, sending and the server's work
    overlap). The first refusal stops the others and is raised; chunks already acknowledged
    stay, so a later push resumes from the rest."""

    def send(api: DataApi, index: int) -> None:
        piece = os.pread(descriptor, args.chunk_size, index * args.chunk_size)
        headers = {
            "X-Chunk-SHA256": chunk_digest(piece),
            "Content-Type": "application/octet-stream",
        }
        api.call("PUT", f"{path}/chunks/{index}", piece, headers)
        sent(len(piece))

    in_parallel(args.parallel, missing, _connected(args, send))


class ChunkRefused(Exception):
    """A chunk received that is not the one the manifest names (nothing of it is written)."""


def _fetch_chunks(
    args: argparse.Namespace,
    path: str,
    descriptor: int,
    found: Manifest,
    missing: list[int],
    received: Callable[[int], None],
) -> None:
    """GET each missing chunk's range, ``--parallel`` at once; each is checked against the
    manifest (length and SHA-256) before a byte of it is written, at its offset."""

    def fetch(api: DataApi, index: int) -> None:
        start, end = found.chunk_range(index)
        piece = api.call("GET", f"{path}/content", None, {"Range": f"bytes={start}-{end - 1}"})
        if len(piece) != end - start or chunk_digest(piece) != found.chunks[index]:
            raise ChunkRefused(f"chunk {index} does not match the manifest")
        write_at(descriptor, piece, start)
        received(len(piece))

    in_parallel(args.parallel, missing, _connected(args, fetch))


def _bytes(indexes: list[int], size: int, chunk_size: int) -> int:
    return sum(min(chunk_size, size - i * chunk_size) for i in indexes)


def _pull(args: argparse.Namespace) -> int:
    api = _api(args)
    if api is None:
        return 2
    path = f"/v1/data/transfers/{args.transfer}"
    out: Path = args.file
    try:
        raw = api.call("GET", f"{path}/manifest")
        found = msgspec.json.decode(raw, type=Manifest)
        out.with_name(out.name + ".manifest.json").write_bytes(raw)
        problems = _unsigned_problems(found)
        if not problems:
            have = _good_chunks(out, found)
            missing = [i for i in range(len(found.chunks)) if i not in have]
            bar = _bar(f"pull {args.transfer}")
            descriptor = os.open(out, os.O_WRONLY | os.O_CREAT, 0o644)
            try:
                with bar:
                    task = bar.add_task("pull", total=found.size)
                    bar.update(task, completed=_bytes(sorted(have), found.size, found.chunk_size))
                    _fetch_chunks(
                        args, path, descriptor, found, missing, lambda n: bar.advance(task, n)
                    )
                os.ftruncate(descriptor, found.size)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            # every chunk was checked against the manifest: those kept before it was written
            # over, the others as they came
            if out.stat().st_size != found.size:
                problems.append("DATA.file.size")
        api.json("POST", f"{path}/verification", {"root": found.root, "ok": not problems})
    except ChunkRefused as error:
        console.print(f"{error}")
        return 1
    except (ApiRefused, OSError, http.client.HTTPException, msgspec.DecodeError) as error:
        console.print(f"pull refused: {error}")
        return 1
    finally:
        api.close()
    if problems:
        console.print("not verified: " + ", ".join(problems))
        return 1
    console.print(f"pulled and verified {found.size:,} bytes; root {found.root}")
    return 0


def _good_chunks(path: Path, found: Manifest) -> set[int]:
    """The chunks a partly written file already holds intact (a resumed pull keeps them)."""
    if not path.exists():
        return set()
    good = set()
    with path.open("rb") as file:
        for index, digest in enumerate(found.chunks):
            start, end = found.chunk_range(index)
            file.seek(start)
            piece = file.read(end - start)
            if len(piece) == end - start and chunk_digest(piece) == digest:
                good.add(index)
    return good


def _problems(path: Path, found: Manifest, key: ed25519.Ed25519PublicKey | None) -> list[str]:
    """Why FILE is not what the manifest says (the signature only when a key is given)."""
    problems = manifests.problems(found, key) if key else _unsigned_problems(found)
    if path.stat().st_size != found.size:
        problems.append("DATA.file.size")
    elif len(_good_chunks(path, found)) != chunk_count(found.size, found.chunk_size):
        problems.append("DATA.file.chunk")
    return problems


def _unsigned_problems(found: Manifest) -> list[str]:
    problems = []
    if manifests.merkle_root(found.chunks) != found.root:
        problems.append("DATA.manifest.root")
    if len(found.chunks) != chunk_count(found.size, found.chunk_size):
        problems.append("DATA.manifest.chunks")
    return problems


def _verify(args: argparse.Namespace) -> int:
    manifest_path = args.manifest or args.file.with_name(args.file.name + ".manifest.json")
    try:
        found = msgspec.json.decode(manifest_path.read_bytes(), type=Manifest)
        key = None
        if args.public_key:
            loaded = serialization.load_pem_public_key(args.public_key.read_bytes())
            if not isinstance(loaded, ed25519.Ed25519PublicKey):
                console.print("the public key is not an Ed25519 key")
                return 2
            key = loaded
        problems = _problems(args.file, found, key)
    except (OSError, msgspec.DecodeError) as error:
        console.print(f"cannot verify: {error}")
        return 1
    if problems:
        console.print("NOT verified: " + ", ".join(problems))
        return 1
    signed = "signature checked" if key else "signature not checked (give --public-key)"
    console.print(f"verified: {len(found.chunks)} chunks, root {found.root}, {signed}")
    return 0


def _platform_key(_args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    key = load_platform_key(platform_key_path(settings), create=True)
    sys.stdout.write(public_pem(key.public_key()).decode())
    return 0


def _connected(args: argparse.Namespace, work: Callable[[DataApi, int], None]) -> Worker:
    """``work`` for :func:`in_parallel`, each worker over its own connection to the API."""

    @contextmanager
    def worker() -> Iterator[Callable[[int], None]]:
        api = DataApi(args.api, args.key)
        try:
            yield lambda index: work(api, index)
        finally:
            api.close()

    return worker
