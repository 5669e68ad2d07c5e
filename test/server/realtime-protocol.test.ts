import { describe, expect, it } from 'vitest';
import { resample } from '../../src/audio/resample.js';
import { ClientEventError, parseClientEvent } from '../../src/server/realtime/client-events.js';
import { InputAudioBuffer, msOf } from '../../src/server/realtime/input-buffer.js';
import {
  applyUpdate,
  betaSessionView,
  defaultSettings,
  gaSessionView,
} from '../../src/server/realtime/session-settings.js';
import { amplitudeAt, tone } from '../helpers/signals.js';

function pcm16(samples: Float32Array): Buffer {
  const bytes = Buffer.alloc(samples.length * 2);
  samples.forEach((value, index) => {
    bytes.writeInt16LE(Math.round(value * 32767), index * 2);
  });
  return bytes;
}

function refusal(text: string) {
  try {
    parseClientEvent(text);
  } catch (error) {
    if (error instanceof ClientEventError) {
      return { code: error.error.code, param: error.param, eventId: error.eventId };
    }
    throw error;
  }
  throw new Error('accepted');
}

describe('parsing client events', () => {
  it('accepts every event of the protocol in both session shapes', () => {
    expect(parseClientEvent('{"type":"input_audio_buffer.commit","event_id":"x"}')).toEqual({
      type: 'input_audio_buffer.commit',
      event_id: 'x',
    });
    const beta = {
      type: 'transcription_session.update',
      session: {
        input_audio_format: 'pcm16',
        input_audio_transcription: { model: 'whisper-1', language: 'pl', prompt: 'Kraków' },
        turn_detection: { type: 'server_vad', threshold: 0.6, silence_duration_ms: 800 },
        input_audio_noise_reduction: { type: 'near_field' },
        include: ['item.input_audio_transcription.logprobs'],
      },
    };
    expect(parseClientEvent(JSON.stringify(beta))).toEqual(beta);
    const ga = {
      type: 'session.update',
      session: {
        type: 'transcription',
        audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: null } },
      },
    };
    expect(parseClientEvent(JSON.stringify(ga))).toEqual(ga);
  });

  it('names the parameter at fault with its path, in the shape the client used', () => {
    expect(
      refusal(
        '{"type":"session.update","event_id":"u","session":{"type":"transcription","audio":{"input":{"turn_detection":{"type":"server_vad","prefix_padding_ms":-1}}}}}',
      ),
    ).toEqual({
      code: 'invalid_parameter',
      param: 'session.audio.input.turn_detection.prefix_padding_ms',
      eventId: 'u',
    });
    expect(
      refusal('{"type":"session.update","session":{"turn_detection":{"threshold":0.4}}}'),
    ).toEqual({ code: 'invalid_parameter', param: 'session.turn_detection.type', eventId: null });
    expect(refusal('{"type":"session.update","session":"yes"}')).toMatchObject({
      param: 'session',
    });
    expect(refusal('{"type":"input_audio_buffer.append","audio":[1]}')).toMatchObject({
      code: 'invalid_parameter',
      param: 'audio',
    });
    expect(refusal('{"type":"conversation.item.create"}')).toMatchObject({
      code: 'unknown_event_type',
      param: 'type',
    });
    expect(refusal('{"type": 7}')).toMatchObject({ code: 'invalid_request', param: 'type' });
    expect(refusal('"text"')).toMatchObject({ code: 'invalid_json', param: null });
  });
});

describe('session settings', () => {
  it('changes only the fields an update names, and null turns server VAD off', () => {
    const start = defaultSettings(null);
    const tuned = applyUpdate(start, {
      input_audio_transcription: { language: 'de' },
      turn_detection: { type: 'server_vad', silence_duration_ms: 900 },
    });
    expect(tuned).toEqual({
      model: null,
      language: 'de',
      prompt: null,
      turnDetection: { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 900 },
      logprobs: false,
    });
    const again = applyUpdate(tuned, {
      type: 'transcription',
      audio: { input: { turn_detection: { type: 'server_vad', threshold: 0.7 } } },
      include: ['item.input_audio_transcription.logprobs'],
    });
    expect(again.turnDetection).toEqual({
      threshold: 0.7,
      prefixPaddingMs: 300,
      silenceDurationMs: 900,
    });
    expect(again.language).toBe('de');
    expect(again.logprobs).toBe(true);
    expect(applyUpdate(again, { turn_detection: null }).turnDetection).toBeNull();
    expect(applyUpdate(again, { input_audio_transcription: null })).toMatchObject({
      language: null,
      prompt: null,
    });
  });

  it('shows the session in the beta and GA shapes with the default model filled in', () => {
    const settings = defaultSettings(null);
    expect(betaSessionView('sess_1', settings, 'org/whisper')).toMatchObject({
      input_audio_transcription: { model: 'org/whisper', language: '', prompt: '' },
      turn_detection: { type: 'server_vad', threshold: 0.5 },
    });
    expect(gaSessionView('sess_1', { ...settings, turnDetection: null }, 'm')).toMatchObject({
      type: 'transcription',
      audio: { input: { format: { rate: 24000 }, turn_detection: null } },
    });
  });
});

describe('the input audio buffer', () => {
  it('turns 24 kHz pcm16 into 16 kHz samples on one session timeline', () => {
    const input = tone(1000, 24_000, 1, 0.5);
    const buffer = new InputAudioBuffer();
    // Odd-sized pieces, as clients send them.
    let offset = 0;
    for (const size of [1000, 2401, 7, 12_000, 8592]) {
      buffer.append(pcm16(input.subarray(offset, offset + size)));
      offset += size;
    }
    buffer.flush();
    expect(buffer.start).toBe(0);
    expect(buffer.end).toBe(16_000);
    expect(msOf(buffer.end)).toBe(1000);
    const audio = buffer.read(0, buffer.end);
    const expected = resample(input, 24_000, 16_000);
    let worst = 0;
    for (let i = 0; i < audio.length; i++)
      worst = Math.max(worst, Math.abs((audio[i] as number) - (expected[i] as number)));
    expect(worst).toBeLessThan(1e-3);
    expect(amplitudeAt(audio, 16_000, 1000)).toBeCloseTo(0.5, 2);
  });

  it('forgets audio before a position and keeps counting positions after it', () => {
    const buffer = new InputAudioBuffer();
    const second = pcm16(tone(300, 24_000, 1, 0.2));
    for (let i = 0; i < 30; i++) {
      buffer.append(second);
      buffer.dropBefore(buffer.end - 8000);
    }
    buffer.flush();
    expect(buffer.end).toBe(30 * 16_000);
    expect(buffer.length).toBeLessThanOrEqual(8000 + 200);
    expect(buffer.read(0, 100)).toHaveLength(0);
    expect(buffer.read(buffer.start, buffer.start + 100)).toHaveLength(100);
  });
});
