// Builds the tracker into the Python package, so serving it (`make run`) needs no Node:
//   node build.mjs [--out DIR]     default DIR: ../src/tracking/tracker_script/static
// t.vitals.js is built first; the core embeds its content-hashed name (t.vitals.<hash>.js) and
// loads it lazily. The hash is the first 10 hex digits of the file's SHA-256, the same the
// collector computes to serve the immutable URLs. esbuild's output is deterministic, which is
// what lets a test rebuild into a temp dir and compare bytes with the committed files.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outIndex = process.argv.indexOf('--out');
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(here, '../src/tracking/tracker_script/static'));

const common = { bundle: true, minify: true, format: 'iife', target: 'es2019', write: false, legalComments: 'none' };

async function bundle(entry, define = {}) {
  const result = await build({ ...common, entryPoints: [join(here, 'src', entry)], define });
  return result.outputFiles[0].contents;
}

export function contentHash(bytes) {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 10);
}

const vitals = await bundle('vitals.js');
const core = await bundle('index.js', { VITALS_FILE: JSON.stringify(`t.vitals.${contentHash(vitals)}.js`) });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 't.vitals.js'), vitals);
writeFileSync(join(out, 't.js'), core);
for (const [name, bytes] of [['t.js', core], ['t.vitals.js', vitals]]) {
  console.log(`${name}\t${bytes.length} bytes\t${contentHash(bytes)}`);
}
