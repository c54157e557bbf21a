import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the explorer's static files are served from (outside /graphql, which Apollo owns). */
export const EXPLORER_ASSETS_PATH = '/graphiql';

/**
 * The files the page loads, all from the platform's own node_modules (no CDN: the machines may be offline):
 * React 18 and GraphiQL 3 as UMD bundles, graphql-ws's browser client for subscriptions, and our script.
 */
const PACKAGE_ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  'react.production.min.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.production.min.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.min.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.min.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
  'graphql-ws.min.js': { pkg: 'graphql-ws', file: 'umd/graphql-ws.min.js', type: 'text/javascript' },
};

/**
 * The page's own script: GraphiQL with a fetcher that sends queries and mutations over HTTP POST and
 * subscriptions over graphql-ws on the same path, both with the headers of the headers pane (the socket
 * carries `authorization` in connection_init's payload, as the server expects). A token in the URL's
 * fragment (`#token=…`, never sent to the server) fills that pane once and is then removed from the address.
 */
const EXPLORER_SCRIPT = String.raw`(function () {
  'use strict';
  var endpoint = new URL(document.body.dataset.endpoint, location.href);
  var socketUrl = endpoint.href.replace(/^http/, 'ws');
  var fragment = new URLSearchParams(location.hash.slice(1));
  var token = fragment.get('token');
  if (token) history.replaceState(null, '', location.pathname + location.search);
  var search = new URLSearchParams(location.search);

  var http = GraphiQL.createFetcher({ url: endpoint.href });
  var clients = new Map();
  function socketFor(headers) {
    var authorization = headers.authorization || headers.Authorization || '';
    var client = clients.get(authorization);
    if (!client) {
      client = graphqlWs.createClient({ url: socketUrl, connectionParams: { authorization: authorization }, lazy: true, retryAttempts: 0 });
      clients.set(authorization, client);
    }
    return client;
  }
  function isSubscription(documentAST, operationName) {
    var operations = ((documentAST && documentAST.definitions) || []).filter(function (d) { return d.kind === 'OperationDefinition'; });
    var chosen = operationName ? operations.find(function (d) { return d.name && d.name.value === operationName; }) : operations[0];
    return !!chosen && chosen.operation === 'subscription';
  }
  function socketError(error) {
    if (error && typeof error.code === 'number' && 'reason' in error) {
      var why = error.code === 4403 ? 'the headers pane needs {"authorization": "Bearer <token>"} with a valid token' : (error.reason || 'closed');
      return new Error('WebSocket closed (' + error.code + '): ' + why);
    }
    return Array.isArray(error) ? { errors: error } : error;
  }
  function fetcher(params, options) {
    options = options || {};
    if (!isSubscription(options.documentAST, params.operationName)) return http(params, options);
    var client = socketFor(options.headers || {});
    return {
      subscribe: function (observer) {
        var dispose = client.subscribe(params, {
          next: function (value) { observer.next(value); },
          error: function (error) { observer.error(socketError(error)); },
          complete: function () { observer.complete(); },
        });
        return { unsubscribe: dispose };
      },
    };
  }

  var defaultQuery = [
    '# Ledgerdesk explorer. Put a bearer token in the Headers pane below:',
    '#   { "authorization": "Bearer <token>" }',
    '# npm start prints an ADMIN token; npm run token -- --role ENGINEER --sub eng-1 mints others.',
    '# Subscriptions (slaAlerts) run over WebSocket on this same path, with the same header.',
    '{',
    '  now',
    '  me { id role accountId }',
    '}',
    '',
  ].join('\n');
  var props = {
    fetcher: fetcher,
    defaultQuery: defaultQuery,
    defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: false,
  };
  if (token) props.headers = JSON.stringify({ authorization: 'Bearer ' + token }, null, 2);
  if (search.get('query')) props.query = search.get('query');
  if (search.get('variables')) props.variables = search.get('variables');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props));
})();
`;

const PAGE = (endpoint: string, assets: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ledgerdesk GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets}/graphiql.min.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body data-endpoint="${endpoint}">
<div id="graphiql">Loading the explorer…</div>
<script src="${assets}/react.production.min.js"></script>
<script src="${assets}/react-dom.production.min.js"></script>
<script src="${assets}/graphiql.min.js"></script>
<script src="${assets}/graphql-ws.min.js"></script>
<script src="${assets}/explorer.js"></script>
</body>
</html>
`;

/** Everything the page needs comes from this origin; fonts are data: URLs inside GraphiQL's stylesheet. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

type Asset = { body: Buffer; type: string };

/** Whether the request's Accept prefers HTML to JSON (a browser's address bar), as Apollo's landing page decides. */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.trim().split(';');
    const q = Number(params.map((p) => p.trim()).find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    return { type: range.trim().toLowerCase(), q: Number.isFinite(q) ? q : 0 };
  });
  // The most specific range that matches a type gives its quality.
  const quality = (type: string) => {
    const match = ranges.find((r) => r.type === type) ?? ranges.find((r) => r.type === `${type.split('/')[0]}/*`) ?? ranges.find((r) => r.type === '*/*');
    return match?.q ?? 0;
  };
  const html = quality('text/html');
  // On a tie JSON wins: `*/*` alone (curl, fetch) is an API client.
  return html > 0 && html > Math.max(quality('application/json'), quality('application/graphql-response+json'));
}

/**
 * A middleware in front of Apollo: GET `path` from a browser (Accept prefers text/html) answers the GraphiQL
 * page, and GET `/graphiql/<file>` its assets. Everything else (a GET query asking for JSON, POST, the
 * WebSocket upgrade) goes on to Apollo and graphql-ws untouched.
 */
export function explorerMiddleware(path = '/graphql') {
  const require = createRequire(import.meta.url);
  const cache = new Map<string, Asset>();
  const asset = (name: string): Asset | null => {
    const known = cache.get(name);
    if (known) return known;
    let found: Asset | null = null;
    if (name === 'explorer.js') found = { body: Buffer.from(EXPLORER_SCRIPT), type: 'text/javascript' };
    const spec = PACKAGE_ASSETS[name];
    if (spec) found = { body: readFileSync(join(dirname(require.resolve(`${spec.pkg}/package.json`)), spec.file)), type: spec.type };
    if (found) cache.set(name, found);
    return found;
  };
  const page = Buffer.from(PAGE(path, EXPLORER_ASSETS_PATH));

  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const pathname = (req.url ?? '').split('?')[0]!;
    if (pathname === path && prefersHtml(req.headers.accept)) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': page.length,
        'cache-control': 'no-cache',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : page);
      return;
    }
    if (pathname.startsWith(`${EXPLORER_ASSETS_PATH}/`)) {
      const file = asset(pathname.slice(EXPLORER_ASSETS_PATH.length + 1));
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': `${file.type}; charset=utf-8`,
        'content-length': file.body.length,
        'cache-control': 'public, max-age=3600',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : file.body);
      return;
    }
    next();
  };
}
