/** A frame-major matrix of per-frame feature vectors: `data[frame * size + index]`. */
export interface FeatureMatrix {
  data: Float32Array;
  /** Number of frames (rows). */
  frames: number;
  /** Values per frame (columns): mel bands, cepstral coefficients, … */
  size: number;
}

/** Row `frame` of a matrix, as a view (no copy). */
export function matrixRow(matrix: FeatureMatrix, frame: number): Float32Array {
  return matrix.data.subarray(frame * matrix.size, (frame + 1) * matrix.size);
}
