"""Adversarial perturbation: per example, the edits that lower the gold's probability most.

The search space is the random perturbations' own: a word of an editable field (hypothesis and
premise, the prompt, each word of a tagged sentence, the question of a QA example)
replaced by one of its `word_candidates` (single edits of that word). Greedy search is beam
search of width 1: at each step every unedited word × candidate of every live beam state of
every example is scored in one batched call (`score_fn`, e.g. `scorer.GoldScorer`), and the
`beam` lowest gold log-probabilities survive. An example stops when the model's prediction
no longer matches the gold (the attack succeeded), after `max_edits` edits, or when its
`max_queries` are spent.

`random_attack` draws the same kind of edits at random at the same edit budget: the baseline
an attack must beat.
"""

import dataclasses
import zlib

import numpy as np

# Slots: (field, index) names a text; a span (start, end) names a word inside it.
#   ('text', 'text_a') / ('text', 'question') ...  a string field
#   ('choice', j)                                   choice j of a multiple-choice example
#   ('word', i)                                     word i of a tagging example (whole word)


def editable_texts(example, format):
  """[(slot, text)]: the texts an edit may touch without making the gold invalid."""
  if format == 'classification':
    out = [(('text', 'text_a'), example.text_a)]
    if example.text_b is not None:
      out.append((('text', 'text_b'), example.text_b))
    return out
  if format == 'multiple_choice':  # the prompt, as perturb_example (choices stay as they are)
    return [(('text', 'prompt'), example.prompt)]
  if format == 'span_qa':
    return [(('text', 'question'), example.question)]  # the answer's context stays intact
  if format == 'tagging':
    return [(('word', i), w) for i, w in enumerate(example.words)]
  raise ValueError(f'no adversarial edits for format {format!r}')


def word_slots(example, format, lang, split_words):
  """[(text slot, start, end, word)]: every word an edit may replace."""
  out = []
  for slot, text in editable_texts(example, format):
    spans = [(0, len(text))] if slot[0] == 'word' else split_words(text, lang)
    for start, end in spans:
      if end > start:
        out.append((slot, start, end, text[start:end]))
  return out


def apply_edits(example, format, slots, edits):
  """`example` with word `slots[k]` replaced by `new` for each (k, new) in `edits`."""
  texts = dict(editable_texts(example, format))
  by_text = {}
  for k, new in edits:
    slot, start, end, _ = slots[k]
    by_text.setdefault(slot, []).append((start, end, new))
  changes = {}
  for slot, repl in by_text.items():
    text = texts[slot]
    for start, end, new in sorted(repl, reverse=True):  # right to left: spans stay valid
      text = text[:start] + new + text[end:]
    changes[slot] = text
  fields = {s[1]: t for s, t in changes.items() if s[0] == 'text'}
  if any(s[0] == 'choice' for s in changes):
    fields['choices'] = [changes.get(('choice', j), c) for j, c in enumerate(example.choices)]
  if any(s[0] == 'word' for s in changes):
    fields['words'] = [changes.get(('word', i), w) for i, w in enumerate(example.words)]
  return dataclasses.replace(example, **fields)


def _rng(seed, *key):
  """A numpy Generator from (seed, key...): independent of the order examples are visited."""
  digest = zlib.crc32(repr((int(seed),) + key).encode())
  return np.random.default_rng([int(seed), digest])


@dataclasses.dataclass
class AttackResult:
  example: object          # the perturbed example (the clean one when nothing was edited)
  edits: tuple             # ((word position, original, replacement), ...) in slot order
  clean_logprob: float
  logprob: float           # gold log-probability under attack
  clean_correct: bool
  correct: bool            # the model's argmax is still the gold
  queries: int             # candidate examples scored for this example


@dataclasses.dataclass
class _State:
  edits: tuple             # ((slot index, replacement), ...)
  logprob: float
  correct: bool


def _candidates(example, format, lang, kind, slots, word_candidates, n, seed, guid):
  return [word_candidates(word, lang, kind, _rng(seed, guid, k), n)
          for k, (_, _, _, word) in enumerate(slots)]


