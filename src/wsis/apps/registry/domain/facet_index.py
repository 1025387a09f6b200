"""An in-memory bitmap index of the public entries, for fast filters and facet counts.

Counting every facet over a broad result (``line=C7`` is three quarters of 100,000 entries) means touching
millions of (entry, key) pairs; no SQL plan does that in a few milliseconds. Here each multi-valued facet
key (an action line, an SDG target, a country, a named group) is a row of bits, one bit per entry id, and
single-valued attributes (status, kind, year, organization, last verification, last update) are arrays
indexed by id. A facet count is then ``popcount(key_row & result_row)``: a few milliseconds for every
key at once. Keys that follow from others (a parent action line, a goal, a region, a group whose member
countries are named) are ORs of rows, recomputed from the reference tables, so they are never stale.

Freshness: database triggers (``triggers.py``) append a row to ``IndexChange`` whenever an initiative is
inserted or updated, or its organization's stakeholder type changes, whatever the code path (a form, the
API, an import, a raw ``update()``). Every
search first reads the changes it has not seen and re-reads those entries, so a search in any process
sees every committed change. Ids of changes from transactions still open when read (a gap in the
sequence) are rechecked for a while. When the last change seen has disappeared (a rolled-back
transaction, a flushed or pruned log) the index is rebuilt from scratch."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from wsis.apps.accounts.enums import StakeholderType
from wsis.apps.registry.enums import ActivityStatus, Kind, Light, State
from wsis.apps.registry.models import IndexChange, Initiative, InitiativeTarget

# Above this many unseen changes, rebuilding is cheaper than re-reading entries one batch at a time.
REBUILD_AFTER = 5000
# How long an id missing from the change log (its transaction not yet committed) is looked for again.
GAP_SECONDS = 120.0
# Multi-valued facets stored as bit rows: name -> (through model lookup, key column)
BASE_ROWS = ("line", "target", "country", "named_group")
STATUS = list(ActivityStatus.values)
KINDS = list(Kind.values)
STAKEHOLDERS = list(StakeholderType.values)
NO_TIME = -np.inf
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _epoch(value: dt.datetime | None) -> float:
    return value.timestamp() if value else NO_TIME


def _micros(value: dt.datetime | None) -> int:
    """Exact order of update times (a float of seconds would round microseconds away)."""
    return (value - EPOCH) // dt.timedelta(microseconds=1) if value else 0


@dataclass
class Rows:
    """Named rows of bits over entry ids (uint64 words, bit i of the row is entry id i)."""

    words: int
    index: dict[str, int] = field(default_factory=dict)
    bits: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        # No keys yet, but already ``words`` wide: an empty facet (no public entry names a group) must
        # combine with a row of the index like any other (issue 14: a (0, 1) array broke ``&=``).
        self.bits = np.zeros((0, self.words), dtype=np.uint64)

    def row(self, key: str) -> np.ndarray:
        if key not in self.index:
            self.index[key] = len(self.index)
            if len(self.index) > self.bits.shape[0]:
                grown = np.zeros((max(8, 2 * self.bits.shape[0]), self.words), dtype=np.uint64)
                grown[: self.bits.shape[0]] = self.bits
                self.bits = grown
        return self.bits[self.index[key]]

    def get(self, key: str) -> np.ndarray | None:
        return self.bits[self.index[key]] if key in self.index else None

    def grow(self, words: int) -> None:
        if words > self.words:
            grown = np.zeros((self.bits.shape[0], words), dtype=np.uint64)
            grown[:, : self.words] = self.bits
            self.bits, self.words = grown, words

    def matrix(self) -> tuple[list[str], np.ndarray]:
        keys = list(self.index)
        return keys, self.bits[: len(keys)]


def _words_for(max_id: int) -> int:
    return (max_id + max_id // 8 + 1024) // 64 + 1  # room to grow before the next resize


def mask_of(ids: np.ndarray, words: int) -> np.ndarray:
    """The bit row of a set of ids."""
    flags = np.zeros(words * 64, dtype=bool)
    ids = ids[(ids >= 0) & (ids < words * 64)]
    flags[ids] = True
    return np.packbits(flags, bitorder="little").view(np.uint64)


def ids_of(row: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.unpackbits(row.view(np.uint8), bitorder="little"))


def popcount(row: np.ndarray) -> int:
    return int(np.bitwise_count(row).sum())


class Index:
    """The public entries (published, not merged, not inactive), keyed by id."""

    def __init__(self) -> None:
        self.last_change = 0
        self.last_stamp = ""
        self.gaps: dict[int, float] = {}
        self.built_on: dt.date | None = None
        self._derived: dict[str, Rows] | None = None
        self._reset(64)

    def _reset(self, words: int) -> None:
        self.words = words
        self.rows = {name: Rows(words) for name in BASE_ROWS}
        size = words * 64
        self.public = np.zeros(size, dtype=bool)
        self.org = np.full(size, -1, dtype=np.int64)
        self.stakeholder = np.full(size, -1, dtype=np.int8)
        self.status = np.full(size, -1, dtype=np.int8)
        self.kind = np.full(size, -1, dtype=np.int8)
        self.year = np.zeros(size, dtype=np.int16)
        self.verified = np.full(size, NO_TIME)
        self.updated = np.zeros(size, dtype=np.int64)
        self._derived = None

    def _grow(self, max_id: int) -> None:
        if max_id < self.words * 64:
            return
        words = _words_for(max_id)
        for rows in self.rows.values():
            rows.grow(words)
        extra = words * 64 - self.public.size
        self.public = np.concatenate([self.public, np.zeros(extra, dtype=bool)])
        self.org = np.concatenate([self.org, np.full(extra, -1, dtype=np.int64)])
        self.stakeholder = np.concatenate([self.stakeholder, np.full(extra, -1, dtype=np.int8)])
        self.status = np.concatenate([self.status, np.full(extra, -1, dtype=np.int8)])
        self.kind = np.concatenate([self.kind, np.full(extra, -1, dtype=np.int8)])
        self.year = np.concatenate([self.year, np.zeros(extra, dtype=np.int16)])
        self.verified = np.concatenate([self.verified, np.full(extra, NO_TIME)])
        self.updated = np.concatenate([self.updated, np.zeros(extra, dtype=np.int64)])
        self.words = words
        self._derived = None

    # -- loading -----------------------------------------------------------------------------------

    def rebuild(self) -> None:
        last = IndexChange.objects.order_by("-pk").values_list("pk", "stamp").first()
        top = Initiative.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self._reset(_words_for(top))
        self._load(None)
        self.last_change, self.last_stamp = last if last else (0, "")
        self.gaps = {}
        self.built_on = timezone.now().date()

    def _load(self, ids: list[int] | None) -> None:
        """(Re)read the entries ``ids`` (all when None) into the arrays and rows."""
        public = Q(state=State.PUBLISHED, same_as=None, inactive_since=None)
        entries = Initiative.objects.filter(public)
        if ids is not None:
            entries = entries.filter(pk__in=ids)
            top = max(ids)
            self._grow(top)
            gone = np.array(ids, dtype=np.int64)
            self.public[gone] = False
            clear = ~mask_of(gone, self.words)
            for rows in self.rows.values():
                rows.bits &= clear
        found = list(
            entries.values_list(
                "pk",
                "organization_id",
                "activity_status",
                "kind",
                "start_date",
                "last_verified_at",
                "updated_at",
                "organization__stakeholder_type",
            )
        )
        if not found:
            self._derived = None
            return
        self._grow(max(r[0] for r in found))
        pks = np.array([r[0] for r in found], dtype=np.int64)
        self.public[pks] = True
        self.org[pks] = [r[1] for r in found]
        self.stakeholder[pks] = [STAKEHOLDERS.index(r[7]) if r[7] in STAKEHOLDERS else -1 for r in found]
        self.status[pks] = [STATUS.index(r[2]) if r[2] in STATUS else -1 for r in found]
        self.kind[pks] = [KINDS.index(r[3]) if r[3] in KINDS else -1 for r in found]
        self.year[pks] = [r[4].year if r[4] else 0 for r in found]
        self.verified[pks] = [_epoch(r[5]) for r in found]
        self.updated[pks] = [_micros(r[6]) for r in found]
        scope = {"initiative__in": entries.values("pk")} if ids is not None else {"initiative__in": entries}
        pairs = {
            "line": Initiative.action_lines.through.objects.filter(**scope).values_list(
                "actionline_id", "initiative_id"
            ),
            "target": InitiativeTarget.objects.filter(**scope).values_list("target_id", "initiative_id"),
            "country": Initiative.countries.through.objects.filter(**scope).values_list(
                "economy_id", "initiative_id"
            ),
            "named_group": Initiative.groups.through.objects.filter(**scope).values_list(
                "group_id", "initiative_id"
            ),
        }
        for name, query in pairs.items():
            by_key: dict[str, list[int]] = defaultdict(list)
            for key, pk in query.order_by().iterator(chunk_size=20000):
                by_key[key].append(pk)
            rows = self.rows[name]
            for key, members in by_key.items():
                rows.row(key)[:] |= mask_of(np.array(members, dtype=np.int64), self.words)
        self._derived = None

    def refresh(self) -> None:
        """Apply the changes committed since the last look (see the module docstring)."""
        today = timezone.now().date()
        if self.built_on is None or (
            self.built_on != today and self._membership_changed(self.built_on, today)
        ):
            self.rebuild()
            return
        self.built_on = today
        now = time.monotonic()
        self.gaps = {k: t for k, t in self.gaps.items() if now - t < GAP_SECONDS}
        # One query: the last change seen (to tell it still exists), the ones after it, and the gaps.
        rows = list(
            IndexChange.objects.filter(Q(pk__gte=self.last_change) | Q(pk__in=list(self.gaps)))
            .order_by("pk")
            .values_list("pk", "initiative_id", "stamp")[: REBUILD_AFTER + len(self.gaps) + 2]
        )
        if self.last_change:
            if (self.last_change, self.last_stamp) not in {(r[0], r[2]) for r in rows}:
                self.rebuild()  # rolled back, flushed or pruned: what the index holds is unknown
                return
            rows = [r for r in rows if r[0] != self.last_change]
        if len(rows) > REBUILD_AFTER:
            self.rebuild()
            return
        if not rows:
            return
        for pk, _initiative, _stamp in rows:
            self.gaps.pop(pk, None)
        fresh = [r for r in rows if r[0] > self.last_change]
        if fresh:
            seen_ids = {r[0] for r in fresh}
            for missing in range(self.last_change + 1, fresh[-1][0]):
                if missing not in seen_ids:
                    self.gaps.setdefault(missing, now)
            self.last_change, self.last_stamp = fresh[-1][0], fresh[-1][2]
        try:
            self._load(sorted({r[1] for r in rows}))
        except BaseException:
            # The changes are marked seen but not applied: rebuild at the next search rather than serve
            # stale results until the process restarts.
            self.built_on = None
            raise

    @staticmethod
    def _membership_changed(since: dt.date, today: dt.date) -> bool:
        from wsis.apps.reference.models import Membership

        return Membership.objects.filter(
            Q(valid_from__gt=since, valid_from__lte=today) | Q(valid_to__gt=since, valid_to__lte=today)
        ).exists()

    # -- derived keys ------------------------------------------------------------------------------

    def derived(self) -> dict[str, Rows]:
        """Rows that follow from the base rows and the reference tables: parent lines, goals, regions
        and subregions, and groups (named, or one of whose member countries today is named)."""
        if self._derived is not None:
            return self._derived
        from wsis.apps.reference.models import ActionLine, Economy, Membership, SdgTarget

        out = {name: Rows(self.words) for name in ("lineparent", "goal", "region", "subregion", "group")}

        def fold(target: Rows, key: str, source: np.ndarray | None) -> None:
            if source is not None:
                target.row(key)[:] |= source

        for code, parent in ActionLine.objects.exclude(parent=None).values_list("code", "parent_id"):
            fold(out["lineparent"], parent, self.rows["line"].get(code))
        for code, goal in SdgTarget.objects.values_list("code", "goal_id"):
            fold(out["goal"], goal, self.rows["target"].get(code))
        for iso3, region, subregion in Economy.objects.values_list("iso3", "region_id", "subregion_id"):
            row = self.rows["country"].get(iso3)
            if region:
                fold(out["region"], region, row)
            if subregion:
                fold(out["subregion"], subregion, row)
        today = timezone.now().date()
        current = Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gt=today))
        for group, iso3 in Membership.objects.filter(current).values_list("group_id", "economy_id"):
            fold(out["group"], group, self.rows["country"].get(iso3))
        named_keys, named = self.rows["named_group"].matrix()
        for key, row in zip(named_keys, named, strict=True):
            fold(out["group"], key, row)
        self._derived = out
        return out

    # -- querying ----------------------------------------------------------------------------------

    def any_of(self, rows: Rows, keys: list[str]) -> np.ndarray:
        out = np.zeros(self.words, dtype=np.uint64)
        for key in keys:
            row = rows.get(key)
            if row is not None:
                out |= row
        return out

    def where(self, array: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        return np.packbits(self.public & np.isin(array, allowed), bitorder="little").view(np.uint64)

    def lights(self, now: dt.datetime) -> dict[str, np.ndarray]:
        """The bit row of each light, from the last verification time (it changes as time passes)."""
        yellow = (now - dt.timedelta(days=int(settings.WSIS_REGISTRY_YELLOW_AFTER_DAYS))).timestamp()
        red = (now - dt.timedelta(days=int(settings.WSIS_REGISTRY_RED_AFTER_DAYS))).timestamp()
        known = self.public & (self.verified > NO_TIME)
        flags = {
            Light.GREEN: known & (self.verified > yellow),
            Light.YELLOW: known & (self.verified <= yellow) & (self.verified > red),
            Light.RED: known & (self.verified <= red),
        }
        return {c: np.packbits(f, bitorder="little").view(np.uint64) for c, f in flags.items()}


_lock = threading.Lock()
_index = Index()


def current() -> tuple[Index, threading.Lock]:
    """The process's index, brought up to date; hold the lock while reading it."""
    _lock.acquire()
    try:
        _index.refresh()
    except BaseException:
        _lock.release()
        raise
    return _index, _lock


def prune_changes(*, keep: int = 10 * REBUILD_AFTER) -> int:
    """Drop old change rows (run daily). A process that had not read them rebuilds its index, which is what
    it would do anyway after that many changes."""
    last = IndexChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    deleted, _ = IndexChange.objects.filter(pk__lte=last - keep).delete()
    return deleted
