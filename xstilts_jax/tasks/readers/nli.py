"""The NLI label order every NLI task and head uses (SNLI, MNLI, ANLI, XNLI).

0 contradiction, 1 entailment, 2 neutral: alphabetical, so ANLI's c/e/n sorts the same.
The raw files spell labels out ('-' = no gold label); the hub copies use another order
(entailment 0, neutral 1, contradiction 2) and are mapped by name.
"""

NLI_LABELS = ('contradiction', 'entailment', 'neutral')
NO_GOLD = '-'  # SNLI/MultiNLI: the annotators did not agree; such pairs are skipped and counted
