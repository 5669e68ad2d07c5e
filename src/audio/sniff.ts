/**
 * Recognises a container from its first bytes. Used to pick the pure-TS fast path, to name the
 * format in results, and to refuse files that are plainly not audio before ffmpeg is started.
 */

export type SniffedFormat =
  | 'wav'
  | 'flac'
  | 'mp3'
  | 'aac'
  | 'ogg'
  | 'opus'
  | 'vorbis'
  | 'mp4'
  | 'm4a'
  | 'webm'
  | 'matroska'
  | 'aiff'
  | 'caf'
  | 'unknown';

/** Formats that are certainly not audio, with the name a user would recognise. */
const NOT_AUDIO: Array<{ magic: number[]; offset?: number; name: string }> = [
  { magic: [0x89, 0x50, 0x4e, 0x47], name: 'a PNG image' },
  { magic: [0xff, 0xd8, 0xff], name: 'a JPEG image' },
  { magic: [0x25, 0x50, 0x44, 0x46], name: 'a PDF document' },
  { magic: [0x50, 0x4b, 0x03, 0x04], name: 'a ZIP archive' },
  { magic: [0x1f, 0x8b], name: 'a gzip archive' },
  { magic: [0x47, 0x49, 0x46, 0x38], name: 'a GIF image' },
  { magic: [0x7f, 0x45, 0x4c, 0x46], name: 'an executable' },
];

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function startsWith(bytes: Uint8Array, magic: number[], offset = 0): boolean {
  return magic.every((byte, index) => bytes[offset + index] === byte);
}

function includesAscii(bytes: Uint8Array, needle: string, limit: number): boolean {
  const haystack = ascii(bytes, 0, Math.min(bytes.length, limit));
  return haystack.includes(needle);
}

/** Skips an ID3v2 tag and returns the offset of the first audio frame. */
function afterId3(bytes: Uint8Array): number {
  if (ascii(bytes, 0, 3) !== 'ID3' || bytes.length < 10) return 0;
  const size =
    (((bytes[6] as number) & 0x7f) << 21) |
    (((bytes[7] as number) & 0x7f) << 14) |
    (((bytes[8] as number) & 0x7f) << 7) |
    ((bytes[9] as number) & 0x7f);
  return 10 + size;
}

export function sniffFormat(bytes: Uint8Array): SniffedFormat {
  if (bytes.length < 4) return 'unknown';
  const head4 = ascii(bytes, 0, 4);
  if ((head4 === 'RIFF' || head4 === 'RF64') && ascii(bytes, 8, 4) === 'WAVE') return 'wav';
  if (head4 === 'fLaC') return 'flac';
  if (head4 === 'OggS') {
    if (includesAscii(bytes, 'OpusHead', 256)) return 'opus';
    if (includesAscii(bytes, 'vorbis', 256)) return 'vorbis';
    if (includesAscii(bytes, 'FLAC', 256)) return 'flac';
    return 'ogg';
  }
  if (ascii(bytes, 4, 4) === 'ftyp') {
    const brand = ascii(bytes, 8, 4);
    return brand.startsWith('M4A') || brand.startsWith('M4B') ? 'm4a' : 'mp4';
  }
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) {
    return includesAscii(bytes, 'webm', 64) ? 'webm' : 'matroska';
  }
  if (head4 === 'FORM' && ['AIFF', 'AIFC'].includes(ascii(bytes, 8, 4))) return 'aiff';
  if (head4 === 'caff') return 'caf';
  const frame = afterId3(bytes);
  if (frame > 0 && head4.startsWith('ID3')) {
    // An ID3 tag is followed by MPEG audio (or, rarely, ADTS); ffmpeg tells them apart.
    return 'mp3';
  }
  const b0 = bytes[0] as number;
  const b1 = bytes[1] as number;
  if (b0 === 0xff && (b1 & 0xf6) === 0xf0) return 'aac'; // ADTS sync word, layer 0
  if (b0 === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x06) !== 0) return 'mp3'; // MPEG frame sync
  return 'unknown';
}

/** Returns a description such as "a PNG image" when the bytes are certainly not audio. */
export function describeNonAudio(bytes: Uint8Array): string | null {
  for (const { magic, offset, name } of NOT_AUDIO) {
    if (startsWith(bytes, magic, offset ?? 0)) return name;
  }
  const head = ascii(bytes, 0, Math.min(bytes.length, 512)).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'an HTML page';
  if (head.startsWith('{') || head.startsWith('[')) {
    if (isMostlyText(bytes)) return 'a JSON or text document';
  }
  if (bytes.length >= 64 && isMostlyText(bytes)) return 'a text file';
  return null;
}

function isMostlyText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, Math.min(bytes.length, 1024));
  let printable = 0;
  for (const byte of sample) {
    if (byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127)) printable++;
  }
  return printable / sample.length > 0.97;
}
