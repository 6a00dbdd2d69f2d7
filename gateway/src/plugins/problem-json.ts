/**
 * Every error the gateway answers is `application/problem+json` (RFC 9457) with a stable `code` and a human `detail`,
 * never a stack trace. Handlers throw `HttpProblem` for expected outcomes they turn into errors (not found, a rejected
 * command); validation, body parsing, size limits, rate limits and unknown routes are mapped here; anything else is
 * logged with its request id and answered as a bare 500. What the router answers before any of that (an overlong
 * path parameter, a bad URL) and what Node's parser refuses (an oversized request head) are problems too, through
 * `problemJsonServerOptions`.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { QueryInputError } from '@streamshop/projections/queries';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Problem } from '../schemas/common.ts';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: { errors?: Problem['errors']; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

export function problemBody(status: number, code: string, detail: string, instance?: string): Problem {
  return {
    type: `https://streamshop.dev/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...(instance ? { instance } : {}),
  };
}

export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  errors?: Problem['errors'],
): FastifyReply {
  const body: Problem = {
    ...problemBody(status, code, detail, reply.request.url.split('?')[0]),
    ...(errors ? { errors } : {}),
  };
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** Fastify's own error codes that are the client's fault, with the code and status we answer them with. */
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'malformed_json' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'malformed_json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length' },
  FST_ERR_VALIDATION: { status: 400, code: 'invalid_request' },
};

/** `/body/lines/0/quantity` → `body.lines[0].quantity`; the property a `required` error names is appended. */
function errorPath(context: string, e: { instancePath?: string; params?: Record<string, unknown> }): string {
  let path = context;
  for (const part of (e.instancePath ?? '').split('/').filter(Boolean)) {
    path += /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
  }
  const missing = e.params?.missingProperty;
  if (typeof missing === 'string') path += `.${missing}`;
  return path;
}

/**
 * How long a path parameter may be before the router gives up on it. Fastify's default (100) is shorter than the
 * ids our schemas accept (200), so a valid id was answered 414 before its route ran; past this, no id of ours fits.
 */
export const MAX_PATH_PARAM_LENGTH = 1024;

/**
 * Fastify's `frameworkErrors`: what the router answers before any route or hook runs (a path parameter past
 * MAX_PATH_PARAM_LENGTH, a malformed percent-encoding). Without it Fastify writes its own application/json body.
 */
export function frameworkErrorProblem(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    sendProblem(reply, 414, 'uri_too_long', `a path parameter is longer than ${MAX_PATH_PARAM_LENGTH} characters`);
  } else if (error.code === 'FST_ERR_BAD_URL') {
    sendProblem(reply, 400, 'bad_url', 'the path is not a valid URL component');
  } else {
    sendProblem(reply, 400, 'bad_request', error.message);
  }
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser rejects before Fastify sees a request (a request head past
 * Node's 16 KiB: 431; a timeout: 408; anything else unparseable: 400), written on the socket as a problem too.
 */
export function clientErrorProblem(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const [status, code, detail] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'headers_too_large', 'the request line and headers are larger than the server accepts (16 KiB)']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request_timeout', 'the request took too long to arrive']
        : [400, 'malformed_request', 'the request is not valid HTTP'];
  const body = JSON.stringify(problemBody(status, code, detail));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The Fastify server options that belong with this plugin (the router and Node answer before plugins run). */
export const problemJsonServerOptions = {
  routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
  frameworkErrors: frameworkErrorProblem,
  clientErrorHandler: clientErrorProblem,
};

export interface ProblemJsonOptions {
  /** Tried first for unknown routes (the storefront's client-side routes); true when it answered. */
  notFoundFallback?: (request: FastifyRequest, reply: FastifyReply) => boolean;
}

async function problemJson(app: FastifyInstance, options: ProblemJsonOptions) {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HttpProblem) {
      for (const [k, v] of Object.entries(error.extra.headers ?? {})) reply.header(k, v);
      return sendProblem(reply, error.status, error.code, error.detail, error.extra.errors);
    }
    if (error instanceof QueryInputError) {
      const errors = error.field ? [{ path: `query.${error.field}`, message: error.message }] : undefined;
      return sendProblem(reply, 400, error.code, error.message, errors);
    }
    if (error.validation) {
      const context = error.validationContext ?? 'request';
      const errors = error.validation.map((e) => ({
        path: errorPath(context, e as { instancePath?: string; params?: Record<string, unknown> }),
        message: e.message ?? 'is invalid',
      }));
      const first = errors[0];
      return sendProblem(
        reply,
        400,
        'invalid_request',
        first ? `${first.path} ${first.message}` : 'the request is invalid',
        errors,
      );
    }
    const known = error.code ? FASTIFY_CLIENT_ERRORS[error.code] : undefined;
    if (known) return sendProblem(reply, known.status, known.code, error.message);
    if (error.statusCode === 429) {
      return sendProblem(reply, 429, 'rate_limited', error.message || 'too many requests; retry later');
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(reply, error.statusCode, 'bad_request', error.message);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, 500, 'internal_error', `unexpected error; quote request id ${request.id}`);
  });

  app.setNotFoundHandler((request, reply) => {
    if (options.notFoundFallback?.(request, reply)) return reply;
    return sendProblem(reply, 404, 'route_not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
  });
}

export const problemJsonPlugin = fp(problemJson, { name: 'problem-json' });
