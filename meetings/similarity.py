"""Near-duplicate detection for self-examination materials (OL-2.5, GAP-DL-2.7): character
n-gram shingles, a MinHash signature for cheap screening, exact Jaccard for what is shown,
and the overlapping passages. Pure Python, no ORM, no extra dependency.

Why characters and not words: Chinese has no spaces, and a segmenter would add a dependency
and a second of start-up for no gain at this size. Trigrams of the text with whitespace and
punctuation removed are robust to re-punctuation and re-ordering of sentences.

The numbers are for a warning shown to a person (never a blocker, never a score): the app
says *how* similar and *which* passages, and a person decides.
"""

from __future__ import annotations

import difflib
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

N = 3  # shingle size in characters
PERMUTATIONS = 64  # MinHash signature length (standard error ≈ 1/√64 ≈ 0.125)
WARN_AT = 0.6  # Jaccard of trigram sets from which a warning is shown
MIN_PASSAGE = 15  # shortest overlapping passage (normalized characters) worth showing
MAX_PASSAGES = 8
SCREEN_FROM = 32  # candidates from which MinHash screening pays off

_PRIME = (1 << 61) - 1
_MASK = (1 << 32) - 1
# Fixed coefficients (deterministic across processes, unlike Python's str hash).
_COEFFS = tuple(
    ((i * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) % _PRIME | 1, (i * 0xC2B2AE3D27D4EB4F + 0x165667B19E3779F9) % _PRIME) for i in range(1, PERMUTATIONS + 1)
)
_DROP = re.compile(r"[\s\u3000，。、；：？！“”‘’（）《》【】—…·,.;:?!\"'()\[\]<>\-_/\\|]+")


def normalize(text: str) -> str:
    """Text without whitespace and punctuation (what shingles and passages are taken from)."""
    return _DROP.sub("", text or "")


def shingles(text: str, n: int = N) -> frozenset[str]:
    s = normalize(text)
    if len(s) < n:
        return frozenset({s}) if s else frozenset()
    return frozenset(s[i : i + n] for i in range(len(s) - n + 1))


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def signature(grams: Iterable[str]) -> tuple[int, ...]:
    """MinHash signature of a shingle set (empty set → empty signature)."""
    hashes = [zlib.crc32(g.encode("utf-8")) & _MASK for g in grams]
    if not hashes:
        return ()
    return tuple(min((a * h + b) % _PRIME for h in hashes) for a, b in _COEFFS)


def estimate(sig_a: Sequence[int], sig_b: Sequence[int]) -> float:
    """Estimated Jaccard from two signatures."""
    if not sig_a or not sig_b:
        return 0.0
    return sum(1 for x, y in zip(sig_a, sig_b, strict=True) if x == y) / len(sig_a)


@dataclass(eq=False)
class Text:
    """One text to compare, with a key (who/what) and a label for people. Its shingles and
    signature are computed once, however many comparisons it takes part in."""

    key: str
    label: str
    text: str

    @cached_property
    def grams(self) -> frozenset[str]:
        return shingles(self.text)

    @cached_property
    def sig(self) -> tuple[int, ...]:
        return signature(self.grams)


@dataclass(frozen=True)
class Match:
    key: str
    label: str
    similarity: float  # exact Jaccard of trigram sets, 0–1
    passages: tuple[str, ...] = ()  # overlapping passages, as they read in the first text

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def passages(a: str, b: str, min_len: int = MIN_PASSAGE, limit: int = MAX_PASSAGES) -> tuple[str, ...]:
    """The longest passages `a` shares with `b` (on normalized text), longest first."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return ()
    matcher = difflib.SequenceMatcher(None, na, nb, autojunk=False)
    blocks = [na[m.a : m.a + m.size] for m in matcher.get_matching_blocks() if m.size >= min_len]
    blocks.sort(key=len, reverse=True)
    return tuple(blocks[:limit])


def compare(target: str | Text, others: Iterable[Text], *, threshold: float = WARN_AT, screen: float | None = None) -> list[Match]:
    """Every text of `others` at least `threshold` similar to `target`, most similar first.

    With many candidates (≥ SCREEN_FROM), MinHash screens them first (`screen`, default
    threshold − 0.25, generous because the estimate errs by about ±0.125); the exact Jaccard
    of the shingle sets (a C-speed set operation) decides and is what is shown."""
    target = target if isinstance(target, Text) else Text("", "", target)
    if not target.grams:
        return []
    others = [o for o in others if o.grams]
    if len(others) >= SCREEN_FROM:
        screen = max(0.0, threshold - 0.25) if screen is None else screen
        others = [o for o in others if estimate(target.sig, o.sig) >= screen]
    found = []
    for other in others:
        sim = jaccard(target.grams, other.grams)
        if sim >= threshold:
            found.append(Match(other.key, other.label, sim, passages(target.text, other.text)))
    found.sort(key=lambda m: m.similarity, reverse=True)
    return found


def best(target: str | Text, others: Iterable[Text]) -> Match | None:
    """The most similar text regardless of the threshold (for the snapshot's max_similarity)."""
    target = target if isinstance(target, Text) else Text("", "", target)
    top = None
    for other in others:
        sim = jaccard(target.grams, other.grams)
        if sim > 0 and (top is None or sim > top.similarity):
            top = Match(other.key, other.label, sim)
    return top


def strip_common(text: str, boilerplate: Iterable[str]) -> str:
    """`text` without passages everyone may legitimately share (opinions quoted verbatim,
    last meeting's measures), so that quoting them does not count as copying."""
    for piece in sorted({p for p in boilerplate if p and len(normalize(p)) >= N}, key=len, reverse=True):
        text = text.replace(piece, " ")
    return text
