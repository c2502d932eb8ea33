// Builds the dashboard and the API docs' assets into the Python package, so serving them needs no
// Node and no CDN:   node build.mjs [--out DIR]     default DIR: ../src/tracking/dashboard/static
// Every asset is written under a content-hashed name (<name>.<10 hex of SHA-256>.<ext>, cached a
// year by the service); the three pages (index.html, docs.html, redoc.html) name them. The output
// directory belongs to this build: it is emptied first, so no stale hashed file survives.
// esbuild's output is deterministic, which lets a test rebuild into a temp dir and compare bytes.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf('--out');
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(here, '../src/tracking/dashboard/static'));
const modules = join(here, 'node_modules');

export function contentHash(bytes) {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 10);
}

const files = new Map(); // name as written -> bytes
function hashed(base, ext, bytes) {
  const name = `${base}.${contentHash(bytes)}.${ext}`;
  files.set(name, bytes);
  return `/dashboard/${name}`;
}

async function bundle(entry, loader = {}) {
  const result = await build({
    entryPoints: [join(here, 'src', entry)], bundle: true, minify: true, format: 'iife', target: 'es2020',
    write: false, legalComments: 'none', outdir: 'out', loader, charset: 'utf8',
  });
  return Object.fromEntries(result.outputFiles.map((f) => [f.path.split('.').pop(), f.contents]));
}

const app = await bundle('main.js'); // main.js imports its style sheets: esbuild emits them as one app.css
const appJs = hashed('app', 'js', app.js);
const appCss = hashed('app', 'css', app.css);
const docsInit = await bundle('docs.js');

const page = (title, head, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><link rel="icon" href="data:,"><title>${title}</title>
${head}</head>
<body>${body}</body></html>
`;
files.set('index.html', Buffer.from(page('Universal Tracking',
  `<link rel="stylesheet" href="${appCss}">\n<script defer src="${appJs}"></script>\n`,
  '<div id="app"><noscript>The dashboard needs JavaScript.</noscript></div>')));

const copy = (path) => readFileSync(join(modules, path));
const swaggerJs = hashed('swagger-ui-bundle', 'js', copy('swagger-ui-dist/swagger-ui-bundle.js'));
const swaggerCss = hashed('swagger-ui', 'css', copy('swagger-ui-dist/swagger-ui.css'));
const swaggerInit = hashed('docs', 'js', docsInit.js);
files.set('docs.html', Buffer.from(page('Universal Tracking - Swagger UI',
  `<link rel="stylesheet" href="${swaggerCss}">\n`,
  `<div id="swagger-ui"></div>\n<script src="${swaggerJs}"></script>\n<script src="${swaggerInit}"></script>`)));
const redocJs = hashed('redoc.standalone', 'js', copy('redoc/bundles/redoc.standalone.js'));
files.set('redoc.html', Buffer.from(page('Universal Tracking - ReDoc', '',
  `<redoc spec-url="/openapi.json"></redoc>\n<script src="${redocJs}"></script>`)));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const [name, bytes] of files) {
  writeFileSync(join(out, name), bytes);
  console.log(`${name}\t${bytes.length} bytes`);
}
