import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round, type Summary, summarize } from './stats.js';

export const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));

export type Contender = () => unknown | Promise<unknown>;

export interface AlternateOptions {
  /** Timed runs per contender. */
  rounds: number;
  /** Untimed runs per contender first, so JIT and caches settle. */
  warmup?: number;
}

/**
 * Times contenders interleaved (A B A B …), so that a noisy neighbour slows all of them alike
 * instead of whichever happened to run at the time. Returns milliseconds per run.
 */
export async function alternate(
  contenders: Record<string, Contender>,
  options: AlternateOptions,
): Promise<Record<string, Summary>> {
  const names = Object.keys(contenders);
  for (let i = 0; i < (options.warmup ?? 1); i++) {
    for (const name of names) await (contenders[name] as Contender)();
  }
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < options.rounds; round++) {
    // Reverse the order every other round so neither contender always runs first.
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const started = performance.now();
      await (contenders[name] as Contender)();
      (samples[name] as number[]).push(performance.now() - started);
    }
  }
  return Object.fromEntries(names.map((name) => [name, summarize(samples[name] as number[])]));
}

/** The machine a result was measured on, so results from different machines are not compared. */
export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg().map((value) => round(value, 2)),
  };
}

/** Writes `bench/results/<suite>.json` and returns its path. */
export function writeResult(suite: string, result: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${suite}.json`);
  const document = { suite, date: new Date().toISOString(), machine: machine(), ...result };
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
  return path;
}

/** Ratio of medians with the range of per-round ratios implied by min/max, for reports. */
export function compare(fast: Summary, slow: Summary) {
  return {
    medianRatio: round(slow.median / fast.median, 2),
    worstCaseRatio: round(slow.min / fast.max, 2),
    bestCaseRatio: round(slow.max / fast.min, 2),
  };
}

export function formatMs(summary: Summary): string {
  return `median ${summary.median.toFixed(1)} ms (range ${summary.min.toFixed(1)}–${summary.max.toFixed(1)}, n=${summary.runs})`;
}
