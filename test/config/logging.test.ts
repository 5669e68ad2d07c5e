import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from '../../src/logging.js';

function capture(level: 'info' | 'warn') {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  return { logger: createLogger({ log: { level } }, stream), lines };
}

describe('createLogger', () => {
  it('writes JSON lines at or above the configured level', async () => {
    const { logger, lines } = capture('warn');
    logger.info('hidden');
    logger.warn({ durationS: 3 }, 'shown');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'shown', durationS: 3, name: 'earshot' });
  });

  it('never writes transcripts or audio, even when a caller passes them', async () => {
    const { logger, lines } = capture('info');
    logger.info(
      {
        text: 'my secret words',
        result: { transcript: 'more words', segments: [{ text: 'x' }] },
        samples: [0.1],
      },
      'done',
    );
    await new Promise((resolve) => setImmediate(resolve));
    const line = JSON.stringify(lines[0]);
    expect(line).not.toContain('secret words');
    expect(line).not.toContain('more words');
    expect(lines[0]).toMatchObject({
      text: REDACTED,
      samples: REDACTED,
      result: { transcript: REDACTED, segments: REDACTED },
    });
  });
});
