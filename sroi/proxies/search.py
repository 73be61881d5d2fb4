"""Finding a proxy by words: light stemming, the field's synonyms, and near words.

:meth:`sroi.proxies.ProxyTable.search` ranks the rows of a table for a query with
:func:`score_rows`. The rule, in full:

1. **Words.** The query and each searched field are lower-cased and cut into words of
   letters and digits; common words (``the``, ``of``, ``per``, ``cost``...) are dropped and
   each word is stemmed by :func:`stem` (``homelessness`` -> ``homeless``, ``unemployed``
   -> ``unemploy``, ``qualifications`` -> ``qualification``).
2. **Synonyms.** A query word (or a phrase such as ``mental health``) that belongs to one
   of the groups of :data:`SYNONYMS` also looks for the other words of its group, at 0.8
   of the weight, and for the group's *related* words, at 0.5 (``smoking`` looks for
   ``tobacco``, and for ``COPD`` and ``lung cancer``, the costs smoking causes).
3. **Fields.** A word scores in each field where it is found: 3 in the ``id`` and
   ``name`` (searched as one), 2 in ``category``, 0.5 in ``source``, 1 in ``note``; half
   that where a word of the field only starts with it (``homeless`` in
   ``homelessness``). For each field the best of the word and its synonyms counts.
4. **Rows.** A row's score is the sum over the query's words, times the share of those
   words it matches, so rows matching every word come first. A query that is exactly a
   row's id, the id it replaces (``replaces``) or its cost code (``CR8.4``) puts that row
   first. Ties keep table order; rows scoring 0 are left out.

When nothing matches, :func:`near_words` offers the words of the table closest in
spelling (by :mod:`difflib`).

References
----------
.. [1] M. F. Porter (1980). An algorithm for suffix stripping. *Program* 14(3), 130-137
   (the idea; the rule here is a much lighter suffix list).
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["SYNONYMS", "near_words", "score_rows", "stem", "words"]

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "per",
        "the",
        "to",
        "with",
        "each",
        "cost",
        "costs",
        "value",
    ]
)

#: Groups of words that mean the same in the field, each with related words searched at
#: lower weight: (words, related words). Phrases are written with spaces.
SYNONYMS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        (
            "unemployed",
            "unemployment",
            "workless",
            "worklessness",
            "jobless",
            "jobseeker",
            "job seeker",
            "jobseekers allowance",
            "jsa",
            "out of work",
            "entering work",
        ),
        ("employment", "benefit", "neet"),
    ),
    (
        ("neet", "neets", "not in employment education or training"),
        ("young people", "unemployment", "workless"),
    ),
    (
        ("debt", "debts", "arrears", "rent arrears", "debt advice", "money advice"),
        ("eviction", "repossession", "financial inclusion"),
    ),
    (
        (
            "mental health",
            "mental illness",
            "anxiety",
            "anxious",
            "depression",
            "depressed",
            "psychological",
            "psychiatric",
        ),
        ("cognitive behaviour therapy", "counselling", "wellbeing", "stress"),
    ),
    (
        ("smoking", "smoker", "tobacco", "cigarette", "cigarettes"),
        ("copd", "lung cancer", "chronic obstructive pulmonary", "asthma", "respiratory"),
    ),
    (
        (
            "training",
            "apprenticeship",
            "apprentice",
            "qualification",
            "skills",
            "nvq",
            "btec",
            "city guilds",
            "adult learning",
        ),
        ("education", "graduate", "school"),
    ),
    (
        (
            "homeless",
            "homelessness",
            "rough sleeping",
            "rough sleeper",
            "rough sleepers",
            "temporary accommodation",
            "hostel",
            "bed and breakfast",
        ),
        ("eviction", "housing advice", "housing options", "tenancy"),
    ),
    (
        ("loneliness", "lonely", "isolation", "isolated", "social isolation"),
        ("wellbeing", "volunteering", "befriending"),
    ),
    (
        ("confidence", "self confidence", "self esteem", "self efficacy"),
        ("wellbeing", "wellby", "life satisfaction", "mental health"),
    ),
    (
        ("wellbeing", "well being", "wellby", "life satisfaction", "happiness"),
        ("qaly", "mental health"),
    ),
    (
        ("volunteering", "volunteer", "volunteers", "volunteered"),
        ("community", "wellbeing"),
    ),
    (
        ("anti social behaviour", "antisocial behaviour", "asb", "nuisance"),
        ("crime", "neighbourhood dispute"),
    ),
    (
        ("domestic violence", "domestic abuse"),
        ("crime", "violence"),
    ),
    (
        ("crime", "offence", "offending", "offender", "reoffending"),
        ("police", "prison", "court"),
    ),
    (
        ("alcohol", "drinking", "drink", "alcohol misuse"),
        ("drugs", "substance misuse", "detoxification"),
    ),
    (
        ("drugs", "drug misuse", "substance misuse", "addiction"),
        ("alcohol", "detoxification", "methadone"),
    ),
    (
        ("social care", "care home", "residential care", "home care", "domiciliary care"),
        ("nursing care", "day care", "reablement"),
    ),
    (
        ("looked after", "foster", "fostering"),
        ("child protection", "children in need", "care leaver"),
    ),
    (
        ("carbon", "emissions", "greenhouse gas", "co2", "co2e"),
        ("climate", "environment"),
    ),
    (
        ("gp", "general practitioner", "doctor", "primary care"),
        ("nurse", "consultation"),
    ),
    (
        ("hospital", "accident and emergency", "emergency department", "admission"),
        ("inpatient", "outpatient", "ambulance"),
    ),
    (
        ("disability", "disabled", "disabilities"),
        ("personal independence payment", "disability living allowance", "adaptations"),
    ),
)

_WORD = re.compile(r"[a-z0-9]+")
_A_AND_E = re.compile(r"\ba\s*(?:&|and)\s*e\b")
"""A&E, A and E: accident and emergency, so that it is found by its words."""
_HYPHENATED = re.compile(r"\b([a-z]+)-([a-z]+)\b")
_SUFFIXES = ("ments", "ment", "ness", "ings", "ing", "ies", "es", "ed", "s")


def stem(word: str) -> str:
    """A word with one common English ending trimmed, keeping at least four letters.

    >>> stem("homelessness"), stem("unemployed"), stem("offences"), stem("training")
    ('homeless', 'unemploy', 'offence', 'train')
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            if suffix == "s" and word.endswith("ss"):
                return word
            if suffix == "es" and not word.endswith(("shes", "ches", "sses", "xes")):
                return word[:-1]  # "homes" -> "home", "offences" -> "offence"
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def words(text: str) -> list[str]:
    """The stemmed words of ``text``, common words left out.

    >>> words("Homelessness applications, per household")
    ['homeless', 'application', 'household']
    """
    text = _A_AND_E.sub(" accident emergency ", text.lower())
    text = _HYPHENATED.sub(r"\1\2", text)  # long-term -> longterm, one word as typed
    return [stem(w) for w in _WORD.findall(text) if w not in _STOPWORDS and len(w) > 1]


