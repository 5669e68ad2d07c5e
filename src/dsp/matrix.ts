/** A frame-major matrix of per-frame feature vectors: `data[frame * size + index]`. */
export interface FeatureMatrix {
  data: Float32Array;
  /** Number of frames (rows). */
  frames: number;
  /** Values per frame (columns): mel bands, cepstral coefficients, … */
  size: number;
}
