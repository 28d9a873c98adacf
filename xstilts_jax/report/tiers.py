"""Resource tiers of the XTREME / XTREME-R languages, as data.

Source: Joshi et al. 2020, "The State and Fate of Linguistic Diversity and Inclusion in the
NLP World" (ACL), classes 0 ("left-behinds") to 5 ("winners") by labelled and unlabelled
data available; the per-language list is the paper's `lang2tax.txt` (lines `<language
name>,<class>`, https://microsoft.github.io/linguisticdiversity/assets/lang2tax.txt). Tiers
follow one rule: high = classes 4-5, mid = class 3, low = classes 0-2.

Checked (November 2026) against a second copy that keeps lang2tax's names and classes
(github.com/MaLA-LM/LangResourceAtlas, `Joshi-et-al/Joshi-et-al-6-classes.json`; its classes
2-5 hold 19, 28, 18 and 7 languages, the paper's counts); the primary file could not be
reached from here. All 50 XTREME-R languages agree but two, fixed: Haitian (lang2tax
'haitian', class 2; a separate 'haitian creole' line says 0; the table had 1: low either way)
and Azerbaijani ('azerbaijani', class 1; was missing). Malagasy (not an XTREME language) is
kept. Codes map to names as XTREME's (fa = Persian, ms = Malay, zh = Mandarin, pa = Eastern
Punjabi, sw = Swahili).
"""

JOSHI_CLASS = {
    'ar': 5, 'de': 5, 'en': 5, 'es': 5, 'fr': 5, 'ja': 5, 'zh': 5,
    'eu': 4, 'fa': 4, 'fi': 4, 'hi': 4, 'hu': 4, 'it': 4, 'ko': 4, 'nl': 4, 'pl': 4, 'pt': 4,
    'ru': 4, 'tr': 4, 'vi': 4,
    'af': 3, 'bg': 3, 'bn': 3, 'el': 3, 'et': 3, 'he': 3, 'id': 3, 'ka': 3, 'kk': 3, 'lt': 3,
    'ms': 3, 'ro': 3, 'ta': 3, 'th': 3, 'tl': 3, 'uk': 3, 'ur': 3,
    'ht': 2, 'mr': 2, 'pa': 2, 'sw': 2, 'wo': 2, 'yo': 2,
    'az': 1, 'gu': 1, 'jv': 1, 'mg': 1, 'ml': 1, 'my': 1, 'qu': 1, 'te': 1,
}
TIERS = ('high', 'mid', 'low')


def tier(lang):
  """'high', 'mid' or 'low'; None for a language without a class here."""
  c = JOSHI_CLASS.get(lang)
  if c is None:
    return None
  return 'high' if c >= 4 else 'mid' if c == 3 else 'low'
