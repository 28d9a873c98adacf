"""Typed examples: what every reader returns, one class per format.

Readers (local raw files or Hugging Face datasets) produce these; featurizers in
`xstilts_jax.data` consume them. Labels are already indices into the task's label
list (tagging: per-word label strings are mapped by the featurizer with the task's
label list). `guid` is unique within a split and is what predictions are keyed by.
"""

import dataclasses
from typing import Optional, Sequence


@dataclasses.dataclass(frozen=True)
class ClassificationExample:
  """Single sentence (text_b None) or sentence pair; label index or None (unlabelled)."""
  guid: str
  text_a: str
  text_b: Optional[str]
  label: Optional[int]


@dataclasses.dataclass(frozen=True)
class MultipleChoiceExample:
  """One prompt, several choices; each choice is encoded as the pair (prompt, choice)."""
  guid: str
  prompt: str
  choices: Sequence[str]
  label: Optional[int]


@dataclasses.dataclass(frozen=True)
class Answer:
  text: str
  answer_start: int  # character offset into the context


@dataclasses.dataclass(frozen=True)
class QAExample:
  """SQuAD-style extractive QA. `answers` empty and is_impossible True for SQuAD v2 no-answer.

  For training, answers[0] is the gold span; for evaluation, all answers count.
  """
  guid: str
  question: str
  context: str
  answers: Sequence[Answer]
  is_impossible: bool = False


@dataclasses.dataclass(frozen=True)
class TaggingExample:
  """Pre-tokenised words with one label string per word (None: unlabelled)."""
  guid: str
  words: Sequence[str]
  labels: Optional[Sequence[str]]


@dataclasses.dataclass(frozen=True)
class RetrievalCorpus:
  """Two sides of a bitext retrieval problem for one language pair.

  `source` are the non-English sentences, `target` the English ones, with ids.
  `gold` are (source_id, target_id) pairs. Tatoeba: ids are positions, gold is the
  alignment after XTREME's alphabetical shuffle of the English side. BUCC: the
  corpus ids from the `.de`/`.en` files, gold from the `.gold` file.
  """
  lang: str
  source_ids: Sequence[str]
  source: Sequence[str]
  target_ids: Sequence[str]
  target: Sequence[str]
  gold: Sequence[tuple]


@dataclasses.dataclass(frozen=True)
class TextExample:
  """Raw text for masked-LM training."""
  guid: str
  text: str


@dataclasses.dataclass(frozen=True)
class QueryCandidateExample:
  """A training pair for the dual encoder (Mewsli-X, LAReQA): a query and its positive
  candidate; the other candidates of the batch are the negatives. `candidate_context` is an
  optional second segment of the candidate (LAReQA: the answer sentence's paragraph)."""
  guid: str
  query: str
  candidate: str
  candidate_context: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class RankingCorpus:
  """One language's evaluation problem for the dual encoder: rank all candidates per query.

  Mewsli-X: queries are the language's entity mentions in context, candidates the shared
  entity set (the same for every language), one gold entity per query. LAReQA: queries are
  one language's XQuAD-R questions, candidates the answer sentences of all 11 languages, a
  gold answer in each language. `gold` maps a query id to the ids of its gold candidates.
  """
  lang: str
  query_ids: Sequence[str]
  queries: Sequence[str]
  candidate_ids: Sequence[str]
  candidates: Sequence[str]
  gold: dict
  candidate_contexts: Optional[Sequence[str]] = None
