"""Builds `assets/robustness/keyboards.json` from xkeyboard-config's symbol files.

    python -m xstilts_jax.robustness.xkb [--xkb /usr/share/X11/xkb] [--keysyms /usr/include/X11/keysymdef.h]

Run once by a developer (Debian: packages xkb-data and x11proto-dev); the package reads the
JSON only. For each language of `LAYOUTS` it resolves the layout's `include`s, keeps the
first two shift levels of the alphanumeric keys, and turns keysym names into characters
with keysymdef.h. Which layout serves a language: xkeyboard-config's own language tags
(rules/evdev.xml `iso639Id`) where it has one; the rest are marked `tagged: false` with why.
"""

import argparse
import datetime
import json
import os
import re

from xstilts_jax.robustness import keyboards

# language -> (xkb layout(section), tagged for the language by xkeyboard-config, note)
LAYOUTS = {
    'af': ('za(basic)', False, "South Africa's layout (US-based); xkb tags none for Afrikaans"),
    'ar': ('ara(basic)', True, ''),
    'az': ('az', True, ''),
    'bg': ('bg(bds)', True, ''),
    'bn': ('bd(basic)', True, ''),
    'de': ('de(basic)', True, ''),
    'el': ('gr(basic)', True, ''),
    'en': ('us(basic)', True, ''),
    'es': ('es(basic)', True, ''),
    'et': ('ee(basic)', True, ''),
    'eu': ('es(basic)', False, "Spain's layout; xkb tags none for Basque"),
    'fa': ('ir(pes)', True, ''),
    'fi': ('fi', True, ''),
    'fr': ('fr(basic)', True, ''),
    'gu': ('in(guj)', True, ''),
    'he': ('il(basic)', True, ''),
    'hi': ('in(deva)', True, ''),
    'hu': ('hu(basic)', True, ''),
    'id': ('id(basic)', True, ''),
    'it': ('it(basic)', True, ''),
    'jv': ('id(basic)', False, 'Latin-script Javanese (as in XTREME) on the Indonesian layout; '
           "xkb's jv layout is for the Javanese script"),
    'ka': ('ge(basic)', True, ''),
    'kk': ('kz(basic)', True, ''),
    'lt': ('lt(basic)', True, ''),
    'ml': ('in(mal)', True, ''),
    'mr': ('in(marathi)', True, ''),
    'ms': ('id(basic)', True, 'tagged msa by xkb (its my layout is Jawi script)'),
    'my': ('mm(basic)', True, ''),
    'nl': ('nl(basic)', True, ''),
    'pa': ('in(guru)', True, ''),
    'pl': ('pl(basic)', True, ''),
    'pt': ('pt(basic)', True, ''),
    'qu': ('latam(basic)', False, "Latin American Spanish layout; xkb tags none for Quechua"),
    'ro': ('ro(basic)', True, ''),
    'ru': ('ru(winkeys)', True, ''),
    'sw': ('ke', True, ''),
    'ta': ('in(tam)', True, ''),
    'te': ('in(tel)', True, ''),
    'th': ('th(basic)', True, ''),
    'tl': ('ph(basic)', True, ''),
    'tr': ('tr(basic)', True, ''),
    'uk': ('ua', True, ''),
    'ur': ('pk', True, ''),
    'vi': ('vn(basic)', True, ''),
    'wo': ('sn(basic)', True, ''),
    'yo': ('ng(yoruba)', True, ''),
}
# XTREME-R languages with no layout, and why.
MISSING = {
    'ht': 'no Haitian Creole layout in xkeyboard-config',
    'ja': 'typed through an input method (romaji or kana to kanji): key neighbours are not typos',
    'ko': "xkb's kr layout is US plus a Hangul toggle; 2-set jamo typing needs an input method",
    'zh': 'typed through an input method (pinyin, ...): key neighbours are not typos',
}
_KEY_NAMES = re.compile(r'^(A[EDCB]\d\d|TLDE|BKSL|LSGT)$')


def _strip_comments(text):
  text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
  return re.sub(r'//[^\n]*', '', text)


