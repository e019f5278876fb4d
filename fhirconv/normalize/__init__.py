"""Normalisation: words as written -> codes and dates, through the code tables in ``mappings/codes``.

Lookups go through each table's rows with its ``__default__`` row as the fallback, so adding a unit or
route is a data change, never a code change.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..mapping import MappingStore
from ..model import Coding
from ..text import fold

__all__ = ["DEFAULT_INDEX_DATE", "Normalizer", "Unit"]

# Day 0 (the presentation) is placed here unless --index-date says otherwise. A fixed, documented date
# keeps output reproducible; it is never "today".
DEFAULT_INDEX_DATE = dt.date(2000, 1, 1)


@dataclass(frozen=True, slots=True)
class Unit:
    ucum: str | None
    display: str


def _key(raw: str) -> str:
    return re.sub(r"\s+", " ", fold(raw).strip())


class CodeTable:
    def __init__(self, data: dict[str, Any]) -> None:
        self.name: str = data["name"]
        self.rows: dict[str, dict[str, Any]] = {
            _key(k) if k != "__default__" else k: v for k, v in data["rows"].items()
        }
        self.default: dict[str, Any] = data["rows"].get("__default__", {})

    def get(self, raw: str) -> dict[str, Any]:
        return self.rows.get(_key(raw), self.default)

    def has(self, raw: str) -> bool:
        return _key(raw) in self.rows


class Normalizer:
    def __init__(self, store: MappingStore, index_date: dt.date = DEFAULT_INDEX_DATE) -> None:
        self.index_date = index_date
        self.units = CodeTable(store.load("codes/units"))
        self.routes = CodeTable(store.load("codes/routes"))
        self.frequencies = CodeTable(store.load("codes/frequencies"))
        self.interpretations = CodeTable(store.load("codes/interpretations"))
        self.categories = CodeTable(store.load("codes/categories"))

    def unit(self, raw: str) -> Unit:
        raw = raw.strip()
        row = self.units.get(raw)
        if row.get("ucum"):
            return Unit(row["ucum"], row.get("display") or raw)
        # compound forms the table lacks: "<unit>/kg"
        m = re.fullmatch(r"(.+?)\s*/\s*kg", raw, flags=re.IGNORECASE)
        if m:
            base = self.units.get(m.group(1))
            if base.get("ucum"):
                return Unit(f"{base['ucum']}/kg", f"{base.get('display') or m.group(1)}/kg")
        return Unit(None, raw)

    def route(self, raw: str) -> Coding | None:
        row = self.routes.get(raw)
        return Coding(row["system"], row["code"], row.get("display") or "") if row.get("code") else None

    def frequency(self, raw: str) -> dict[str, Any]:
        return dict(self.frequencies.get(raw))

    def interpretation(self, kind: str) -> Coding | None:
        row = self.interpretations.get(kind)
        return Coding(row["system"], row["code"], row.get("display") or "") if row.get("code") else None

    def category(self, name: str) -> Coding | None:
        row = self.categories.get(name)
        return Coding(row["system"], row["code"], row.get("display") or "") if row.get("code") else None

    def date(self, days: float) -> str:
        """Index date + days, at day precision (the sources rarely say more)."""
        return (self.index_date + dt.timedelta(days=round(days))).isoformat()
