// Builds the web explorer into server/explorer/assets (committed, embedded
// in mlmd-server): bundles src/main.js with cytoscape and cytoscape-dagre
// (versions pinned by package-lock.json), copies the static files and the
// bundled libraries' licences. Usage: node build.mjs [outdir]
// scripts/check-web-bundle.sh rebuilds into a temp dir and fails when the
// committed bundle differs.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || join(here, '..', 'server', 'explorer', 'assets');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, 'src', 'main.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'none', // the licences are in THIRD_PARTY_LICENSES.txt
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(join(here, 'src', f), join(out, f));

const pkgs = ['cytoscape', 'cytoscape-dagre'];
let text = 'Third-party code bundled into app.js\n';
for (const p of pkgs) {
  const dir = join(here, 'node_modules', p);
  const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  text += `\n==== ${meta.name} ${meta.version} (${meta.license}) ${meta.homepage || ''}\n\n${readFileSync(join(dir, 'LICENSE'), 'utf8').trim()}\n`;
}
text += '\n==== @dagrejs/dagre 3 and @dagrejs/graphlib, bundled inside the cytoscape-dagre dist (MIT, Copyright (c) 2012-2014 Chris Pettitt): https://github.com/dagrejs/dagre/blob/master/LICENSE\n';
writeFileSync(join(out, 'THIRD_PARTY_LICENSES.txt'), text);
