import { type Logger, pino } from 'pino';
import type { Config } from './config/index.js';

export type { Logger } from 'pino';

/**
 * Field names that may carry user content. Their values are replaced before a line is written, so
 * a careless `log.info({ text })` cannot leak a transcript or audio into logs.
 */
const CONTENT_FIELDS = [
  'text',
  'transcript',
  'samples',
  'audio',
  'prompt',
  'input',
  'words',
  'segments',
];

export const REDACTED = '[redacted]';

/**
 * Creates the process logger: JSON lines on stderr (stdout stays free for command output), with
 * the configured level and content fields redacted at any depth up to two levels.
 */
export function createLogger(
  config: Pick<Config, 'log'>,
  destination: NodeJS.WritableStream = process.stderr,
): Logger {
  const paths = CONTENT_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);
  return pino(
    {
      level: config.log.level,
      base: { name: 'earshot' },
      redact: { paths, censor: REDACTED },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
