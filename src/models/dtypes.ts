/**
 * Weight formats ("dtypes") of ONNX files on the hub, and the file-name suffix each one uses
 * (`onnx/encoder_model_quantized.onnx` is the q8 encoder). The names and suffixes are those of
 * transformers.js and the `onnx-community` exports.
 */
import { InvalidRequestError } from '../errors.js';

export const DTYPE_SUFFIXES = {
  fp32: '',
  fp16: '_fp16',
  /** int8 weights with dynamic activation quantization (onnxruntime `quantize_dynamic`). */
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  /** 4-bit block-quantized MatMul weights. */
  q4: '_q4',
  /** fp16 model with 4-bit block-quantized weights. */
  q4f16: '_q4f16',
  bnb4: '_bnb4',
} as const;

export type Dtype = keyof typeof DTYPE_SUFFIXES;

export const DTYPES = Object.keys(DTYPE_SUFFIXES) as Dtype[];

export function isDtype(value: string): value is Dtype {
  return Object.hasOwn(DTYPE_SUFFIXES, value);
}

/** Parses a user-given dtype, failing with the list of valid ones. */
export function parseDtype(value: string): Dtype {
  if (isDtype(value)) return value;
  throw new InvalidRequestError(
    'invalid_parameter',
    `Unknown model dtype "${value}"; use one of ${DTYPES.join(', ')}.`,
    { details: { dtype: value } },
  );
}

const SUFFIXES_LONGEST_FIRST = (Object.entries(DTYPE_SUFFIXES) as [Dtype, string][])
  .filter(([, suffix]) => suffix !== '')
  .sort((a, b) => b[1].length - a[1].length);

/** The dtype an ONNX file name stands for (`model_q4f16.onnx` → q4f16; no suffix → fp32). */
export function dtypeOfOnnxFile(path: string): Dtype | null {
  if (!path.endsWith('.onnx')) return null;
  const stem = path.slice(0, -'.onnx'.length);
  for (const [dtype, suffix] of SUFFIXES_LONGEST_FIRST) if (stem.endsWith(suffix)) return dtype;
  return 'fp32';
}
