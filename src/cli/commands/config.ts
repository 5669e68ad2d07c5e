import type { Command } from 'commander';
import { maskSecrets, type Setting, settings } from '../../config/index.js';
import { type CliContext, examples } from '../context.js';

export function registerConfigCommand(
  program: Command,
  context: (command: Command) => CliContext,
): void {
  program
    .command('config')
    .description(
      'print the effective configuration (defaults, config file, EARSHOT_* variables), secrets masked',
    )
    .option('--explain', 'show every setting with its environment variable, source and meaning')
    .addHelpText(
      'after',
      examples([
        'earshot config',
        'EARSHOT_LOG_LEVEL=debug earshot config --explain',
        'earshot --config ./earshot.config.json config',
      ]),
    )
    .action((options: { explain?: boolean }, command: Command) => {
      const ctx = context(command);
      const masked = maskSecrets(ctx.config);
      if (!options.explain) {
        ctx.stdout.write(`${JSON.stringify(masked, null, 2)}\n`);
        return;
      }
      const rows: string[] = [];
      if (ctx.loaded.file) rows.push(`config file: ${ctx.loaded.file}`, '');
      for (const [section, keys] of Object.entries(
        settings as Record<string, Record<string, Setting<unknown>>>,
      )) {
        for (const [key, definition] of Object.entries(keys)) {
          const path = `${section}.${key}`;
          rows.push(
            `${path} = ${JSON.stringify(masked[section]?.[key])}  [${ctx.loaded.sources[path]}; ${definition.env}]`,
          );
          rows.push(`    ${definition.description}`);
        }
      }
      ctx.stdout.write(`${rows.join('\n')}\n`);
    });
}
