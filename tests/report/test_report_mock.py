"""The report of the scorer's output on XTREME's mock submission."""

import os

from xstilts_jax.eval.score import score_dirs
from xstilts_jax.report import write_report


def test_mock_report(real_data_dir, tmp_path):
  root = os.path.join(real_data_dir, 'xtreme_mock')
  scores = score_dirs(os.path.join(root, 'predictions'), os.path.join(root, 'labels'))
  paths = write_report(scores, str(tmp_path))
  md = open(paths['markdown'], encoding='utf-8').read()
  # XTREME score: mean of the nine task numbers derived in tests/eval/test_score_mock.py.
  assert '**XTREME score: 62.17**' in md
  # XNLI: 46 of 150 right; English 3 of 10 and the 14 others 43 of 140, so the gap is
  # 30 - 43/14*10 = -0.71; the worst language is zh with 1 of 10.
  assert '| xnli | 30.67 | 30.00 | -0.71 |' in md and 'zh (10.00)' in md
  assert len([p for p in paths if p.endswith('.png')]) == 9
