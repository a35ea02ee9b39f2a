import { createRequire } from 'node:module';

/**
 * A synchronous `require` for what a code path loads only when it runs: node builtins that most
 * runs never need (`node:zlib` for .gz inputs, `node:worker_threads` for the parse worker: ~5 ms
 * each of every start-up as static imports), and CommonJS packages, which `require` loads without
 * the ES-module wrapper node builds around them (better-sqlite3: ~12 ms by `require`, ~20 ms by
 * `import`, which first scans its sources with cjs-module-lexer for named exports).
 */
export const nodeRequire = createRequire(import.meta.url);
