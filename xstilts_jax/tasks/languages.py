"""XTREME and XTREME-R language lists per target task, and the file codes their raw data uses.

Codes are XTREME's two-letter codes everywhere; `TATOEBA_ISO3` (LASER file names),
`TYDIQA_NAMES` (TyDiQA-GoldP dev file names) and `UDPOS_HUB_NAMES` (the `google/xtreme` hub
configs `udpos.<Name>`) map them to the names in files and configs.
"""

XNLI = tuple('ar bg de el en es fr hi ru sw th tr ur vi zh'.split())
PAWSX = tuple('de en es fr ja ko zh'.split())
UDPOS = tuple(('af ar bg de el en es et eu fa fi fr he hi hu id it ja kk ko mr nl pt ru ta te '
               'th tl tr ur vi yo zh').split())
PANX = tuple(('af ar bg bn de el en es et eu fa fi fr he hi hu id it ja jv ka kk ko ml mr ms my '
              'nl pt ru sw ta te th tl tr ur vi yo zh').split())
XQUAD = tuple('ar de el en es hi ru th tr vi zh'.split())  # XTREME's 11; 'ro' came later
MLQA = tuple('ar de en es hi vi zh'.split())
TYDIQA = tuple('ar bn en fi id ko ru sw te'.split())
BUCC = tuple('de fr ru zh'.split())  # each against English
TATOEBA = tuple(('af ar bg bn de el es et eu fa fi fr he hi hu id it ja jv ka kk ko ml mr nl pt '
                 'ru sw ta te th tl tr ur vi zh').split())

# LASER's Tatoeba file codes (as XTREME's utils_preprocess.tatoeba_preprocess maps them).
TATOEBA_ISO3 = {
    'af': 'afr', 'ar': 'ara', 'bg': 'bul', 'bn': 'ben', 'de': 'deu', 'el': 'ell', 'es': 'spa',
    'et': 'est', 'eu': 'eus', 'fa': 'pes', 'fi': 'fin', 'fr': 'fra', 'he': 'heb', 'hi': 'hin',
    'hu': 'hun', 'id': 'ind', 'it': 'ita', 'ja': 'jpn', 'jv': 'jav', 'ka': 'kat', 'kk': 'kaz',
    'ko': 'kor', 'ml': 'mal', 'mr': 'mar', 'nl': 'nld', 'pt': 'por', 'ru': 'rus', 'sw': 'swh',
    'ta': 'tam', 'te': 'tel', 'th': 'tha', 'tl': 'tgl', 'tr': 'tur', 'ur': 'urd', 'vi': 'vie',
    'zh': 'cmn',
    # XTREME-R's five added languages (its utils_preprocess.tatoeba_preprocess).
    'az': 'aze', 'lt': 'lit', 'pl': 'pol', 'uk': 'ukr', 'ro': 'ron',
}

# Pairs in the LASER v1 test files (1,000 unless listed): what a complete copy must hold.
TATOEBA_SIZES = {lang: 1000 for lang in TATOEBA + ('az', 'lt', 'pl', 'uk', 'ro')}
TATOEBA_SIZES.update({'jv': 205, 'te': 234, 'ta': 307, 'sw': 390, 'th': 548, 'kk': 575,
                      'ml': 687, 'ka': 746})

# TyDiQA-GoldP: file names and question-id prefixes use the English language name.
TYDIQA_NAMES = {
    'ar': 'arabic', 'bn': 'bengali', 'en': 'english', 'fi': 'finnish', 'id': 'indonesian',
    'ko': 'korean', 'ru': 'russian', 'sw': 'swahili', 'te': 'telugu',
}

# google/xtreme hub configs `udpos.<Name>` and `PAN-X.<code>`.
UDPOS_HUB_NAMES = {
    'af': 'Afrikaans', 'ar': 'Arabic', 'bg': 'Bulgarian', 'de': 'German', 'el': 'Greek',
    'en': 'English', 'es': 'Spanish', 'et': 'Estonian', 'eu': 'Basque', 'fa': 'Persian',
    'fi': 'Finnish', 'fr': 'French', 'he': 'Hebrew', 'hi': 'Hindi', 'hu': 'Hungarian',
    'id': 'Indonesian', 'it': 'Italian', 'ja': 'Japanese', 'kk': 'Kazakh', 'ko': 'Korean',
    'mr': 'Marathi', 'nl': 'Dutch', 'pt': 'Portuguese', 'ru': 'Russian', 'ta': 'Tamil',
    'te': 'Telugu', 'th': 'Thai', 'tl': 'Tagalog', 'tr': 'Turkish', 'ur': 'Urdu',
    'vi': 'Vietnamese', 'yo': 'Yoruba', 'zh': 'Chinese',
}

# XTREME-R (Ruder et al. 2021): the official scorer's XTREME_R_TASK2LANGS, sorted. No PAWS-X
# or BUCC; UD-POS, WikiANN (PAN-X), XQuAD and Tatoeba gain languages; XCOPA, Mewsli-X and
# LAReQA are new. LAReQA's XQuAD-R has XQuAD's 11 languages (the official scorer lists none).
XTREME_R = {
    'xnli': XNLI,
    'xcopa': tuple('et ht id it qu sw ta th tr vi zh'.split()),
    'udpos': tuple(sorted(UDPOS + ('lt', 'pl', 'uk', 'wo', 'ro'))),
    'panx': tuple(sorted(PANX + ('qu', 'pl', 'uk', 'az', 'lt', 'pa', 'gu', 'ro'))),
    'xquad': tuple(sorted(XQUAD + ('ro',))),
    'mlqa': MLQA,
    'tydiqa': TYDIQA,
    'tatoeba': tuple(sorted(TATOEBA + ('az', 'lt', 'pl', 'uk', 'ro'))),
    'mewslix': tuple('ar de en es fa ja pl ro ta tr uk'.split()),
    'lareqa': XQUAD,
}
XTREME_R_LANGUAGES = tuple(sorted({l for langs in XTREME_R.values() for l in langs}))

# UD-POS: XTREME-R reads its five added languages from UD v2.7 (XTREME's stay on v2.5).
UDPOS_V27 = ('lt', 'pl', 'uk', 'wo', 'ro')
