import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The browser builds inlined into the HTML report, read from node_modules at render time so the
 * report carries exactly the installed version (and its licence banner). Resolved through
 * `createRequire(import.meta.url)`, which finds the same node_modules from `src/` under tsx, from
 * `dist/src/` after `tsc` and from the esbuild bundle in `dist/cli/`.
 */

export interface InlineLibrary {
  name: string;
  version: string;
  license: string;
  /** script text as inlined (the banner kept, the source-map comment dropped) */
  source: string;
}

const req = createRequire(import.meta.url);

/** The package root: the nearest folder above `file` whose package.json is `name`'s. */
function packageJson(name: string, file: string): { version: string; license: string } {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const p = join(dir, 'package.json');
    if (!existsSync(p)) continue;
    const j = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string; license?: string };
    if (j.name === name) return { version: j.version ?? '?', license: j.license ?? '?' };
  }
  throw new Error(`no package.json of ${name} above ${file}`);
}

/**
 * A `//# sourceMappingURL=` comment names a file next to the script; DevTools would try to load
 * it, which the report must never do (it is one self-contained file).
 */
const withoutSourceMap = (s: string) => s.replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '\n');

function load(name: string, resolve: () => string): InlineLibrary {
  const file = resolve();
  const source = withoutSourceMap(readFileSync(file, 'utf8'));
  // an inline script ends at the first `</script` (HTML 13.2.5.4), and `<!--` changes how it is tokenized
  if (/<\/script|<!--/i.test(source)) throw new Error(`${file} cannot be inlined: it contains '</script' or '<!--'`);
  return { name, ...packageJson(name, file), source };
}

let cache: InlineLibrary[] | null = null;

/**
 * Chart.js (UMD build, defines `window.Chart`), tablesort and its number sorter (define
 * `window.Tablesort`), in the order they must run.
 */
export function auditHtmlLibraries(): InlineLibrary[] {
  cache ??= [
    // chart.js `exports` does not publish dist/chart.umd.min.js: take the folder of its main entry
    load('chart.js', () => join(dirname(req.resolve('chart.js')), 'chart.umd.min.js')),
    load('tablesort', () => req.resolve('tablesort/dist/tablesort.min.js')),
    load('tablesort', () => req.resolve('tablesort/dist/sorts/tablesort.number.min.js')),
  ];
  return cache;
}
