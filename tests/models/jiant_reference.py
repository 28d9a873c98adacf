"""jiant's classification and multiple-choice heads in torch: the reference for ours.

Re-implemented from jiant's source (nyu-mll/jiant, commit daa5a25, the last), with the same
modules and the same order of operations:
  jiant/proj/main/modeling/heads.py       ClassificationHead, RegressionHead (used for multiple
                                          choice); both built from plain `torch.nn.Linear`s
  jiant/proj/main/modeling/primary.py     JiantTransformersModel.encode: `pooled` is the HF
                                          model's `pooler_output`
  jiant/proj/main/modeling/taskmodels.py  ClassificationModel: head(pooled); MultipleChoiceModel:
                                          encode each choice alone, a score each, cat over choices
"""

import torch
from torch import nn


class ClassificationHead(nn.Module):
  """jiant's ClassificationHead ("From RobertaClassificationHead")."""

  def __init__(self, hidden_size, hidden_dropout_prob, num_labels):
    super().__init__()
    self.dense = nn.Linear(hidden_size, hidden_size)
    self.dropout = nn.Dropout(hidden_dropout_prob)
    self.out_proj = nn.Linear(hidden_size, num_labels)
    self.num_labels = num_labels

  def forward(self, pooled):
    x = self.dropout(pooled)
    x = self.dense(x)
    x = torch.tanh(x)
    x = self.dropout(x)
    return self.out_proj(x)


class RegressionHead(ClassificationHead):
  """jiant's RegressionHead, its multiple-choice head: the same layers with one output."""

  def __init__(self, hidden_size, hidden_dropout_prob):
    super().__init__(hidden_size, hidden_dropout_prob, 1)


def encode(encoder, input_ids, input_mask):
  """JiantTransformersModel.encode → pooled (XLM-R's segment ids are all 0)."""
  out = encoder(input_ids=input_ids, token_type_ids=torch.zeros_like(input_ids),
                attention_mask=input_mask, output_hidden_states=True)
  return out.pooler_output


class ClassificationModel(nn.Module):
  """jiant's ClassificationModel: logits [B, K]. `encoder` is transformers' XLMRobertaModel."""

  def __init__(self, encoder, head):
    super().__init__()
    self.encoder, self.head = encoder, head

  def forward(self, input_ids, input_mask):
    return self.head(pooled=encode(self.encoder, input_ids, input_mask))


class MultipleChoiceModel(ClassificationModel):
  """jiant's MultipleChoiceModel: inputs [B, C, T] → logits [B, C]."""

  def forward(self, input_ids, input_mask):
    scores = [self.head(pooled=encode(self.encoder, input_ids[:, i], input_mask[:, i]))
              for i in range(input_ids.shape[1])]
    return torch.cat([s.unsqueeze(1).squeeze(-1) for s in scores], dim=1)


def head_params(head):
  """A torch head's weights in our tree ({dense, out_proj}: flax kernels are [in, out])."""
  return {name: {'kernel': getattr(head, name).weight.detach().numpy().T.copy(),
                 'bias': getattr(head, name).bias.detach().numpy().copy()}
          for name in ('dense', 'out_proj')}
