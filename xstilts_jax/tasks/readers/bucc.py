"""BUCC 2018 bitext mining, as the shared-task archives unpack (`bucc2018/<src>-en.<part>.*`):
`<src>-en.<part>.<src>` and `<src>-en.<part>.en` hold `id<TAB>sentence` lines, and
`<src>-en.<part>.gold` holds `src_id<TAB>en_id` pairs. part 'sample' is our dev split and
'training' our test split (PROTOCOL.md; XTREME renames them dev/test). Every gold id must be
in its corpus. Duplicate sentences are kept here (and counted, with empty sentences and
control characters: `rawfiles.RecordNotes`); the BUCC evaluation drops them.
"""

from xstilts_jax.tasks.examples import RetrievalCorpus
from xstilts_jax.tasks.readers import rawfiles
from xstilts_jax.tasks.readers.tsv import read_rows


def read_bucc(files, lang, split=None):
  """`files` = ([source file], [English file], [gold file]); returns [RetrievalCorpus]."""
  (src_path,), (en_path,), (gold_path,) = files
  src_ids, src = _corpus(src_path)
  en_ids, en = _corpus(en_path)
  known_src, known_en = set(src_ids), set(en_ids)
  gold = []
  for lineno, (s, t) in read_rows(gold_path, num_fields=2):
    if s not in known_src or t not in known_en:
      raise ValueError(f'{gold_path}:{lineno}: gold pair ({s}, {t}) names an id missing from '
                       f'{src_path if s not in known_src else en_path}')
    gold.append((s, t))
  if not src or not en:
    raise ValueError(f'{src_path if not src else en_path}: no sentences; expected id<TAB>sentence lines')
  # A list of one corpus: load_examples returns lists.
  return [RetrievalCorpus(lang=lang, source_ids=src_ids, source=src, target_ids=en_ids,
                          target=en, gold=gold)]


def _corpus(path):
  ids, sentences, seen = [], [], set()
  notes = rawfiles.RecordNotes(path, 'sentence')
  with rawfiles.open_text(path, 'a BUCC sentence file') as f:
    for lineno, line in enumerate(f, 1):
      line = line.rstrip('\r\n')
      if '\t' not in line:
        raise ValueError(f'{path}:{lineno}: expected "id<TAB>sentence", got {line[:80]!r}')
      sid, sentence = line.split('\t', 1)
      if sid in seen:
        raise ValueError(f'{path}:{lineno}: id {sid!r} appears twice; expected unique ids')
      seen.add(sid)
      ids.append(sid)
      sentences.append(sentence.strip())
      notes.check(lineno, {'sentence': sentences[-1]})
  notes.log(len(sentences))
  return ids, sentences
