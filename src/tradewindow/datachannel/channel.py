"""The channel's use cases: what a researcher, a data officer and the regulator may do, each
step checked by the pure rules, kept through the ports and recorded as evidence.

Access is denied by default and answered as *not found* (a person outside a project cannot tell
whether a transfer exists): project members see its datasets and transfers, a transfer's named
recipients download it once released, and the regulator reads the register — mechanisms, states,
totals — never a byte of a dataset.

(Over 400 lines: the three audiences' use cases share the one access check answered as *not
found* and the evidence each step records.)
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date

import msgspec
from cryptography.hazmat.primitives.asymmetric import ed25519

from tradewindow.clock import Clock, utc_now
from tradewindow.datachannel import manifest as manifests
from tradewindow.datachannel import workflow
from tradewindow.datachannel.batching import GroupCommit
from tradewindow.datachannel.lawfulness import (
    Mechanism,
    Requirement,
    Totals,
    policy_on,
    required_mechanism,
    window_start,
)
from tradewindow.datachannel.manifest import CHUNK_SIZE, Manifest, chunk_count, chunk_digest
from tradewindow.datachannel.model import (
    Approval,
    ApprovalKind,
    Dataset,
    Project,
    Role,
    Transfer,
    TransferState,
)
from tradewindow.datachannel.ports import ChannelRecords, ObjectStore, StoredChunk
from tradewindow.datachannel.sealing import (
    Buffers,
    MasterKeys,
    Tampered,
    decrypt_chunk,
    encrypt_chunk_into,
    new_dataset_key,
    sealed_size,
)
from tradewindow.violations import Rejected, Violation

MAX_CHUNK = 64 * 1024 * 1024
AHEAD = 1  # chunks a whole read opens ahead of the one it gives out (2 measured no faster)


# checks an uploaded chunk's SHA-256 while the request's thread encrypts it
_HASHING = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="data-hash")
# the encrypted chunks' buffers, reused from one chunk to the next (no 8 MiB allocation and its
# page faults per chunk); a few kept, any more allocated and dropped
_BUFFERS = Buffers(keep=4)


class NotFound(LookupError):
    """Nothing by that name that this person may see."""


class RegisterEntry(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """One line of the regulator's register: what moved under which mechanism, no contents."""

    transfer: str
    project: str
    sender: str
    recipient: str
    classification: str
    personal_information: str
    persons: int
    mechanism: str
    state: str
    manifest_root: str


def _refused(code: str, en: str, zh: str, path: str = "") -> Rejected:
    return Rejected([Violation(path=path, code=f"DATA.{code}", en=en, zh=zh)])


