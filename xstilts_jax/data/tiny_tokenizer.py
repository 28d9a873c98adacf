"""Builds the tiny multilingual tokenizer shipped in `xstilts_jax/assets/tiny_tokenizer/`.

A sentencepiece-like Unigram model (as XLM-R's) trained on the text in
`xstilts_jax/assets/corpus/*.txt` plus every text file under `xstilts_jax/tasks/fixtures/`
(JSON: its string values) except the translation fixtures, copies of other fixtures'
sentences, and XTREME-R's additions (`_XTREME_R_ADDITIONS`). Layout as XLM-R: `<s>`=0, `<pad>`=1, `</s>`=2, `<unk>`=3, `<mask>` = last id;
`<s> A </s>` and `<s> A </s></s> B </s>`.

Normalisation: NFKC, whitespace runs collapsed to one space, ends stripped (what
sentencepiece's nmt_nfkc + remove_extra_whitespaces do), so decode(encode(x)) equals
`' '.join(unicodedata.normalize('NFKC', x).split())` for text whose characters are in the vocab.

Pre-tokenisation: words on whitespace, each prefixed with '▁' (Metaspace, as XLM-R); then,
so that answer and word boundaries inside a word fall on token boundaries, every Han / kana /
Thai / Lao / Khmer / Myanmar character, every punctuation mark and every digit run is its own
piece. Every character of the corpus, and the whole alphabet of each alphabetic script in it
(Latin, Greek, Cyrillic, Arabic, Devanagari, Thai, kana), is a vocabulary entry, so unseen
words in those scripts never become `<unk>`. Han and Hangul: only characters seen in the text.

Rebuild (deterministic): python -m xstilts_jax.data.tiny_tokenizer
"""

import fnmatch
import glob
import json
import os
import unicodedata

import tokenizers
from tokenizers import decoders, models, normalizers, pre_tokenizers, processors, trainers

_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS_DIR = os.path.join(_PKG, 'assets', 'corpus')
FIXTURES_DIR = os.path.join(_PKG, 'tasks', 'fixtures')
OUT_DIR = os.path.join(_PKG, 'assets', 'tiny_tokenizer')

SPECIALS = ('<s>', '<pad>', '</s>', '<unk>')
MASK = '<mask>'
TRAIN_VOCAB_SIZE = 1860  # learned pieces; the alphabets and <mask> come on top (~2,470 in all)
# Scripts written without spaces: one piece per character.
_ISOLATE = r'[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]'
# Alphabets added whole (code point ranges, inclusive).
_ALPHABETS = (
    (0x21, 0x7e), (0xa1, 0xff), (0x100, 0x17f),   # Latin, Latin-1, Latin Extended-A
    (0x1a0, 0x1a1), (0x1af, 0x1b0), (0x218, 0x21b), (0x1ea0, 0x1ef9),  # Vietnamese, Romanian
    (0x386, 0x3ce),                                 # Greek
    (0x400, 0x45f),                                 # Cyrillic
    (0x60c, 0x60c), (0x61b, 0x61f), (0x621, 0x652), (0x660, 0x669),  # Arabic
    (0x679, 0x6d5), (0x6f0, 0x6f9),                 # Arabic extended letters (Urdu, Persian)
    (0x900, 0x97f),                                 # Devanagari
    (0xe01, 0xe5b),                                 # Thai
    (0x3041, 0x3096), (0x30a1, 0x30fc),             # Hiragana, Katakana
)
_MAX_FILE_CHARS = 200_000  # keeps the build fast whatever the fixtures grow to


def _json_strings(value):
  if isinstance(value, str):
    yield value
  elif isinstance(value, dict):
    for v in value.values():
      yield from _json_strings(v)
  elif isinstance(value, list):
    for v in value:
      yield from _json_strings(v)


