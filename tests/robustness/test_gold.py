"""Gold stays valid: every fixture of every format, perturbed by every kind that applies."""

import dataclasses

from xstilts_jax import robustness as rb
from xstilts_jax.robustness import code_switch
from xstilts_jax.tasks import examples as ex
from xstilts_jax.tasks import load, registry


def _fixture_sets():
  """(task, format, lang, examples) for every task/language the fixtures hold (test split, or
  the first split that loads), for each perturbable format."""
  sets = []
  for task in registry.all_tasks().values():
    if task.format not in rb.FORMATS or task.local is None:
      continue
    for lang in sorted(set(task.languages) | {task.train_language}):
      for split in ('test', 'dev', 'train'):
        if split not in task.splits:
          continue
        try:
          examples = load.load_examples(task, split, lang)
        except (FileNotFoundError, ValueError):
          continue  # not in the fixtures (e.g. a language with no dev file)
        sets.append((task.name, task.format, lang, examples))
        break
  return sets


def _kinds(fmt, lang):
  kinds = [k for k in rb.kinds_for_format(fmt)
           if (k != 'keyboard' or lang in rb.keyboard_languages())
           and (k != 'code_switch' or lang in code_switch.shipped_languages())]
  kinds.append('+'.join(k for k in kinds if k != 'word_swap'))  # a combination too
  return kinds


def test_zero_gold_violations_on_every_fixture():
  counts, violations = {}, []
  for task, fmt, lang, examples in _fixture_sets():
    for kind in _kinds(fmt, lang):
      for i, example in enumerate(examples):
        modes = {'span_qa': ((True, 'source'), (False, 'source')),
                 'retrieval': ((False, 'source'), (False, 'target'))}.get(fmt, ((False, 'source'),))
        for qa_context, side in modes:
          new, problems = rb.perturb_example(example, fmt, lang, kind, 0.5, seed=0, task=task,
                                             example_id=getattr(example, 'guid', str(i)),
                                             qa_context=qa_context, retrieval_side=side)
          violations += problems
          counts[fmt] = counts.get(fmt, 0) + 1
          if fmt == 'span_qa' and qa_context and example.answers:
            for a in new.answers:
              assert new.context[a.answer_start:][:len(a.text)] == a.text
  assert violations == []
  assert set(counts) == set(rb.FORMATS), counts
  assert min(counts.values()) >= 50, counts  # every format really exercised


def test_tagging_keeps_words_and_labels():
  example = ex.TaggingExample('s1', ['Der', 'Hund', 'schläft', 'im', 'Garten', '.'],
                              ['DET', 'NOUN', 'VERB', 'ADP', 'NOUN', 'PUNCT'])
  new, problems = rb.perturb_example(example, 'tagging', 'de', 'char+keyboard', 1.0, seed=0,
                                     task='udpos', example_id='s1')
  assert problems == [] and new.labels == example.labels and len(new.words) == 6
  assert all(a != b for a, b in zip(example.words[:5], new.words[:5]))
  assert new.words[5] == '.'  # no letter: not a word to perturb


def test_qa_context_mode_moves_answer_start():
  context = 'Der Hund schläft im Garten. Berlin ist die Hauptstadt von Deutschland.'
  start = context.index('Berlin')
  example = ex.QAExample('q1', 'Was ist die Hauptstadt?', context,
                         [ex.Answer('Berlin', start)])
  new, problems = rb.perturb_example(example, 'span_qa', 'de', 'word_drop', 1.0, seed=0,
                                     task='xquad', example_id='q1', qa_context=True)
  assert problems == []
  # Every word but the answer is gone (level 1); the punctuation stays.
  assert new.context.split() == ['.', 'Berlin.']
  assert new.answers[0].answer_start == new.context.index('Berlin')
  plain, _ = rb.perturb_example(example, 'span_qa', 'de', 'word_drop', 1.0, seed=0,
                                task='xquad', example_id='q1')
  assert plain.context == context and plain.question != example.question


