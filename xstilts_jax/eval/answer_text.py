"""QA answer text as jiant and XTREME produce it: the predicted subword span projected back
onto the original words (`get_final_text` of the BERT SQuAD script, kept by transformers'
`squad_metrics` and jiant's `squad_style/utils.py`).

1. The context is split into words on whitespace (jiant's `is_whitespace`: space, tab, CR,
   LF, U+202F); `orig_text` is the words the span's first and last tokens belong to, joined
   by one space.
2. `pred_text` is the span's sentencepiece pieces joined, '▁' read as a space, whitespace
   runs collapsed (XLM-R's `convert_tokens_to_string`).
3. `orig_text` is run through BERT's BasicTokenizer (uncased=False: control characters
   dropped, CJK ideographs and punctuation split off); if `pred_text` is found in it and the
   two texts have the same characters once spaces are removed, the characters of the match
   are cut from `orig_text`; otherwise the answer is the whole `orig_text`.

The fallback is why jiant's answers can be longer than the gold: a Chinese answer inside an
unspaced run ('北京' in '北京大学') is never found in the spaced-out BasicTokenizer text, so
the whole whitespace-delimited run is the answer.

BasicTokenizer is that of transformers 4.5 (jiant's pin): no NFC normalisation (added to
transformers later), no lower-casing or accent stripping (jiant passes do_lower_case=False
for XLM-R).
"""

import unicodedata

SPIECE_UNDERLINE = '▁'


def is_whitespace(c):
  """jiant's and XTREME's word separator for SQuAD contexts."""
  return c in ' \t\r\n' or ord(c) == 0x202F


def whitespace_words(text):
  """(words, char_to_word): the words of `text` and the word index of each character
  (a whitespace character belongs to the word before it, -1 before the first)."""
  words, char_to_word, prev_is_whitespace = [], [], True
  for c in text:
    if is_whitespace(c):
      prev_is_whitespace = True
    else:
      if prev_is_whitespace:
        words.append(c)
      else:
        words[-1] += c
      prev_is_whitespace = False
    char_to_word.append(len(words) - 1)
  return words, char_to_word


def pieces_to_text(pieces):
  """XLM-R's convert_tokens_to_string, then whitespace collapsed (as jiant)."""
  text = ''.join(pieces).replace(SPIECE_UNDERLINE, ' ').strip()
  return ' '.join(text.split())


def _is_bert_whitespace(c):
  return c in ' \t\n\r' or unicodedata.category(c) == 'Zs'


def _is_control(c):
  return c not in '\t\n\r' and unicodedata.category(c).startswith('C')


def _is_punctuation(c):
  cp = ord(c)
  if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
    return True
  return unicodedata.category(c).startswith('P')


def _is_cjk(cp):
  return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
          or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
          or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokenize(text):
  """BERT's BasicTokenizer(do_lower_case=False).tokenize as in transformers 4.5."""
  cleaned = []
  for c in text:
    cp = ord(c)
    if cp == 0 or cp == 0xFFFD or _is_control(c):
      continue
    c = ' ' if _is_bert_whitespace(c) else c
    cleaned.append(f' {c} ' if _is_cjk(cp) else c)
  tokens = []
  for word in ''.join(cleaned).split():
    current = None
    for c in word:
      if _is_punctuation(c):
        tokens.append(c)
        current = None
      else:
        if current is None:
          tokens.append('')
          current = len(tokens) - 1
        tokens[current] += c
  return ' '.join(tokens).split()


def _strip_spaces(text):
  chars, ns_to_s = [], {}
  for i, c in enumerate(text):
    if c == ' ':
      continue
    ns_to_s[len(chars)] = i
    chars.append(c)
  return ''.join(chars), ns_to_s


def get_final_text(pred_text, orig_text):
  """`pred_text` projected onto `orig_text`, or `orig_text` where the alignment fails."""
  tok_text = ' '.join(basic_tokenize(orig_text))
  start = tok_text.find(pred_text)
  if start == -1:
    return orig_text
  end = start + len(pred_text) - 1
  orig_ns, orig_ns_to_s = _strip_spaces(orig_text)
  tok_ns, tok_ns_to_s = _strip_spaces(tok_text)
  if len(orig_ns) != len(tok_ns):
    return orig_text
  tok_s_to_ns = {s: ns for ns, s in tok_ns_to_s.items()}
  orig_start = orig_ns_to_s.get(tok_s_to_ns.get(start))
  if orig_start is None:
    return orig_text
  orig_end = orig_ns_to_s.get(tok_s_to_ns.get(end))
  if orig_end is None:
    return orig_text
  return orig_text[orig_start:orig_end + 1]


def word_of_token(context, char_to_word, start_char):
  """The word a token starting at `start_char` came from: the word of the first non-space
  character from there on (a lone '▁' piece belongs to the word it precedes)."""
  for c in range(max(start_char, 0), len(context)):
    if not is_whitespace(context[c]):
      return char_to_word[c]
  return char_to_word[-1] if char_to_word else 0


def jiant_answer(context, token_offsets, pieces, words_and_map=None):
  """The answer text of the span whose tokens have `token_offsets` [n, 2] and `pieces`."""
  words, char_to_word = words_and_map or whitespace_words(context)
  first = word_of_token(context, char_to_word, int(token_offsets[0][0]))
  last = word_of_token(context, char_to_word, int(token_offsets[-1][0]))
  return get_final_text(pieces_to_text(pieces), ' '.join(words[first:last + 1]))