def _file_lines(path):
  with open(path, encoding='utf-8') as f:
    text = f.read(_MAX_FILE_CHARS)
  if path.endswith('.json'):
    try:
      return [s for s in _json_strings(json.loads(text)) if s.strip()]
    except json.JSONDecodeError:
      pass  # cut at _MAX_FILE_CHARS, or not JSON: use it as plain text
  if path.endswith('.jsonl'):
    lines = []
    for line in text.splitlines():
      try:
        lines.extend(_json_strings(json.loads(line)))
      except json.JSONDecodeError:
        continue
    return [s for s in lines if s.strip()]
  return [line.replace('\t', ' ') for line in text.splitlines() if line.strip()]


# Translation fixtures copy the sentences of other fixtures (XNLI, PAWS-X, XQuAD, TyDiQA dev):
# counting them again would only reweigh the vocabulary, so they are left out of the corpus.
_COPIES = ('xtreme_translations/*', 'xnli/XNLI-MT-1.0/multinli/multinli.train.*.tsv')
_NOT_COPIES = ('xnli/XNLI-MT-1.0/multinli/multinli.train.en.tsv',)
# XTREME-R's fixtures came after the tokenizer was built; they are kept out of its corpus so
# that the shipped 2,469 ids stay the ones every test and cached compile was made with. The
# cost, in the tiny demo only: Gujarati and Gurmukhi words (WikiANN gu, pa) become <unk>, and
# the other added languages (Latin or Cyrillic script) split into smaller pieces.
_XTREME_R_ADDITIONS = (
    'copa/*', 'xcopa/*', 'mewslix/*', 'lareqa/*', 'udpos/ud-treebanks-v2.7/*', 'xquad/xquad.ro.json',
    'tatoeba/tatoeba.aze-eng.*', 'tatoeba/tatoeba.lit-eng.*', 'tatoeba/tatoeba.pol-eng.*',
    'tatoeba/tatoeba.ron-eng.*', 'tatoeba/tatoeba.ukr-eng.*',
    *(f'panx/panx_dataset/{lang}-*' for lang in ('qu', 'pl', 'uk', 'az', 'lt', 'pa', 'gu', 'ro')))


def corpus_files(corpus_dir=CORPUS_DIR, fixtures_dir=FIXTURES_DIR):
  files = sorted(glob.glob(os.path.join(corpus_dir, '*.txt')))
  if fixtures_dir and os.path.isdir(fixtures_dir):
    for path in sorted(glob.glob(os.path.join(fixtures_dir, '**', '*'), recursive=True)):
      rel = os.path.relpath(path, fixtures_dir).replace(os.sep, '/')
      if any(fnmatch.fnmatch(rel, p) for p in _COPIES) and rel not in _NOT_COPIES:
        continue
      if any(fnmatch.fnmatch(rel, p) for p in _XTREME_R_ADDITIONS):
        continue
      if os.path.isfile(path):
        files.append(path)
  return files


def corpus_lines(files):
  """All training lines, in a fixed order (sorted paths); files not in UTF-8 are skipped."""
  lines = []
  for path in files:
    try:
      lines.extend(_file_lines(path))
    except UnicodeDecodeError:
      continue  # a binary fixture: nothing to learn from
  return lines


def normalizer():
  return normalizers.Sequence([
      normalizers.NFKC(),
      normalizers.Replace(tokenizers.Regex(r'\s+'), ' '),
      normalizers.Strip(),
  ])


def pre_tokenizer():
  return pre_tokenizers.Sequence([
      pre_tokenizers.WhitespaceSplit(),
      # After the split, so the added '▁' has no source character: offsets start at the word.
      pre_tokenizers.Metaspace(replacement='▁', prepend_scheme='always', split=False),
      pre_tokenizers.Split(tokenizers.Regex(_ISOLATE), behavior='isolated'),
      pre_tokenizers.Punctuation(behavior='isolated'),
      pre_tokenizers.Digits(individual_digits=False),
  ])


def _alphabet():
  chars = set()
  for lo, hi in _ALPHABETS:
    for cp in range(lo, hi + 1):
      c = chr(cp)
      # Unassigned code points and characters NFKC rewrites can never reach the model.
      if unicodedata.category(c) != 'Cn' and unicodedata.normalize('NFKC', c) == c:
        chars.add(c)
  return chars


