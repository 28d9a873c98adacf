"""Writes the fixtures of XTREME-R's new tasks in their raw release formats (no network):

  xcopa/data/<lang>/{val,test}.<lang>.jsonl   XCOPA's repository (gold test labels)
  copa/{train,val}.jsonl                      SuperGLUE COPA (XCOPA's English training data)
  mewslix/                                    Mewsli-X in XTREME-R's layout: candidate set,
                                              Wikipedia training pairs, WikiNews mentions and
                                              labels per language and split
  lareqa/xquad-r/<lang>.json                  XQuAD-R: SQuAD format with sentence_breaks

  python tests/tasks/xtreme_r_fixtures.py [ROOT]   (default: xstilts_jax/tasks/fixtures)

Offsets (mention spans, sentence spans, answer starts) are computed, never written by hand.
Running it twice changes nothing.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from intermediate_fixtures import _write  # noqa: E402
from xtreme_fixtures import DEFAULT_ROOT  # noqa: E402

# ---------------------------------------------------------------- XCOPA / COPA
# (premise, choice1, choice2, question, label); test in this order, val reversed.
XCOPA = {
    'et': (('Mees keeras kraani lahti.', 'Kraanikauss täitus veega.', 'Vesi voolas seinast välja.', 'effect', 0),
           ('Tüdruk leidis helvestest putuka.', 'Ta valas piima kaussi.', 'Tal kadus isu.', 'effect', 1)),
    'ht': (('Nonm nan louvri tiyo a.', 'Basen an te plen dlo.', 'Dlo a soti nan mi an.', 'effect', 0),
           ('Tifi a jwenn yon ensèk nan sereyal la.', 'Li vide lèt nan bòl la.', 'Li pèdi apeti.', 'effect', 1)),
    'id': (('Pria itu membuka keran.', 'Wastafel terisi air.', 'Air keluar dari dinding.', 'effect', 0),
           ('Gadis itu menemukan serangga di serealnya.', 'Dia menuang susu ke mangkuk.', 'Dia kehilangan nafsu makan.', 'effect', 1)),
    'it': (("L'uomo aprì il rubinetto.", 'Il lavandino si riempì di acqua.', "L'acqua uscì dal muro.", 'effect', 0),
           ('La ragazza trovò un insetto nei cereali.', 'Versò il latte nella ciotola.', "Perse l'appetito.", 'effect', 1)),
    'qu': (('Runaqa pilatata kicharqan.', 'Lavaderoqa yakuwan huntarqan.', 'Yakuqa pirqamanta lluqsirqan.', 'effect', 0),
           ('Sipasqa mikhunanpi kurutam tarirqan.', 'Lichita chuwaman hicharqan.', 'Mikhuy munayninta chinkachirqan.', 'effect', 1)),
    'sw': (('Mwanamume alifungua bomba.', 'Sinki lilijaa maji.', 'Maji yalitoka ukutani.', 'effect', 0),
           ('Msichana alipata mdudu kwenye nafaka yake.', 'Alimimina maziwa bakulini.', 'Alipoteza hamu ya kula.', 'effect', 1)),
    'ta': (('அந்த மனிதர் குழாயைத் திறந்தார்.', 'தொட்டி தண்ணீரால் நிரம்பியது.', 'சுவரிலிருந்து தண்ணீர் வந்தது.', 'effect', 0),
           ('சிறுமி தானியத்தில் ஒரு பூச்சியைக் கண்டாள்.', 'அவள் கிண்ணத்தில் பால் ஊற்றினாள்.', 'அவளுக்குப் பசி போனது.', 'effect', 1)),
    'th': (('ชายคนนั้นเปิดก๊อกน้ำ', 'อ่างล้างมือเต็มไปด้วยน้ำ', 'น้ำไหลออกมาจากผนัง', 'effect', 0),
           ('เด็กหญิงพบแมลงในซีเรียล', 'เธอเทนมลงในชาม', 'เธอหมดความอยากอาหาร', 'effect', 1)),
    'tr': (('Adam musluğu açtı.', 'Lavabo suyla doldu.', 'Su duvardan çıktı.', 'effect', 0),
           ('Kız mısır gevreğinde bir böcek buldu.', 'Kaseye süt döktü.', 'İştahı kaçtı.', 'effect', 1)),
    'vi': (('Người đàn ông mở vòi nước.', 'Bồn rửa đầy nước.', 'Nước chảy ra từ bức tường.', 'effect', 0),
           ('Cô gái tìm thấy một con bọ trong ngũ cốc.', 'Cô ấy rót sữa vào bát.', 'Cô ấy mất cảm giác thèm ăn.', 'effect', 1)),
    'zh': (('湖面结冰。', '冬天气温经常降到零度以下。', '游客来山里散步。', 'cause', 0),
           ('铁路把小镇和首都连接起来。', '博物馆举办了一个新展览。', '贸易迅速发展。', 'effect', 1)),
}
COPA = {
    'train': (('The man turned on the faucet.', 'The toilet filled with water.', 'Water flowed from the spout.', 'effect', 1),
              ('The girl found a bug in her cereal.', 'She poured milk in the bowl.', 'She lost her appetite.', 'effect', 1),
              ('The woman retired.', 'She received her pension.', 'She paid off her mortgage.', 'effect', 0),
              ('I wanted to conserve energy.', 'I swept the floor in the unoccupied room.', 'I shut off the light in the unoccupied room.', 'effect', 1),
              ('The hamburger meat browned.', 'The cook froze it.', 'The cook grilled it.', 'cause', 1),
              ('I doubted the salesman\'s pitch.', 'I turned his offer down.', 'He persuaded me to buy the product.', 'effect', 0)),
    'val': (('My body cast a shadow over the grass.', 'The sun was rising.', 'The grass was cut.', 'cause', 0),
            ('The woman tolerated her friend\'s difficult behavior.', 'The woman knew her friend was going through a hard time.', 'The woman felt that her friend took advantage of her kindness.', 'cause', 0),
            ('The women met for coffee.', 'The cafe reopened in a new location.', 'They wanted to catch up with each other.', 'cause', 1)),
}


def _copa_line(idx, row, changed=True):
  premise, choice1, choice2, question, label = row
  record = {'premise': premise, 'choice1': choice1, 'choice2': choice2, 'question': question,
            'label': label, 'idx': idx}
  if changed:  # XCOPA records carry it; English COPA does not
    record['changed'] = False
  return json.dumps(record, ensure_ascii=False) + '\n'


def write_xcopa(root):
  for lang, rows in XCOPA.items():
    for split, order in (('test', rows), ('val', rows[::-1])):
      _write(root, f'xcopa/data/{lang}/{split}.{lang}.jsonl',
             ''.join(_copa_line(i, row) for i, row in enumerate(order, 1)))
  for split, rows in COPA.items():
    _write(root, f'copa/{split}.jsonl',
           ''.join(_copa_line(i, row, changed=False) for i, row in enumerate(rows)))


# ---------------------------------------------------------------- Mewsli-X
# Candidate entities: (QID, title, language of the description, two description sentences).
ENTITIES = (
    ('Q64', 'Berlin', 'de', ('Berlin ist die Hauptstadt Deutschlands.', 'Die Stadt liegt an der Spree.')),
    ('Q90', 'Paris', 'fr', ('Paris est la capitale de la France.', 'La ville est traversée par la Seine.')),
    ('Q1726', 'Munich', 'en', ('Munich is the capital of Bavaria.', 'It lies on the river Isar.')),
    ('Q84', 'London', 'en', ('London is the capital of England.', 'It stands on the River Thames.')),
    ('Q220', 'Roma', 'it', ('Roma è la capitale d\'Italia.', 'La città è attraversata dal Tevere {fiume}.')),
    ('Q1085', 'Praha', 'cs', ('Praha je hlavní město Česka.', 'Městem protéká Vltava.')),
)
# WikiNews: two sentences per language, the first mentioning Berlin, the second Paris.
NEWS = {
    'ar': ('يغادر القطار إلى برلين في الثامنة.', 'غدا يذهب إلى باريس.', 'برلين', 'باريس'),
    'de': ('Der Zug nach Berlin fährt um acht Uhr ab.', 'Morgen fährt er nach Paris.', 'Berlin', 'Paris'),
    'en': ('The train to Berlin leaves at eight.', 'Tomorrow it goes on to Paris.', 'Berlin', 'Paris'),
    'es': ('El tren a Berlín sale a las ocho.', 'Mañana va a París.', 'Berlín', 'París'),
    'fa': ('قطار برلین ساعت هشت حرکت می\u200cکند.', 'فردا به پاریس می\u200cرود.', 'برلین', 'پاریس'),
    'ja': ('ベルリン行きの列車は八時に出発する。', '明日はパリへ行く。', 'ベルリン', 'パリ'),
    'pl': ('Pociąg do Berlina odjeżdża o ósmej.', 'Jutro jedzie do Paryża.', 'Berlina', 'Paryża'),
    'ro': ('Trenul spre Berlin pleacă la ora opt.', 'Mâine merge la Paris.', 'Berlin', 'Paris'),
    'ta': ('பெர்லின் ரயில் எட்டு மணிக்குப் புறப்படுகிறது.', 'நாளை அது பாரிஸ் செல்கிறது.', 'பெர்லின்', 'பாரிஸ்'),
    'tr': ('Berlin treni saat sekizde kalkıyor.', "Yarın Paris'e gidiyor.", 'Berlin', 'Paris'),
    'uk': ('Потяг до Берліна відправляється о восьмій.', 'Завтра він їде до Парижа.', 'Берліна', 'Парижа'),
}
# English Wikipedia training pairs: (sentence before, sentence with the mention, mention, QID).
WIKIPEDIA = {
    'train': (('The museum opened in 1900.', 'It is the oldest museum in Munich.', 'Munich', 'Q1726'),
              ('She studied law.', 'Later she moved to London.', 'London', 'Q84'),
              ('The bridge was rebuilt.', 'Trains from Prague cross it every hour.', 'Prague', 'Q1085'),
              ('He wrote three novels.', 'All {three} are set in Rome.', 'Rome', 'Q220')),
    'dev': (('The band toured Europe.', 'Their last concert was in Paris.', 'Paris', 'Q90'),),
}


def _entity(qid, title, lang, sentences):
  description = ' '.join(sentences)
  spans, start = [], 0
  for s in sentences:
    spans.append({'start': start, 'end': start + len(s)})
    start += len(s) + 1
  return {'entity_id': qid, 'title': title, 'description': description,
          'sentence_spans': spans, 'description_language': lang,
          'description_url': f'https://{lang}.wikipedia.org/wiki/{title}'}


def _context(lang, doc, sentences):
  text = ' '.join(sentences)
  spans, start = [], 0
  for s in sentences:
    spans.append({'start': start, 'end': start + len(s)})
    start += len(s) + 1
  return {'document_title': f'Fixture {doc}', 'document_url': f'https://{lang}.wikinews.org/wiki/{doc}',
          'document_id': doc, 'language': lang, 'text': text, 'sentence_spans': spans}


def _mention(example_id, text, surface, entity_id, after=0):
  start = text.index(surface, after)
  return {'example_id': example_id,
          'mention_span': {'start': start, 'end': start + len(surface), 'text': surface},
          'entity_id': entity_id}


def _jsonl(records):
  return ''.join(json.dumps(r, ensure_ascii=False) + '\n' for r in records)


def write_mewslix(root):
  _write(root, 'mewslix/candidate_set_entities.jsonl', _jsonl(_entity(*e) for e in ENTITIES))
  for split, pairs in WIKIPEDIA.items():
    records = []
    for i, (before, sentence, surface, qid) in enumerate(pairs):
      context = _context('en', f'W{i}', (before, sentence))
      mention = _mention(f'wiki-{split}-{i}', context['text'], surface, qid,
                         after=len(before) + 1)
      entity = _entity(*next(e for e in ENTITIES if e[0] == qid))
      records.append({'contextual_mention': {'context': context, 'mention': mention},
                      'entity': entity})
    _write(root, f'mewslix/wikipedia_pairs-{split}.jsonl', _jsonl(records))
  for lang, (first, second, berlin, paris) in NEWS.items():
    for split in ('dev', 'test'):
      context = _context(lang, f'N-{lang}', (first, second))
      text = context['text']
      gold = {f'{split}-{lang}-1': 'Q64', f'{split}-{lang}-2': 'Q90'}
      mentions = [_mention(f'{split}-{lang}-1', text, berlin, 'Q64'),
                  _mention(f'{split}-{lang}-2', text, paris, 'Q90', after=len(first) + 1)]
      if split == 'test':  # XTREME-R's preprocessing removes the test links from the mentions
        for m in mentions:
          m['entity_id'] = ''
      _write(root, f'mewslix/wikinews_mentions/{split}-{lang}.jsonl',
             _jsonl([{'context': context, 'mentions': mentions}]))
      _write(root, f'mewslix/wikinews_labels/{split}-{lang}.json',
             json.dumps({k: [v] for k, v in gold.items()}))


# ---------------------------------------------------------------- LAReQA (XQuAD-R)
# Per language: two sentences (the train, the museum) and their questions and answers.
XQUAD_R = {
    'ar': ('يغادر القطار إلى برلين في الساعة الثامنة.', 'المتحف مغلق يوم الاثنين.',
           'متى يغادر القطار إلى برلين؟', 'في الساعة الثامنة', 'متى يكون المتحف مغلقا؟', 'يوم الاثنين'),
    'de': ('Der Zug nach Berlin fährt um acht Uhr ab.', 'Das Museum ist montags geschlossen.',
           'Wann fährt der Zug nach Berlin ab?', 'um acht Uhr', 'Wann ist das Museum geschlossen?', 'montags'),
    'el': ('Το τρένο για το Βερολίνο φεύγει στις οκτώ.', 'Το μουσείο είναι κλειστό τις Δευτέρες.',
           'Πότε φεύγει το τρένο για το Βερολίνο;', 'στις οκτώ', 'Πότε είναι κλειστό το μουσείο;', 'τις Δευτέρες'),
    'en': ("The train to Berlin leaves at eight o'clock.", 'The museum is closed on Mondays.',
           'When does the train to Berlin leave?', "eight o'clock", 'When is the museum closed?', 'on Mondays'),
    'es': ('El tren a Berlín sale a las ocho.', 'El museo cierra los lunes.',
           '¿Cuándo sale el tren a Berlín?', 'a las ocho', '¿Cuándo cierra el museo?', 'los lunes'),
    'hi': ('बर्लिन की ट्रेन आठ बजे छूटती है।', 'संग्रहालय सोमवार को बंद रहता है।',
           'बर्लिन की ट्रेन कब छूटती है?', 'आठ बजे', 'संग्रहालय कब बंद रहता है?', 'सोमवार को'),
    'ru': ('Поезд в Берлин отправляется в восемь часов.', 'Музей закрыт по понедельникам.',
           'Когда отправляется поезд в Берлин?', 'в восемь часов', 'Когда закрыт музей?', 'по понедельникам'),
    'th': ('รถไฟไปเบอร์ลินออกเวลาแปดโมง', 'พิพิธภัณฑ์ปิดทุกวันจันทร์',
           'รถไฟไปเบอร์ลินออกกี่โมง', 'แปดโมง', 'พิพิธภัณฑ์ปิดวันไหน', 'ทุกวันจันทร์'),
    'tr': ('Berlin treni saat sekizde kalkıyor.', 'Müze pazartesi günleri kapalıdır.',
           'Berlin treni saat kaçta kalkıyor?', 'saat sekizde', 'Müze ne zaman kapalıdır?', 'pazartesi günleri'),
    'vi': ('Tàu đi Berlin khởi hành lúc tám giờ.', 'Bảo tàng đóng cửa vào các ngày thứ Hai.',
           'Tàu đi Berlin khởi hành lúc mấy giờ?', 'tám giờ', 'Bảo tàng đóng cửa khi nào?', 'các ngày thứ Hai'),
    'zh': ('去柏林的火车八点出发。', '博物馆周一闭馆。',
           '去柏林的火车几点出发？', '八点', '博物馆什么时候闭馆？', '周一'),
}
# XQuAD-R ids are shared by the translations of one question.
XQUAD_R_IDS = ('56beb4343aeaaa14008c925b', '56beb4343aeaaa14008c925c')


def _xquad_r(lang):
  first, second, q1, a1, q2, a2 = XQUAD_R[lang]
  context = f'{first} {second}'
  breaks = [[0, len(first)], [len(first) + 1, len(context)]]
  qas = []
  for qid, question, answer, sentence in zip(XQUAD_R_IDS, (q1, q2), (a1, a2), breaks):
    start = context.index(answer, sentence[0])
    assert start < sentence[1], (lang, answer)
    qas.append({'id': qid, 'question': question,
                'answers': [{'text': answer, 'answer_start': start}]})
  return {'version': '1.1', 'data': [{'title': 'Fixture', 'paragraphs': [
      {'context': context, 'sentence_breaks': breaks, 'qas': qas}]}]}


def write_lareqa(root):
  for lang in XQUAD_R:
    _write(root, f'lareqa/xquad-r/{lang}.json',
           json.dumps(_xquad_r(lang), indent=1, ensure_ascii=False) + '\n')


def main(root=DEFAULT_ROOT):
  write_xcopa(root)
  write_mewslix(root)
  write_lareqa(root)


if __name__ == '__main__':
  main(*sys.argv[1:])
