/**
 * Request bodies: multipart uploads read into `request.body` (fields) and `request.uploads`
 * (files) before schema validation, so multipart routes validate like JSON ones; and a check
 * that every parameter is valid UTF-8 (decoders turn bad bytes into U+FFFD, which is refused).
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidRequestError } from '../../errors.js';
import type { Upload } from '../types.js';

export interface RequestBodyOptions {
  /** Largest uploaded file, in bytes. */
  fileSizeLimit: number;
}

/** Most text fields and bytes per field a form may have; audio goes in file fields. */
const FIELD_LIMITS = { fields: 64, fieldSize: 1024 * 1024, fieldNameSize: 128 };

async function readMultipart(request: FastifyRequest, fileFields: readonly string[]) {
  if (!request.isMultipart()) {
    throw new InvalidRequestError(
      'unsupported_media_type',
      `Send the request as multipart/form-data with the audio in a "${fileFields[0]}" field.`,
    );
  }
  try {
    const { body, uploads } = await readParts(request, fileFields);
    request.body = body;
    request.uploads = uploads;
  } catch (error) {
    // Limits come with their own status (413); anything else is a malformed body.
    if ((error as { statusCode?: number }).statusCode !== undefined) throw error;
    throw new InvalidRequestError(
      'invalid_request',
      `The multipart body could not be read: ${(error as Error).message}.`,
      { cause: error },
    );
  }
}

async function readParts(request: FastifyRequest, fileFields: readonly string[]) {
  const body: Record<string, string | string[]> = {};
  const uploads: Record<string, Upload> = {};
  const add = (name: string, value: string) => {
    const existing = body[name];
    body[name] = existing === undefined ? value : [existing, value].flat();
  };
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      if (!fileFields.includes(part.fieldname) || uploads[part.fieldname]) {
        part.file.resume(); // not a file this route takes: skip its bytes
        continue;
      }
      const data = await part.toBuffer();
      uploads[part.fieldname] = {
        data,
        filename: part.filename || part.fieldname,
        mimetype: part.mimetype,
      };
      // The schema sees the file as a binary string field; the bytes stay in `uploads`.
      add(part.fieldname, part.filename || part.fieldname);
    } else {
      add(part.fieldname, String(part.value));
    }
  }
  return { body, uploads };
}

function invalidUtf8(name: string, where: string): InvalidRequestError {
  return new InvalidRequestError(
    'invalid_parameter',
    `The ${where} parameter '${name}' is not valid UTF-8.`,
    { details: { param: name } },
  );
}

/**
 * The query parser keeps malformed percent-escapes (`%FF`) as literal text, so the raw query is
 * checked: every escape must decode to UTF-8, and raw bytes must be ASCII.
 */
function checkRawQuery(url: string): void {
  const query = url.split('?')[1];
  if (!query) return;
  for (const pair of query.split('&')) {
    const [name = '', value = ''] = pair.split('=');
    let decodedName = name;
    try {
      decodedName = decodeURIComponent(name.replaceAll('+', ' '));
      if (/[^ -~]/.test(pair)) throw new URIError('raw non-ASCII byte');
      decodeURIComponent(value.replaceAll('+', ' '));
    } catch {
      throw invalidUtf8(decodedName, 'query');
    }
  }
}

function checkUtf8(values: unknown, where: string): void {
  if (typeof values !== 'object' || values === null) return;
  for (const [name, value] of Object.entries(values)) {
    const strings = Array.isArray(value) ? value : [value];
    if (strings.some((item) => typeof item === 'string' && item.includes('\uFFFD'))) {
      throw invalidUtf8(name, where);
    }
  }
}

export async function installRequestBody(
  app: FastifyInstance,
  options: RequestBodyOptions,
): Promise<void> {
  await app.register(multipart, {
    limits: { ...FIELD_LIMITS, fileSize: options.fileSizeLimit, files: 4, parts: 80 },
    throwFileSizeLimit: true,
  });
  app.decorateRequest('uploads', null as unknown as Record<string, Upload>);
  app.addHook('preValidation', async (request) => {
    request.uploads = {};
    const fileFields = request.routeOptions.config.uploads;
    if (fileFields && fileFields.length > 0) await readMultipart(request, fileFields);
    checkRawQuery(request.url);
    checkUtf8(request.query, 'query');
    checkUtf8(request.body, 'form');
  });
}
