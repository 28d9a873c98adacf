"""Perturbations on real text (../shared/realdata): Tatoeba in all its languages, UD German,
XQuAD. Skipped where XSTILTS_REAL_DATA is unset."""

import os

from xstilts_jax import robustness as rb
from xstilts_jax.robustness import graphemes, rates, scripts
from xstilts_jax.tasks import languages
from xstilts_jax.tasks.readers import conllu, squad

LEVEL = 0.2
SENTENCES = 200  # per language
TOLERANCE = 0.05
KIND_CYCLE = ('char', 'keyboard', 'word_drop', 'word_swap', 'word_repeat', 'char+word_drop')


def _lines(real_data_dir, lang):
  if lang == 'en':
    name = 'tatoeba.deu-eng.eng'
  else:
    code = languages.TATOEBA_ISO3[lang]
    name = f'tatoeba.{code}-eng.{code}'
  with open(os.path.join(real_data_dir, 'tatoeba', name), encoding='utf-8') as f:
    return [line.strip() for line in f][:SENTENCES]


def _mark_first_clusters(text):
  return sum(graphemes.is_mark(c[0]) for c in graphemes.clusters(text))


def _new_characters_ok(original, perturbed):
  """Every character the perturbation brought in is a letter or mark of a script the
  original's letters are written in (so never ASCII in a non-Latin sentence)."""
  own = {scripts.script_of(c) for c in original if graphemes.is_letter(c)}
  return all(scripts.script_of(c) in own and (graphemes.is_letter(c) or graphemes.is_mark(c))
             for c in set(perturbed) - set(original))


def test_tatoeba_all_languages(real_data_dir):
  by_kind, failures = {}, []
  for lang in languages.TATOEBA + ('en',):
    sentences = _lines(real_data_dir, lang)
    changed = total = differs = checked = 0
    for i, sentence in enumerate(sentences):
      kind = KIND_CYCLE[i % len(KIND_CYCLE)]
      if kind == 'keyboard' and lang not in rb.keyboard_languages():
        kind = 'char'  # ja, zh: no layout (keyboard_languages says so)
      out = rb.perturb_text(sentence, lang, kind, LEVEL, seed=0, key=('tatoeba', i))
      if (_mark_first_clusters(out) > _mark_first_clusters(sentence)
          or graphemes.detached_marks(out) > graphemes.detached_marks(sentence)):
        failures.append((lang, kind, 'detached mark', sentence, out))
      if kind != 'word_drop' and not _new_characters_ok(sentence, out):
        failures.append((lang, kind, 'foreign character', sentence, out))
      if i % 10 == 0:  # same key, same output
        assert out == rb.perturb_text(sentence, lang, kind, LEVEL, seed=0, key=('tatoeba', i))
      if checked < 20 and len(rb.split_words(sentence, lang)) >= 3:  # another seed, another
        a, b = (rb.perturb_text(sentence, lang, 'char', 0.5, seed=s, key=('tatoeba', i))
                for s in (0, 1))
        checked += 1
        differs += a != b
      n_changed, n_words = rates.changed_words(sentence, out, lang)
      changed += n_changed
      total += n_words
      kind_stats = by_kind.setdefault(kind, [0, 0])
      kind_stats[0] += n_changed
      kind_stats[1] += n_words
    assert abs(changed / total - LEVEL) <= TOLERANCE, (lang, changed / total)
    assert differs >= checked - 1 and checked >= 10, (lang, differs, checked)
  assert failures == []
  for kind, (changed, total) in by_kind.items():
    assert abs(changed / total - LEVEL) <= TOLERANCE, (kind, changed / total)


def test_ud_german_tagging(real_data_dir):
  path = os.path.join(real_data_dir, 'ud', 'de_gsd-ud-test.conllu')
  examples = conllu.read_conllu([path], 'de', 'test')
  violations = []
  for kind in ('char', 'keyboard', 'code_switch', 'char+keyboard'):
    changed = eligible = 0
    for e in examples:
      new, problems = rb.perturb_example(e, 'tagging', 'de', kind, LEVEL, seed=0,
                                         task='udpos', example_id=e.guid)
      violations += problems
      for a, b in zip(e.words, new.words):
        if graphemes.has_letter(a):
          eligible += 1
          changed += a != b
          assert kind == 'code_switch' or _new_characters_ok(a, b), (a, b)
    if kind != 'code_switch':  # the demo dictionary covers few words: far below the level
      assert abs(changed / eligible - LEVEL) <= TOLERANCE, (kind, changed / eligible)
    else:
      assert 0 < changed / eligible < LEVEL
  assert violations == []


def test_xquad_questions_and_contexts(real_data_dir):
  violations = []
  for lang in languages.XQUAD + ('ro',):
    examples = squad.read_squad([os.path.join(real_data_dir, 'xquad', f'xquad.{lang}.json')])
    changed = total = 0
    for i, e in enumerate(examples[:SENTENCES]):
      kind = KIND_CYCLE[i % len(KIND_CYCLE)]
      if kind == 'keyboard' and lang not in rb.keyboard_languages():
        kind = 'char'
      new, problems = rb.perturb_example(e, 'span_qa', lang, kind, LEVEL, seed=0,
                                         task='xquad', example_id=e.guid)
      violations += problems
      assert new.context == e.context and new.answers == e.answers
      n_changed, n_words = rates.changed_words(e.question, new.question, lang)
      changed += n_changed
      total += n_words
    assert abs(changed / total - LEVEL) <= TOLERANCE, (lang, changed / total)
    for i, e in enumerate(examples[:1190:60]):  # contexts: 20 per language, answers protected
      new, problems = rb.perturb_example(e, 'span_qa', lang, 'char+word_drop+word_swap', 0.3,
                                         seed=0, task='xquad', example_id=e.guid,
                                         qa_context=True)
      violations += problems
      assert new.context != e.context
  assert violations == []
