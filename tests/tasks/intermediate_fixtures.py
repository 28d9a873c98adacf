"""Writes the intermediate tasks' fixtures in each data set's raw format (no network).

  python tests/tasks/intermediate_fixtures.py [ROOT]   (default: xstilts_jax/tasks/fixtures)

The sentences are made up here. MNLI's is learnable for the embedded demo: the hypothesis
carries the label (contradiction 'did not', entailment 'Yes, ... something', neutral
'probably ... twice'). test_intermediate.py checks the shipped files equal a fresh run.
"""

import csv
import io
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))

from xstilts_jax.tasks.readers import ccg  # noqa: E402

DEFAULT_ROOT = os.path.join(os.path.dirname(__file__), '..', '..', 'xstilts_jax', 'tasks',
                            'fixtures')

PERSONS = ('man', 'woman', 'boy', 'girl', 'doctor', 'teacher', 'farmer', 'child')
OBJECTS = ('apple', 'book', 'ball', 'letter', 'car', 'guitar', 'cake', 'door')
VERBS = (('open', 'opened'), ('paint', 'painted'), ('carry', 'carried'), ('clean', 'cleaned'),
         ('push', 'pushed'), ('wash', 'washed'), ('fix', 'fixed'), ('move', 'moved'))
PLACES = ('park', 'kitchen', 'garden', 'station', 'street', 'school', 'office', 'market')
GENRES = ('fiction', 'government', 'slate', 'telephone', 'travel')
NLI = ('contradiction', 'entailment', 'neutral')


def _write(root, rel, text):
  path = os.path.join(root, rel)
  os.makedirs(os.path.dirname(path), exist_ok=True)
  with open(path, 'w', encoding='utf-8', newline='') as f:
    f.write(text)


def _jsonl(rows):
  return ''.join(json.dumps(r) + '\n' for r in rows)


def _bin_parse(s):
  return '( ' + ' '.join(s.replace('.', ' .').replace(',', ' ,').split()) + ' )'


def _parse(s):
  return '(ROOT (S ' + ' '.join(f'(X {w})' for w in _bin_parse(s)[2:-2].split()) + '))'


# ---------------------------------------------------------------- NLI


