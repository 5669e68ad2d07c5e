/**
 * The IO contracts of Whisper as Hugging Face Optimum exports it (`onnx-community/whisper-*`):
 * the encoder, and the merged decoder whose `If` on `use_cache_branch` serves both the first
 * call (whole prompt, no cache) and later calls (one token with the cache).
 */
import type { ModelContract } from './contract.js';

const FLOAT = ['float32', 'float16'] as const;

export const WHISPER_ENCODER_CONTRACT: ModelContract = {
  description: 'Whisper encoder',
  inputs: [{ name: 'input_features', type: FLOAT, rank: 3 }],
  outputs: [{ name: 'last_hidden_state', type: FLOAT, rank: 3 }],
};

export const WHISPER_DECODER_CONTRACT: ModelContract = {
  description: 'Whisper merged decoder',
  inputs: [
    { name: 'input_ids', type: ['int64'], rank: 2 },
    { name: 'encoder_hidden_states', type: FLOAT, rank: 3 },
    { name: /^past_key_values\.\d+\.(decoder|encoder)\.(key|value)$/, type: FLOAT, rank: 4 },
    { name: 'use_cache_branch', type: ['bool'], rank: 1 },
  ],
  outputs: [
    { name: 'logits', type: FLOAT, rank: 3 },
    { name: /^present\.\d+\.(decoder|encoder)\.(key|value)$/, type: FLOAT, rank: 4 },
    // Only exports made for word timestamps have them.
    { name: /^cross_attentions\.\d+$/, type: FLOAT, rank: 4, required: false },
  ],
};
