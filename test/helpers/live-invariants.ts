/**
 * Checks a live event stream against the protocol's promises, independently of the product's
 * reducer: every event valid under the published JSON Schema (validated by Ajv), sequence numbers
 * and wall times in order, confirmed words never changed or withdrawn, `backtrack` only ever
 * withdrawing the trailing drafts (never crossing the commit cursor), confirmations applied at the
 * commit cursor, finals made of the confirmed words in order, and every pass window accounted for.
 * Returns what a test needs to assert more.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { LiveEvent, LiveToken } from '../../src/stream/events.js';
import { ROOT } from './paths.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(
  JSON.parse(readFileSync(join(ROOT, 'schema', 'live-event.schema.json'), 'utf8')),
);

/** Why `event` does not match the published JSON Schema, or null when it does. */
export function liveSchemaErrors(event: unknown): string | null {
  return validate(event) ? null : ajv.errorsText(validate.errors);
}

export interface StreamFacts {
  /** The finals' text, in order. */
  finalText: string;
  /** Every confirmed word's text, in the order it was confirmed. */
  confirmedText: string;
  finals: Extract<LiveEvent, { type: 'final' }>[];
  windows: { draft: Map<number, string>; confirm: Map<number, string> };
  backtracks: number;
  diffs: Extract<LiveEvent, { type: 'diff' }>[];
}

export function checkLiveStream(events: readonly LiveEvent[]): StreamFacts {
  const fail = (event: LiveEvent, why: string): never => {
    throw new Error(`event ${event.seq} (${event.type}): ${why}\n${JSON.stringify(event)}`);
  };
  const first = events[0];
  const last = events.at(-1);
  if (first?.type !== 'session' || first.state !== 'started') throw new Error('no session start');
  if (last?.type !== 'session' || last.state !== 'ended') throw new Error('no session end');

  /** Per utterance: confirmed ids not yet final, and drafts shown after them. */
  const confirmedOpen: LiveToken[] = [];
  let drafts: LiveToken[] = [];
  const confirmedText = new Map<string, string>();
  const lastConfirmed = new Map<number, string>();
  const ever = new Set<string>();
  const finals: StreamFacts['finals'] = [];
  const diffs: StreamFacts['diffs'] = [];
  const windows = { draft: new Map<number, string>(), confirm: new Map<number, string>() };
  let order = '';
  let backtracks = 0;
  let previousWall = 0;
  const fresh = (event: LiveEvent, id: string) => {
    if (ever.has(id)) fail(event, `id ${id} reused`);
    ever.add(id);
  };

  events.forEach((event, index) => {
    if (!validate(event)) fail(event, `schema: ${ajv.errorsText(validate.errors)}`);
    if (event.seq !== index) fail(event, `seq ${event.seq} at position ${index}`);
    if (event.wallMs < previousWall) fail(event, 'wall clock went backwards');
    previousWall = event.wallMs;
    switch (event.type) {
      case 'token':
        fresh(event, event.id);
        drafts.push(event);
        break;
      case 'confirm': {
        if (drafts[0]?.id !== event.id) fail(event, 'confirms a word that is not the first draft');
        drafts = drafts.slice(1);
        confirmedOpen.push(event);
        confirmedText.set(event.id, event.text);
        lastConfirmed.set(event.utterance, event.id);
        order += event.text;
        break;
      }
      case 'diff': {
        diffs.push(event);
        const expected = drafts.slice(0, event.replaced.length).map((token) => token.id);
        if (expected.join() !== event.replaced.join()) {
          fail(event, 'replaces drafts other than those right after the commit cursor');
        }
        drafts = drafts.slice(event.replaced.length);
        for (const token of event.tokens) {
          fresh(event, token.id);
          confirmedOpen.push(token);
          confirmedText.set(token.id, token.text);
          lastConfirmed.set(event.utterance, token.id);
          order += token.text;
        }
        if (event.confirmed !== event.tokens.map((token) => token.text).join('')) {
          fail(event, 'confirmed text differs from its tokens');
        }
        break;
      }
      case 'backtrack': {
        backtracks++;
        for (const id of event.ids) {
          if (confirmedText.has(id)) fail(event, `withdraws confirmed word ${id}`);
        }
        const tail = drafts.slice(drafts.length - event.ids.length).map((token) => token.id);
        if (tail.join() !== event.ids.join()) fail(event, 'withdraws drafts that are not the last');
        drafts = drafts.slice(0, drafts.length - event.ids.length);
        const kept = drafts.at(-1)?.id ?? lastConfirmed.get(event.utterance) ?? null;
        if (event.after !== kept) {
          fail(event, `after is ${event.after}, the last kept word is ${kept}`);
        }
        break;
      }
      case 'final': {
        finals.push(event);
        const expected = confirmedOpen.slice(0, event.ids.length);
        if (expected.map((token) => token.id).join() !== event.ids.join()) {
          fail(event, 'a final must be the oldest confirmed words, in order');
        }
        if (expected.map((token) => confirmedText.get(token.id)).join('') !== event.text) {
          fail(event, 'final text differs from the confirmed words');
        }
        confirmedOpen.splice(0, event.ids.length);
        break;
      }
      case 'window': {
        const seen = windows[event.pass];
        if (seen.has(event.id)) fail(event, `window ${event.pass} ${event.id} reported twice`);
        seen.set(event.id, event.status);
        break;
      }
      default:
        break;
    }
  });
  for (const pass of ['draft', 'confirm'] as const) {
    const ids = [...windows[pass].keys()].sort((a, b) => a - b);
    ids.forEach((id, index) => {
      if (id !== index) throw new Error(`${pass} window ${index} never accounted for`);
    });
  }
  if (confirmedOpen.length > 0) throw new Error('confirmed words never made final');
  if (drafts.length > 0) throw new Error('drafts left shown at the end');
  return {
    finalText: finals.map((event) => event.text).join(''),
    confirmedText: order,
    finals,
    windows,
    backtracks,
    diffs,
  };
}
