/**
 * What the WebSocket protocols (realtime, stream) share when they read a client's JSON message:
 * the message must be a JSON object, and a message checked against its TypeBox schema is refused
 * with the parameter at fault (a dotted path such as `session.turn_detection.threshold`) and a
 * message that says what was expected.
 */
import type { Validator } from 'typebox/compile';
import { InvalidRequestError } from '../errors.js';

type Issue = ReturnType<Validator['Errors']>[number];

/** A compiled TypeBox schema, as `Compile` returns it. */
export interface MessageValidator {
  Check(value: unknown): boolean;
  Errors(value: unknown): Issue[];
}

/** Parses one text message that must hold a JSON object; `invalid_json` otherwise. */
export function parseJsonObject(text: string, what = 'A client event'): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidRequestError('invalid_json', 'The message is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError('invalid_json', `${what} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

/** Why `value` fails its schema (the parameter path under `prefix`, and a message), or null. */
export function schemaFailure(
  validator: MessageValidator,
  value: unknown,
  prefix = '',
): { param: string | null; message: string } | null {
  if (validator.Check(value)) return null;
  const issues = validator.Errors(value);
  // Union branches that merely failed to be null (or failed as a whole) say less than the
  // specific failure inside the branch that was meant.
  const telling =
    issues.find(
      (issue) =>
        issue.keyword !== 'anyOf' &&
        !(issue.keyword === 'type' && (issue.params as { type?: unknown }).type === 'null'),
    ) ?? issues[0];
  const path = telling ? pathOf(telling, prefix) : prefix;
  return { param: path || null, message: describe(telling, path) };
}

function pathOf(issue: Issue, prefix: string): string {
  const parts = issue.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  const params = issue.params as Record<string, unknown>;
  if (issue.keyword === 'required') {
    const missing = (params['requiredProperties'] as string[] | undefined)?.[0];
    if (missing) parts.push(missing);
  }
  if (issue.keyword === 'additionalProperties') {
    const extra = (params['additionalProperties'] as string[] | undefined)?.[0];
    if (extra) parts.push(extra);
  }
  return [prefix, ...parts].filter(Boolean).join('.');
}

function describe(issue: Issue | undefined, path: string): string {
  const name = path ? `'${path}'` : 'the event';
  if (!issue) return `Invalid value for ${name}.`;
  const params = issue.params as Record<string, unknown>;
  switch (issue.keyword) {
    case 'required':
      return `Missing required parameter: ${name}.`;
    case 'additionalProperties':
    case 'boolean':
      // (An unknown key fails `additionalProperties: false` as the schema `false`.)
      return `Unknown parameter ${name}.`;
    case 'const':
      return `Invalid value for ${name}: expected ${JSON.stringify(params['allowedValue'])}.`;
    case 'type':
      return `Invalid type for ${name}: expected ${String(params['type'])}.`;
    case 'minimum':
    case 'maximum':
      return `Invalid value for ${name}: must be ${String(params['comparison'])} ${String(params['limit'])}.`;
    default:
      return `Invalid value for ${name}: ${issue.message}.`;
  }
}
