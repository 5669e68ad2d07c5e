import { describe, expect, it } from 'vitest';
import {
  AudioDecodeError,
  EarshotError,
  errorCatalogue,
  toEarshotError,
} from '../../src/errors.js';

describe('error catalogue', () => {
  it('gives every code a 4xx or 5xx status and a retryable flag', () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(code).toMatch(/^[a-z0-9_]+$/);
      expect(entry.status >= 400 && entry.status < 600).toBe(true);
      expect(typeof entry.retryable).toBe('boolean');
    }
  });

  it('fills status and retryable from the catalogue', () => {
    const error = new AudioDecodeError('audio_decode_timeout', 'took too long', {
      details: { seconds: 5 },
    });
    expect(error).toBeInstanceOf(EarshotError);
    expect(error.name).toBe('AudioDecodeError');
    expect(error.status).toBe(408);
    expect(error.retryable).toBe(true);
    expect(error.toJSON()).toEqual({
      code: 'audio_decode_timeout',
      message: 'took too long',
      status: 408,
      retryable: true,
    });
  });

  it('wraps unexpected errors as internal_error and keeps the cause', () => {
    const cause = new TypeError('x is undefined');
    const wrapped = toEarshotError(cause);
    expect(wrapped.code).toBe('internal_error');
    expect(wrapped.status).toBe(500);
    expect(wrapped.cause).toBe(cause);
    const known = new AudioDecodeError('audio_empty', 'empty');
    expect(toEarshotError(known)).toBe(known);
  });
});
