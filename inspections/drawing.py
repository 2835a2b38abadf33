"""The draw itself, as a pure function of published inputs (algorithm `onevisit-draw/1`).

Nothing here reads the database or the clock: given the sorted target list, the sorted inspector
list, the 回避 pairs, the ratio, the team size and the seed, `draw` always gives the same teams, so
anyone holding the published inputs recomputes a draw (docs/inspection-draws.md says how, step by
step, for a reader who writes their own program).

Randomness: a SHA-256 counter stream keyed by the seed (block i = SHA-256(seed ‖ i as 8 bytes
big-endian), read as 64-bit big-endian words); an integer below n by rejection, so every value is
equally likely; choices by a partial Fisher–Yates shuffle. Python's `random` is not used: its
algorithms are not promised to stay the same between versions, and a verifier may use any language.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from workflows import errors

ALGORITHM = "onevisit-draw/1"
WORD = 2 ** 64


def canonical(value: Any) -> bytes:
    """The bytes hashed for a value: JSON, keys sorted, no spaces, UTF-8 (Chinese kept as is)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def sha256_hex(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def sample_size(eligible: int, ratio_percent: Decimal | str) -> int:
    """How many targets a ratio takes, rounded up (不低于): 5% of 41 is 2.05, so 3. Exact, no floats."""
    return min(eligible, math.ceil(Fraction(eligible) * Fraction(str(ratio_percent)) / 100))


def commitment(fields: dict[str, Any]) -> str:
    """The announcement's fingerprint: SHA-256 of everything announced before the seed is known."""
    return sha256_hex({"algorithm": ALGORITHM, **fields})


def seed_of(commitment_hex: str, beacon_value: str) -> str:
    """The seed: SHA-256 of the commitment and the public value fixed after the announcement."""
    return sha256_hex({"commitment": commitment_hex, "beacon": beacon_value.strip()})


class Stream:
    """Uniform integers from the seed: SHA-256(seed ‖ counter) blocks, 64-bit words, rejection sampling."""

    def __init__(self, seed_hex: str):
        self._seed = bytes.fromhex(seed_hex)
        self._counter = 0
        self._words: list[int] = []

    def _word(self) -> int:
        if not self._words:
            block = hashlib.sha256(self._seed + self._counter.to_bytes(8, "big")).digest()
            self._counter += 1
            self._words = [int.from_bytes(block[i:i + 8], "big") for i in (24, 16, 8, 0)]
        return self._words.pop()

    def below(self, n: int) -> int:
        """An integer in [0, n), each equally likely: words past the last whole multiple of n are drawn again."""
        limit = WORD - WORD % n
        while True:
            word = self._word()
            if word < limit:
                return word % n


def choose(stream: Stream, items: Sequence[str], k: int) -> list[str]:
    """k of the items in the order drawn (partial Fisher–Yates: swap position i with one of i..n-1)."""
    pool = list(items)
    for i in range(k):
        j = i + stream.below(len(pool) - i)
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


@dataclass(frozen=True)
class Assignment:
    target: str  # licence number
    team: tuple[str, ...]  # 执法证号, sorted

    def as_list(self) -> list[Any]:
        return [self.target, list(self.team)]


def draw(*, targets: Sequence[str], inspectors: Sequence[str], avoid: Iterable[tuple[str, str]],
         ratio_percent: Decimal | str, team_size: int, seed_hex: str) -> list[Assignment]:
    """The targets drawn, in drawing order, each with a team drawn from the inspectors it need not avoid.

    `targets` and `inspectors` are the committed lists (sorted, as announced); `avoid` holds the
    (执法证号, licence number) pairs that may not meet. Refuses (draw-impossible) with no target, or
    when a drawn target leaves fewer inspectors than a team needs.
    """
    if team_size < 2:
        raise errors.DrawImpossible("每个检查对象至少配 2 名执法检查人员")
    if not targets:
        raise errors.DrawImpossible("检查对象名录为空，无法抽取")
    excluded: dict[str, set[str]] = {}
    for cert_no, number in avoid:
        excluded.setdefault(number, set()).add(cert_no)
    stream = Stream(seed_hex)
    chosen = choose(stream, targets, sample_size(len(targets), ratio_percent))
    out = []
    for number in chosen:
        barred = excluded.get(number, set())
        candidates = [c for c in inspectors if c not in barred] if barred else list(inspectors)
        if len(candidates) < team_size:
            raise errors.DrawImpossible(f"检查对象 {number} 回避后只剩 {len(candidates)} 名执法检查人员，"
                                        f"不足每组 {team_size} 名")
        out.append(Assignment(number, tuple(sorted(choose(stream, candidates, team_size)))))
    return out
