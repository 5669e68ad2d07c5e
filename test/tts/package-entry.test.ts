import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths.js';

describe('speech synthesis in the built package', () => {
  it("speaks through the public API of 'earshot', finding the eSpeak NG files from dist", () => {
    const script = `
      import { createSpeechModel, loadConfig, synthesize } from 'earshot';
      const model = await createSpeechModel(null, { config: loadConfig({ env: {} }).config });
      const speech = await synthesize(model, 'Hello from the package. It costs $5.', { voice: 'nova' });
      console.log(JSON.stringify({
        seconds: speech.samples.length / speech.sampleRate > 1,
        segments: speech.segments.map((segment) => segment.text),
      }));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual({
      seconds: true,
      segments: ['Hello from the package.', 'It costs five dollars.'],
    });
  });
});
