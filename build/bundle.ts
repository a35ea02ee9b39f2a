/**
 * `npm run build`, second step: bundles the CLI with esbuild into `dist/cli/`, so a run loads a
 * handful of files instead of the ~80 modules of yargs and our own tree (issue 12 part 2). The
 * package `bin`, `npm start` and the benchmarks run `dist/cli/dfwsim.js`; the tests keep running
 * the TypeScript sources through tsx.
 *
 * - ESM, with code splitting: each command module (a dynamic `import()` in
 *   src/cli/commands/index.ts) becomes its own chunk, so a run still loads only its command.
 * - Flat output: entries and chunks share one folder, so `new URL('./parse-worker.js',
 *   import.meta.url)` (src/ingest/parse-pipeline.ts) finds the worker entry from whichever chunk
 *   holds the pipeline.
 * - `better-sqlite3` and `@duckdb/node-api` stay external: they load their native addons from their own
 *   package folders (DuckDB's only through a dynamic import, by the commands that use it).
 * - `string-width` (yargs' help layout measures every word with it, also before each command
 *   runs: yargs caches the command's help; cli-table3 measures every cell) is wrapped so that
 *   printable-ASCII text is measured by its length and the package is initialised on the first
 *   other string. Its module body builds an `Intl.Segmenter` and a `\p{RGI_Emoji}` expression,
 *   ~20 ms of every start-up, its 7.x copies (cliui, wrap-ansi) segment every ASCII word and 4.x
 *   runs an emoji expression over every cell. The shortcut is string-width 8.3's own fast path
 *   (`/^[\u0020-\u007E]*$/` -> `length`), exact for every version: printable ASCII holds no
 *   escape, control, combining, wide or emoji character.
 *
 * - The entry `dfwsim.js` (src/cli/bin.ts) is built on its own into one file that imports only node
 *   builtins: it answers `--help` and `<command> --help` from `help.json` (build/help.ts, written
 *   after the bundle) and otherwise imports `run.js`, the split build's entry (yargs, the commands).
 *   `bundleCli` empties the folder, so a bundle is never left with the help texts of an earlier one.
 *
 * Run after `tsc` (the bundle is built from the TypeScript sources, the way tsx runs them).
 */
import { build, type Plugin } from 'esbuild';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeHelp } from './help.js';

const OUT = resolve('dist/cli');

/** Namespace of the generated wrapper modules; each wraps the string-width copy its importer resolves. */
const WRAPPED = 'lazy-string-width';

/** Printable ASCII is as wide as it is long (string-width 8.3's own fast path, exact for 4.x and 7.x too). */
const FAST_PATH = `const ASCII = /^[\\u0020-\\u007E]*$/;
let real;
function stringWidth(text, options) {
  if (typeof text === 'string' && !options?.countAnsiEscapeCodes && ASCII.test(text)) return text.length;
  real ??= load();
  return real(text, options);
}`;

const lazyStringWidth: Plugin = {
  name: WRAPPED,
  setup(b) {
    // Every `string-width` import or require gets a wrapper that keeps the importer's folder, so the
    // wrapper's own `require` resolves the copy the importer would have: the ES module 7.x / 8.x
    // (yargs, cliui, wrap-ansi) or the CommonJS 4.x that cli-table3 requires (same fast path).
    b.onResolve({ filter: /^string-width$/ }, (args) =>
      args.namespace === WRAPPED ? undefined : { path: `${args.resolveDir}?${args.kind === 'require-call' ? 'cjs' : 'esm'}`, namespace: WRAPPED },
    );
    b.onLoad({ filter: /.*/, namespace: WRAPPED }, (args) => ({
      resolveDir: args.path.replace(/\?(?:cjs|esm)$/, ''),
      loader: 'js',
      // `require` of an ES module inside the bundle: esbuild initialises it on the first call
      contents: args.path.endsWith('?cjs')
        ? `${FAST_PATH}\nconst load = () => require('string-width');\nmodule.exports = stringWidth;\nmodule.exports.default = stringWidth;`
        : `${FAST_PATH}\nconst load = () => require('string-width').default;\nexport default stringWidth;`,
    }));
  },
};

/** Bundles the CLI into `outDir` (emptied first); returns the files written. */
export async function bundleCli(outDir: string): Promise<string[]> {
  rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { run: 'src/cli/run.ts', 'parse-worker': 'src/ingest/parse-worker.ts', 'audit-rules-worker': 'src/analysis/audit-rules-worker.ts', 'drift-worker': 'src/analysis/drift-worker.ts' },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['better-sqlite3', '@duckdb/node-api'],
    plugins: [lazyStringWidth],
    // CommonJS packages bundled into ESM call `require` for node builtins
    banner: { js: "import { createRequire as __dfwsimCreateRequire } from 'node:module'; const require = __dfwsimCreateRequire(import.meta.url);" },
    chunkNames: '[name]-[hash]',
    sourcemap: true,
    logLevel: 'warning',
    metafile: true,
  });
  // the entry on its own: one file, none of the chunks above (a split build makes an entry import the
  // chunks it shares with others and esbuild's runtime chunk), so a help answer loads one small file
  const entry = await build({
    entryPoints: { dfwsim: 'src/cli/bin.ts' },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['./run.js'],
    sourcemap: true,
    logLevel: 'warning',
    metafile: true,
  });
  return [...Object.keys(result.metafile.outputs), ...Object.keys(entry.metafile.outputs)].filter((f) => f.endsWith('.js'));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = await bundleCli(OUT);
  const help = writeHelp(OUT);
  process.stdout.write(`bundle: ${files.length} files in ${OUT}, help texts in ${help}\n`);
}
