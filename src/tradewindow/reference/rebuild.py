"""Regenerate the shipped copies of the PDDL/MIT tables from ``shared/data``.

    python -m tradewindow.reference.rebuild [SHARED_DATA_DIR]

Writes ``data/hs2022.csv`` (HS 2022, trimmed) and ``data/unlocode.csv.gz`` (UN/LOCODE,
trimmed, gzip with a fixed timestamp so a rebuild from the same input is byte-identical).
Only openly licensed sources are copied; GPL-sourced files (UN/CEFACT Rec 20 …) never are.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

from tradewindow.reference.shared_data import shared_data_dir

DATA = Path(__file__).resolve().parent / "data"

HS_HEADER = """\
# HS 2022 nomenclature (Harmonized System, edition 2022 = UN Comtrade "H6"): chapters (level 2),
# headings (level 4) and 6-digit subheadings (level 6) with UN Comtrade short English descriptions.
# Source: datasets/harmonized-system @ 905e5a0fa29f5700d62cb3cc1265f21bc8a92329,
#   data/harmonized-system.csv (via shared/data/hs/harmonized-system.csv).
# Licence: ODC-PDDL-1.0 (public domain dedication). HS legal texts are WCO material; these are
#   the UN Comtrade short descriptions. Trimmed: the TOTAL row and UN Comtrade's chapter 99
#   "Commodities not specified according to kind" (not part of the HS) are dropped, "TOTAL"
#   parents are left empty. National 8/10-digit lines (China 税则号列) are not included.
# Regenerate with: python -m tradewindow.reference.rebuild
"""

LOCODE_HEADER = """\
# UN/LOCODE release 2023-2 (UNECE), every entry that has a location code.
# Source: uncefact/vocab-locode @ e845bd97234e4a7bc632010d1715ddd118edd03a, locodes/*.csv
#   (via shared/data/unlocode/code-list.csv). Licence: MIT, Copyright (c) 2022 UN/CEFACT.
# Trimmed to: country, location, name, name without diacritics, subdivision, function,
#   status, IATA, coordinates (UNECE DDMM[N/S] DDDMM[E/W]). Bilingual duplicates are kept as
#   separate rows with the same code.
# Regenerate with: python -m tradewindow.reference.rebuild
"""

LOCODE_COLUMNS = (
    "Country",
    "Location",
    "Name",
    "NameWoDiacritics",
    "Subdivision",
    "Function",
    "Status",
    "IATA",
    "Coordinates",
)


def build_hs(source: Path) -> str:
    out = io.StringIO()
    out.write(HS_HEADER)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "level", "parent", "section", "description"])
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["hscode"] == "TOTAL" or row["hscode"].startswith("99"):
                continue  # 99… is UN Comtrade's "not specified according to kind", not HS
            parent = "" if row["parent"] == "TOTAL" else row["parent"]
            writer.writerow(
                [row["hscode"], row["level"], parent, row["section"], row["description"]]
            )
    return out.getvalue()


def build_locode(source: Path) -> bytes:
    out = io.StringIO()
    out.write(LOCODE_HEADER)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "country",
            "location",
            "name",
            "name_ascii",
            "subdivision",
            "function",
            "status",
            "iata",
            "coordinates",
        ]
    )
    with source.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            writer.writerow([row[column] for column in LOCODE_COLUMNS])
    return gzip.compress(out.getvalue().encode("utf-8"), compresslevel=9, mtime=0)


def main(argv: list[str]) -> int:
    shared = Path(argv[1]) if len(argv) > 1 else shared_data_dir()
    if shared is None:
        print("shared/data not found; pass its path", file=sys.stderr)
        return 2
    (DATA / "hs2022.csv").write_text(
        build_hs(shared / "hs" / "harmonized-system.csv"), encoding="utf-8"
    )
    (DATA / "unlocode.csv.gz").write_bytes(build_locode(shared / "unlocode" / "code-list.csv"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
