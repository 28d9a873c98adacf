"""Perturbation throughput: xstilts_jax.robustness beside nlpaug's character augmenter (not a test).

  python bench/perturb_bench.py                 # $XSTILTS_REAL_DATA: Tatoeba + XQuAD questions
  python bench/perturb_bench.py --rounds 7 --per_language 200

The same sentences (the first `per_language` Tatoeba sentences of each of its 36 languages plus
English, and as many XQuAD questions of each of its 12 languages) go through each tool in one
process, one core, in alternating rounds; the table gives the median perturbed examples per
second, and what the outputs hold: clusters whose combining marks lost their base (Hindi
`हि` -> `ह ि`) and characters from a script the sentence does not use (e.g. ASCII in Thai).
Ours: `perturb_text(kind='char', level=0.2)` for Tatoeba sentences and `perturb_example` (the
question, gold checked) for XQuAD. nlpaug: `RandomCharAug(action='substitute',
aug_word_p=0.2, aug_char_max=1)`, one substituted character in 20% of the words; it has no
seed per example (nlpaug #6), so it runs on the global random state.
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from xstilts_jax import robustness as rb  # noqa: E402
from xstilts_jax.robustness import graphemes, scripts  # noqa: E402
from xstilts_jax.tasks import languages  # noqa: E402
from xstilts_jax.tasks.readers import squad  # noqa: E402

LEVEL = 0.2


def load_workload(real_data_dir, per_language):
  """[(lang, text or QAExample)] from Tatoeba (all languages) and XQuAD (questions)."""
  items = []
  for lang in languages.TATOEBA + ('en',):
    code = 'deu' if lang == 'en' else languages.TATOEBA_ISO3[lang]
    side = 'eng' if lang == 'en' else code
    path = os.path.join(real_data_dir, 'tatoeba', f'tatoeba.{code}-eng.{side}')
    with open(path, encoding='utf-8') as f:
      items += [(lang, line.strip()) for line in list(f)[:per_language]]
  for lang in languages.XQUAD + ('ro',):
    examples = squad.read_squad([os.path.join(real_data_dir, 'xquad', f'xquad.{lang}.json')])
    items += [(lang, e) for e in examples[:per_language]]
  return items


def ours(items, seed):
  out = []
  for i, (lang, item) in enumerate(items):
    if isinstance(item, str):
      out.append(rb.perturb_text(item, lang, 'char', LEVEL, seed, key=('bench', i)))
    else:
      new, violations = rb.perturb_example(item, 'span_qa', lang, 'char', LEVEL, seed,
                                           task='xquad', example_id=item.guid)
      assert not violations, violations
      out.append(new.question)
  return out


def make_nlpaug():
  try:
    import nlpaug.augmenter.char as nac
  except Exception as e:  # not installed, or broken by a dependency
    return None, f'nlpaug not available ({type(e).__name__}: {e}); pip install nlpaug'
  aug = nac.RandomCharAug(action='substitute', aug_word_p=LEVEL, aug_char_max=1,
                          aug_char_min=1)

  def run(items, seed):
    import random
    random.seed(seed)  # nlpaug draws from the global state; no per-example key
    texts = [item if isinstance(item, str) else item.question for _, item in items]
    return [aug.augment(t)[0] if t.strip() else t for t in texts]

  return run, ''


def quality(items, outputs):
  """(clusters with a detached mark added, sentences with a foreign-script character)."""
  detached = foreign = 0
  for (_, item), out in zip(items, outputs):
    text = item if isinstance(item, str) else item.question
    detached += max(0, graphemes.detached_marks(out) - graphemes.detached_marks(text))
    own = {scripts.script_of(c) for c in text if graphemes.is_letter(c)}
    foreign += any(graphemes.is_letter(c) and scripts.script_of(c) not in own
                   for c in set(out) - set(text))
  return detached, foreign


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--real_data', default=os.environ.get('XSTILTS_REAL_DATA'))
  parser.add_argument('--per_language', type=int, default=100)
  parser.add_argument('--rounds', type=int, default=5)
  args = parser.parse_args(argv)
  if not args.real_data:
    sys.exit('set XSTILTS_REAL_DATA (or --real_data) to ../shared/realdata')
  items = load_workload(args.real_data, args.per_language)
  tools = {'xstilts_jax.robustness': ours}
  nlpaug_run, why = make_nlpaug()
  if nlpaug_run:
    tools['nlpaug RandomCharAug'] = nlpaug_run
  ours(items[:50], 0)  # warm caches (alphabets, layouts, ICU) outside the timed rounds
  if nlpaug_run:
    nlpaug_run(items[:50], 0)
  rates = {name: [] for name in tools}
  outputs = {}
  for r in range(args.rounds):  # alternate the tools round by round
    for name, run in tools.items():
      start = time.perf_counter()
      outputs[name] = run(items, r)
      rates[name].append(len(items) / (time.perf_counter() - start))
  print(f'{len(items)} examples ({args.per_language} per language: Tatoeba 37 languages, '
        f'XQuAD questions 12), level {LEVEL}, {args.rounds} rounds, one process on one core')
  print(f'| tool | examples/s (median) | min-max | detached marks added | '
        f'sentences with a foreign-script letter |')
  print('|---|---|---|---|---|')
  for name in tools:
    detached, foreign = quality(items, outputs[name])
    print(f'| {name} | {statistics.median(rates[name]):,.0f} | '
          f'{min(rates[name]):,.0f}-{max(rates[name]):,.0f} | {detached} | {foreign} |')
  if why:
    print(f'| nlpaug | - | - | - | - | ({why})')


if __name__ == '__main__':
  main()
