/**
 * What the live pipeline needs from voice activity detection: speech boundaries, with the
 * absolute sample offset (16 kHz) where speech started or stopped. Detectors may announce a
 * boundary after the fact (a start once the speech is long enough, an end once the silence is),
 * so offsets can lie before the audio just pushed; the pipeline keeps enough audio to honour
 * that (`preRollS`).
 */
export interface EndpointEvent {
  type: 'speech_start' | 'speech_end';
  /** Sample offset on the input's timeline. */
  sample: number;
}

export interface EndpointDetector {
  /** Feeds the next audio (16 kHz mono); resolves to the boundaries it completed. */
  push(samples: Float32Array): Promise<readonly EndpointEvent[]>;
  /** The input ended: resolves to the boundaries still pending (an open region's end). */
  flush(): Promise<readonly EndpointEvent[]>;
  /** Releases the detector's resources. */
  close?(): void;
}
