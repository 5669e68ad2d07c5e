import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EarshotError } from '../../src/errors.js';
import { dtypeOfOnnxFile, parseDtype } from '../../src/models/dtypes.js';
import { guessKind, isCompanionOf, planFiles } from '../../src/models/model-kinds.js';
import { parseModelRef } from '../../src/models/model-ref.js';
import { useTempDir } from '../helpers/tmp.js';
import { makeStore, useTestHub } from './store-helpers.js';

const tempDir = useTempDir('earshot-kinds-');
const hub = useTestHub();

describe('model references', () => {
  it('reads hub ids with and without a revision', () => {
    expect(parseModelRef('onnx-community/whisper-base', tempDir())).toEqual({
      type: 'hub',
      id: 'onnx-community/whisper-base',
      revision: 'main',
      name: 'onnx-community/whisper-base',
    });
    expect(parseModelRef('onnx-community/whisper-base@refs/pr/3', tempDir())).toMatchObject({
      id: 'onnx-community/whisper-base',
      revision: 'refs/pr/3',
    });
  });

  it('treats paths and existing folders as local models', () => {
    mkdirSync(join(tempDir(), 'my', 'model'), { recursive: true });
    expect(parseModelRef('my/model', tempDir())).toMatchObject({
      type: 'local',
      folder: join(tempDir(), 'my', 'model'),
    });
    expect(parseModelRef('./elsewhere', tempDir())).toMatchObject({ type: 'local' });
    expect(parseModelRef('/opt/models/whisper', tempDir())).toMatchObject({
      type: 'local',
      folder: '/opt/models/whisper',
    });
  });

  it('rejects what is neither a folder nor a hub id', () => {
    for (const bad of ['', 'a/b/c', 'org/-name', 'org/na..me', 'org/name@../x', 'org/na me']) {
      expect(() => parseModelRef(bad, tempDir())).toThrow(EarshotError);
    }
  });
});

describe('model kinds and dtypes', () => {
  it('fills the dtype suffix into the Whisper files', () => {
    expect(planFiles('whisper', 'q8', undefined).filter((file) => file.onnx)).toMatchObject([
      { role: 'encoder', path: 'onnx/encoder_model_quantized.onnx' },
      { role: 'decoder', path: 'onnx/decoder_model_merged_quantized.onnx' },
    ]);
    expect(planFiles('whisper', 'q4f16', undefined).map((file) => file.path)).toContain(
      'onnx/decoder_model_merged_q4f16.onnx',
    );
    expect(planFiles('kokoro', 'fp32', 'af_bella').map((file) => file.path)).toContain(
      'voices/af_bella.bin',
    );
  });

  it('reads the dtype from an ONNX file name', () => {
    expect(dtypeOfOnnxFile('onnx/encoder_model.onnx')).toBe('fp32');
    expect(dtypeOfOnnxFile('onnx/encoder_model_quantized.onnx')).toBe('q8');
    expect(dtypeOfOnnxFile('onnx/model_uint8.onnx')).toBe('uint8');
    expect(dtypeOfOnnxFile('onnx/model_int8.onnx')).toBe('int8');
    expect(dtypeOfOnnxFile('onnx/model_q4f16.onnx')).toBe('q4f16');
    expect(dtypeOfOnnxFile('config.json')).toBeNull();
    expect(() => parseDtype('fp64')).toThrow(/fp32, fp16, q8/);
  });

  it('recognises external data files and guesses kinds from ids', () => {
    expect(isCompanionOf('onnx/model.onnx_data', 'onnx/model.onnx')).toBe(true);
    expect(isCompanionOf('onnx/model.onnx_data_1', 'onnx/model.onnx')).toBe(true);
    expect(isCompanionOf('onnx/model_fp16.onnx', 'onnx/model.onnx')).toBe(false);
    expect(guessKind('onnx-community/whisper-large-v3-turbo')).toBe('whisper');
    expect(guessKind('onnx-community/Kokoro-82M-v1.0-ONNX')).toBe('kokoro');
    expect(guessKind('someone/something')).toBeNull();
  });

  it('fetches a Piper voice by its path in a repository of many voices', async () => {
    const voice = 'en/en_US/lessac/medium/en_US-lessac-medium';
    hub().addRepo('earshot/piper-voices', {
      [`${voice}.onnx`]: Buffer.from('fixture voice graph'),
      [`${voice}.onnx.json`]: '{"audio":{"sample_rate":22050}}',
      'de/de_DE/thorsten/medium/de_DE-thorsten-medium.onnx': Buffer.from('another voice'),
    });
    const { store } = makeStore(hub(), tempDir());
    const model = await store.resolve('earshot/piper-voices', { kind: 'piper', voice });
    expect(model.files.model).toBe(join(model.folder, ...`${voice}.onnx`.split('/')));
    expect(Object.keys(model.files).sort()).toEqual(['config', 'model']);
    await expect(store.resolve('earshot/piper-voices', { kind: 'piper' })).rejects.toThrow(
      'A piper model needs a voice.',
    );
    await expect(
      store.resolve('earshot/piper-voices', { kind: 'piper', voice, dtype: 'q8' }),
    ).rejects.toThrow('piper models come in fp32, not q8.');
    await expect(
      store.resolve('earshot/piper-voices', { kind: 'piper', voice: '../../etc/passwd' }),
    ).rejects.toThrow('not a valid voice name');
  });
});
