import type { InstanceRow } from '@turbozap/shared/db/schema';
import { AppError, validationFailed } from '@turbozap/shared/errors/app-error';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { ApiDeps, RateBudget } from '../deps.ts';
import type { InstanceLookup } from '../instance-cache.ts';
import { forbidden, type Principal } from '../middleware/auth.ts';
import { readBody } from './body.ts';
import { ok } from './envelope.ts';
import { unknownFieldIssues } from './unknown-fields.ts';

/** Who may call a route: anyone, admin keys, keys of the `:name` instance (and admins), or any valid key. */
export type Access = 'public' | 'admin' | 'instance' | 'key';

/** A success whose body the handler writes itself: a file's bytes, or a stream of server-sent events. */
export type OwnBody = 'file' | 'event-stream';

/** What a handler returns: the `data` of its JSON success, or nothing when it wrote its own body. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that writes its own body returns nothing at all
export type Reply<R extends z.ZodType | OwnBody> = R extends z.ZodType ? z.input<R> : void;

export interface RouteSpec<
  B extends z.ZodType,
  Q extends z.ZodType,
  R extends z.ZodType | OwnBody,
  A extends Access = Access,
> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express path; `:name` is an instance name and makes it an instance route. */
  path: string;
  summary: string;
  tag: string;
  access: A;
  body?: B;
  /** The body may be up to BODY_LIMIT (base64 media); other bodies are small (body.ts). */
  largeBody?: boolean;
  query?: Q;
  /** Which per-instance rate limit counts the request: `read` for GETs unless said otherwise. */
  budget?: RateBudget;
  /** Status of a JSON success (200 unless said). */
  successStatus?: number;
  /**
   * The `data` of a success, sent in the envelope: what the OpenAPI document tells and, where
   * the app checks responses (tests), what each answer is held to, unknown fields included.
   */
  response: R;
  /**
   * The handler uses only the instance's id and name, and writes rows that reference it: a
   * briefly cached instance row is enough (a deleted one is caught by the write, which
   * throws InstanceGoneError, and the route then looks again). Everything else reads fresh.
   */
  cachedInstance?: boolean;
  handler: (ctx: HandlerContext<z.output<B>, z.output<Q>, A>) => Promise<Reply<NoInfer<R>>>;
}

export interface HandlerContext<B, Q, A extends Access = Access> {
  req: Request;
  res: Response;
  body: B;
  query: Q;
  params: Record<string, string>;
  /** Who the key belongs to; public routes check no key and have none. */
  principal: A extends 'public' ? null : Principal;
  /** The instance named by `:name` (instance routes only). */
  instance: A extends 'instance' ? InstanceRow : undefined;
  deps: ApiDeps;
}

/** The routes of one app, for the OpenAPI document: a route cannot exist without its schemas here. */
export type RouteTable = RouteSpec<z.ZodType, z.ZodType, z.ZodType | OwnBody>[];

/** The input as the schema parses it; every problem, unknown fields included, in one 400. */
function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  const unknown = unknownFieldIssues(schema, value, where);
  if (parsed.success && unknown.length === 0) return parsed.data;
  const invalid = parsed.success ? [] : parsed.error.issues;
  throw validationFailed([
    ...unknown,
    ...invalid.map((i) => ({ field: [where, ...i.path].join('.'), message: i.message })),
  ]);
}

const instanceName = z.string().regex(/^[a-z0-9_-]{1,64}$/, 'instance names are 1-64 of a-z 0-9 _ -');

/** Whether a path segment can be an instance name at all (anything else is not found, without a query). */
export const isInstanceName = (name: string): boolean => instanceName.safeParse(name).success;

/**
 * Thrown by a handler whose write found the instance gone (deleted, perhaps recreated under
 * the same name). The route forgets its cached row and runs once more on a fresh lookup,
 * which answers as an uncached route would (403 to the old instance's key, 404 by name, or
 * the recreated instance).
 */
export class InstanceGoneError extends AppError {
  constructor() {
    super('instance_not_found', 'instance not found', 404);
    this.name = 'InstanceGoneError';
  }
}

