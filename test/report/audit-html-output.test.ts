import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { cli } from '../helpers/cli.js';
import { writeEvilInputs } from './evil-inputs.js';

/**
 * The HTML report as a file, checked without a browser: `--output` writes it, and its markup
 * (script bodies aside) names no external resource, so opening it loads nothing.
 */

const SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script>/g;
/** every attribute that makes a browser fetch or navigate */
const URL_ATTR = /\s(src|href|action|formaction|poster|srcset|data|background|xlink:href|ping)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi;

const unescape = (v: string) => v.replace(/^["']|["']$/g, '').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

async function writeReport(paths: string[]): Promise<{ html: string; stdout: string; stderr: string; code: number }> {
  const file = join(mkdtempSync(join(tmpdir(), 'dfwsim-html-')), 'report.html');
  const r = await cli(['audit', ...paths, '--format', 'html', '--output', file]);
  return { html: existsSync(file) ? readFileSync(file, 'utf8') : '', stdout: r.stdout, stderr: r.stderr, code: r.code };
}

for (const [name, paths] of [
  ['bundled samples (logs/)', () => ['logs/']],
  ['markup in tags and file names', writeEvilInputs],
] as const) {
  test(`--format html --output writes one self-contained file: ${name}`, async (t) => {
    const r = await writeReport(paths());
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, '', 'the report goes to the file, not stdout');
    t.true(r.html.startsWith('<!DOCTYPE html>\n'), r.html.slice(0, 80));
    t.true(r.html.trimEnd().endsWith('</html>'));

    // text from logs is escaped, so every '<' left once script bodies are emptied opens a real tag
    const tags = r.html.replace(SCRIPT, '<script></script>').match(/<[a-z][^>]*>/gi) ?? [];
    const urls = tags.flatMap((tag) => [...tag.matchAll(URL_ATTR)].map((m) => `${m[1]}=${unescape(m[2] ?? '')}`));
    t.true(urls.length > 0, 'the report has in-page links');
    t.deepEqual(urls.filter((u) => !/^[a-z:]+=#/i.test(u)), [], 'only #fragment links');
    t.deepEqual(tags.filter((tag) => /^<(link|iframe|frame|object|embed|base|img|picture|source|audio|video|form)\b/i.test(tag)), [], 'no element that loads or submits');
    const style = /<style>([\s\S]*?)<\/style>/.exec(r.html)?.[1] ?? '';
    t.false(/url\(|@import/i.test(style), 'the stylesheet loads nothing');

    // the CSP allows exactly the inline scripts, by hash
    const csp = unescape(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(r.html)?.[1] ?? '');
    t.true(csp.startsWith("default-src 'none'; "), csp);
    const bodies = [...r.html.matchAll(SCRIPT)].filter((m) => !m[0].startsWith('<script type="application/json"')).map((m) => m[1] ?? '');
    t.is(bodies.length, 4);
    for (const b of bodies) t.true(csp.includes(`'sha256-${createHash('sha256').update(b).digest('base64')}'`));
  });
}

test('--format html without --output prints the same report', async (t) => {
  const file = await writeReport(['logs/']);
  const r = await cli(['audit', 'logs/', '--format', 'html']);
  t.is(r.code, 0);
  t.is(r.stdout, file.html, 'deterministic: no timestamps in the page');
});