def attack(examples, format, lang, score_fn, *, split_words, word_candidates, kind='typo',
           max_edits=3, max_queries=200, beam=1, n_candidates=4, seed=0):
  """[AttackResult] per example; beam=1 is greedy search.

  score_fn(examples) -> object with `gold_logprob` [N] and `correct` [N] (scorer.Scores).
  word_candidates(word, lang, kind, rng, n) -> up to n distinct variants of one word.
  """
  examples = list(examples)
  clean = score_fn(examples)
  slots = [word_slots(ex, format, lang, split_words) for ex in examples]
  guids = [getattr(ex, 'guid', i) for i, ex in enumerate(examples)]
  cands = [_candidates(ex, format, lang, kind, s, word_candidates, n_candidates, seed, g)
           for ex, s, g in zip(examples, slots, guids)]
  beams = [[_State((), float(clean.gold_logprob[i]), bool(clean.correct[i]))]
           for i in range(len(examples))]
  best = [b[0] for b in beams]
  queries = np.zeros(len(examples), np.int64)
  done = [False] * len(examples)
  for _ in range(max_edits):
    pending = []  # (example, parent state, new edit)
    for i, states in enumerate(beams):
      if done[i]:
        continue
      options = []
      for state in states:
        used = {k for k, _ in state.edits}
        options += [(state, (k, c)) for k in range(len(slots[i])) if k not in used
                    for c in cands[i][k]]
      left = max_queries - queries[i]
      if len(options) > left:  # a budget cut: a seeded subset, not the first words
        pick = _rng(seed, 'budget', guids[i], int(queries[i])).choice(
            len(options), size=int(left), replace=False)
        options = [options[p] for p in sorted(pick)]
      if not options:
        done[i] = True
        continue
      queries[i] += len(options)
      pending += [(i, state, edit) for state, edit in options]
    if not pending:
      break
    variants = [apply_edits(examples[i], format, slots[i],
                            tuple(sorted(state.edits + (edit,))))
                for i, state, edit in pending]
    scores = score_fn(variants)
    grown = [[] for _ in examples]
    for (i, state, edit), lp, ok in zip(pending, scores.gold_logprob, scores.correct):
      grown[i].append(_State(tuple(sorted(state.edits + (edit,))), float(lp), bool(ok)))
    for i, states in enumerate(grown):
      if not states:
        continue
      # Distinct edit sets (beam search reaches one set by several orders), lowest first.
      unique = {s.edits: s for s in states}
      ranked = sorted(unique.values(), key=lambda s: (s.logprob, s.edits))
      flipped = [s for s in ranked if not s.correct] if best[i].correct else []
      top = flipped[0] if flipped else ranked[0]
      if flipped or top.logprob < best[i].logprob:
        best[i] = top
      beams[i] = ranked[:beam]
      if flipped or queries[i] >= max_queries:
        done[i] = True
  out = []
  for i, ex in enumerate(examples):
    b = best[i]
    out.append(AttackResult(
        example=apply_edits(ex, format, slots[i], b.edits) if b.edits else ex,
        edits=tuple((k, slots[i][k][3], new) for k, new in b.edits),
        clean_logprob=float(clean.gold_logprob[i]), logprob=b.logprob,
        clean_correct=bool(clean.correct[i]), correct=b.correct, queries=int(queries[i])))
  return out


def random_attack(examples, format, lang, *, split_words, word_candidates, kind='typo',
                  edits=3, n_candidates=4, seed=0):
  """[(perturbed example, number of edits)]: `edits` random words (per example, or a list
  with one budget per example), each replaced by a random one of its candidates."""
  out = []
  for i, ex in enumerate(examples):
    budget = edits[i] if isinstance(edits, (list, tuple, np.ndarray)) else edits
    slots = word_slots(ex, format, lang, split_words)
    guid = getattr(ex, 'guid', i)
    rng = _rng(seed, 'random', guid)
    chosen = []
    for k in rng.permutation(len(slots)):
      if len(chosen) == budget:
        break
      options = word_candidates(slots[k][3], lang, kind, _rng(seed, guid, int(k)), n_candidates)
      if options:
        chosen.append((int(k), options[int(rng.integers(len(options)))]))
    out.append((apply_edits(ex, format, slots, tuple(sorted(chosen))) if chosen else ex,
                len(chosen)))
  return out


def summarize(results):
  """Attack success rate (of the examples the model got right, the share it gets wrong under
  attack), mean gold log-prob drop, perturbed words and queries per example."""
  right = [r for r in results if r.clean_correct]
  n = max(len(results), 1)
  return dict(
      examples=len(results),
      clean_correct=len(right),
      success_rate=100.0 * sum(not r.correct for r in right) / max(len(right), 1),
      logprob_drop=float(np.mean([r.clean_logprob - r.logprob for r in results])) if results else 0.0,
      words_per_example=sum(len(r.edits) for r in results) / n,
      queries_per_example=sum(r.queries for r in results) / n)