def _nli_pair(i, label):
  p, o = PERSONS[i % 8], OBJECTS[(3 * i + i // 8) % 8]
  v, vpast = VERBS[(5 * i + i // 16) % 8]
  premise = f'The {p} {vpast} the {o} in the {PLACES[(i // 3) % 8]}.'
  hypothesis = {'contradiction': f'The {p} did not {v} the {o}.',
                'entailment': f'Yes, the {p} {vpast} something.',
                'neutral': f'The {p} probably {vpast} the {o} twice.'}[label]
  return premise, hypothesis


def mnli(root):
  head = ['index', 'promptID', 'pairID', 'genre', 'sentence1_binary_parse',
          'sentence2_binary_parse', 'sentence1_parse', 'sentence2_parse', 'sentence1',
          'sentence2']
  for name, n, offset, extra in (('train.tsv', 64, 0, ['label1']),
                                 ('dev_matched.tsv', 18, 100,
                                  ['label1', 'label2', 'label3', 'label4', 'label5'])):
    lines = ['\t'.join(head + extra + ['gold_label'])]
    for k in range(n):
      j, label = offset + k // 3, NLI[k % 3]  # one premise (prompt), three hypotheses
      s1, s2 = _nli_pair(j, label)
      prompt = 10000 + j
      votes = [label] * len(extra)
      if len(votes) > 1:
        votes[-1] = NLI[(k + 1) % 3]  # a dissenting annotator, as in the real dev set
      lines.append('\t'.join([str(k), str(prompt), f'{prompt}{label[0]}', GENRES[k % 5],
                              _bin_parse(s1), _bin_parse(s2), _parse(s1), _parse(s2), s1, s2]
                             + votes + [label]))
    _write(root, f'glue/MNLI/{name}', '\n'.join(lines) + '\n')


def qqp(root):
  pairs = [
      ('How do I learn to cook rice?', 'What is the best way to learn cooking rice?', 1),
      ('Why is the sky blue?', 'How far away is the moon?', 0),
      ('What is the capital of France?', 'Which city is the capital of France?', 1),
      ('How can I improve my handwriting?', 'How do I fix a flat bicycle tyre?', 0),
      ('Is coffee bad for your health?', 'Does drinking coffee harm your health?', 1),
      ('What are good books for beginners in physics?', 'Where can I buy cheap shoes?', 0),
      ('How do I stop procrastinating?', 'What can I do to stop procrastinating?', 1),
      ('Who wrote "Hamlet"?', 'Who painted the Mona Lisa?', 0),
      ('What is machine learning?', 'Can you explain what machine learning is?', 1),
      ('How tall is Mount Everest?', 'How deep is the Pacific Ocean?', 0),
      ('How do I reset my password?', 'What should I do if I forgot my password?', 1),
      ('Why do cats purr?', 'Why do dogs bark at night?', 0),
      ('What is the fastest land animal?', 'Which land animal runs the fastest?', 1),
      ('How do planes fly?', 'How are bridges built?', 0),
      ('Is it safe to swim after eating?', 'Can you swim right after a meal?', 1),
      ('What is a black hole?', "What's the best pizza topping?", 0),
  ]
  head = 'id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate'
  for name, rows, base in (('train.tsv', pairs[:10], 0), ('dev.tsv', pairs[10:], 500)):
    lines = [head] + [f'{base + k}\t{2 * (base + k) + 1}\t{2 * (base + k) + 2}\t{q1}\t{q2}\t{y}'
                      for k, (q1, q2, y) in enumerate(rows)]
    _write(root, f'glue/QQP/{name}', '\n'.join(lines) + '\n')


def snli(root):
  for split, n, offset in (('train', 9, 200), ('dev', 7, 300), ('test', 6, 400)):
    rows = []
    for k in range(n):
      i, label = offset + k, NLI[k % 3]
      s1, s2 = _nli_pair(i, label)
      votes = [label] * 5
      gold = label
      if split != 'test' and k == 4:  # annotators split 2-2-1: no gold label
        votes, gold = [NLI[0], NLI[0], NLI[1], NLI[1], NLI[2]], '-'
      caption = f'{3000000 + i}.jpg#{k % 5}'
      rows.append({'annotator_labels': votes, 'captionID': caption, 'gold_label': gold,
                   'pairID': f'{caption}r1{gold[0] if gold != "-" else "n"}',
                   'sentence1': s1, 'sentence1_binary_parse': _bin_parse(s1),
                   'sentence1_parse': _parse(s1), 'sentence2': s2,
                   'sentence2_binary_parse': _bin_parse(s2), 'sentence2_parse': _parse(s2)})
    _write(root, f'snli/snli_1.0/snli_1.0_{split}.jsonl', _jsonl(rows))


def anli(root):
  for r in (1, 2, 3):
    for split, n in (('train', 6), ('dev', 5), ('test', 5)):
      rows = []
      for k in range(n):
        i = 500 + 100 * r + 10 * ('train', 'dev', 'test').index(split) + k
        label = NLI[(k + r) % 3]
        s1, s2 = _nli_pair(i, label)
        context = f'{s1} It happened on a {("Monday", "Tuesday", "Friday")[k % 3]} in round {r}.'
        rows.append({'uid': f'{r:x}{i:07x}-a1b2-4c3d-9e8f-{k:012d}', 'context': context,
                     'hypothesis': s2, 'label': label[0], 'model_label': NLI[(k + r + 1) % 3][0],
                     'emturk': k % 2 == 0, 'genre': 'wiki', 'reason': 'The context says so.',
                     'tag': ''})
      _write(root, f'anli/anli_v1.0/R{r}/{split}.jsonl', _jsonl(rows))


# ---------------------------------------------------------------- SQuAD

_PARAGRAPHS = [
    ('Lighthouse', 'The old lighthouse stands on a rocky cape north of the harbour. It was '
     'built in 1872 by the engineer Thomas Reed and painted red and white. Its lamp could be '
     'seen from 30 kilometres away.'),
    ('River_Ash', 'The River Ash rises in the Green Hills and flows east for 120 kilometres '
     'before it reaches the sea at Port Elm. Salmon return to the river every autumn.'),
    ('Bakery', 'Maria opened her bakery in 1998. She bakes rye bread every morning at five '
     "o'clock, and on Sundays the shop sells only cakes."),
    ('Comet', 'The comet was discovered by two amateur astronomers in March 2004. It orbits '
     'the Sun every 76 years and its tail points away from the Sun.'),
]

# (paragraph, question, answer texts); None = unanswerable (v2), with a plausible answer.
_QUESTIONS = [
    (0, 'When was the lighthouse built?', ['1872']),
    (0, 'Who built the lighthouse?', ['Thomas Reed', 'the engineer Thomas Reed']),
    (0, 'How far away could the lamp be seen?', ['30 kilometres', '30 kilometres away']),
    (1, 'Where does the River Ash rise?', ['the Green Hills', 'Green Hills']),
    (1, 'How long is the River Ash?', ['120 kilometres']),
    (1, 'Which fish return to the river?', ['Salmon']),
    (2, 'When did Maria open her bakery?', ['1998']),
    (2, 'What does Maria bake every morning?', ['rye bread', 'rye bread every morning']),
    (2, 'What does the shop sell on Sundays?', ['only cakes', 'cakes']),
    (3, 'When was the comet discovered?', ['March 2004', 'in March 2004']),
    (3, 'How often does the comet orbit the Sun?', ['every 76 years', '76 years']),
    (3, 'Which way does the tail point?', ['away from the Sun']),
]
_IMPOSSIBLE = [
    (0, 'When was the lighthouse demolished?', 'built in 1872'),
    (1, 'Which fish leave the river in spring?', 'Salmon'),
    (2, 'When did Maria close her bakery?', '1998'),
    (3, 'Who named the comet?', 'two amateur astronomers'),
]


def _squad_doc(version, questions, impossible, prefix):
  data = {}
  for n, (p, question, texts) in enumerate(questions):
    title, context = _PARAGRAPHS[p]
    answers = [{'text': t, 'answer_start': context.index(t)} for t in texts]
    qa = {'question': question, 'id': f'{prefix}{n:04d}', 'answers': answers}
    if version == 2:
      qa['is_impossible'] = False
    data.setdefault(p, []).append(qa)
  for n, (p, question, plausible) in enumerate(impossible):
    context = _PARAGRAPHS[p][1]
    data.setdefault(p, []).append({
        'plausible_answers': [{'text': plausible, 'answer_start': context.index(plausible)}],
        'question': question, 'id': f'{prefix}x{n:03d}', 'answers': [], 'is_impossible': True})
  articles = [{'title': _PARAGRAPHS[p][0],
               'paragraphs': [{'qas': qas, 'context': _PARAGRAPHS[p][1]}]}
              for p, qas in sorted(data.items())]
  return json.dumps({'version': '1.1' if version == 1 else 'v2.0', 'data': articles}) + '\n'


def squad(root):
  train = [(p, q, a[:1]) for p, q, a in _QUESTIONS[:8]]  # training: one answer per question
  dev = _QUESTIONS[8:]                                   # dev: several gold answers
  _write(root, 'squad/train-v1.1.json', _squad_doc(1, train, [], 'a1'))
  _write(root, 'squad/dev-v1.1.json', _squad_doc(1, dev, [], 'b1'))
  _write(root, 'squad/train-v2.0.json', _squad_doc(2, train, _IMPOSSIBLE[:3], 'a2'))
  _write(root, 'squad/dev-v2.0.json', _squad_doc(2, dev, _IMPOSSIBLE[3:], 'b2'))


# ---------------------------------------------------------------- multiple choice

_HELLASWAG = [
    ('Making a sandwich', 'A man lays two slices of bread on a plate.', 'he',
     ['spreads butter on the bread.', 'jumps into a swimming pool.', 'paints the ceiling blue.',
      'drives the plate to work.'], 0),
    ('Washing dishes', 'A woman fills the sink with warm water.', 'she',
     ['throws the sink out of the window.', 'sings to the moon all night.',
      'puts the dirty plates into the water.', 'climbs onto the roof.'], 2),
    ('Playing guitar', 'A boy sits on a chair holding a guitar.', '',
     ['The chair flies away over the city.', 'He strums the strings and starts to play.',
      'The guitar eats a sandwich.', 'He swims across the room.'], 1),
    ('Walking the dog', 'A girl clips a leash to the collar of her dog.', 'they',
     ['turn into birds.', 'fold the leash into a paper plane.', 'bake a cake in the park.',
      'walk out of the door together.'], 3),
    ('Mowing the lawn', 'A man pushes a lawn mower across the grass.', 'the grass',
     ['is cut short behind him.', 'starts to sing loudly.', 'turns into snow at once.',
      'drives the mower home.'], 0),
    ('Brushing teeth', 'A child squeezes toothpaste onto a brush.', 'the child',
     ['paints a wall with it.', 'brushes his teeth in front of the mirror.',
      'plants the brush in the garden.', 'throws the brush at the moon.'], 1),
    ('Ironing clothes', 'A woman lays a shirt on an ironing board.', 'she',
     ['eats the shirt for lunch.', 'rides the board down a hill.',
      'presses the hot iron over the shirt.', 'mails the iron to a friend.'], 2),
    ('Cooking pasta', 'A man pours pasta into a pot of boiling water.', 'he',
     ['stirs the pasta with a spoon.', 'wears the pot as a hat.', 'plants the pasta outside.',
      'reads the water a story.'], 0),
    ('Painting a fence', 'A boy dips a brush into a can of white paint.', '',
     ['The fence runs away.', 'He swims in the paint can.', 'The can starts to fly.',
      'He paints the wooden fence with long strokes.'], 3),
    ('Tying shoes', 'A girl sits down and pulls on her shoes.', 'she',
     ['eats the laces.', 'ties the laces into a bow.', 'throws the shoes into the sea.',
      'paints the shoes on the wall.'], 1),
    ('Changing a tire', 'A man lifts the car with a jack.', 'he',
     ['takes the flat tire off the wheel.', 'sings the car to sleep.', 'plants the jack.',
      'flies the car to the moon.'], 0),
]


def hellaswag(root):
  for name, rows, split, base in (('hellaswag_train.jsonl', _HELLASWAG[:6], 'train', 0),
                                  ('hellaswag_val.jsonl', _HELLASWAG[6:], 'val', 100)):
    out = []
    for k, (activity, ctx_a, ctx_b, endings, label) in enumerate(rows):
      ctx = f'{ctx_a} {ctx_b}'.strip()
      out.append({'ind': base + k, 'activity_label': activity, 'ctx_a': ctx_a, 'ctx_b': ctx_b,
                  'ctx': ctx, 'split': split, 'split_type': 'indomain', 'label': label,
                  'endings': endings, 'source_id': f'activitynet~v_fixture{base + k:04d}'})
    _write(root, f'hellaswag/{name}', _jsonl(out))


_COSMOS = [
    ('I missed the bus this morning, so I walked to work in the rain. When I arrived, my boss '
     'smiled and said "nice hat" because my hat was dripping.', 'Why was the hat dripping ?',
     ['It was raining while I walked .', 'The boss poured water on it .',
      'None of the above choices .', 'I washed it at work .'], 0),
    ('We planted tomatoes in May. By August the plants were taller than my little sister , '
     'and we had more tomatoes than we could eat.', 'What might we do with the extra tomatoes ?',
     ['Throw them at the neighbours .', 'Give some to friends and neighbours .',
      'Plant them in the snow .', 'None of the above choices .'], 1),
    ('My laptop would not turn on before the exam. I borrowed my roommate\'s computer and '
     'finished just in time.', 'How did I probably feel after the exam ?',
     ['Angry at my roommate .', 'None of the above choices .', 'Relieved and grateful .',
      'Bored and sleepy .'], 2),
    ('The concert was sold out , but my friend knew the drummer. We watched the show from the '
     'side of the stage.', 'Why could we watch the concert ?',
     ['We bought tickets early .', 'The concert was free .', 'None of the above choices .',
      'My friend knew someone in the band .'], 3),
    ('After the storm , the power was out for two days. We cooked on the camping stove and '
     'played cards by candlelight.', 'What may have happened to the food in the fridge ?',
     ['Some of it may have spoiled .', 'It turned into cards .', 'It cooked itself .',
      'None of the above choices .'], 0),
    ('I started running every morning in January. By spring I could run five kilometres '
     'without stopping.', 'What is likely true about me in spring ?',
     ['I stopped running in February .', 'I am fitter than I was in January .',
      'I can not run at all .', 'None of the above choices .'], 1),
    ('My grandmother sent me a letter with a recipe for her apple pie. I baked it for the '
     'family dinner on Sunday.', 'What did I probably bring to the dinner ?',
     ['A letter from the bank .', 'None of the above choices .', 'An apple pie .',
      'A new recipe book .'], 2),
    ('The train was delayed by an hour , so I bought a coffee and read my book on the '
     'platform.', 'What did I do while waiting ?',
     ['I drove home .', 'I went to sleep on the tracks .', 'None of the above choices .',
      'I read and drank coffee .'], 3),
    ('Our cat knocked a glass off the table , and it broke into pieces. I swept the floor '
     'before anyone could step on them.', 'Why did I sweep the floor ?',
     ['To remove the broken glass .', 'Because the cat asked me to .',
      'None of the above choices .', 'To find the cat .'], 0),
    ('I forgot my umbrella at the office , and it started to pour on the way home.',
     'What probably happened to me ?',
     ['I stayed perfectly dry .', 'I got wet .', 'I found a new office .',
      'None of the above choices .'], 1),
    ('She practised the piano every evening for a year before the competition.',
     'Why did she practise so much ?',
     ['She wanted to do well in the competition .', 'She disliked music .',
      'None of the above choices .', 'The piano was broken .'], 0),
]


def cosmosqa(root):
  for name, rows, base in (('train.csv', _COSMOS[:6], 0), ('valid.csv', _COSMOS[6:], 100)):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator='\n')
    writer.writerow(['id', 'context', 'question', 'answer0', 'answer1', 'answer2', 'answer3',
                     'label'])
    for k, (context, question, answers, label) in enumerate(rows):
      qid = f'3FIXTURE{base + k:04d}##A1FIXTURE##Blog_{1000 + base + k}##q1_a1##3FIX{k:04d}'
      writer.writerow([qid, context, question] + answers + [label])
    _write(root, f'cosmosqa/{name}', buf.getvalue())


_CSQA = [
    ('Where would you put a cup after washing it?', 'cup',
     ['cupboard', 'garden', 'river', 'shoe', 'roof'], 'A'),
    ('What do people usually use to cut bread?', 'cut',
     ['spoon', 'knife', 'pillow', 'bucket', 'ladder'], 'B'),
    ('Where does a fish live?', 'fish', ['desert', 'attic', 'water', 'closet', 'oven'], 'C'),
    ('What do you need to see in a dark room?', 'dark',
     ['music', 'salt', 'glue', 'light', 'sand'], 'D'),
    ('What might happen if you do not sleep for days?', 'sleep',
     ['growing taller', 'flying', 'singing', 'swimming', 'exhaustion'], 'E'),
    ('Where would you find many books?', 'books',
     ['library', 'volcano', 'ocean', 'bathtub', 'car engine'], 'A'),
    ('What does a person do when they are thirsty?', 'thirsty',
     ['sleep', 'drink water', 'run away', 'paint', 'sing'], 'B'),
    ('Where do people keep milk cold?', 'milk',
     ['oven', 'mailbox', 'refrigerator', 'garage', 'wallet'], 'C'),
    ('What do you use to write on paper?', 'write',
     ['hammer', 'spoon', 'rope', 'pen', 'brick'], 'D'),
    ('Where is a good place to swim?', 'swim',
     ['library', 'desert', 'kitchen', 'office', 'lake'], 'E'),
    ('What do birds use to fly?', 'fly', ['wings', 'wheels', 'fins', 'roots', 'horns'], 'A'),
]


def commonsenseqa(root):
  for name, rows, base in (('train_rand_split.jsonl', _CSQA[:6], 0),
                           ('dev_rand_split.jsonl', _CSQA[6:], 100)):
    out = [{'answerKey': key, 'id': f'{base + k:032x}',
            'question': {'question_concept': concept,
                         'choices': [{'label': 'ABCDE'[j], 'text': t}
                                     for j, t in enumerate(texts)],
                         'stem': stem}}
           for k, (stem, concept, texts, key) in enumerate(rows)]
    _write(root, f'commonsenseqa/{name}', _jsonl(out))


# ---------------------------------------------------------------- CCGbank


def _leaf(cat, pos, word, predarg):
  return f'(<L {cat} {pos} {pos} {word} {predarg}>)'


def _node(cat, head, *children):
  return f'(<T {cat} {head} {len(children)}> ' + ' '.join(children) + ' )'


def _np(det, noun, adj=None):
  n = _leaf('N', 'NN', noun, 'N')
  if adj:
    n = _node('N', 1, _leaf('N/N', 'JJ', adj, 'N_1/N_1'), n)
  return _node('NP[nb]', 0, _leaf('NP[nb]/N', 'DT', det, 'NP[nb]_2/N_2'), n)


def _sentence(subject, verb, obj=None, adverb=None):
  if obj is None:
    vp = _leaf('S[dcl]\\NP', 'VBD', verb, 'S[dcl]\\NP_3')
  else:
    vp = _node('S[dcl]\\NP', 0, _leaf('(S[dcl]\\NP)/NP', 'VBD', verb, '(S[dcl]\\NP_4)/NP_5'), obj)
  if adverb:
    vp = _node('S[dcl]\\NP', 0, vp, _leaf('(S\\NP)\\(S\\NP)', 'RB', adverb,
                                          '(S_6\\NP_7)_6\\(S_6\\NP_7)_6'))
  s = _node('S[dcl]', 1, subject, vp)
  return _node('S[dcl]', 0, s, _leaf('.', '.', '.', '.'))


_CCG = {
    '02/wsj_0201.auto': [_sentence(_np('The', 'dog'), 'barked'),
                         _sentence(_np('A', 'cat', 'black'), 'saw', _np('the', 'bird'))],
    '15/wsj_1501.auto': [_sentence(_np('The', 'farmer'), 'sold', _np('a', 'horse', 'young')),
                         _sentence(_np('The', 'child'), 'laughed', adverb='loudly')],
    '21/wsj_2101.auto': [_sentence(_np('The', 'company', 'small'), 'grew', adverb='quickly'),
                         _sentence(_np('A', 'teacher'), 'read', _np('the', 'letter'))],
    '00/wsj_0001.auto': [_sentence(_np('The', 'bank'), 'closed'),
                         _sentence(_np('The', 'market', 'old'), 'opened', adverb='early'),
                         _sentence(_np('A', 'pilot'), 'flew', _np('the', 'plane', 'new')),
                         _sentence(_np('The', 'river'), 'rose', adverb='slowly'),
                         _sentence(_np('The', 'woman'), 'bought', _np('a', 'car'))],
    '23/wsj_2301.auto': [_sentence(_np('The', 'boy', 'tall'), 'won'),
                         _sentence(_np('A', 'doctor'), 'helped', _np('the', 'patient')),
                         _sentence(_np('The', 'price'), 'fell', adverb='sharply'),
                         _sentence(_np('The', 'team', 'young'), 'played', _np('a', 'game')),
                         _sentence(_np('The', 'door'), 'opened')],
}


def ccgbank(root):
  for rel, trees in _CCG.items():
    name = os.path.basename(rel)[:-len('.auto')]
    text = ''.join(f'ID={name}.{k + 1} PARSER=GOLD NUMPARSE=1\n{tree}\n'
                   for k, tree in enumerate(trees))
    _write(root, f'ccg/ccgbank/data/AUTO/{rel}', text)
  sections = sorted({rel[:2] for rel in _CCG})  # the fixture has a few sections only
  labels = ccg.build_labels(os.path.join(root, 'ccg', 'ccgbank'), sections)
  _write(root, 'ccg/labels.txt', ''.join(f'{t}\n' for t in labels))


def write_all(root=DEFAULT_ROOT):
  for write in (mnli, qqp, snli, anli, squad, hellaswag, cosmosqa, commonsenseqa):
    write(root)
  ccgbank(root)


if __name__ == '__main__':
  write_all(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_ROOT)
