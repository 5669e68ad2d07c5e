import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { ParseFailure } from './parsers.js';
import { type Config, type Setting, settings } from './settings.js';

/** Where a setting's effective value came from. */
export type ConfigSource = 'default' | 'file' | 'env' | 'override';

export interface LoadConfigOptions {
  /** Environment to read `EARSHOT_*` variables from. Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /**
   * Config file (JSON, same shape as the config object). Default: `EARSHOT_CONFIG`, else
   * `earshot.config.json` in the working directory when it exists.
   */
  file?: string;
  /** Values that win over every other source, such as command-line flags. */
  overrides?: Partial<{ [Section in keyof Config]: Partial<Config[Section]> }>;
  cwd?: string;
}

export interface LoadedConfig {
  config: Config;
  sources: Record<string, ConfigSource>;
  file: string | null;
}

const DEFAULT_FILE = 'earshot.config.json';

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      'config_file_unreadable',
      `Cannot read config file ${path}: ${(error as Error).message}`,
      {
        cause: error,
        details: { path },
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      'config_file_unreadable',
      `Config file ${path} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
        details: { path },
      },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('config_file_unreadable', `Config file ${path} must hold a JSON object`, {
      details: { path },
    });
  }
  return parsed as Record<string, unknown>;
}

function sectionOf(
  root: Record<string, unknown>,
  section: string,
  file: string,
): Record<string, unknown> {
  const value = root[section];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(
      'config_invalid',
      `Invalid configuration: "${section}" in ${file} must be an object`,
      {
        details: { key: section },
      },
    );
  }
  return value as Record<string, unknown>;
}

function checkKnownKeys(root: Record<string, unknown>, file: string): void {
  for (const [section, value] of Object.entries(root)) {
    const known = (settings as Record<string, Record<string, Setting<unknown>>>)[section];
    if (!known) {
      throw new ConfigError(
        'config_invalid',
        `Unknown configuration section "${section}" in ${file}`,
        {
          details: { key: section },
        },
      );
    }
    for (const key of Object.keys(sectionOf(root, section, file))) {
      if (!(key in known)) {
        throw new ConfigError(
          'config_invalid',
          `Unknown configuration key "${section}.${key}" in ${file}`,
          {
            details: { key: `${section}.${key}` },
          },
        );
      }
    }
    void value;
  }
}

/**
 * Builds the configuration once, at start-up: defaults, then the config file, then `EARSHOT_*`
 * environment variables, then explicit overrides. A bad value fails with a `ConfigError` that
 * names the key and where the value came from.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicitFile = options.file ?? env['EARSHOT_CONFIG'];
  const file = explicitFile
    ? resolve(cwd, explicitFile)
    : existsSync(resolve(cwd, DEFAULT_FILE))
      ? resolve(cwd, DEFAULT_FILE)
      : null;
  const fileValues = file ? readConfigFile(file) : {};
  if (file) checkKnownKeys(fileValues, file);

  const config: Record<string, Record<string, unknown>> = {};
  const sources: Record<string, ConfigSource> = {};
  for (const [section, keys] of Object.entries(
    settings as Record<string, Record<string, Setting<unknown>>>,
  )) {
    const fromFile = file ? sectionOf(fileValues, section, file) : {};
    const fromOverrides =
      (options.overrides as Record<string, Record<string, unknown>> | undefined)?.[section] ?? {};
    const out: Record<string, unknown> = {};
    for (const [key, definition] of Object.entries(keys)) {
      const path = `${section}.${key}`;
      let raw: unknown = definition.default;
      let source: ConfigSource = 'default';
      let origin = 'the default';
      if (key in fromFile) {
        raw = fromFile[key];
        source = 'file';
        origin = `config file ${file}`;
      }
      const envValue = env[definition.env];
      if (envValue !== undefined) {
        raw = envValue;
        source = 'env';
        origin = `environment variable ${definition.env}`;
      }
      if (fromOverrides[key] !== undefined) {
        raw = fromOverrides[key];
        source = 'override';
        origin = 'the command line';
      }
      try {
        out[key] = source === 'default' ? raw : definition.parse(raw);
      } catch (error) {
        if (!(error instanceof ParseFailure)) throw error;
        throw new ConfigError(
          'config_invalid',
          `Invalid configuration ${path} (${definition.env}) from ${origin}: ${error.message}`,
          {
            details: { key: path, env: definition.env, source },
          },
        );
      }
      sources[path] = source;
    }
    config[section] = Object.freeze(out);
  }
  return { config: Object.freeze(config) as unknown as Config, sources, file };
}

/** The configuration as a plain object with every secret replaced by a mask. */
export function maskSecrets(config: Config): Record<string, Record<string, unknown>> {
  const masked: Record<string, Record<string, unknown>> = {};
  for (const [section, keys] of Object.entries(
    settings as Record<string, Record<string, Setting<unknown>>>,
  )) {
    const values = (config as unknown as Record<string, Record<string, unknown>>)[section] ?? {};
    masked[section] = {};
    for (const [key, definition] of Object.entries(keys)) {
      const value = values[key];
      masked[section][key] =
        definition.secret && value !== null && value !== '' ? maskValue(value) : value;
    }
  }
  return masked;
}

function maskValue(value: unknown): string | string[] {
  if (Array.isArray(value)) return value.map(() => '********');
  return '********';
}
