"""XLM-R encoder, heads per format, and Hugging Face checkpoint import/export."""

from xstilts_jax.models.config import XLMRConfig, preset
from xstilts_jax.models.heads import FORMATS, mean_pool, predict
from xstilts_jax.models.model import HeadSpec, Model
from xstilts_jax.models.xlmr import XLMREncoder
from xstilts_jax.models.hf_io import (CheckpointError, hf_state_dict, load_pretrained,
                                      save_pretrained)
