"""Cost arithmetic for the paper's grid on accelerators, from FLOP counts (not a measurement).

  python bench/cost.py [--mfu 0.4] [--seeds 3]

Tokens are padded lengths (jiant pads every feature to the max length): examples x epochs x
length (x choices for multiple choice). FLOPs per token: 6 x non-embedding params (forward +
backward matmuls; the embedding lookup is a gather) + 12 x layers x length x hidden (attention
scores and values, forward + backward). Device-hours = FLOPs / (dense bf16 peak x MFU).
Training-set sizes: PROTOCOL.md's table for the intermediate tasks; the XTREME paper's English
training sets for the targets (MNLI 392,702; PAWS-X 49,401; UD-POS 21,253; PAN-X 20,000; SQuAD
v1.1 87,599 examples -> about 88,600 features at 384/128; TyDiQA-GoldP 3,696).
"""

import argparse

# XLM-R Large: 24 layers, hidden 1024, ffn 4096, vocab 250,002.
LAYERS, HIDDEN, FFN, VOCAB = 24, 1024, 4096, 250002
EMBED = VOCAB * HIDDEN + 514 * HIDDEN
PER_LAYER = 4 * HIDDEN * HIDDEN + 2 * HIDDEN * FFN + 9 * HIDDEN + FFN
NON_EMBED = LAYERS * PER_LAYER + HIDDEN * HIDDEN + HIDDEN  # + pooler
PARAMS = EMBED + NON_EMBED

# (name, examples, epochs, length, sequences per example)
INTERMEDIATE = [
    ('ANLI+', 1_100_000, 3, 256, 1), ('MNLI', 392_702, 3, 256, 1), ('QQP', 363_846, 3, 256, 1),
    ('SQuAD v1.1', 88_600, 3, 384, 1), ('SQuAD v2.0', 131_000, 3, 384, 1),
    ('HellaSwag', 39_905, 3, 256, 4), ('CosmosQA', 25_262, 3, 256, 4),
    ('CommonsenseQA', 9_741, 3, 256, 5), ('CCG', 39_604, 3, 256, 1)]
# The nine targets need six fine-tunings: XQuAD and MLQA share the SQuAD model, BUCC and Tatoeba
# train nothing.
TARGETS = [('XNLI (MNLI)', 392_702, 2, 256, 1), ('PAWS-X', 49_401, 5, 256, 1),
           ('UD-POS', 21_253, 10, 256, 1), ('PAN-X', 20_000, 10, 256, 1),
           ('XQuAD+MLQA (SQuAD v1.1)', 88_600, 2, 384, 1), ('TyDiQA-GoldP', 3_696, 2, 384, 1)]

# name: (dense bf16 peak TFLOP/s per chip, chips, HBM GiB per chip, mesh, batch note)
DEVICES = {
    'H100/H200 (1 GPU)': (989, 1, 80, 'data=1', 'batch 32 x 256 (16 x 384 for QA) on one device'),
    'TPU v4-8': (275, 4, 32, 'fsdp=4 (or data=4)', '8 x 256 per chip (4 x 384 for QA)'),
    'TPU v5e-16': (197, 16, 16, 'fsdp=16 (data=16 also fits: 8.3 GiB of state < 16 GiB)',
                   '2 x 256 per chip (1 x 384 for QA): small per-chip batch, MFU likely below the assumed'),
}


def flops(rows):
  total_tokens, total = 0, 0.0
  for _, n, epochs, length, per in rows:
    tokens = n * epochs * length * per
    total_tokens += tokens
    total += tokens * (6 * NON_EMBED + 12 * LAYERS * length * HIDDEN)
  return total_tokens, total


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
  parser.add_argument('--mfu', type=float, default=0.4)
  parser.add_argument('--seeds', type=int, default=3)
  args = parser.parse_args(argv)
  inter_tokens, inter = flops(INTERMEDIATE)
  # Per seed: nine single-task runs + multitask (the same data once more) in phase 2; then the six
  # fine-tunings for each of 11 starting points (baseline, nine tasks, multitask).
  target_tokens, target = flops(TARGETS)
  per_seed_flops = 2 * inter + 11 * target
  per_seed_tokens = 2 * inter_tokens + 11 * target_tokens
  total = args.seeds * per_seed_flops
  state_gib = PARAMS * (4 + 4 + 8) / 2**30  # fp32 master + grads + Adam m, v
  lines = [
      f'XLM-R Large: {PARAMS / 1e6:.0f}M params ({NON_EMBED / 1e6:.0f}M non-embedding); '
      f'fp32 params + grads + AdamW moments = {state_gib:.1f} GiB before activations.',
      f'Phase 2 (nine tasks, 3 epochs): {inter_tokens / 1e9:.2f}B padded tokens; multitask the same '
      f'again; targets (six fine-tunings): {target_tokens / 1e9:.2f}B tokens per starting point.',
      f'Per seed: 10 phase-2 runs + 11 x 6 fine-tunings = {per_seed_tokens / 1e9:.1f}B tokens, '
      f'{per_seed_flops:.3g} FLOPs; x {args.seeds} seeds = {total:.3g} FLOPs.',
      '',
      f'| device | mesh | per-chip batch | state per chip (GiB, fsdp) | chip-hours | wall hours '
      f'(whole grid, {args.seeds} seeds, MFU {args.mfu:.0%}) |',
      '|---|---|---|---|---|---|']
  for name, (tflops, chips, hbm, mesh, batch) in DEVICES.items():
    chip_hours = total / (tflops * 1e12 * args.mfu) / 3600
    lines.append(f'| {name} | {mesh} | {batch} | {state_gib / chips:.1f} of {hbm} | '
                 f'{chip_hours:.0f} | {chip_hours / chips:.0f} |')
  text = '\n'.join(lines)
  print(text)
  return text


if __name__ == '__main__':
  main()