def _tokenizer(vocab):
  tok = tokenizers.Tokenizer(models.Unigram(vocab, unk_id=SPECIALS.index('<unk>'),
                                            byte_fallback=False))
  tok.normalizer = normalizer()
  tok.pre_tokenizer = pre_tokenizer()
  tok.decoder = decoders.Metaspace(replacement='▁', prepend_scheme='always', split=True)
  return tok


def _pruned_chars(learned, step=1e-4):
  """Single characters whose scores sit on the trainer's grid of step 1e-4 (its longest run)."""
  scores = sorted(s for p, s in learned if len(p) == 1)
  best, start = (0, 0), 0
  for i in range(1, len(scores) + 1):
    if i == len(scores) or abs(scores[i] - scores[i - 1] - step) > 1e-9:
      best = max(best, (i - start, start))
      start = i
  if best[0] < 2:
    return set()
  anchor = scores[best[1]]
  on_grid = lambda s: abs((s - anchor) / step - round((s - anchor) / step)) < 1e-5
  return {p for p, s in learned if len(p) == 1 and on_grid(s)}


def build(lines, vocab_size=TRAIN_VOCAB_SIZE):
  """Trains the Unigram model on `lines` and returns the finished `tokenizers.Tokenizer`."""
  tok = _tokenizer([(s, 0.0) for s in SPECIALS])  # placeholder model, replaced by training
  trainer = trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=list(SPECIALS),
                                    unk_token='<unk>', shrinking_factor=0.75,
                                    max_piece_length=12, show_progress=False)
  tok.train_from_iterator(lines, trainer=trainer, length=len(lines))
  trained = json.loads(tok.to_str())['model']['vocab']
  learned = [(p, s) for p, s in trained if p not in SPECIALS]
  # The trainer adds the characters its EM pruned with scores min + k * 1e-4 in hash order
  # (different on every run); they get the fixed score of the alphabet instead.
  pruned = _pruned_chars(learned)
  kept = sorted(((p, round(s, 6)) for p, s in learned if p not in pruned),
                key=lambda ps: (-ps[1], ps[0]))
  floor = min(s for _, s in kept) - 2.0
  have = {p for p, _ in kept}
  norm = normalizer()
  seen = {c for line in lines for c in norm.normalize_str(line) if not c.isspace()}
  chars = sorted((seen | _alphabet()) - have - set('▁'))
  vocab = ([(s, 0.0) for s in SPECIALS] + kept
           + [(c, round(floor, 6)) for c in chars] + [(MASK, 0.0)])
  tok = _tokenizer(vocab)
  tok.add_special_tokens([tokenizers.AddedToken(s, special=True) for s in SPECIALS]
                         + [tokenizers.AddedToken(MASK, special=True, lstrip=True)])
  tok.post_processor = processors.TemplateProcessing(
      single='<s> $A </s>', pair='<s> $A </s> </s> $B </s>',
      special_tokens=[('<s>', 0), ('</s>', 2)])
  return tok


def save(tok, out_dir=OUT_DIR):
  """Writes tokenizer.json and the configs `transformers.AutoTokenizer` needs."""
  os.makedirs(out_dir, exist_ok=True)
  tok.save(os.path.join(out_dir, 'tokenizer.json'))
  specials = {'bos_token': '<s>', 'eos_token': '</s>', 'unk_token': '<unk>', 'sep_token': '</s>',
              'pad_token': '<pad>', 'cls_token': '<s>', 'mask_token': MASK}
  config = dict(specials, tokenizer_class='PreTrainedTokenizerFast', model_max_length=512,
                clean_up_tokenization_spaces=False, model_input_names=['input_ids', 'attention_mask'])
  for name, content in (('tokenizer_config.json', config), ('special_tokens_map.json', specials)):
    with open(os.path.join(out_dir, name), 'w', encoding='utf-8') as f:
      json.dump(content, f, indent=2, ensure_ascii=False)
      f.write('\n')


def main():
  files = corpus_files()
  tok = build(corpus_lines(files))
  save(tok)
  print(f'{OUT_DIR}: vocab {tok.get_vocab_size()} from {len(files)} files')


if __name__ == '__main__':
  main()
