/**
 * `npm run bench [-- <suite…>] [--quick]`: runs benchmark suites and writes one JSON file per
 * suite to bench/results/. Without names, every suite runs.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeResult } from './lib/harness.js';

export interface BenchContext {
  /** Fewer rounds and less audio: a smoke run, not for reporting. */
  quick: boolean;
}

export interface BenchSuite {
  name: string;
  description: string;
  run(context: BenchContext): Promise<{ summary: string[]; data: Record<string, unknown> }>;
}

async function loadSuites(): Promise<BenchSuite[]> {
  const directory = fileURLToPath(new URL('./suites/', import.meta.url));
  const suites: BenchSuite[] = [];
  for (const file of readdirSync(directory)
    .filter((name) => name.endsWith('.ts'))
    .sort()) {
    const module = (await import(new URL(`./suites/${file}`, import.meta.url).href)) as {
      suite: BenchSuite;
    };
    suites.push(module.suite);
  }
  return suites;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const wanted = args.filter((arg) => !arg.startsWith('--'));
  const suites = await loadSuites();
  if (args.includes('--list')) {
    for (const suite of suites) console.log(`${suite.name.padEnd(16)}${suite.description}`);
    return;
  }
  const unknown = wanted.filter((name) => !suites.some((suite) => suite.name === name));
  if (unknown.length > 0) {
    console.error(
      `unknown suite(s): ${unknown.join(', ')}; available: ${suites.map((suite) => suite.name).join(', ')}`,
    );
    process.exitCode = 2;
    return;
  }
  for (const suite of suites.filter(
    (candidate) => wanted.length === 0 || wanted.includes(candidate.name),
  )) {
    console.log(`\n## ${suite.name}: ${suite.description}`);
    const { summary, data } = await suite.run({ quick });
    for (const line of summary) console.log(`  ${line}`);
    const path = writeResult(suite.name, { quick, summary, ...data });
    console.log(`  → ${path}`);
  }
}

await main();
