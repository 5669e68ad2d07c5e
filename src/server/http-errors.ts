/**
 * One mapping from anything a request can fail with (an `EarshotError`, a schema validation
 * failure, a Fastify or multipart error) to an `EarshotError` with a stable code, plus the
 * parameter at fault. Each API surface then renders it in the shape its clients expect.
 */
import type { FastifyError } from 'fastify';
import { EarshotError, type ErrorCode, InvalidRequestError, toEarshotError } from '../errors.js';

export interface HttpError {
  error: EarshotError;
  /** The request parameter at fault, when one is. */
  param: string | null;
}

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Fastify and plugin error codes, by the catalogue code they mean. */
const FRAMEWORK_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
  FST_FIELDS_LIMIT: 'payload_too_large',
  FST_ERR_NOT_FOUND: 'not_found',
  FST_ERR_HANDLER_TIMEOUT: 'request_timeout',
};

const STATUS_CODES: Record<number, ErrorCode> = {
  401: 'unauthorized',
  404: 'not_found',
  408: 'request_timeout',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

function paramOf(issue: ValidationIssue): string | null {
  if (issue.keyword === 'required' && typeof issue.params['missingProperty'] === 'string')
    return issue.params['missingProperty'];
  const first = issue.instancePath.split('/')[1];
  return first ? first.replaceAll('~1', '/').replaceAll('~0', '~') : null;
}

function validationMessage(issue: ValidationIssue, param: string | null): string {
  const name = param ? `'${param}'` : 'the request';
  switch (issue.keyword) {
    case 'required':
      return `Missing required parameter: ${name}.`;
    case 'enum':
      return `Invalid value for ${name}: expected one of ${(issue.params['allowedValues'] as unknown[]).join(', ')}.`;
    case 'type':
      return `Invalid type for ${name}: expected ${String(issue.params['type'])}.`;
    default:
      return `Invalid value for ${name}: ${issue.message ?? 'not allowed'}.`;
  }
}

function fromValidation(error: FastifyError & { validation: ValidationIssue[] }): HttpError {
  const issue = error.validation[0];
  if (!issue) {
    return { error: new InvalidRequestError('invalid_request', error.message), param: null };
  }
  const param = paramOf(issue);
  const code =
    issue.keyword === 'required' || param === null ? 'invalid_request' : 'invalid_parameter';
  return {
    error: new InvalidRequestError(code, validationMessage(issue, param), {
      details: { param },
    }),
    param,
  };
}

/** Normalises any error thrown while handling a request. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof EarshotError) {
    const param = error.details['param'];
    return { error, param: typeof param === 'string' ? param : null };
  }
  if ((error as Error | undefined)?.name === 'AbortError') {
    // The client went away (or a caller cancelled): nobody is left to read a real answer.
    return {
      error: new InvalidRequestError('request_timeout', 'The request was cancelled.', {
        cause: error,
      }),
      param: null,
    };
  }
  const framework = error as Partial<FastifyError> & { validation?: ValidationIssue[] };
  if (Array.isArray(framework.validation)) {
    return fromValidation(framework as FastifyError & { validation: ValidationIssue[] });
  }
  const status = framework.statusCode;
  const mapped =
    (framework.code ? FRAMEWORK_CODES[framework.code] : undefined) ??
    (status !== undefined ? STATUS_CODES[status] : undefined) ??
    (status !== undefined && status >= 400 && status < 500 ? 'invalid_request' : undefined);
  if (mapped) {
    return {
      error: new EarshotError(mapped, describeFrameworkError(mapped, framework), { cause: error }),
      param: mapped === 'payload_too_large' ? 'file' : null,
    };
  }
  return { error: toEarshotError(error), param: null };
}

function describeFrameworkError(code: ErrorCode, error: Partial<FastifyError>): string {
  switch (code) {
    case 'unsupported_media_type':
      return 'Unsupported Content-Type: send the request as multipart/form-data.';
    case 'payload_too_large':
      return 'The upload is larger than this server accepts.';
    case 'request_timeout':
      return 'The request took longer than this server allows (server.requestTimeoutS).';
    default:
      return `Bad request: ${error.message ?? 'the request could not be read'}.`;
  }
}

/** OpenAI's error `type` for a status. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** `{ error: { message, type, param, code } }`, as the OpenAI API answers. */
export function openAiErrorBody({ error, param }: HttpError) {
  return {
    error: { message: error.message, type: openAiErrorType(error.status), param, code: error.code },
  };
}

/** `{ detail }`, as FastAPI (and so whisper-asr-webservice) answers, with the stable code added. */
export function bazarrErrorBody({ error }: HttpError) {
  return { detail: error.message, code: error.code };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** `{ statusCode, code, error, message }`, Fastify's own error shape. */
export function fastifyErrorBody({ error }: HttpError) {
  return {
    statusCode: error.status,
    code: error.code,
    error: REASONS[error.status] ?? 'Error',
    message: error.message,
  };
}
