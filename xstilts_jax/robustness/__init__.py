"""Robustness: perturbations of non-English input that keep the gold valid.

Pure functions: `perturb_text(text, lang, kind, level, seed, key=...)` for one text,
`perturb_example` for a typed example (checked by `check_example`), `realised_rates` for
what actually changed. Words come from ICU's word boundaries (`split_words`), edits work on
grapheme clusters and draw new characters from the word's own script. docs/design.md has
the details; `eval/` and `train/` are never imported.
"""

from xstilts_jax.robustness.code_switch import (BilingualDictionary, load_dictionary,
                                                shipped_dictionary)
from xstilts_jax.robustness.gold import FORMATS, check_example, kinds_for_format, perturb_example
from xstilts_jax.robustness.graphemes import clusters, detached_marks
from xstilts_jax.robustness.keyboards import NoKeyboardLayout, keyboard_languages
from xstilts_jax.robustness.perturb import (IN_WORD_KINDS, KINDS, parse_kind, perturb_around,
                                            perturb_text, perturb_words, rng_for,
                                            word_candidates)
from xstilts_jax.robustness.rates import realised_rates
from xstilts_jax.robustness.segment import split_words

__all__ = [
    'BilingualDictionary', 'FORMATS', 'IN_WORD_KINDS', 'KINDS', 'NoKeyboardLayout',
    'check_example', 'clusters', 'detached_marks', 'keyboard_languages', 'kinds_for_format',
    'load_dictionary', 'parse_kind', 'perturb_around', 'perturb_example', 'perturb_text',
    'perturb_words',
    'realised_rates', 'rng_for', 'shipped_dictionary', 'split_words', 'word_candidates',
]