Phrase = tuple[str, ...]


def _phrase(text: str) -> Phrase:
    return tuple(words(text))


@dataclass(frozen=True)
class _Group:
    same: tuple[Phrase, ...]
    related: tuple[Phrase, ...]


_GROUPS: tuple[_Group, ...] = tuple(
    _Group(
        tuple(dict.fromkeys(p for p in map(_phrase, same) if p)),
        tuple(dict.fromkeys(p for p in map(_phrase, related) if p)),
    )
    for same, related in SYNONYMS
)
_BY_PHRASE: dict[Phrase, list[_Group]] = {}
for _group in _GROUPS:
    for _p in _group.same:
        _BY_PHRASE.setdefault(_p, []).append(_group)
_LONGEST = max(len(p) for p in _BY_PHRASE)


def _terms(text: str) -> list[Phrase]:
    """The query's terms: its words, with a synonym phrase (``mental health``) as one."""
    found = words(text)
    terms: list[Phrase] = []
    i = 0
    while i < len(found):
        for size in range(min(_LONGEST, len(found) - i), 1, -1):
            if tuple(found[i : i + size]) in _BY_PHRASE:
                terms.append(tuple(found[i : i + size]))
                i += size
                break
        else:
            terms.append((found[i],))
            i += 1
    return list(dict.fromkeys(terms))


