import { describe, expect, it } from 'vitest';
import type { TranscriptionModel } from '../../src/asr/types.js';
import { ModelError } from '../../src/errors.js';
import { ModelRegistry } from '../../src/server/model-registry.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { ScriptedWhisperModel } from '../helpers/scripted-model.js';

function countingLoader(fail: Set<string> = new Set()) {
  const loads: string[] = [];
  const models: ScriptedWhisperModel[] = [];
  const loader = async (id: string): Promise<TranscriptionModel> => {
    loads.push(id);
    if (fail.has(id)) throw new ModelError('model_file_missing', `no files for ${id}`);
    const model = new ScriptedWhisperModel(id);
    models.push(model);
    return model;
  };
  return { loads, models, loader };
}

describe('ModelRegistry', () => {
  it('resolves no name, whisper-1 and the OpenAI model names to the default model', () => {
    const registry = new ModelRegistry({ defaultModel: 'base', loader: countingLoader().loader });
    expect(registry.resolve(undefined)).toBe('base');
    expect(registry.resolve('')).toBe('base');
    expect(registry.resolve('whisper-1')).toBe('base');
    expect(registry.resolve('gpt-4o-mini-transcribe')).toBe('base');
    expect(registry.resolve('base')).toBe('base');
  });

  it('offers configured models and aliases, and refuses other names with model_not_found', () => {
    const registry = new ModelRegistry({
      defaultModel: 'base',
      models: ['small'],
      aliases: { fast: 'tiny', 'whisper-1': 'small', best: 'whisper-1' },
      loader: countingLoader().loader,
    });
    expect(registry.resolve('fast')).toBe('tiny');
    expect(registry.resolve('tiny')).toBe('tiny');
    expect(registry.resolve('whisper-1')).toBe('small');
    expect(registry.resolve('best')).toBe('small');
    expect(registry.names()).toEqual([
      'base',
      'small',
      'tiny',
      'whisper-1',
      'gpt-4o-transcribe',
      'gpt-4o-mini-transcribe',
      'fast',
      'best',
    ]);
    let error: unknown;
    try {
      registry.resolve('/etc');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe('model_not_found');
    expect((error as ModelError).details['param']).toBe('model');
  });

  it('loads a model once for concurrent users and shares it', async () => {
    const { loader, loads } = countingLoader();
    const registry = new ModelRegistry({ defaultModel: 'base', loader });
    const seen = await Promise.all(
      [1, 2, 3].map(() => registry.use('base', async (model) => model)),
    );
    expect(loads).toEqual(['base']);
    expect(new Set(seen).size).toBe(1);
    expect(registry.list().find((model) => model.id === 'base')?.loaded).toBe(true);
  });

  it('forgets a failed load so that a later request tries again', async () => {
    const failing = new Set(['base']);
    const { loader, loads } = countingLoader(failing);
    const registry = new ModelRegistry({ defaultModel: 'base', loader });
    await expect(registry.use('base', async () => 1)).rejects.toThrow('no files for base');
    failing.clear();
    await expect(registry.use('base', async () => 2)).resolves.toBe(2);
    expect(loads).toEqual(['base', 'base']);
  });

  it('reports load times and outcomes to listeners', async () => {
    const clock = new ManualClock();
    const registry = new ModelRegistry({
      defaultModel: 'base',
      models: ['broken'],
      loader: countingLoader(new Set(['broken'])).loader,
      clock,
    });
    const events: Array<{ modelId: string; ok: boolean }> = [];
    registry.onLoad(({ modelId, ok }) => events.push({ modelId, ok }));
    const readiness = await registry.check();
    expect(readiness).toEqual([
      { id: 'base', ready: true },
      {
        id: 'broken',
        ready: false,
        error: { code: 'model_file_missing', message: 'no files for broken' },
      },
    ]);
    expect(events).toEqual([
      { modelId: 'base', ok: true },
      { modelId: 'broken', ok: false },
    ]);
  });

  it('unloads a model after it has been idle for the TTL, and not while it is used', async () => {
    const clock = new ManualClock();
    const { loader, models, loads } = countingLoader();
    const registry = new ModelRegistry({ defaultModel: 'base', loader, idleTtlS: 60, clock });
    let finish: () => void = () => {};
    const inUse = registry.use('base', () => new Promise<void>((resolve) => (finish = resolve)));
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(120_000);
    expect(models[0]?.closed).toBe(false);
    finish();
    await inUse;
    clock.advance(59_000);
    expect(models[0]?.closed).toBe(false);
    clock.advance(1_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(models[0]?.closed).toBe(true);
    await registry.use('base', async () => undefined);
    expect(loads).toEqual(['base', 'base']);
  });

  it('closes every loaded model on close and refuses work afterwards', async () => {
    const { loader, models } = countingLoader();
    const registry = new ModelRegistry({ defaultModel: 'base', models: ['small'], loader });
    await registry.check();
    await registry.close();
    expect(models.map((model) => model.closed)).toEqual([true, true]);
    await expect(registry.use('base', async () => 1)).rejects.toThrow('shutting down');
  });
});
