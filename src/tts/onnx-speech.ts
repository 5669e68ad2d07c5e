/**
 * What the ONNX speech engines (Piper, Kokoro) share: reading audio out of a model's output
 * tensor, and the warnings for settings a neural voice cannot follow.
 */
import type { Tensor } from 'onnxruntime-node';
import { float16ToFloat32 } from '../asr/whisper/float16.js';
import { ModelError } from '../errors.js';
import type { SpeechModelCallOptions, SpeechWarning } from './speech-model.js';

/**
 * The samples of an audio output: any shape with one dimension longer than 1 (`[1, 1, 1, n]`,
 * `[1, n]`, `[n]`), float32 or float16. Copied, so the tensor's memory can be released.
 */
export function flatAudio(tensor: Tensor | undefined, path: string): Float32Array {
  const long = tensor ? tensor.dims.filter((dim) => dim > 1).length : 0;
  if (!tensor || long > 1 || (tensor.type !== 'float32' && tensor.type !== 'float16')) {
    throw new ModelError(
      'model_inference_failed',
      `${path} did not return mono audio (got ${tensor ? `${tensor.type} [${tensor.dims.join(', ')}]` : 'nothing'}).`,
      { details: { path } },
    );
  }
  return tensor.type === 'float16'
    ? float16ToFloat32(tensor.data as Uint16Array)
    : (tensor.data as Float32Array).slice();
}

/** Warnings for the settings neural voices have no control for (pitch, instructions). */
export function unsupportedSettings(
  options: Pick<SpeechModelCallOptions, 'pitch' | 'instructions'>,
  engine: string,
): SpeechWarning[] {
  const warnings: SpeechWarning[] = [];
  if (options.pitch !== undefined && options.pitch !== 50) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'pitch',
      details: `${engine} voices speak at their own pitch; the pitch was ignored.`,
    });
  }
  if (options.instructions?.trim()) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'instructions',
      details: `${engine} has no style control; the instructions were ignored.`,
    });
  }
  return warnings;
}
