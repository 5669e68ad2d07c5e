import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, maskSecrets, settings } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { useTempDir } from '../helpers/tmp.js';

const tempDir = useTempDir();

function configFile(name: string, content: unknown): string {
  const path = join(tempDir(), name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('uses the defaults when nothing is set', () => {
    const { config, sources, file } = loadConfig({ env: {}, cwd: tempDir() });
    expect(file).toBeNull();
    expect(config.log.level).toBe('info');
    expect(config.audio.decodeTimeoutS).toBe(300);
    expect(config.models.offline).toBe(false);
    expect(sources['audio.decodeTimeoutS']).toBe('default');
  });

  it('layers config file < environment < overrides', () => {
    const file = configFile('layers.json', {
      audio: { decodeTimeoutS: 10, maxDurationS: 60 },
      log: { level: 'debug' },
    });
    const { config, sources } = loadConfig({
      env: { EARSHOT_DECODE_TIMEOUT_S: '20' },
      file,
      overrides: { log: { level: 'error' } },
    });
    expect(config.audio.maxDurationS).toBe(60);
    expect(sources['audio.maxDurationS']).toBe('file');
    expect(config.audio.decodeTimeoutS).toBe(20);
    expect(sources['audio.decodeTimeoutS']).toBe('env');
    expect(config.log.level).toBe('error');
    expect(sources['log.level']).toBe('override');
  });

  it('finds earshot.config.json in the working directory, or the file named by EARSHOT_CONFIG', () => {
    configFile('earshot.config.json', { audio: { maxDurationS: 99 } });
    expect(loadConfig({ env: {}, cwd: tempDir() }).config.audio.maxDurationS).toBe(99);
    const other = configFile('other.json', { audio: { maxDurationS: 7 } });
    expect(
      loadConfig({ env: { EARSHOT_CONFIG: other }, cwd: tempDir() }).config.audio.maxDurationS,
    ).toBe(7);
  });

  it('parses booleans, URLs and optional strings from the environment', () => {
    const { config } = loadConfig({
      env: {
        EARSHOT_OFFLINE: 'yes',
        EARSHOT_HUB_URL: 'http://127.0.0.1:9000/',
        HF_TOKEN: '',
        EARSHOT_FFMPEG: '/usr/bin/ffmpeg',
      },
      cwd: tempDir(),
    });
    expect(config.models.offline).toBe(true);
    expect(config.models.hubUrl).toBe('http://127.0.0.1:9000');
    expect(config.models.hfToken).toBeNull();
    expect(config.audio.ffmpegPath).toBe('/usr/bin/ffmpeg');
  });

  it.each([
    ['EARSHOT_DECODE_TIMEOUT_S', 'soon', 'audio.decodeTimeoutS'],
    ['EARSHOT_DECODE_TIMEOUT_S', '0', 'audio.decodeTimeoutS'],
    ['EARSHOT_LOG_LEVEL', 'loud', 'log.level'],
    ['EARSHOT_OFFLINE', 'maybe', 'models.offline'],
    ['EARSHOT_HUB_URL', 'ftp://example', 'models.hubUrl'],
  ])('fails on %s=%s with a message naming %s', (variable, value, key) => {
    const error = configError(() => loadConfig({ env: { [variable]: value }, cwd: tempDir() }));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain(key);
    expect(error.message).toContain(variable);
    expect(error.details).toMatchObject({ key });
  });

  it('fails on a bad value in the file, an unknown key, and a file that is not JSON', () => {
    const badValue = configFile('bad-value.json', { audio: { maxDurationS: 'long' } });
    expect(configError(() => loadConfig({ env: {}, file: badValue })).message).toMatch(
      /audio\.maxDurationS.*config file/,
    );
    const unknownKey = configFile('unknown.json', { audio: { maxDuration: 5 } });
    expect(configError(() => loadConfig({ env: {}, file: unknownKey })).message).toContain(
      'audio.maxDuration',
    );
    const notJson = configFile('broken.json', '{ audio: ');
    expect(configError(() => loadConfig({ env: {}, file: notJson })).code).toBe(
      'config_file_unreadable',
    );
    expect(
      configError(() => loadConfig({ env: {}, file: join(tempDir(), 'absent.json') })).code,
    ).toBe('config_file_unreadable');
  });

  it('returns a frozen object', () => {
    const { config } = loadConfig({ env: {}, cwd: tempDir() });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.audio)).toBe(true);
  });
});

describe('maskSecrets', () => {
  it('masks every secret that is set and nothing else', () => {
    const { config } = loadConfig({ env: { HF_TOKEN: 'hf_abcdefghijklmnop' }, cwd: tempDir() });
    const masked = maskSecrets(config);
    expect(JSON.stringify(masked)).not.toContain('hf_abcdefghijklmnop');
    expect(masked['models']?.['hfToken']).toBe('********');
    expect(masked['models']?.['hubUrl']).toBe(config.models.hubUrl);
  });

  it('knows which settings are secret from the settings table', () => {
    const secretKeys = Object.entries(settings).flatMap(([section, keys]) =>
      Object.entries(keys)
        .filter(([, definition]) => (definition as { secret?: boolean }).secret)
        .map(([key]) => `${section}.${key}`),
    );
    expect(secretKeys).toContain('models.hfToken');
  });
});

describe('server settings', () => {
  it('reads API keys, origins and model aliases from environment strings', () => {
    const { config } = loadConfig({
      env: {
        EARSHOT_API_KEYS: 'key-one, key-two',
        EARSHOT_CORS_ORIGINS: 'https://app.example',
        EARSHOT_MODEL_ALIASES: 'fast=./models/tiny, best=onnx-community/whisper-small',
        EARSHOT_UPLOAD_LIMIT_MB: '0.5',
      },
      cwd: tempDir(),
    });
    expect(config.server.apiKeys).toEqual(['key-one', 'key-two']);
    expect(config.server.corsOrigins).toEqual(['https://app.example']);
    expect(config.server.modelAliases).toEqual({
      fast: './models/tiny',
      best: 'onnx-community/whisper-small',
    });
    expect(config.server.uploadLimitMb).toBe(0.5);
    expect(maskSecrets(config).server?.apiKeys).toEqual(['********', '********']);
  });

  it('refuses a malformed alias list, naming the key', () => {
    const error = configError(() =>
      loadConfig({ env: { EARSHOT_MODEL_ALIASES: 'whisper-1' }, cwd: tempDir() }),
    );
    expect(error.message).toContain('server.modelAliases');
    expect(error.message).toContain('name=value');
  });

  it('reads model aliases as an object from a config file', () => {
    const file = configFile('aliases.json', { server: { modelAliases: { 'whisper-1': './m' } } });
    expect(loadConfig({ env: {}, file }).config.server.modelAliases).toEqual({
      'whisper-1': './m',
    });
  });
});
