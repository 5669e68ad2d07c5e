import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Compile } from 'typebox/compile';
import { describe, expect, test } from 'vitest';
import {
  alignmentId,
  type LiveEvent,
  LiveEventSchema,
  liveEventJsonSchema,
} from '../../src/stream/events.js';
import { ROOT } from '../helpers/paths.js';

const published = JSON.parse(
  readFileSync(join(ROOT, 'schema', 'live-event.schema.json'), 'utf8'),
) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(published);

const token = { id: 'spk_0_a3', text: ' hello', start: 1.2, end: 1.5, confidence: 0.8 };
const examples: LiveEvent[] = [
  {
    type: 'session',
    v: 1,
    seq: 0,
    wallMs: 0,
    state: 'started',
    sessionId: 's1',
    startedAt: '2026-01-01T00:00:00.000Z',
    mode: 'dual',
    models: { draft: 'tiny', confirm: 'base' },
    speed: 1,
    settings: { draftStepMs: 250, confirmStepMs: 1000, agreement: 2, holdBack: 1 },
  },
  { type: 'speech_started', v: 1, seq: 1, wallMs: 300, utterance: 0, speaker: 0, start: 0.2 },
  { type: 'token', v: 1, seq: 2, wallMs: 1700, utterance: 0, window: 4, ...token },
  { type: 'confirm', v: 1, seq: 3, wallMs: 2500, utterance: 0, window: 1, ...token },
  {
    type: 'diff',
    v: 1,
    seq: 4,
    wallMs: 2500,
    utterance: 0,
    window: 1,
    replaced: ['spk_0_a4'],
    draft: ' word',
    confirmed: ' world',
    tokens: [{ ...token, id: 'spk_0_a9', text: ' world' }],
  },
  {
    type: 'backtrack',
    v: 1,
    seq: 5,
    wallMs: 2600,
    utterance: 0,
    pass: 'draft',
    window: 7,
    after: 'spk_0_a9',
    ids: ['spk_0_a10'],
  },
  { type: 'speech_stopped', v: 1, seq: 6, wallMs: 2900, utterance: 0, speaker: 0, end: 2.6 },
  {
    type: 'final',
    v: 1,
    seq: 7,
    wallMs: 3300,
    utterance: 0,
    speaker: 0,
    window: 2,
    reason: 'endpoint',
    ids: ['spk_0_a3', 'spk_0_a9'],
    text: ' hello world',
    start: 1.2,
    end: 1.9,
  },
  {
    type: 'window',
    v: 1,
    seq: 8,
    wallMs: 3300,
    pass: 'confirm',
    id: 2,
    utterance: 0,
    status: 'done',
    start: 0.2,
    end: 2.6,
    computeMs: 400,
  },
  {
    type: 'error',
    v: 1,
    seq: 9,
    wallMs: 3400,
    error: { code: 'model_load_failed', message: 'x', status: 500, retryable: true },
    source: 'draft',
    fatal: false,
  },
];

describe('live event protocol', () => {
  test('the published JSON Schema is exactly the one generated from the TypeBox definitions', () => {
    expect(published).toEqual(JSON.parse(JSON.stringify(liveEventJsonSchema())));
    expect(published['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  test('every event type validates against the published schema and the compiled TypeBox type', () => {
    const compiled = Compile(LiveEventSchema);
    const types = new Set(examples.map((event) => event.type));
    expect(types.size).toBe(10);
    for (const event of examples) {
      expect(validate(event), `${event.type}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(compiled.Check(event)).toBe(true);
    }
  });

  test('malformed events are rejected', () => {
    const bad: unknown[] = [
      { ...examples[2], id: 'word_3' },
      { ...examples[2], v: 2 },
      { ...examples[2], confidence: 1.5 },
      { ...examples[2], extra: true },
      { ...examples[1], type: 'speech_paused' },
      { ...examples[5], after: 3 },
      { ...examples[8], status: 'lost' },
      Object.fromEntries(Object.entries(examples[3] as object).filter(([key]) => key !== 'wallMs')),
    ];
    for (const event of bad) expect(validate(event), JSON.stringify(event)).toBe(false);
  });

  test('alignment ids are namespaced by speaker', () => {
    expect(alignmentId(2, 17)).toBe('spk_2_a17');
  });
});