class Channel:
    def __init__(
        self,
        records: ChannelRecords,
        objects: ObjectStore,
        master: MasterKeys,
        signing_key: ed25519.Ed25519PrivateKey,
        clock: Clock = utc_now,
    ) -> None:
        self.records = records
        self.objects = objects
        self.master = master
        self.signing_key = signing_key
        self.clock = clock
        self._chunk_records: GroupCommit[tuple[str, StoredChunk]] = GroupCommit(records.save_chunks)

    # -- who sees what ---------------------------------------------------------------------

    def projects_of(self, person: str) -> list[Project]:
        return [p for p in self.records.projects() if p.member(person) is not None]

    def project_for(self, person: str, code: str) -> Project:
        project = self.records.project(code)
        if project is None or project.member(person) is None:
            raise NotFound(code)
        return project

    def datasets_for(self, person: str, project: str) -> Sequence[Dataset]:
        return self.records.datasets(self.project_for(person, project).code)

    def transfer_for(self, person: str, id: str) -> tuple[Transfer, Project, Dataset]:
        transfer, project, dataset, _ = self._context(person, id)
        return transfer, project, dataset

    def _context(self, person: str, id: str) -> tuple[Transfer, Project, Dataset, bytes | None]:
        """The transfer, its project and dataset and its sealed key, in one read of the records,
        once the person is found a member of the project (:class:`NotFound` otherwise)."""
        found = self.records.context(id)
        if found is None or found.project is None or found.dataset is None:
            raise NotFound(id)
        if found.project.member(person) is None:
            raise NotFound(id)
        return found.transfer, found.project, found.dataset, found.sealed_key

    def transfers_for(self, person: str) -> list[Transfer]:
        mine = {p.code for p in self.projects_of(person)}
        return [t for t in self.records.transfers() if t.project in mine]

    def register(self) -> list[RegisterEntry]:
        """The regulator's read-only register of every transfer (no dataset contents)."""
        entries = []
        for t in self.records.transfers():
            project = self.records.project(t.project)
            dataset = self.records.dataset(t.dataset)
            if project is None or dataset is None:
                continue
            entries.append(
                RegisterEntry(
                    transfer=t.id,
                    project=t.project,
                    sender=project.sender,
                    recipient=project.recipient,
                    classification=dataset.classification.value,
                    personal_information=dataset.personal_information.value,
                    persons=dataset.persons,
                    mechanism=t.mechanism,
                    state=t.state.value,
                    manifest_root=t.manifest_root,
                )
            )
        return entries

    def totals(self, handler: str, day: date | None = None) -> Totals:
        """The handler's running totals within the window in force on ``day``."""
        day = day or self.clock().date()
        policy = policy_on(day)
        if policy is None:
            return Totals()
        return self.records.totals(handler, window_start(policy, day), day)

    # -- catalogue -------------------------------------------------------------------------

    def save_project(self, project: Project) -> None:
        """Register or change a project as the platform operator (the demo, tests)."""
        self.records.save_project(project)

    def register_project(self, person: str, project: Project) -> Project:
        """A project registered by a data officer of its sending institution, who must be
        named in it as such; an existing project is changed only by one of its sender's data
        officers (another's project is not found)."""
        existing = self.records.project(project.code)
        if existing is not None:
            before = existing.member(person)
            if before is None:
                raise NotFound(project.code)
            if before.role is not Role.DATA_OFFICER or before.institution != existing.sender:
                raise _refused(
                    "project.role",
                    "a project is changed by its sending institution's data officer",
                    "项目由提供方机构的数据保护负责人修改",
                )
        member = project.member(person)
        if (
            member is None
            or member.role is not Role.DATA_OFFICER
            or (member.institution != project.sender)
        ):
            raise _refused(
                "project.role",
                "a project is registered by its sending institution's data officer, named in it",
                "项目由提供方机构的数据保护负责人登记，且须列为成员",
                "members",
            )
        if project.sender == project.recipient:
            raise _refused(
                "project.institutions",
                "the sending and receiving institutions differ",
                "提供方与接收方机构须不同",
                "recipient",
            )
        self.records.save_project(project)
        return project

    def save_dataset(self, person: str, dataset: Dataset) -> None:
        project = self.project_for(person, dataset.project)
        member = project.member(person)
        if member is None or member.institution != project.sender:
            raise _refused(
                "dataset.owner",
                "datasets are catalogued by the sending institution's members",
                "数据集由提供方机构的成员登记",
            )
        self.records.save_dataset(dataset)

    def file_mechanism(self, handler: str, mechanism: Mechanism, reference: str) -> None:
        self.records.file_mechanism(handler, mechanism, reference)

    # -- the transfer ----------------------------------------------------------------------

    def requirement(self, project: Project, dataset: Dataset, day: date) -> Requirement:
        return required_mechanism(
            day,
            dataset.classification,
            dataset.personal_information,
            dataset.persons,
            self.totals(project.sender, day),
            project.sender_region,
            project.recipient_region,
        )

    def request(
        self,
        person: str,
        id: str,
        dataset_code: str,
        recipients: Sequence[str],
        retain_until: date,
    ) -> Transfer:
        dataset = self.records.dataset(dataset_code)
        if dataset is None:
            raise NotFound(dataset_code)
        project = self.project_for(person, dataset.project)
        existing = self.records.transfer(id)
        if existing is not None and not workflow.may_request_again(existing, dataset.code, person):
            raise _refused("transfer.id", f"transfer {id} exists", f"传输{id}已存在", "id")
        now = self.clock()
        requirement = self.requirement(project, dataset, now.date())
        try:
            transfer = workflow.request_transfer(
                id=id,
                project=project,
                dataset=dataset,
                requested_by=person,
                recipients=recipients,
                requirement=requirement,
                on_file=self.records.mechanisms(project.sender),
                day=now.date(),
                retain_until=retain_until,
            )
        except Rejected as refusal:
            detail = {"codes": [v.code for v in refusal.violations], "needs": requirement}
            refused = workflow.refused_request(
                refusal,
                id=id,
                project=project,
                dataset=dataset,
                requested_by=person,
                recipients=recipients,
                requirement=requirement,
                retain_until=retain_until,
            )
            if refused is not None:
                self.records.save_transfer(refused, project.sender, now.date(), dataset)
            self.records.record(id, "refusal", person, now, _text(detail))
            raise
        self.records.save_transfer(transfer, project.sender, now.date(), dataset)
        self.records.record(id, "request", person, now, _text(requirement))
        return transfer

    def approve(
        self, person: str, id: str, kind: ApprovalKind | str, reference: str = ""
    ) -> Transfer:
        transfer, project, dataset = self.transfer_for(person, id)
        if kind not in set(ApprovalKind):
            raise _refused(
                "approval.kind",
                f"an approval is one of {', '.join(ApprovalKind)}",
                "批准类型不正确",
                "kind",
            )
        kind = ApprovalKind(kind)
        now = self.clock()
        approval = Approval(kind=kind, person=person, at=now, reference=reference)
        changed = workflow.approve(transfer, project, approval)
        self._save(changed, project, dataset)
        self.records.record(id, "approval", person, now, _text(approval))
        return changed

    def refuse(self, person: str, id: str) -> Transfer:
        transfer, project, dataset = self.transfer_for(person, id)
        changed = workflow.refuse(transfer, project, person)
        self._save(changed, project, dataset)
        self.records.record(id, "refusal", person, self.clock(), "{}")
        return changed

    def release(self, person: str, id: str) -> Transfer:
        transfer, project, dataset = self.transfer_for(person, id)
        member = project.member(person)
        if member is None or member.role is not Role.DATA_OFFICER:
            raise _refused("release.role", "a data officer releases", "由数据保护负责人放行")
        changed = workflow.release(transfer, dataset)
        self._save(changed, project, dataset)
        self.records.record(id, "release", person, self.clock(), _text(changed.approvals))
        return changed

    def _save(self, transfer: Transfer, project: Project, dataset: Dataset) -> None:
        self.records.save_transfer(transfer, project.sender, self.clock().date(), dataset)

    # -- upload: chunked, resumable --------------------------------------------------------

    def begin_upload(
        self, person: str, id: str, size: int, chunk_size: int = CHUNK_SIZE
    ) -> list[int]:
        """Start (or resume) the upload of ``size`` bytes; answer the chunks still missing."""
        transfer, project, dataset = self.transfer_for(person, id)
        if person != transfer.requested_by:
            raise NotFound(id)
        if transfer.state is not TransferState.REQUESTED:
            raise _refused("upload.state", "the upload is closed", "上传已结束")
        if size < 0 or not 0 < chunk_size <= MAX_CHUNK:
            raise _refused("upload.size", "size or chunk size out of range", "大小或分块超出范围")
        if transfer.size and (transfer.size, transfer.chunk_size) != (size, chunk_size):
            raise _refused(
                "upload.resume",
                f"the upload began as {transfer.size} bytes in chunks of {transfer.chunk_size}",
                "续传的大小或分块与开始时不同",
            )
        if not transfer.size:
            transfer = msgspec.structs.replace(transfer, size=size, chunk_size=chunk_size)
            self._save(transfer, project, dataset)
        if self.records.sealed_key(id) is None:
            self.records.save_key(id, self.master.seal(new_dataset_key()))
        return self.missing_chunks(transfer)

    def missing_chunks(self, transfer: Transfer) -> list[int]:
        have = {c.index for c in self.records.chunks(transfer.id)}
        return [i for i in range(chunk_count(transfer.size, transfer.chunk_size)) if i not in have]

    def put_chunk(self, person: str, id: str, index: int, data: bytes, digest: str) -> None:
        """Keep chunk ``index``; acknowledged (returns) only once stored durably."""
        transfer, _, _, sealed_key = self._context(person, id)
        if person != transfer.requested_by:
            raise NotFound(id)
        if transfer.state is not TransferState.REQUESTED or not transfer.chunk_size:
            raise _refused("upload.state", "no upload is open", "没有进行中的上传")
        if not 0 <= index < chunk_count(transfer.size, transfer.chunk_size):
            raise _refused("upload.index", f"no chunk {index}", f"没有第{index}块", "index")
        start = index * transfer.chunk_size
        expected = min(transfer.chunk_size, transfer.size - start)
        if len(data) != expected:
            raise _refused(
                "upload.length",
                f"chunk {index} is {expected} bytes, not {len(data)}",
                f"第{index}块应为{expected}字节",
            )
        # the SHA-256 is checked on another thread (hashlib lets go of the GIL) while this one
        # encrypts (AES-GCM does not): nothing is stored before the check has passed
        checking = _HASHING.submit(chunk_digest, data)
        key = self._open_key(sealed_key)
        with _BUFFERS.lent(sealed_size(len(data))) as buffer:
            sealed = encrypt_chunk_into(key, id, index, data, buffer, digest.lower())
            if checking.result() != digest.lower():
                raise _refused(
                    "upload.digest",
                    f"chunk {index} does not match its SHA-256",
                    f"第{index}块校验失败",
                )
            # named by what it holds, not hashed again: the ciphertext is authenticated
            # (AES-GCM) and the plaintext checked against the manifest on every read
            name = hashlib.sha256(f"{id}/{index}/{digest.lower()}".encode()).hexdigest()
            name = self.objects.put(sealed, name)
        stored = StoredChunk(index=index, digest=digest.lower(), object_name=name, size=len(data))
        self._chunk_records.save((id, stored))  # committed with any arriving meanwhile

    def finish_upload(self, person: str, id: str) -> Manifest:
        transfer, project, dataset = self.transfer_for(person, id)
        if person != transfer.requested_by:
            raise NotFound(id)
        missing = self.missing_chunks(transfer) if transfer.chunk_size else [0]
        if missing:
            raise _refused(
                "upload.incomplete",
                f"{len(missing)} chunks are missing (first {missing[0]})",
                f"尚缺{len(missing)}块",
            )
        digests = [c.digest for c in self.records.chunks(id)]
        built = manifests.build(id, dataset.code, transfer.size, transfer.chunk_size, digests)
        signed = manifests.sign(built, self.signing_key)
        self.records.save_manifest(signed)
        changed = workflow.mark_uploaded(transfer, signed.root)
        self._save(changed, project, dataset)
        detail = {"root": signed.root, "size": signed.size, "chunks": len(signed.chunks)}
        self.records.record(id, "upload", person, self.clock(), _text(detail))
        return signed

    def _open_key(self, sealed: bytes | None) -> bytes:
        if sealed is None:
            raise _refused("key.missing", "the dataset key is gone", "数据集密钥已销毁")
        return self.master.open(sealed)

    # -- download: ranges, verified chunk by chunk -----------------------------------------

    def manifest_for(self, person: str, id: str) -> Manifest:
        return self._readable(person, id)[0]

    def _readable(self, person: str, id: str) -> tuple[Manifest, bytes | None]:
        transfer, _, _, sealed_key = self._context(person, id)
        if not workflow.may_download(transfer, person):
            raise NotFound(id)
        found = self.records.manifest(id)
        if found is None:
            raise NotFound(id)
        return found, sealed_key

    def read(self, person: str, id: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """The bytes ``[start, end)`` of the released version, one piece per chunk touched;
        each chunk opens with its key and matches the manifest's SHA-256 before a byte of it is
        given (:class:`Rejected` ``DATA.download.tampered`` otherwise)."""
        found, sealed_key = self._readable(person, id)
        end = found.size if end is None else min(end, found.size)
        if not 0 <= start <= end:
            raise _refused("download.range", "the range is outside the data", "范围超出数据")
        key = self._open_key(sealed_key)
        self.records.record(
            id, "download", person, self.clock(), _text({"start": start, "end": end})
        )
        return self._pieces(found, key, start, end)

    def _pieces(self, found: Manifest, key: bytes, start: int, end: int) -> Iterator[bytes]:
        first, last = start // found.chunk_size, max(start, end - 1) // found.chunk_size
        indexes = list(range(first, last + 1)) if end > start else []
        # one read of the chunk table per download, of the chunks the range touches
        stored = {c.index: c for c in self.records.chunks(found.transfer, first, last)}
        opened: Iterator[bytes]
        if len(indexes) < 2:
            opened = (self._open(found, key, stored.get(i), i) for i in indexes)
        else:
            opened = _ahead(lambda i: self._open(found, key, stored.get(i), i), indexes)
        for index, plain in zip(indexes, opened, strict=True):
            chunk_start, _ = found.chunk_range(index)
            yield plain[max(0, start - chunk_start) : end - chunk_start]

    def _open(self, found: Manifest, key: bytes, chunk: StoredChunk | None, index: int) -> bytes:
        tampered = _refused(
            "download.tampered",
            f"chunk {index} does not match the manifest",
            f"第{index}块与清单不符",
        )
        if chunk is None:
            raise tampered
        expected = found.chunks[index]
        try:
            stored = self.objects.get(chunk.object_name)
        except KeyError:
            raise tampered from None
        try:
            # sealed with the SHA-256 checked on upload as associated data: it opens against the
            # manifest's digest only if it is the very chunk the manifest names
            return decrypt_chunk(key, found.transfer, index, stored, expected)
        except Tampered:
            pass
        try:  # a chunk sealed before the digest was bound: opened, then hashed
            plain = decrypt_chunk(key, found.transfer, index, stored)
        except Tampered:
            raise tampered from None
        if chunk_digest(plain) != expected:
            raise tampered
        return plain

    def record_verification(self, person: str, id: str, root: str, ok: bool) -> str:
        """The recipient's word that it checked the manifest and every chunk."""
        self.manifest_for(person, id)
        detail = {"root": root, "ok": ok}
        return self.records.record(id, "verification", person, self.clock(), _text(detail))

    # -- retention -------------------------------------------------------------------------

    def destroy(self, person: str, id: str) -> str:
        """Delete every stored chunk and the dataset key; answer the proof recorded: the SHA-256
        over the objects deleted, each confirmed absent afterwards."""
        transfer, project, dataset = self.transfer_for(person, id)
        member = project.member(person)
        if member is None or member.role is not Role.DATA_OFFICER:
            raise _refused("destruction.role", "a data officer destroys", "由数据保护负责人销毁")
        now = self.clock()
        changed = workflow.destroy(transfer, now.date())
        names = sorted({c.object_name for c in self.records.chunks(id)})
        for name in names:
            self.objects.delete(name)
        absent = [not self.objects.exists(name) for name in names]
        if not all(absent):
            raise OSError(f"{absent.count(False)} objects of {id} are still stored")
        self.records.forget_chunks(id)
        proof = hashlib.sha256("\n".join(["destroyed", id, *names]).encode()).hexdigest()
        self._save(changed, project, dataset)
        detail = {"objects": len(names), "proof": proof, "keyDestroyed": True}
        self.records.record(id, "destruction", person, now, _text(detail))
        return proof


def _ahead(open_chunk: Callable[[int], bytes], indexes: list[int]) -> Iterator[bytes]:
    """The chunks opened (read, decrypted, checked against the manifest) ``AHEAD`` at a time on
    workers while the one before them is consumed: AES-GCM holds the GIL but SHA-256 and file
    reads do not, so the cores overlap. At most ``AHEAD`` chunks are open beyond the one given
    out (memory stays flat); nothing is given out before it is checked, and a refusal is raised
    in order."""
    with ThreadPoolExecutor(max_workers=AHEAD, thread_name_prefix="data-read") as pool:
        queued = iter(indexes)
        pending: deque[Future[bytes]] = deque(
            pool.submit(open_chunk, i) for i in itertools.islice(queued, AHEAD)
        )
        try:
            while pending:
                current = pending.popleft().result()
                following = next(queued, None)
                if following is not None:
                    pending.append(pool.submit(open_chunk, following))
                yield current
        finally:
            for future in pending:
                future.cancel()


def _text(value: object) -> str:
    return msgspec.json.encode(value).decode()
