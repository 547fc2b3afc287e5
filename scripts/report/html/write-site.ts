import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeAtomic } from '../../files/write-atomic.ts';
import { CLIENT_JS, STYLE_CSS } from './client.ts';
import { ASSETS, renderIndex } from './render.ts';
import type { SiteData } from './site-data.ts';

/** Chart.js's browser build from node_modules: copied beside the page, so viewing it needs no network. */
function chartJs(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(main), ASSETS.chart), 'utf8');
}

/** Writes index.html and the files it loads into `dir`; returns their paths. */
export async function writeSite(dir: string, site: SiteData): Promise<string[]> {
  const files: [string, string][] = [
    ['index.html', renderIndex(site)],
    [ASSETS.script, CLIENT_JS],
    [ASSETS.style, STYLE_CSS],
    [ASSETS.chart, chartJs()],
  ];
  for (const [name, text] of files) await writeAtomic(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