def _expansions(term: Phrase) -> list[tuple[Phrase, float]]:
    """A term and what it also looks for, with weights: itself 1, synonyms 0.8, related 0.5."""
    out: dict[Phrase, float] = {term: 1.0}
    for group in _BY_PHRASE.get(term, []):
        for p in group.same:
            out[p] = max(out.get(p, 0.0), 0.8)
        for p in group.related:
            out[p] = max(out.get(p, 0.0), 0.5)
    return list(out.items())


class Field:
    """The words of one searched field of one row, for exact and prefix look-up."""

    __slots__ = ("_set", "_sorted")

    def __init__(self, text: str) -> None:
        found = words(text)
        self._set = frozenset(found)
        self._sorted = sorted(self._set)

    def match(self, phrase: Phrase) -> float:
        """1 if every word of ``phrase`` is a word of the field; 0.5 if a one-word phrase
        of at least 4 letters starts a word of the field; else 0."""
        if all(w in self._set for w in phrase):
            return 1.0
        if len(phrase) == 1 and len(phrase[0]) >= 4:
            word = phrase[0]
            i = bisect.bisect_left(self._sorted, word)
            if i < len(self._sorted) and self._sorted[i].startswith(word):
                return 0.5
        return 0.0


#: The searched fields and their weights; ``id`` and ``name`` are searched as one field.
FIELDS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("id", "name"), 3.0),
    (("category",), 2.0),
    (("source",), 0.5),
    (("note",), 1.0),
)


def score_rows(
    text: str,
    rows: Sequence[Sequence[Field]],
    exact: Sequence[Iterable[str]],
) -> list[tuple[float, int]]:
    """Scores of the rows for the query ``text``, as ``(score, position)``, best first.

    Parameters
    ----------
    text : str
        The query.
    rows : sequence of sequence of Field
        Each row's fields, in the order of :data:`FIELDS`.
    exact : sequence of iterable of str
        Each row's exact keys (id, replaced ids, cost code), compared without case.

    Returns
    -------
    list of (float, int)
        The rows scoring more than 0, best first; ties in row order.
    """
    terms = _terms(text)
    wanted = text.strip().lower()
    expanded = [_expansions(t) for t in terms]
    weights = [w for _, w in FIELDS]
    scored: list[tuple[float, int]] = []
    for position, fields in enumerate(rows):
        keys = {k.lower() for k in exact[position]}
        score = 100.0 if wanted and wanted in keys else 0.0
        matched = 0
        for options in expanded:
            term_score = 0.0
            for field, weight in zip(fields, weights, strict=True):
                best = max(w * field.match(p) for p, w in options)
                term_score += weight * best
            if term_score:
                matched += 1
                score += term_score
        if terms:
            score *= max(matched, 1 if score >= 100 else 0) / len(terms)
        if score > 0:
            scored.append((score, position))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored


def near_words(text: str, vocabulary: Iterable[str], n: int = 5) -> list[str]:
    """Words of ``vocabulary`` closest in spelling to the words of ``text``, best first.

    >>> near_words("homelesness", ["homelessness", "home", "hostel"])
    ['homelessness']
    """
    known = sorted(set(vocabulary))
    found: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS:
            continue
        for close in difflib.get_close_matches(word, known, n=n, cutoff=0.7):
            if close != word and close not in found:
                found.append(close)
    return found[:n]


def vocabulary(texts: Iterable[str]) -> set[str]:
    """The words (not stemmed) of ``texts`` and of the synonym groups, for :func:`near_words`."""
    out = {w for text in texts for w in _WORD.findall(text.lower()) if len(w) > 2}
    for same, related in SYNONYMS:
        for phrase in (*same, *related):
            out.update(w for w in _WORD.findall(phrase) if len(w) > 2)
    return out - _STOPWORDS
