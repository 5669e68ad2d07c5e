import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { settings } from '../../src/config/index.js';
import { ROOT } from '../helpers/paths.js';

describe('README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('documents every setting with its key and environment variable', () => {
    for (const [section, keys] of Object.entries(settings)) {
      for (const [key, definition] of Object.entries(keys)) {
        expect(readme).toContain(`\`${section}.${key}\``);
        expect(readme).toContain(`\`${(definition as { env: string }).env}\``);
      }
    }
  });

  it('has a two-command quick start', () => {
    const quickStart = readme.split('## Quick start')[1]?.split('\n## ')[0] ?? '';
    const commands = (/```sh\n([\s\S]*?)```/.exec(quickStart)?.[1] ?? '')
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(commands).toHaveLength(2);
    expect(commands[1]).toMatch(/^npm test/);
  });
});
