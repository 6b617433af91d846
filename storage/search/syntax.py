"""Full-text search over versions: one query syntax, two engines.

Users write web-search syntax on every backend: words (all must match),
``"a phrase"``, ``OR`` between alternatives, ``-word`` or ``NOT word`` to
exclude, and parentheses to group: ``(council OR nato) ward`` is
``council ward OR nato ward``. An exclusion outside parentheses applies to
every alternative (``a OR b -c`` keeps ``c`` out of both); inside, to its
group's. :func:`parse` reads it once into alternatives (the query's
disjunctive form); it is rendered as an FTS5 MATCH expression on SQLite and
as a tsquery on PostgreSQL, with every word quoted so neither engine sees
operators the user did not mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product

from storage.db.errors import BadQuery

MAX_ALTERNATIVES = 64
MAX_NESTING = 16  # parentheses inside parentheses: the reader recurses once per level
_TOKEN = re.compile(r'-?"[^"]*"?|[()]|[^\s()]+')
_WORD_JUNK = re.compile(r'["()*:^{}]')


@dataclass(slots=True)
class Branch:
    """One alternative: terms that must all match, and terms that must not."""

    terms: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Query:
    """Alternatives (OR) of terms that must all match; ``excluded`` is kept out of every one."""

    branches: list[Branch] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def alternatives(self) -> list[list[str]]:
        return [branch.terms for branch in self.branches]

    def branch_exclusions(self, branch: Branch) -> list[str]:
        """What ``branch`` must not match: its own exclusions and the query's."""
        return list(dict.fromkeys(branch.excluded + self.excluded))


def parse(text: str) -> Query:
    """Parse a user's search string; raise :class:`BadQuery` if nothing must match or it does not parse."""
    tokens = _TOKEN.findall(text)
    reader = _Reader(text, tokens)
    branches, excluded = reader.top_level()
    branches = [b for b in branches if b.terms]
    if not branches:
        raise BadQuery(f"nothing to search for in {text!r}: give at least one word that must match")
    return Query(branches, excluded)


class _Reader:
    """Recursive descent over the tokens: expression = conjunction (OR conjunction)*."""

    def __init__(self, text: str, tokens: list[str]) -> None:
        self.text, self.tokens, self.at = text, tokens, 0
        self.depth = 0  # parentheses open at the reading point

    def top_level(self) -> tuple[list[Branch], list[str]]:
        excluded: list[str] = []
        branches = self._expression(excluded)
        if self.at < len(self.tokens):
            raise BadQuery(f"unbalanced parenthesis in {self.text!r}: every ')' needs its '('")
        return branches, excluded

    def _expression(self, top_exclusions: list[str] | None) -> list[Branch]:
        branches = self._conjunction(top_exclusions)
        while self._peek() == "OR":
            self.at += 1
            branches = branches + self._conjunction(top_exclusions)
        if len(branches) > MAX_ALTERNATIVES:
            raise BadQuery(f"{self.text!r} has more than {MAX_ALTERNATIVES} alternatives: simplify it")
        return branches

    def _conjunction(self, top_exclusions: list[str] | None) -> list[Branch]:
        """Terms and groups side by side: every alternative of each, combined."""
        parts: list[list[Branch]] = []
        while self._peek() not in (None, "OR", ")"):
            negated, token = self._negation()
            if token == "(":
                group = self._group()
                if not negated:
                    parts.append(group)
                elif top_exclusions is not None:
                    top_exclusions.extend(_single_terms(group, self.text))
                else:
                    parts.append([Branch(excluded=_single_terms(group, self.text))])
                continue
            term = _term(token)
            if term is None:
                continue
            if negated and top_exclusions is not None:
                top_exclusions.append(term)  # outside parentheses: out of every alternative
            else:
                parts.append([Branch(excluded=[term])] if negated else [Branch(terms=[term])])
        return [_merge(combination) for combination in product(*parts)] if parts else [Branch()]

    def _negation(self) -> tuple[bool, str]:
        negated = False
        token = self._next()
        while token in ("NOT", "AND", "+"):
            negated = negated or token == "NOT"
            token = self._next()
            if token is None:
                return negated, ""
        if token.startswith("-") and len(token) > 1:
            return True, token[1:]
        if token == "-" and self._peek() == "(":
            return True, self._next() or ""
        return negated, token

    def _group(self) -> list[Branch]:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise BadQuery(f"{_shown(self.text)} nests parentheses more than {MAX_NESTING} deep: simplify it")
        branches = self._expression(None)
        if self._next() != ")":
            raise BadQuery(f"unbalanced parenthesis in {self.text!r}: a '(' is never closed")
        self.depth -= 1
        return branches

    def _peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _next(self) -> str | None:
        token = self._peek()
        self.at += token is not None
        return token


def _shown(text: str) -> str:
    """A query as an error message quotes it: a hostile one of thousands of characters, cut short."""
    return repr(text) if len(text) <= 80 else repr(text[:60]) + f"… ({len(text)} characters)"


def _term(token: str) -> str | None:
    term = " ".join(_WORD_JUNK.sub(" ", token).split())
    return term if term and any(char.isalnum() for char in term) else None  # "-" or "&" alone is no word


def _merge(branches: tuple[Branch, ...]) -> Branch:
    merged = Branch()
    for branch in branches:
        merged.terms += [t for t in branch.terms if t not in merged.terms]
        merged.excluded += [t for t in branch.excluded if t not in merged.excluded]
    return merged


def _single_terms(group: list[Branch], text: str) -> list[str]:
    """``-(a OR b)``: both excluded. A group of several words together cannot be excluded word by word."""
    if any(len(branch.terms) != 1 or branch.excluded for branch in group):
        raise BadQuery(f"cannot exclude a group of several words in {text!r}: exclude a \"phrase\" or each word")
    return [branch.terms[0] for branch in group]


def _quote(term: str) -> str:
    return '"' + term + '"'


def to_fts5(query: Query) -> str:
    """The query as an SQLite FTS5 MATCH expression."""
    if all(not branch.excluded for branch in query.branches):
        groups = " OR ".join("(" + " AND ".join(map(_quote, group)) + ")" for group in query.alternatives)
        if not query.excluded:
            return groups
        return f"({groups}) NOT (" + " OR ".join(map(_quote, query.excluded)) + ")"
    return " OR ".join(_fts5_branch(branch, query.branch_exclusions(branch)) for branch in query.branches)


def _fts5_branch(branch: Branch, excluded: list[str]) -> str:
    required = "(" + " AND ".join(map(_quote, branch.terms)) + ")"
    return f"({required} NOT (" + " OR ".join(map(_quote, excluded)) + "))" if excluded else required


def to_websearch(query: Query) -> str:
    """The query as PostgreSQL ``websearch_to_tsquery`` input (exclusions in every branch they apply to)."""
    branches = []
    for branch in query.branches:
        excluded = " ".join("-" + _quote(term) for term in query.branch_exclusions(branch))
        branches.append(" ".join(map(_quote, branch.terms)) + (" " + excluded if excluded else ""))
    return " or ".join(branches)