def test_check_example_finds_violations():
  tag = ex.TaggingExample('s1', ['Der', 'Hund'], ['DET', 'NOUN'])
  assert 's1: 1 words, expected 2' in rb.check_example(
      tag, dataclasses.replace(tag, words=['Der']), 'tagging')
  assert any('split' in p for p in rb.check_example(
      tag, dataclasses.replace(tag, words=['Der', 'Hu nd']), 'tagging'))
  qa = ex.QAExample('q1', 'Wo?', 'In Berlin.', [ex.Answer('Berlin', 3)])
  assert any('answer_start' in p for p in rb.check_example(
      qa, dataclasses.replace(qa, context='In  Berlin.'), 'span_qa'))
  cls = ex.ClassificationExample('c1', 'हिन्दी', None, 1)
  assert any('detached' in p for p in rb.check_example(
      cls, dataclasses.replace(cls, text_a='ह ि न्दी'), 'classification'))
  assert any('label' in p for p in rb.check_example(
      cls, dataclasses.replace(cls, label=0), 'classification'))
  mc = ex.MultipleChoiceExample('m1', 'p', ['a', 'b'], 0)
  assert any('choices' in p for p in rb.check_example(
      mc, dataclasses.replace(mc, choices=['a', 'c']), 'multiple_choice'))
  corpus = ex.RetrievalCorpus('de', ['0'], ['Hund'], ['0'], ['dog'], [('0', '0')])
  assert any('both sides' in p for p in rb.check_example(
      corpus, dataclasses.replace(corpus, source=['Hnud'], target=['cta']), 'retrieval'))
  assert any('gold' in p for p in rb.check_example(
      corpus, dataclasses.replace(corpus, gold=[('0', '1')]), 'retrieval'))


def test_retrieval_sides():
  corpus = ex.RetrievalCorpus('de', ['0', '1'], ['Der Hund schläft.', 'Die Katze frisst.'],
                              ['0', '1'], ['The cat eats.', 'The dog sleeps.'],
                              [('0', '1'), ('1', '0')])
  new, problems = rb.perturb_example(corpus, 'retrieval', 'de', 'char', 1.0, seed=0,
                                     task='tatoeba', example_id='de')
  assert problems == [] and new.target == corpus.target and new.source != corpus.source
  new, problems = rb.perturb_example(corpus, 'retrieval', 'de', 'char', 1.0, seed=0,
                                     task='tatoeba', example_id='de', retrieval_side='target')
  assert problems == [] and new.source == corpus.source and new.target != corpus.target


def test_ranking_perturbs_the_queries_only():
  corpus = ex.RankingCorpus('de', ['q0', 'q1'], ['Wo schläft der Hund?', 'Was frisst die Katze?'],
                            ['E0', 'E1'], ['Hund', 'Katze'], {'q0': ['E0'], 'q1': ['E1']},
                            ['Ein Tier.', 'Auch ein Tier.'])
  new, problems = rb.perturb_example(corpus, 'ranking', 'de', 'char+word_drop', 1.0, seed=0,
                                     task='mewslix', example_id='de')
  assert problems == [] and all(a != b for a, b in zip(new.queries, corpus.queries))
  assert (new.candidates, new.candidate_contexts, new.gold) == (
      corpus.candidates, corpus.candidate_contexts, corpus.gold)
  # Each query is keyed by its own id: the same query text under another id changes otherwise.
  other, _ = rb.perturb_example(dataclasses.replace(corpus, query_ids=['q9', 'q1']), 'ranking',
                                'de', 'char', 1.0, seed=0, task='mewslix', example_id='de')
  same, _ = rb.perturb_example(corpus, 'ranking', 'de', 'char', 1.0, seed=0, task='mewslix',
                               example_id='other')
  assert other.queries[1] == same.queries[1] and other.queries[0] != same.queries[0]
  for field, value in (('candidates', ['Hnud', 'Katze']), ('candidate_contexts', None),
                       ('gold', {'q0': ['E1'], 'q1': ['E1']})):
    assert any(field in p for p in rb.check_example(
        corpus, dataclasses.replace(corpus, **{field: value}), 'ranking')), field
