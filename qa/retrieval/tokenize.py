"""Split Chinese text into search tokens for the lexical index and for questions.

jieba segments the text; every long word also yields the dictionary words inside it
(search mode), so "四平市铁西区人民政府" matches a question that says "铁西区" or
"人民政府". Names of issuers and places are added to the dictionary so they stay whole.
Each Tokenizer owns its jieba instance: nothing is shared between tokenizers.
"""
from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping

import jieba

jieba.setLogLevel(logging.WARNING)

# Function words and question words: frequent in questions, useless for matching.
STOPWORDS = frozenset(
    """
    的 了 和 与 及 以及 或 等 是 在 为 对 把 被 将 并 其 之 这 那 个 也 都 就 着 过
    吗 呢 吧 啊 呀 么 多少 几 几个 哪 哪些 哪个 哪里 什么 怎么 怎样 如何 是否 有没有 请问
    """.split()
)

# A decimal number ("5.2") or a run of letters, CJK or digits; everything else is a separator.
_WORD = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")
# jieba cuts each run of these characters on its own, so a text's tokens are its runs' tokens in order.
_BLOCK = jieba.re_han_default
# Runs whose tokens are remembered per tokenizer: reports repeat whole clauses (two thirds of the runs, 29% of
# the characters, of the 57 real reports in corpus/ and tests/data; 95% of the generated corpus's characters),
# and jieba's pure-Python segmentation was most of a build's indexing time. An estimated 40 MB when full.
BLOCK_CACHE = 1 << 17


class Tokenizer:
    """Turn text into lowercase search tokens, keeping given names whole.

    The jieba dictionary (~1 s to load) is loaded on first use, once per tokenizer.
    """

    def __init__(self, user_words: Iterable[str] = (), frequencies: Mapping[str, int] | None = None) -> None:
        """Remember the names to keep whole; nothing is loaded yet.

        Args:
            user_words: issuer names and places ("田镇街道", "铁西区"). Their short forms
                ("铁西") are deliberately not added: on the public questions an extra token
                for the place tipped BM25 towards title passages (top-1 0.88 -> 0.68).
            frequencies: the jieba frequency each word got when added (frequencies() of a
                tokenizer with the same words, in the same order). jieba works one out per
                word otherwise, which takes 20 s for the 175,000 names of 100,000 reports;
                given, the dictionary is the same and loads in a fraction of a second.

        Raises:
            TypeError: a user word is not a string.
        """
        self._user_words = _normalised(user_words)
        self._given = dict(frequencies or {})
        self._frequencies: dict[str, int] = {}
        self._segmenter: jieba.Tokenizer | None = None
        self._lock = threading.Lock()
        self._block_tokens = functools.lru_cache(maxsize=BLOCK_CACHE)(self._cut_block)

    @property
    def user_words(self) -> tuple[str, ...]:
        """Return the names kept whole, as given (for the index manifest)."""
        return self._user_words

    def extended(self, words: Iterable[str]) -> "Tokenizer":
        """Return a tokenizer with more user words after this one's, copying its dictionary when loaded.

        A copy of a loaded dictionary takes a fraction of a second where loading one with
        175,000 names takes seconds; the result is the dictionary loading would give.
        """
        more = Tokenizer([*self._user_words, *words], {**self._given, **self._frequencies})
        with self._lock:
            if self._segmenter is None:
                return more
            segmenter = jieba.Tokenizer()
            segmenter.FREQ, segmenter.total = dict(self._segmenter.FREQ), self._segmenter.total
            segmenter.initialized = True
            frequencies = dict(self._frequencies)
        for word in more._user_words[len(self._user_words):]:
            segmenter.add_word(word.lower(), more._given.get(word))
            frequencies[word] = segmenter.FREQ[word.lower()]
        more._frequencies, more._segmenter = frequencies, segmenter
        return more

    def frequencies_of(self, words: Iterable[str]) -> dict[str, int]:
        """Return the frequencies this tokenizer was given or worked out for these words, where known, without loading."""
        known = {**self._given, **self._frequencies}
        return {word: known[word] for word in words if word in known}

    def frequencies(self) -> dict[str, int]:
        """Return the frequency each user word was added with, by word (loading the dictionary if need be)."""
        self._loaded()
        return dict(self._frequencies)

    def tokens(self, text: str) -> list[str]:
        """Split text into search tokens in reading order, parts of a word before the word.

        Args:
            text: any text; full-width characters are folded to half-width first.

        Returns:
            Lowercase tokens without punctuation, whitespace or stopwords; numbers are
            tokens of their own ("806", "5.2"). Empty for empty or punctuation-only text.

        Raises:
            TypeError: text is not a string.
        """
        if not isinstance(text, str):
            raise TypeError(f"tokens() takes a str, got {type(text).__name__}.")
        text = unicodedata.normalize("NFKC", text).lower()
        if not text.strip():
            return []
        self._loaded()
        tokens: list[str] = []
        for block in _BLOCK.split(text):
            if block:
                tokens.extend(self._block_tokens(block))
        return tokens

    def _cut_block(self, block: str) -> tuple[str, ...]:
        """Return the tokens of one run of jieba.re_han_default characters, or of the text between two runs."""
        segmenter = self._segmenter
        tokens: list[str] = []
        for piece in segmenter.cut(block):
            for word in _WORD.findall(piece):
                tokens.extend(_subwords(word, segmenter.FREQ))
                tokens.append(word)
        return tuple(token for token in tokens if token not in STOPWORDS)

    def _loaded(self) -> jieba.Tokenizer:
        """Return the jieba instance, loading the dictionary and user words on first use."""
        with self._lock:
            if self._segmenter is None:
                segmenter = jieba.Tokenizer()
                segmenter.initialize()
                given = [self._given.get(word) for word in self._user_words]
                # Words up to the first without a recorded frequency go in at once; the rest one by one, in order,
                # since the frequency jieba works out for a word depends on the words added before it.
                known = next((i for i, freq in enumerate(given) if not (isinstance(freq, int) and freq > 0)), len(given))
                self._frequencies.update(_add_words(segmenter, self._user_words[:known], given[:known]))
                for word, freq in zip(self._user_words[known:], given[known:]):
                    # freq=None lets jieba pick a frequency just high enough to keep the word whole.
                    segmenter.add_word(word.lower(), freq)
                    self._frequencies[word] = segmenter.FREQ[word.lower()]
                self._segmenter = segmenter
            return self._segmenter


