import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { downloadProgress, formatBytes, formatDuration } from '../../src/cli/download-progress.js';

function capture(tty: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY: tty, columns: 120 });
  let text = '';
  stream.on('data', (chunk) => {
    text += String(chunk);
  });
  return { stream, text: () => text };
}

/** Feeds a 10 MB download at 2 MB/s, one progress event every 0.5 s. */
function simulate(tty: boolean): string {
  const out = capture(tty);
  let clock = 0;
  const render = downloadProgress(out.stream, { now: () => clock });
  const model = 'onnx-community/whisper-tiny';
  const file = 'onnx/encoder_model.onnx';
  render({ type: 'start', model, file, totalBytes: 10_000_000, resumedFrom: 0 });
  for (let received = 1_000_000; received <= 10_000_000; received += 1_000_000) {
    clock += 500;
    render({ type: 'progress', model, file, receivedBytes: received, totalBytes: 10_000_000 });
  }
  render({ type: 'done', model, file, totalBytes: 10_000_000, verified: 'sha256' });
  return out.text();
}

describe('download progress', () => {
  it('draws one bar per file on a terminal with bytes, speed and time left', () => {
    const text = simulate(true);
    const frames = text.split('\r\x1b[2K').filter((frame) => frame !== '');
    expect(frames.length).toBe(11);
    const middle = frames[4] as string;
    expect(middle).toMatch(/^onnx\/encoder_model\.onnx \[█+░+\]/);
    expect(middle).toContain('50%');
    expect(middle).toContain('5.00 MB / 10.0 MB');
    expect(middle).toContain('2.00 MB/s');
    expect(middle).toContain('ETA 0:03');
    expect(frames.at(-1)).toContain('100%');
    expect(frames.at(-1)).toContain('✓ sha256 verified\n');
  });

  it('prints plain lines at each tenth and at the end when not on a terminal', () => {
    const lines = simulate(false).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'downloading onnx-community/whisper-tiny: onnx/encoder_model.onnx (10.0 MB)',
    );
    expect(lines).toHaveLength(11);
    expect(lines[5]).toBe('onnx/encoder_model.onnx: 50%, 5.00 MB / 10.0 MB, 2.00 MB/s, ETA 0:03');
    expect(lines.at(-1)).toBe('onnx/encoder_model.onnx: done, 10.0 MB, sha256 verified');
    expect(lines.join('\n')).not.toContain('\r');
  });

  it('reports resumes, retries and waiting on its own lines', () => {
    const out = capture(true);
    const render = downloadProgress(out.stream, { now: () => 0 });
    const base = { model: 'm', file: 'onnx/model.onnx' };
    render({ type: 'waiting', ...base, holder: 'process 42 on host' });
    render({ type: 'start', ...base, totalBytes: 2_000_000, resumedFrom: 500_000 });
    render({ type: 'progress', ...base, receivedBytes: 600_000, totalBytes: 2_000_000 });
    render({
      type: 'retry',
      ...base,
      attempt: 2,
      receivedBytes: 600_000,
      reason: 'socket hang up',
    });
    const text = out.text();
    expect(text).toContain(
      'onnx/model.onnx: waiting for process 42 on host, which is downloading it\n',
    );
    expect(text).toContain('onnx/model.onnx: resuming at 500 kB\n');
    expect(text).toContain(
      '\nonnx/model.onnx: connection lost after 600 kB (socket hang up); resuming, attempt 2\n',
    );
  });

  it('formats sizes and durations for people', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1500)).toBe('1.50 kB');
    expect(formatBytes(151_000_000)).toBe('151 MB');
    expect(formatBytes(15_100_000)).toBe('15.1 MB');
    expect(formatBytes(3_200_000_000)).toBe('3.20 GB');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('--:--');
  });
});
