import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { loadAudio } from '../../audio/load.js';
import { analyzeProsody, type ProsodyAnalysis } from '../../dsp/prosody/analyze.js';
import { InvalidRequestError } from '../../errors.js';
import { pitchPlotSvg } from '../../formats/pitch-plot-svg.js';
import { prosodyCsv, prosodyJson } from '../../formats/prosody-table.js';
import { type CliContext, examples } from '../context.js';
import { parseRawOption } from '../options.js';
import { audioOptions } from './audio.js';

const ANALYSIS_RATE = 16000;

function hertz(value: string, name: string): number {
  const parsed = Number(value);
  if (!(Number.isFinite(parsed) && parsed > 0 && parsed < ANALYSIS_RATE / 2)) {
    throw new InvalidRequestError(
      'invalid_parameter',
      `${name} must be a frequency in Hz below ${ANALYSIS_RATE / 2}, got "${value}".`,
    );
  }
  return parsed;
}

function show(value: number, digits: number, unit = ''): string {
  return Number.isFinite(value) ? `${value.toFixed(digits)}${unit}` : '–';
}

/** The human-readable summary printed without --json or --csv. */
function summary(analysis: ProsodyAnalysis): string {
  const f = analysis.functionals;
  const rows: [string, string][] = [
    [
      'duration',
      `${analysis.durationS.toFixed(2)} s (${analysis.tracks.times.length} frames of ${(1000 * analysis.hopS).toFixed(1)} ms)`,
    ],
    [
      'voiced',
      `${show(100 * f.voicedFraction, 1, ' %')} of frames; ${f.voicedSegmentsPerSecond.toFixed(2)} segments/s, mean ${show(f.voicedSegmentMeanS, 2, ' s')}`,
    ],
    [
      'pitch',
      `median ${show(f.f0Hz.p50, 1, ' Hz')} (20–80 %: ${show(f.f0Hz.p20, 1)}–${show(f.f0Hz.p80, 1, ' Hz')}), CoV ${show(f.f0Hz.cov, 3)}`,
    ],
    [
      'pitch range',
      `${show(f.f0Semitones.range2080, 2, ' semitones')} (20–80 %); rising ${show(f.f0Semitones.risingSlopeMean, 1)}, falling ${show(f.f0Semitones.fallingSlopeMean, 1, ' st/s')}`,
    ],
    [
      'loudness',
      `median ${show(f.loudness.p50, 1, ' LUFS')} (20–80 %: ${show(f.loudness.p20, 1)} to ${show(f.loudness.p80, 1)}); level ${show(f.equivalentSoundLevelDb, 1, ' dBFS')}`,
    ],
    ['HNR', `${show(f.hnrDb.mean, 1, ' dB')} mean over voiced frames`],
    [
      'jitter',
      `local ${show(100 * f.jitterLocal, 2, ' %')}, rap ${show(100 * f.jitterRap, 2, ' %')}`,
    ],
    [
      'shimmer',
      `local ${show(100 * f.shimmerLocal, 2, ' %')}, apq3 ${show(100 * f.shimmerApq3, 2, ' %')}`,
    ],
    [
      'formants',
      `F1 ${show(f.f1.mean, 0)}, F2 ${show(f.f2.mean, 0)}, F3 ${show(f.f3.mean, 0, ' Hz')} (means over voiced frames)`,
    ],
    [
      'speaking rate',
      `${show(f.speechRate, 2, ' syllables/s')} (${f.syllables} syllable nuclei); articulation ${show(f.articulationRate, 2, ' syllables/s')}; ${f.pauses} pauses`,
    ],
  ];
  return `${rows.map(([key, value]) => `${key.padEnd(14)}${value}`).join('\n')}\n`;
}

export function registerFeaturesCommand(
  program: Command,
  context: (command: Command) => CliContext,
): void {
  program
    .command('features')
    .description(
      'measure pitch (pYIN), loudness, voice quality (HNR, jitter, shimmer, formants) and speaking rate, and summarise them eGeMAPS-style',
    )
    .argument('<file>', 'audio or video file (any format ffmpeg reads; "-" for stdin)')
    .addOption(
      new Option('--json', 'print the functionals and every per-frame track as JSON').conflicts(
        'csv',
      ),
    )
    .addOption(
      new Option('--csv', 'print the per-frame tracks as CSV (one row per frame)').conflicts(
        'json',
      ),
    )
    .option('--plot <file.svg>', 'write an SVG plot of pitch and loudness over time')
    .option('--fmin <hz>', 'lowest pitch looked for (default 50)')
    .option('--fmax <hz>', 'highest pitch looked for (default 600)')
    .option(
      '--raw <rate[:channels]>',
      'treat the input as headerless s16le PCM at this rate (and channel count)',
    )
    .addHelpText(
      'after',
      examples([
        'earshot features interview.m4a',
        'earshot features --json talk.wav > talk-features.json',
        'earshot features --csv --plot pitch.svg speech.flac > tracks.csv',
        'earshot features --fmin 75 --fmax 300 voice.mp3',
      ]),
    )
    .action(
      async (
        file: string,
        options: {
          json?: boolean;
          csv?: boolean;
          plot?: string;
          fmin?: string;
          fmax?: string;
          raw?: string;
        },
        command: Command,
      ) => {
        const ctx = context(command);
        const fmin = options.fmin === undefined ? undefined : hertz(options.fmin, '--fmin');
        const fmax = options.fmax === undefined ? undefined : hertz(options.fmax, '--fmax');
        const audio = await loadAudio(file === '-' ? process.stdin : file, {
          ...audioOptions(ctx.config),
          sampleRate: ANALYSIS_RATE,
          ...parseRawOption(options.raw),
        });
        const analysis = analyzeProsody(audio.samples, {
          sampleRate: audio.sampleRate,
          ...(fmin === undefined ? {} : { fmin }),
          ...(fmax === undefined ? {} : { fmax }),
        });
        if (options.plot) {
          const title = file === '-' ? 'Pitch and loudness' : `Pitch and loudness: ${file}`;
          await writeFile(options.plot, pitchPlotSvg(analysis, { title }));
        }
        if (options.json)
          ctx.stdout.write(`${JSON.stringify(prosodyJson(analysis, true), null, 2)}\n`);
        else if (options.csv) ctx.stdout.write(prosodyCsv(analysis));
        else ctx.stdout.write(summary(analysis));
        ctx.logger.info(
          { durationS: analysis.durationS, frames: analysis.tracks.times.length },
          'features measured',
        );
      },
    );
}