def _add_words(segmenter: jieba.Tokenizer, words: tuple[str, ...], frequencies: list[int]) -> dict[str, int]:
    """Add words of known positive frequencies to a loaded jieba dictionary at once; return them by word.

    The dictionary and total are those one jieba add_word per word gives (a word's frequency,
    0 for a prefix of a word not yet known), without its per-call work: at 175,000 names
    of 100,000 reports that replay cost seconds of the first question, or of adding a report.
    """
    lowered = [word.lower() for word in words]
    table = segmenter.FREQ
    prefixes = {word[:end] for word in lowered for end in range(1, len(word))}
    table.update(dict.fromkeys(prefixes.difference(table), 0))
    table.update(zip(lowered, frequencies))
    segmenter.total += sum(frequencies)
    return dict(zip(words, frequencies))


def _normalised(user_words: Iterable[str]) -> tuple[str, ...]:
    """Return the words folded (NFKC) and stripped, without repeats or empty ones, in order."""
    words: dict[str, None] = {}
    for word in user_words:
        if not isinstance(word, str):
            raise TypeError(f"user word {word!r} is {type(word).__name__}, not str; pass names as strings.")
        word = unicodedata.normalize("NFKC", word).strip()
        if word:
            words[word] = None
    return tuple(words)


def _subwords(word: str, frequencies: dict[str, int]) -> list[str]:
    """Return dictionary words inside a longer word, shortest first, for recall."""
    found: list[str] = []
    if word.isascii():  # numbers and Latin words have no dictionary parts worth adding
        return found
    for length in range(2, len(word)):
        for start in range(len(word) - length + 1):
            part = word[start : start + length]
            if frequencies.get(part):
                found.append(part)
    return found


def restore(section: Mapping, segment: Mapping | None = None) -> Tokenizer:
    """Return the tokenizer an index was built with, from its manifest's "tokenizer" section and its segment's.

    Words whose recorded frequencies are missing or do not fit (an index written before
    they were recorded) get theirs worked out by jieba on first use, as when building.
    """
    parts = [(list(section.get("user_words", ())), section.get("frequencies"))]
    if segment:
        parts.append((list(segment.get("user_words", ())), segment.get("frequencies")))
    frequencies: dict[str, int] = {}
    for words, recorded in parts:
        normalised = _normalised(words)
        if isinstance(recorded, list) and len(recorded) == len(normalised) and all(isinstance(f, int) for f in recorded):
            frequencies.update(zip(normalised, recorded))
    return Tokenizer([word for words, _ in parts for word in words], frequencies)
