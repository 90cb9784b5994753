"""JSON as tradewindow reads it from outside: I-JSON (RFC 7493), strictly, with bounded depth.

Every JSON body or file a partner sends passes :func:`check` (a bulk: :func:`split`, then
:func:`check` of each item on its own) before a typed decoder sees it. It refuses, with a
:class:`JsonRefused` naming the rule and where:

* ``json.encoding`` — bytes that are not UTF-8, a byte-order mark, or a declared charset
  other than UTF-8 (RFC 8259 §8.1: JSON exchanged between systems MUST be UTF-8; RFC 7493
  §2.1 likewise);
* ``json.too_deep`` — arrays and objects nested deeper than ``max_depth`` (a decoder's
  recursion is bounded here, not by the interpreter's stack);
* ``json.duplicate_key`` — an object naming a member twice (RFC 7493 §2.3: names MUST be
  unique). Parsers disagree on which value wins, so a signed body with duplicate keys could
  mean one thing to the signature check and another to the reader;
* ``json.character`` — a string holding a character tradewindow cannot store or write back
  as CEB XML: C0 controls other than TAB, LF and CR (XML 1.0 §2.2 ``Char``; PostgreSQL
  text refuses U+0000), unpaired surrogates and noncharacters (RFC 7493 §2.1);
* ``json.number`` — ``NaN`` / ``Infinity`` (not JSON, RFC 8259 §6);
* ``json.structure`` — a bulk that is not the array or object it must be;
* ``json.malformed`` — anything else that is not JSON, with line and column.

Typed decoding (msgspec) follows; it sees only text that passed these rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import accumulate, repeat
from typing import Any

from tradewindow.formats.characters import FORBIDDEN, escaped, first_forbidden

MAX_DEPTH = 32  # CEB messages nest 4 deep, DCSA events 5, requests 3: 32 is ample

Where = tuple[str | int, ...]

_BOM = b"\xef\xbb\xbf"
# The same as UTF-8 bytes (raw C0 controls are not JSON at all, the parser refuses them) and
# as JSON escapes. Both searches start at a fixed byte, which keeps them fast.
_FORBIDDEN_UTF8 = re.compile(
    rb"\xef\xb7[\x90-\xaf]|\xef\xbf[\xbe\xbf]|[\xf0-\xf4][\x8f\x9f\xaf\xbf]\xbf[\xbe\xbf]"
)
_FORBIDDEN_ESCAPE = re.compile(
    rb"\\(?:[bf]|u(?:000[0-8bcef]|001[0-9a-f]|fd[de][0-9a-f]|fff[ef]|d[89a-f][0-9a-f]{2}))",
    re.IGNORECASE,
)
_BELOW_F0 = bytes(range(0xF0))  # deleting these leaves the lead bytes of astral characters
_NOT_STRUCTURE = bytes(set(range(256)) - set(b'{}[]"'))
_OPEN_CLOSE = bytes.maketrans(b"{[}]", b"\x02\x02\x00\x00")


class JsonRefused(Exception):
    """The bytes are not JSON tradewindow reads; ``code`` (``json.<kind>``) says why and
    ``where`` (member names and array indices) where, when it is known."""

    def __init__(self, kind: str, en: str, zh: str, where: Where = ()) -> None:
        self.kind = kind
        self.en = en
        self.zh = zh
        self.where = tuple(_shown(part) for part in where)
        super().__init__(f"json.{kind}: {en}")

    @property
    def code(self) -> str:
        return f"json.{self.kind}"

    @property
    def pointer(self) -> str:
        """``where`` as a JSON Pointer (RFC 6901): ``/events/3/eventID``."""
        return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in self.where)


def _shown(part: str | int) -> str | int:
    return part if isinstance(part, int) else escaped(part)


def check(data: bytes, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise :class:`JsonRefused` unless ``data`` is one strict I-JSON text (see module)."""
    text = _text(data, max_depth)
    _characters(bytes(data), text)
    try:
        json.loads(text, object_pairs_hook=_unique, parse_constant=_no_constant)
    except _Duplicate:
        where, name = _locate(text, _duplicate_at)
        raise JsonRefused(
            "duplicate_key",
            f"the member {_shown(name)!r} appears twice in one object",
            f"同一对象中成员 {_shown(name)!r} 出现两次",
            where,
        ) from None
    except json.JSONDecodeError as error:
        raise _malformed(error) from None
    except RecursionError:  # the depth scan makes this unreachable; kept as a safety net
        raise _too_deep(max_depth) from None


def split(
    data: bytes, *, member: str | None = None, max_depth: int = MAX_DEPTH
) -> list[bytes] | None:
    """The items of a bulk, as the bytes of each, so that each is checked (:func:`check`) and
    read on its own and one bad item costs no other its answer: the top-level array, or with
    ``member`` the array that the top-level object holds under that name (None when it holds
    none). The whole is held to encoding, depth and syntax, the top-level object also to
    unique member names and allowed characters; ``json.structure`` when it is not the array
    or object expected (``where`` names the member when that is what is not an array)."""
    text = _text(data, max_depth)
    try:
        return _Splitter(text).bulk(member)
    except json.JSONDecodeError as error:
        raise _malformed(error) from None
    except RecursionError:  # unreachable after the depth scan; kept as a safety net
        raise _too_deep(max_depth) from None


