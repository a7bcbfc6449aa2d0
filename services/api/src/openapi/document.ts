import { z } from 'zod';
import type { RouteTable } from '../http/route.ts';
import { eventWebhooks } from './event-schemas.ts';

/**
 * Objects say `additionalProperties: false`: the API refuses unknown fields in requests
 * (http/unknown-fields.ts) and answers none its schema does not name. A `Date` in a response
 * is sent as ISO 8601 (views/timestamp.ts).
 */
const toSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input') =>
  z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    override: ({ zodSchema, jsonSchema }) => {
      const def = (zodSchema as z.core.$ZodTypes)._zod.def;
      if (def.type === 'object' && !def.catchall) jsonSchema.additionalProperties = false;
      if (def.type === 'date') Object.assign(jsonSchema, { type: 'string', format: 'date-time' });
    },
  });

/** The success of a route: the envelope around its `data`, or the body it writes itself. */
function success(route: RouteTable[number]) {
  if (route.response === 'file') {
    return {
      description: 'the file, with its own Content-Type',
      content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
    };
  }
  if (route.response === 'event-stream') {
    return {
      description: 'server-sent events (see WEBHOOKS.md for each event)',
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    };
  }
  const { $schema: _, ...data } = toSchema(route.response, 'output');
  return {
    description: 'success',
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: { success: { const: true }, data },
          required: ['success', 'data'],
          additionalProperties: false,
        },
      },
    },
  };
}

const envelope = {
  error: {
    type: 'object',
    properties: {
      success: { const: false },
      error: {
        type: 'object',
        properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array' } },
        required: ['code', 'message'],
      },
    },
    required: ['success', 'error'],
  },
};

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * A stable name for each operation, from its method and path, for generated clients: the
 * path's words in order (`:name`, the instance, is implied), then `By<Param>` for a parameter
 * that ends the path — `get /message/:name/:id` is `getMessageById`, `post /message/:name/text`
 * is `postMessageText`. Unique across the document (checked when it is built).
 */
export function operationIdOf(method: string, path: string): string {
  const segments = path.split('/').filter(Boolean);
  const words = segments.filter((s) => !s.startsWith(':')).flatMap((s) => s.split(/[-_]/));
  const last = segments.at(-1);
  const by = last?.startsWith(':') && last !== ':name' ? [`By${capitalised(last.slice(1))}`] : [];
  return [method, ...words.map(capitalised), ...by].join('');
}

/** OpenAPI 3.1, generated from the same zod schemas that validate requests. */
export function openApiDocument(routes: RouteTable, version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  for (const route of routes) {
    const operationId = operationIdOf(route.method, route.path);
    if (operationIds.has(operationId)) throw new Error(`two routes would be operation ${operationId}`);
    operationIds.add(operationId);
    const path = `/api${route.path.replace(/:(\w+)/g, '{$1}')}`;
    const parameters: unknown[] = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (route.query) {
      const schema = toSchema(route.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        parameters.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property });
      }
    }
    const status = String(route.successStatus ?? 200);
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId,
      summary: route.summary,
      tags: [route.tag],
      ...(route.access === 'public' ? { security: [] } : {}),
      parameters,
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body) } } } }
        : {}),
      responses: {
        ...(route.response instanceof z.ZodNever ? {} : { [status]: success(route) }),
        '4XX': {
          description: 'client error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
        '503': { description: 'a dependency is unavailable (Retry-After)' },
      },
    };
  }
  const events = eventWebhooks();
  return {
    openapi: '3.1.0',
    info: { title: 'TurboZap API', version, description: 'Multi-instance WhatsApp HTTP API' },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: { Error: envelope.error, ...events.schemas },
    },
    paths,
    webhooks: events.webhooks,
  };
}

/** A dependency-free page that renders the document's routes (no CDN: works offline). */
export function docsPage(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>TurboZap API</title>
<style>body{font:14px system-ui;margin:2rem;max-width:70rem}code{background:#f3f3f3;padding:0 .3em}h2{margin-top:2rem}
.m{display:inline-block;width:4.5rem;font-weight:bold}pre{background:#f7f7f7;padding:.5rem;overflow:auto;display:none}
li.open pre{display:block}li{cursor:pointer;margin:.2rem 0}</style></head><body>
<h1>TurboZap API</h1><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Click a route for its request schema.</p>
<div id="r"></div><script>
fetch('/openapi.json').then(r=>r.json()).then(d=>{const by={};for(const[p,ms]of Object.entries(d.paths))for(const[m,o]of Object.entries(ms))(by[o.tags[0]]??=[]).push([m,p,o]);
const r=document.getElementById('r');for(const[t,list]of Object.entries(by)){const h=document.createElement('h2');h.textContent=t;r.append(h);const ul=document.createElement('ul');
for(const[m,p,o]of list){const li=document.createElement('li');li.innerHTML='<span class=m>'+m.toUpperCase()+'</span><code></code> <span></span><pre></pre>';
li.querySelector('code').textContent=p;li.querySelector('span:last-of-type').textContent=o.summary;li.querySelector('pre').textContent=JSON.stringify({parameters:o.parameters,body:o.requestBody?.content['application/json'].schema},null,2);
li.onclick=()=>li.classList.toggle('open');ul.append(li)}r.append(ul)}})</script></body></html>`;
}
