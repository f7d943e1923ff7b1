"""Text for language models: the names makemore and microgpt learn from, and a character tokenizer.

- `load_names()`: 32,033 first names (US Social Security public data, via
  karpathy/makemore, MIT licence), shipped in the package.
- `CharTokenizer(texts)`: one token per character, plus one boundary token
  that marks where a text starts and where it ends, as in microgpt.

Example:
    >>> names = load_names()
    >>> tok = CharTokenizer(names)
    >>> tok.vocab_size, tok.bos                  # 26 letters, then the boundary
    (27, 26)
    >>> tokens = tok.encode('emma', boundaries=True)
    >>> tokens
    [26, 4, 12, 12, 0, 26]
    >>> tok.decode(tokens)
    'emma'
"""

from __future__ import annotations

import functools
from typing import Iterable

from .._checks import is_whole_number, wrong_type, wrong_value
from .common import read_shipped

__all__ = ["load_names", "CharTokenizer"]

NAMES_FILE = "names.txt.gz"


def load_names() -> list[str]:
    """The 32,033 first names of makemore and microgpt, lowercase, in the file's order.

    The list starts with the most common names ('emma', 'olivia', 'ava') and
    holds only the letters a-z; some names appear more than once. The data
    ships inside the package (`tinygrad_ann/data/names.txt.gz`, its source in
    `data/SOURCES.md`). It is read on the first call and kept; every call
    returns a new list.

    Data: the `names.txt` of karpathy/makemore (MIT licence, Copyright (c) 2022
    Andrej Karpathy), from the US Social Security Administration's public
    baby-name data.

    Example:
        >>> names = load_names()
        >>> len(names), names[:3]
        (32033, ['emma', 'olivia', 'ava'])
        >>> min(len(n) for n in names), max(len(n) for n in names)
        (2, 15)
    """
    return list(_names_table())


@functools.cache
def _names_table() -> tuple[str, ...]:
    """The names file read once: one name a line, blank lines skipped."""
    text = read_shipped("load_names", NAMES_FILE)
    return tuple(name for name in (line.strip() for line in text.splitlines()) if name)


