import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../src/cli/program.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** Runs the `earshot` CLI in-process with captured output; `stdin` is what is piped in. */
export async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  stdin?: string | Buffer,
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(Buffer.from(chunk)));
  stderr.on('data', (chunk: Buffer) => err.push(Buffer.from(chunk)));
  const input = stdin === undefined ? undefined : Readable.from([Buffer.from(stdin)]);
  const status = await runCli(args, {
    stdout,
    stderr,
    env: { PATH: process.env['PATH'], ...env },
    ...(input ? { stdin: input } : {}),
  });
  await new Promise((resolve) => setImmediate(resolve));
  const stdoutBytes = Buffer.concat(out);
  return {
    status,
    stdout: stdoutBytes.toString(),
    stderr: Buffer.concat(err).toString(),
    stdoutBytes,
  };
}