def declared_charset(content_type: str) -> str | None:
    """The ``charset`` parameter of a Content-Type header, lower case, or None."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def charset(content_type: str) -> None:
    """Refuse a JSON body whose Content-Type declares a charset other than UTF-8."""
    declared = declared_charset(content_type)
    if declared is not None and declared not in ("utf-8", "utf8"):
        raise JsonRefused(
            "encoding",
            f"JSON is exchanged as UTF-8 (RFC 8259 §8.1), not charset={declared[:40]}",
            f"JSON 须以 UTF-8 编码传输（RFC 8259 §8.1），不接受 charset={declared[:40]}",
        )


def _text(data: bytes, max_depth: int) -> str:
    data = bytes(data)  # a msgspec.Raw item of a bulk, a memoryview: bytes from here on
    if data.startswith(_BOM):
        raise JsonRefused(
            "encoding",
            "JSON must not begin with a byte-order mark (RFC 8259 §8.1)",
            "JSON 不得以字节顺序标记（BOM）开头（RFC 8259 §8.1）",
        )
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as error:
        raise JsonRefused(
            "encoding",
            f"the bytes are not UTF-8 (byte {error.start}); JSON is UTF-8 (RFC 8259 §8.1), "
            "GBK or GB18030 text must be converted first",
            f"内容不是 UTF-8 编码（第 {error.start} 字节）；JSON 须为 UTF-8，GBK/GB18030 须先转换",
        ) from None
    if _depth(data) > max_depth:
        raise _too_deep(max_depth)
    return text


def _depth(data: bytes) -> int:
    """How deep arrays and objects nest, brackets inside strings not counted (an invalid
    text gets some number; the parser refuses it next)."""
    if b"\\" in data:  # escaped backslashes and quotes would confuse the string boundaries
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside_strings = b"".join(data.translate(None, _NOT_STRUCTURE).split(b'"')[::2])
    steps = outside_strings.translate(_OPEN_CLOSE)  # 2 opens, 0 closes: minus 1 is the step
    return max(accumulate(map(int.__sub__, steps, repeat(1))), default=0)


def _characters(data: bytes, text: str) -> None:
    if not _has_forbidden(data):
        return
    where, value = _locate(text, _forbidden_in)
    raise _character(value, where)


def _has_forbidden(data: bytes) -> bool:
    if (b"\xef\xb7" in data or b"\xef\xbf" in data or data.translate(None, _BELOW_F0)) and (
        _FORBIDDEN_UTF8.search(data)
    ):
        return True
    if b"\\" not in data:
        return False
    for escape in _FORBIDDEN_ESCAPE.finditer(data):
        start = escape.start()
        backslashes = start - len(data[:start].rstrip(b"\\"))
        if backslashes % 2 == 0 and not _paired(data, escape):
            return True
    return False


def _paired(data: bytes, escape: re.Match[bytes]) -> bool:
    """Whether a surrogate escape is one half of a pair of a character that is not a
    noncharacter (those are refused; the other astral characters are fine)."""
    unit = int(escape.group()[2:6], 16) if len(escape.group()) == 6 else 0
    if 0xDC00 <= unit <= 0xDFFF:  # the second half: judged with the first, if there is one
        high = data[escape.start() - 6 : escape.start()]
        is_escape = _FORBIDDEN_ESCAPE.fullmatch(high) is not None
        return is_escape and 0xD800 <= int(high[2:], 16) < 0xDC00
    if not 0xD800 <= unit <= 0xDBFF:
        return False
    low = data[escape.end() : escape.end() + 6]
    if len(low) < 6 or low[:2].lower() != b"\\u":
        return False
    try:
        second = int(low[2:], 16)
    except ValueError:
        return False
    if not 0xDC00 <= second <= 0xDFFF:
        return False
    return (0x10000 + ((unit - 0xD800) << 10) + (second - 0xDC00)) & 0xFFFE != 0xFFFE


def _character(value: str, where: Where) -> JsonRefused:
    shown = first_forbidden(value) or "a control character"
    return JsonRefused(
        "character",
        f"{shown} cannot be stored or written as CEB XML (XML 1.0 §2.2, RFC 7493 §2.1)",
        f"字符 {shown} 无法保存或写入 CEB XML（XML 1.0 §2.2，RFC 7493 §2.1）",
        where,
    )


class _Duplicate(Exception):
    pass


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Duplicate
    return found


def _no_constant(name: str) -> None:
    raise JsonRefused(
        "number",
        f"{name} is not a JSON number (RFC 8259 §6)",
        f"{name} 不是合法的 JSON 数值（RFC 8259 §6）",
    )


def _malformed(error: json.JSONDecodeError) -> JsonRefused:
    return JsonRefused(
        "malformed",
        f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
        f"不是合法的 JSON：第 {error.lineno} 行第 {error.colno} 列",
    )


def _too_deep(max_depth: int) -> JsonRefused:
    return JsonRefused(
        "too_deep",
        f"arrays and objects nest deeper than {max_depth} levels",
        f"数组和对象嵌套超过 {max_depth} 层",
    )


class _Splitter:
    """Walks the top level of a JSON text with the standard library's scanner, which reads
    each value whole and says where it ends."""

    _decoder = json.JSONDecoder(object_pairs_hook=list)
    _space = re.compile(r"[ \t\n\r]*")

    def __init__(self, text: str) -> None:
        self.text = text

    def bulk(self, member: str | None) -> list[bytes] | None:
        at = self._skip(0)
        items: list[bytes] | None
        if member is None:
            items, at = self._array(at, ())
        else:
            items, at = self._object(at, member)
        if self._skip(at) != len(self.text):
            raise json.JSONDecodeError("Extra data", self.text, self._skip(at))
        return items

    def _object(self, at: int, member: str) -> tuple[list[bytes] | None, int]:
        if not self.text.startswith("{", at):
            raise JsonRefused(
                "structure",
                f"a JSON object with the member {member!r} is expected",
                f"须为含成员 {member!r} 的 JSON 对象",
            )
        items: list[bytes] | None = None
        seen: set[str] = set()
        at = self._skip(at + 1)
        if self.text.startswith("}", at):
            return None, at + 1
        while True:
            if not self.text.startswith('"', at):
                raise json.JSONDecodeError("Expecting property name", self.text, at)
            name, at = self._decoder.raw_decode(self.text, at)
            if name in seen:
                raise JsonRefused(
                    "duplicate_key",
                    f"the member {_shown(name)!r} appears twice in one object",
                    f"同一对象中成员 {_shown(name)!r} 出现两次",
                    (name,),
                )
            seen.add(name)
            if FORBIDDEN.search(name):
                raise _character(name, (name,))
            at = self._skip(at)
            if not self.text.startswith(":", at):
                raise json.JSONDecodeError("Expecting ':' delimiter", self.text, at)
            at = self._skip(at + 1)
            if name == member:
                items, at = self._array(at, (name,))
            else:  # another member: held to every rule, though nothing reads it
                start = at
                _, at = self._decoder.raw_decode(self.text, at)
                try:
                    check(self.text[start:at].encode())
                except JsonRefused as refused:
                    where = (name, *refused.where)
                    raise JsonRefused(refused.kind, refused.en, refused.zh, where) from None
            at = self._skip(at)
            if self.text.startswith(",", at):
                at = self._skip(at + 1)
            elif self.text.startswith("}", at):
                return items, at + 1
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", self.text, at)

    def _array(self, at: int, where: Where) -> tuple[list[bytes], int]:
        if not self.text.startswith("[", at):
            raise JsonRefused("structure", "a JSON array is expected", "须为 JSON 数组", where)
        items: list[bytes] = []
        at = self._skip(at + 1)
        if self.text.startswith("]", at):
            return items, at + 1
        while True:
            start = at
            _, at = self._decoder.raw_decode(self.text, at)
            items.append(self.text[start:at].encode())
            at = self._skip(at)
            if self.text.startswith(",", at):
                at = self._skip(at + 1)
            elif self.text.startswith("]", at):
                return items, at + 1
            else:
                raise json.JSONDecodeError("Expecting ',' delimiter", self.text, at)

    def _skip(self, at: int) -> int:
        found = self._space.match(self.text, at)
        return found.end() if found else at


# --- where: a second, slow walk that runs only to name the place of a refusal -------------


def _locate(text: str, test: Any) -> tuple[Where, str]:
    try:
        tree = json.loads(text, object_pairs_hook=_Pairs)
    except (ValueError, RecursionError):  # not JSON either: the character is what is said
        return (), ""
    for where, found in _walk(tree, ()):
        hit = test(found)
        if hit is not None:
            return (*where, *hit[0]), hit[1]
    return (), ""


class _Pairs(list[tuple[str, Any]]):
    """An object's members in order, duplicates kept."""


def _walk(node: Any, where: Where) -> Iterator[tuple[Where, Any]]:
    yield where, node
    if isinstance(node, _Pairs):
        for name, value in node:
            yield from _walk(value, (*where, name))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*where, index))


def _duplicate_at(node: Any) -> tuple[Where, str] | None:
    if isinstance(node, _Pairs):
        seen: set[str] = set()
        for name, _ in node:
            if name in seen:
                return (name,), name
            seen.add(name)
    return None


def _forbidden_in(node: Any) -> tuple[Where, str] | None:
    if isinstance(node, str) and FORBIDDEN.search(node):
        return (), node
    if isinstance(node, _Pairs):
        for name, _ in node:
            if FORBIDDEN.search(name):
                return (name,), name
    return None