class CharTokenizer:
    """Characters as token ids, plus one boundary token, as in microgpt.

    The vocabulary is the sorted set of the characters in `texts`, with ids
    0..len(chars)-1, and one more id, `bos = len(chars)`: the boundary token.
    It marks both where a text starts and where it ends (microgpt's BOS; there
    is no separate end token), so `vocab_size = len(chars) + 1`.

    A training example for a next-character model is one text between two
    boundaries: `tokens = tok.encode(name, boundaries=True)` is
    `[bos, c1, ..., cn, bos]`. The model reads `tokens[:-1]` and learns to
    predict `tokens[1:]`: the first character from the start, each next
    character from those before it, and at the end the boundary, which says
    the name is over. Generating runs the same way: start from `[bos]`, sample
    until the model gives `bos`, and `decode` what came out.

    Example:
        >>> tok = CharTokenizer(['emma', 'ava'])
        >>> tok.chars, tok.bos, tok.vocab_size
        ('aemv', 4, 5)
        >>> tokens = tok.encode('ava', boundaries=True)
        >>> tokens
        [4, 0, 3, 0, 4]
        >>> inputs, targets = tokens[:-1], tokens[1:]   # read [bos a v a], predict [a v a bos]
        >>> tok.decode([4, 1, 2, 2, 0, 4, 3])             # a boundary ends the text
        'emma'
    """

    __slots__ = ("_chars", "_ids")

    def __init__(self, texts: Iterable[str]) -> None:
        owner = "CharTokenizer"
        what = "a list of strings (the texts whose characters make the vocabulary)"
        if isinstance(texts, (str, bytes)) or not isinstance(texts, Iterable):
            wrong_type(owner, "texts", what, texts)
        texts = list(texts)
        chars: set[str] = set()
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                wrong_type(owner, f"texts[{i}]", "a str", text)
            chars.update(text)
        if not chars:
            wrong_value(owner, "texts", "a list of strings with at least one character", texts)
        self._chars = "".join(sorted(chars))
        self._ids = {ch: i for i, ch in enumerate(self._chars)}

    @classmethod
    def from_names(cls, names: Iterable[str] | None = None) -> CharTokenizer:
        """The tokenizer of a list of names; None (the default) means `load_names()`.

        Example:
            >>> tok = CharTokenizer.from_names()
            >>> tok.chars == 'abcdefghijklmnopqrstuvwxyz', tok.bos
            (True, 26)
        """
        return cls(load_names() if names is None else names)

    @property
    def chars(self) -> str:
        """The characters, sorted: the token id of `chars[i]` is i.

        Example:
            >>> CharTokenizer(['ba']).chars
            'ab'
        """
        return self._chars

    @property
    def bos(self) -> int:
        """The boundary token's id, `len(chars)`: the start and the end of a text.

        Example:
            >>> CharTokenizer(['ba']).bos
            2
        """
        return len(self._chars)

    @property
    def vocab_size(self) -> int:
        """How many token ids there are: the characters and the boundary, `len(chars) + 1`.

        Example:
            >>> CharTokenizer(['ba']).vocab_size
            3
        """
        return len(self._chars) + 1

    def encode(self, text: str, boundaries: bool = False) -> list[int]:
        """The token ids of `text`'s characters; with `boundaries=True`, between two `bos`.

        Without boundaries, `encode('ab')` is the characters' ids alone, what a
        prompt that continues a text needs. With them it is `[bos, *ids, bos]`,
        one training example (see the class). A character outside the
        vocabulary is a ValueError that names it.

        Example:
            >>> tok = CharTokenizer(['abc'])
            >>> tok.encode('cab'), tok.encode('cab', boundaries=True)
            ([2, 0, 1], [3, 2, 0, 1, 3])
            >>> tok.encode('cat')
            Traceback (most recent call last):
            ValueError: CharTokenizer.encode: character 't' (at index 2 of 'cat') is not in the vocabulary 'abc'
        """
        owner = "CharTokenizer.encode"
        if not isinstance(text, str):
            wrong_type(owner, "text", "a str", text)
        if not isinstance(boundaries, bool):
            wrong_type(owner, "boundaries", "True or False", boundaries)
        ids = []
        for i, ch in enumerate(text):
            token = self._ids.get(ch)
            if token is None:
                raise ValueError(
                    f"{owner}: character {ch!r} (at index {i} of {text!r:.60}) is not in the vocabulary "
                    f"{self._chars!r:.80}"
                )
            ids.append(token)
        return [self.bos, *ids, self.bos] if boundaries else ids

    def decode(self, ids: Iterable[int]) -> str:
        """The text of a list of token ids: a `bos` first opens it, the next `bos` ends it.

        A leading boundary is skipped, and the text ends at the next boundary
        (what follows is ignored), so `decode(encode(t))` and
        `decode(encode(t, boundaries=True))` are both `t`, and a generated
        sequence `[bos, c1, ..., cn, bos, ...]` decodes to the one text it
        finished. Every id is checked: one that is not a whole number in
        0..bos is an error that names its position.

        Example:
            >>> tok = CharTokenizer(['abc'])
            >>> tok.decode([3, 2, 0, 1, 3]), tok.decode([2, 0]), tok.decode([3, 3, 0])
            ('cab', 'ca', '')
            >>> tok.decode([0, 7])
            Traceback (most recent call last):
            ValueError: CharTokenizer.decode: ids[1] must be a token id in [0, 3] (3 is the boundary), got 7
        """
        owner = "CharTokenizer.decode"
        if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
            wrong_type(owner, "ids", "a list of token ids (whole numbers)", ids)
        ids = list(ids)
        bos = self.bos
        what = f"a token id in [0, {bos}] ({bos} is the boundary)"
        for i, token in enumerate(ids):
            if not is_whole_number(token):
                wrong_type(owner, f"ids[{i}]", what, token)
            if not 0 <= token <= bos:
                wrong_value(owner, f"ids[{i}]", what, token)
        start = 1 if ids and ids[0] == bos else 0
        end = ids.index(bos, start) if bos in ids[start:] else len(ids)
        return "".join(self._chars[t] for t in ids[start:end])

    def __repr__(self) -> str:
        """What the tokenizer holds: its size, its boundary and its characters.

        Example:
            >>> CharTokenizer(['ba'])
            CharTokenizer(vocab_size=3, bos=2, chars='ab')
        """
        return f"CharTokenizer(vocab_size={self.vocab_size}, bos={self.bos}, chars={self._chars!r})"