export type Define = <
  R extends z.ZodType | OwnBody,
  B extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  A extends Access = Access,
>(
  spec: RouteSpec<B, Q, R, A>,
) => void;

/**
 * Why an answer does not match its route's response schema (null when it does). A route that
 * answers what its document does not say is a bug: apps built for tests check every answer.
 */
export function responseProblems(schema: z.ZodType, data: unknown): string | null {
  const parsed = schema.safeParse(data);
  const problems = [
    ...unknownFieldIssues(schema, data, 'data').map((i) => `${i.field}: ${i.message}`),
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${['data', ...i.path].join('.')}: ${i.message}`)),
  ];
  return problems.length > 0 ? problems.join('; ') : null;
}

/** Registers routes on `router` and records each in `table`. */
export const routeDefiner =
  (router: Router, deps: ApiDeps, table: RouteTable): Define =>
  <R extends z.ZodType | OwnBody, B extends z.ZodType, Q extends z.ZodType, A extends Access>(
    spec: RouteSpec<B, Q, R, A>,
  ) => {
    table.push(spec as unknown as RouteTable[number]);
    const budget = spec.budget ?? (spec.method === 'get' ? 'read' : 'send');
    const bodyReader = spec.largeBody ? deps.bodies.large : deps.bodies.small;
    // Each step costs more than the one before; none runs for a request an earlier one refused.
    const run = async (req: Request, res: Response, fresh: boolean) => {
      const principal = spec.access === 'public' ? null : await deps.auth.authenticate(req);
      if (spec.access === 'admin' && principal?.kind !== 'admin') throw forbidden();
      const params = req.params as Record<string, string>;
      let instance: InstanceRow | undefined;
      if (spec.access === 'instance' && principal) {
        instance = await resolveInstance(fresh ? deps.instances : deps.cachedInstances, principal, params.name ?? '');
        await deps.rateLimit(instance, budget, res);
      }
      let body = undefined as z.output<B>;
      if (spec.body) {
        if (!req.is('application/json')) {
          throw new AppError('unsupported_media_type', 'send a JSON body with Content-Type: application/json', 415);
        }
        await readBody(bodyReader, req, res);
        body = parseInput(spec.body, req.body ?? {}, 'body');
      }
      const query = (
        spec.query ? parseInput(spec.query, { ...(req.query as object) }, 'query') : undefined
      ) as z.output<Q>;
      const context = { req, res, body, query, params, principal, instance, deps };
      let data: Reply<R>;
      try {
        data = await spec.handler(context as HandlerContext<z.output<B>, z.output<Q>, A>);
      } catch (error) {
        if (error instanceof InstanceGoneError && instance) deps.cachedInstances.forget(instance);
        throw error;
      }
      if (typeof spec.response === 'string') return;
      if (deps.checkResponses) {
        const problems = responseProblems(spec.response, data);
        if (problems) throw new Error(`${spec.method} ${spec.path} answered what its schema does not say: ${problems}`);
      }
      ok(res, data, spec.successStatus);
    };
    const handler: RequestHandler = async (req, res, next) => {
      try {
        if (!spec.cachedInstance) return await run(req, res, true);
        try {
          await run(req, res, false);
        } catch (error) {
          if (!(error instanceof InstanceGoneError)) throw error;
          await run(req, res, true);
        }
      } catch (error) {
        next(error);
      }
    };
    router[spec.method](spec.path, handler);
  };

async function resolveInstance(instances: InstanceLookup, principal: Principal, name: string): Promise<InstanceRow> {
  if (principal.kind === 'instance') {
    // An instance key learns nothing about other instances: 403 whether or not they exist.
    const own = await instances.byId(principal.instanceId);
    if (!own || own.name !== name) throw forbidden();
    return own;
  }
  if (!isInstanceName(name)) throw new AppError('instance_not_found', 'instance not found', 404);
  const row = await instances.byName(name);
  if (!row) throw new AppError('instance_not_found', 'instance not found', 404);
  return row;
}
