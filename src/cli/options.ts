import type { RawPcmFormat } from '../audio/load.js';
import { InvalidRequestError } from '../errors.js';

/** Parses `--raw 16000` or `--raw 48000:2` into a raw PCM layout. */
export function parseRawOption(value: string | undefined): { raw?: RawPcmFormat } {
  if (value === undefined) return {};
  const match = /^(\d+)(?::(\d+))?$/.exec(value.trim());
  if (!match) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `--raw expects RATE or RATE:CHANNELS (for example 16000 or 48000:2), got "${value}".`,
    );
  }
  return { raw: { sampleRate: Number(match[1]), channels: match[2] ? Number(match[2]) : 1 } };
}
