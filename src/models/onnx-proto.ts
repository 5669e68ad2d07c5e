/**
 * Reading and writing ONNX model files with the complete `onnx.proto` schema (the `onnx-proto`
 * package): as plain objects, to take weights out of a published model or write a graph of its
 * own, or as protobuf messages, to rewrite a graph while keeping every field it has.
 */

import type { onnx } from 'onnx-proto';
import onnxProto from 'onnx-proto';
import { ModelError } from '../errors.js';

// The package is CommonJS: its namespace comes in as the default export under Node's ESM.
const ModelProto = onnxProto.onnx.ModelProto;

/** ONNX element types used here (TensorProto.DataType). */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;

export interface OnnxTensor {
  name?: string;
  dims?: number[];
  dataType?: number;
  floatData?: number[];
  int64Data?: number[];
  rawData?: Uint8Array;
}

export interface OnnxAttribute {
  name: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  g?: OnnxGraph;
  floats?: number[];
  ints?: number[];
}

export interface OnnxNode {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute?: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name: string;
  type?: {
    tensorType?: {
      elemType: number;
      shape?: { dim: Array<{ dimValue?: number; dimParam?: string }> };
    };
  };
}

export interface OnnxGraph {
  name?: string;
  node: OnnxNode[];
  initializer?: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsetImport: Array<{ domain?: string; version: number }>;
  producerName?: string;
  graph: OnnxGraph;
}

/** Decodes an ONNX file; `model_corrupt` when the bytes are not one. */
export function decodeOnnx(bytes: Uint8Array, path: string): OnnxModel {
  try {
    const decoded = ModelProto.toObject(ModelProto.decode(bytes), {
      longs: Number,
      arrays: true,
      defaults: false,
    }) as Partial<OnnxModel>;
    if (!decoded.graph) throw new Error('no graph');
    return decoded as OnnxModel;
  } catch (error) {
    throw new ModelError(
      'model_corrupt',
      `${path} is not a valid ONNX model: ${(error as Error).message}`,
      {
        cause: error,
        details: { path },
      },
    );
  }
}

export function encodeOnnx(model: OnnxModel): Uint8Array {
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

/** The model as a protobuf message: int64 fields stay exact and no field is lost on re-encoding. */
export function decodeOnnxMessage(bytes: Uint8Array, path: string): onnx.ModelProto {
  try {
    const model = ModelProto.decode(bytes);
    if (!model.graph) throw new Error('no graph');
    return model;
  } catch (error) {
    throw new ModelError(
      'model_corrupt',
      `${path} is not a valid ONNX model: ${(error as Error).message}`,
      {
        cause: error,
        details: { path },
      },
    );
  }
}

export function encodeOnnxMessage(model: onnx.IModelProto): Uint8Array {
  return ModelProto.encode(model).finish();
}

/** The values of a float tensor, whichever way the file stores them. */
export function floatValues(tensor: OnnxTensor): Float32Array {
  const raw = tensor.rawData;
  if (raw && raw.byteLength > 0) {
    // Copied, because the raw bytes need not be 4-byte aligned inside the file buffer.
    const copy = new Uint8Array(raw);
    return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  }
  return Float32Array.from(tensor.floatData ?? []);
}

/** A float tensor for a graph being built. */
export function floatTensor(name: string, dims: number[], values: Float32Array): OnnxTensor {
  return {
    name,
    dims,
    dataType: ONNX_FLOAT,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

/** An int64 tensor for a graph being built. */
export function int64Tensor(name: string, dims: number[], values: readonly number[]): OnnxTensor {
  return { name, dims, dataType: ONNX_INT64, int64Data: [...values] };
}
