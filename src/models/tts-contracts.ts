/**
 * The IO contracts of the neural speech models Earshot runs: Piper's VITS export
 * (`piper_train.export_onnx`) and Kokoro as `onnx-community/Kokoro-82M-v1.0-ONNX` publishes it.
 */
import type { ModelContract } from './contract.js';

const FLOAT = ['float32', 'float16'] as const;

export const PIPER_CONTRACT: ModelContract = {
  description: 'Piper (VITS) voice',
  inputs: [
    // Phoneme ids [batch, phonemes] and their count per batch item.
    { name: 'input', type: ['int64'], rank: 2 },
    { name: 'input_lengths', type: ['int64'], rank: 1 },
    // noise scale, length scale, noise width.
    { name: 'scales', type: ['float32'], rank: 1 },
    // Only multi-speaker voices have it.
    { name: 'sid', type: ['int64'], rank: 1, required: false },
  ],
  // [batch, 1, 1, samples] as exported; other exports squeeze some of the ones.
  outputs: [{ name: 'output', type: FLOAT }],
};

export const KOKORO_CONTRACT: ModelContract = {
  description: 'Kokoro',
  inputs: [
    // Token ids [1, tokens] with the pad token at both ends.
    { name: 'input_ids', type: ['int64'], rank: 2 },
    // The voice's style vector for the token count [1, 256].
    { name: 'style', type: FLOAT, rank: 2 },
    { name: 'speed', type: FLOAT, rank: 1 },
  ],
  // 24 kHz audio, [1, samples] (some exports [samples]).
  outputs: [{ name: 'waveform', type: FLOAT }],
};