def _sections(path):
  """{section name: body}, and the default section's name."""
  text = _strip_comments(open(path, encoding='utf-8').read())
  found, default = {}, None
  for m in re.finditer(r'((?:\w+\s+)*)xkb_symbols\s+"([^"]+)"\s*\{', text):
    depth, i = 1, m.end()
    while depth:
      depth += {'{': 1, '}': -1}.get(text[i], 0)
      i += 1
    found[m.group(2)] = text[m.end():i - 1]
    if 'default' in m.group(1).split():
      default = m.group(2)
  return found, default or next(iter(found))


def _keysyms(path):
  table = {}
  for m in re.finditer(r'#define XK_(\w+)\s+0x([0-9a-fA-F]+)\s*/\*\s*\(?U\+([0-9A-Fa-f]+)',
                       open(path, encoding='utf-8').read()):
    table[m.group(1)] = chr(int(m.group(3), 16))
  return table


def _char(name, keysyms):
  if re.fullmatch(r'U[0-9A-Fa-f]{4,6}', name):
    return chr(int(name[1:], 16))
  if re.fullmatch(r'0x1[0-9A-Fa-f]{6}', name):
    return chr(int(name, 16) - 0x1000000)
  return keysyms.get(name, '')  # dead keys, NoSymbol, function keys: nothing typed


def resolve(spec, symbols_dir, keysyms, seen=()):
  """{XKB key name: [level1, level2]} of 'file(section)' with its includes applied."""
  m = re.fullmatch(r'([\w-]+)(?:\(([\w-]+)\))?', spec)
  if not m or spec in seen:
    raise ValueError(f'bad or circular xkb include {spec!r}')
  sections, default = _sections(os.path.join(symbols_dir, m.group(1)))
  section = m.group(2) or default
  if section not in sections:
    raise ValueError(f'xkb symbols file {m.group(1)} has no section {section!r}; '
                     f'it has {" ".join(sections)}')
  body = sections[section]
  keys = {}
  for statement in re.finditer(r'include\s+"([^"]+)"|key\s*<(\w+)>\s*\{(.*?)\}\s*;', body, re.S):
    if statement.group(1):
      for part in re.split(r'[+|]', statement.group(1)):
        if part and not part.startswith(('kpdl', 'level', 'nbsp', 'keypad', 'eurosign',
                                         'rupeesign', 'compose')):
          keys.update(resolve(part, symbols_dir, keysyms, seen + (spec,)))
      continue
    name, inside = statement.group(2), statement.group(3)
    if not _KEY_NAMES.match(name):
      continue
    groups = re.findall(r'\[([^\]]*)\]', inside)
    explicit = re.search(r'symbols\[Group1\]\s*=\s*\[([^\]]*)\]', inside)
    levels = (explicit.group(1) if explicit else groups[0] if groups else '').split(',')
    chars = [_char(s.strip(), keysyms) for s in levels[:2]]
    if any(chars):
      keys[name] = chars + [''] * (2 - len(chars))
  return keys


def build(xkb_dir, keysymdef):
  keysyms = _keysyms(keysymdef)
  layouts = {}
  for lang, (spec, tagged, note) in sorted(LAYOUTS.items()):
    keys = resolve(spec, os.path.join(xkb_dir, 'symbols'), keysyms)
    layouts[lang] = {'xkb': spec, 'tagged': tagged, 'note': note,
                     'keys': {k: keys[k] for k in sorted(keys)}}
  version = ''
  changelog = '/usr/share/doc/xkb-data/changelog.Debian.gz'
  if os.path.exists(changelog):
    import gzip
    version = gzip.open(changelog, 'rt').readline().split('(')[1].split(')')[0]
  return {
      'source': f'xkeyboard-config (Debian xkb-data {version}), symbols/ and rules/evdev.xml',
      'licence': 'xkeyboard-config: MIT/X11-style permissive licences (its COPYING; '
                 'xstilts_jax/assets/robustness/KEYBOARDS_LICENSE)',
      'built': datetime.date.today().isoformat(),
      'missing': MISSING,
      'layouts': layouts,
  }


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--xkb', default='/usr/share/X11/xkb')
  parser.add_argument('--keysyms', default='/usr/include/X11/keysymdef.h')
  parser.add_argument('--out', default=keyboards.KEYBOARD_FILE)
  args = parser.parse_args(argv)
  data = build(args.xkb, args.keysyms)
  with open(args.out, 'w', encoding='utf-8') as f:
    json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=True)
    f.write('\n')
  print(f'{len(data["layouts"])} layouts -> {args.out}')


if __name__ == '__main__':
  main()
