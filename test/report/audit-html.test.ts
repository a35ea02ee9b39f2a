/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import anyTest, { type TestFn } from 'ava';
import type { Browser, Page } from 'puppeteer-core';
import { cli } from '../helpers/cli.js';
import { launchChromium } from './chromium.js';
import { PAGE_SIZE } from '../../src/report/audit-html.js';
import { EVIL_FILE, EVIL_RULE_TAG, MANY_RULES, writeEvilInputs } from './evil-inputs.js';

/**
 * The HTML audit report as a person opens it: the file loaded in headless Chromium (Debian's
 * package, see chromium.ts). One page load; the checks run serially in the order written, the
 * read-only ones first, then the ones that click. The screenshot goes to the git-ignored test/artifacts/.
 */

interface Ctx {
  browser: Browser;
  page: Page;
  url: string;
  /** requests other than the report file itself (all aborted) */
  requests: string[];
  dialogs: string[];
  pageErrors: string[];
}
const test = anyTest as TestFn<Ctx>;

declare global {
  interface Window {
    /** CSP violations seen by the page (installed before any page script) */
    __csp?: string[];
    Chart?: { getChart(c: HTMLCanvasElement): { data: { labels: unknown[]; datasets: unknown[] } } | undefined };
  }
}

test.before(async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'dfwsim-html-')), 'audit.html');
  const r = await cli(['audit', ...writeEvilInputs(), '--format', 'html', '--output', file]);
  if (r.code !== 0) throw new Error(`audit exited ${r.code}: ${r.stderr}`);
  const url = pathToFileURL(file).href;

  const browser = await launchChromium();
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1000 });
  const requests: string[] = [];
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    if (req.url() === url) return void req.continue();
    requests.push(req.url());
    void req.abort();
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.evaluateOnNewDocument(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp?.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url, { waitUntil: 'load' });
  t.context = { browser, page, url, requests, dialogs, pageErrors };
});

test.after.always(async (t) => {
  await t.context.browser?.close();
});

test.serial('renders: title, summary figures first, every section in the contents', async (t) => {
  const { page } = t.context;
  const s = await page.evaluate(() => {
    const main = document.querySelector('main');
    const firstSection = main?.querySelector('section');
    const figures = [...document.querySelectorAll('#summary dl.figures dt')].map((e) => e.textContent);
    const box = document.querySelector('#summary dl.figures')?.getBoundingClientRect();
    return {
      title: document.title,
      first: firstSection?.id,
      figures,
      visible: box !== undefined && box.height > 0 && box.top < window.innerHeight,
      toc: [...document.querySelectorAll('nav#toc a')].map((a) => a.getAttribute('href')),
      sections: [...document.querySelectorAll('main section')].map((x) => `#${x.id}`),
    };
  });
  t.is(s.title, 'dfwsim audit');
  t.is(s.first, 'summary');
  t.true(s.figures.includes('events'), JSON.stringify(s.figures));
  t.true(s.visible, 'summary figures are in the first screen');
  t.deepEqual(s.toc, s.sections);
  t.deepEqual(t.context.pageErrors, []);
});

test.serial('both charts are drawn by Chart.js with one bar per bucket and action', async (t) => {
  const charts = await t.context.page.evaluate(() =>
    ['chart-over-time', 'chart-by-action'].map((id) => {
      const c = document.getElementById(id) as HTMLCanvasElement | null;
      if (!c) return { id, missing: true };
      const chart = window.Chart?.getChart(c);
      const px = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let painted = 0;
      for (let i = 3; i < px.length; i += 4) if ((px[i] ?? 0) > 0) painted++;
      return { id, missing: false, width: c.width, height: c.height, painted: painted / (c.width * c.height), labels: chart?.data.labels.length ?? -1, datasets: chart?.data.datasets.length ?? -1 };
    }),
  );
  for (const c of charts) {
    t.false(c.missing, c.id);
    t.true((c.width ?? 0) > 100 && (c.height ?? 0) > 100, `${c.id} has a size: ${JSON.stringify(c)}`);
    t.true((c.painted ?? 0) > 0.01, `${c.id} has pixels drawn: ${JSON.stringify(c)}`);
  }
  // 1-minute buckets from 00:00 to 00:44 (audit-traffic.ts: under 60 per span), empty ones too; actions ALLOW, DROP, PASS, REJECT
  t.like(charts[0], { labels: 45, datasets: 4 });
  t.like(charts[1], { labels: 4, datasets: 1 });
});

test.serial('markup from logs, rules and file names stays inert text', async (t) => {
  const { page } = t.context;
  const s = await page.evaluate(
    (tag, file) => ({
      title: document.title,
      injected: document.querySelectorAll('img, [onerror], [onload], svg').length,
      scripts: [...document.scripts].map((x) => x.type || 'classic'),
      tagCells: [...document.querySelectorAll('td')].filter((td) => td.textContent === tag).length,
      fileCells: [...document.querySelectorAll('td')].filter((td) => (td.textContent ?? '').endsWith(file)).length,
      csp: window.__csp ?? ['listener missing'],
    }),
    EVIL_RULE_TAG,
    EVIL_FILE,
  );
  t.is(s.title, 'dfwsim audit', 'no injected script ran');
  t.is(s.injected, 0, 'no element was created from log text');
  t.deepEqual(s.scripts, ['application/json', 'classic', 'classic', 'classic', 'classic'], 'only the report\'s own scripts');
  t.true(s.tagCells >= 1, 'the rule tag is shown as text');
  t.is(s.fileCells, 1, 'the file name is shown as text');
  t.deepEqual(t.context.dialogs, []);
  t.deepEqual(s.csp, [], 'the page needs nothing its CSP forbids');
});

test.serial('no network request is attempted', (t) => {
  t.deepEqual(t.context.requests, []);
});

test.serial('every in-page link has a target; filter and rule cells link to their defining rows', async (t) => {
  const s = await t.context.page.evaluate(() => {
    const hrefs = [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href') ?? '');
    return {
      external: hrefs.filter((h) => !h.startsWith('#')),
      dangling: hrefs.filter((h) => h.startsWith('#') && document.getElementById(h.slice(1)) === null),
      filterLinks: hrefs.filter((h) => h.startsWith('#filter-')).length,
      ruleLinks: hrefs.filter((h) => h.startsWith('#rule-')).length,
      filterRow: document.getElementById('filter-60001')?.tagName,
      ruleRow: document.getElementById('rule-60001-77')?.closest('section')?.id,
    };
  });
  t.deepEqual(s.external, []);
  t.deepEqual(s.dangling, []);
  t.true(s.filterLinks > 0 && s.ruleLinks > 0, JSON.stringify(s));
  t.is(s.filterRow, 'TR');
  t.is(s.ruleRow, 'rules');
});

/** Column `col` of a table's body rows, as text. */
const column = (page: Page, table: string, col: number) =>
  page.evaluate((sel, i) => [...document.querySelectorAll(`${sel} tbody tr`)].map((tr) => (tr as HTMLTableRowElement).cells[i]?.textContent ?? ''), table, col);

test.serial('clicking a header sorts the table, numbers as numbers', async (t) => {
  const { page } = t.context;
  const table = '#t-traffic-0'; // events by action: action, events
  t.deepEqual(await column(page, table, 1), ['13', '3', '1', '1'], 'as rendered, most events first');

  await page.click(`${table} thead th:nth-child(2)`);
  const dir = await page.$eval(`${table} thead th:nth-child(2)`, (th) => th.getAttribute('aria-sort'));
  const once = (await column(page, table, 1)).map(Number);
  const ascending = [...once].sort((a, b) => a - b);
  t.deepEqual(once, dir === 'ascending' ? ascending : ascending.reverse(), `sorted ${dir} by number`);

  await page.click(`${table} thead th:nth-child(1)`);
  const actions = await column(page, table, 0);
  const byAction = await page.$eval(`${table} thead th:nth-child(1)`, (th) => th.getAttribute('aria-sort'));
  const sorted = [...actions].sort();
  t.deepEqual(actions, byAction === 'ascending' ? sorted : sorted.reverse(), `sorted ${byAction} by text`);

  // a second click reverses
  await page.click(`${table} thead th:nth-child(1)`);
  t.deepEqual(await column(page, table, 0), [...actions].reverse());
});

/** Body rows of a table that are shown, and the first shown row's id. */
const shown = (page: Page, table: string) =>
  page.evaluate((sel) => {
    const rows = [...document.querySelectorAll<HTMLTableRowElement>(`${sel} tbody tr`)].filter((tr) => !tr.hidden && tr.getBoundingClientRect().height > 0);
    return { count: rows.length, firstId: rows[0]?.id ?? null, ids: rows.map((r) => r.id) };
  }, table);

test.serial('a long table is paged; a link to a row on another page turns to it; a sort starts again at page 1', async (t) => {
  const { page } = t.context;
  const rules = '#t-rules-0';
  const total = await page.$$eval(`${rules} tbody tr`, (rows) => rows.length);
  t.true(total > MANY_RULES, `${total} rules`);
  t.is((await shown(page, rules)).count, PAGE_SIZE);
  t.regex(await page.$eval('#rules .pager span', (s) => s.textContent ?? ''), new RegExp(`^rows 1.${PAGE_SIZE} of ${total} `));

  // the last rule of 60003 is on the last page; following a link (here: the hash) shows it
  const last = `rule-60003-${1000 + MANY_RULES - 1}`;
  t.false((await shown(page, rules)).ids.includes(last));
  await page.evaluate((id) => void (location.hash = `#${id}`), last);
  await page.waitForFunction((id) => !(document.getElementById(id) as HTMLTableRowElement).hidden, {}, last);
  const after = await shown(page, rules);
  t.true(after.ids.includes(last));
  t.true(after.count <= PAGE_SIZE);
  t.is(await page.evaluate(() => document.querySelector(':target')?.id), last);

  // next page by the button, then a sort: back to rows 1..PAGE_SIZE in the new order
  await page.click('#rules .pager button[aria-label="first page"]');
  await page.click('#rules .pager button[aria-label="next page"]');
  t.regex(await page.$eval('#rules .pager span', (s) => s.textContent ?? ''), new RegExp(`^rows ${PAGE_SIZE + 1}.`));
  await page.click(`${rules} thead th:nth-child(3)`); // position
  const sorted = await shown(page, rules);
  t.is(sorted.count, PAGE_SIZE);
  t.regex(await page.$eval('#rules .pager span', (s) => s.textContent ?? ''), new RegExp(`^rows 1.${PAGE_SIZE} `));

  // the hash is still #last, so clicking a link to it fires no hashchange: the click itself turns the page
  t.false((await shown(page, rules)).ids.includes(last));
  await page.evaluate((id) => document.querySelector<HTMLAnchorElement>(`#unused-rules a[href="#${id}"]`)?.click(), last);
  t.true((await shown(page, rules)).ids.includes(last), 'the linked row is shown');
});

test.serial('following a filter link lands on its row; a screenshot is saved', async (t) => {
  const { page } = t.context;
  await page.click('a[href="#filter-60001"]');
  const target = await page.evaluate(() => ({ hash: location.hash, target: document.querySelector(':target')?.id }));
  t.deepEqual(target, { hash: '#filter-60001', target: 'filter-60001' });

  await page.evaluate(() => window.scrollTo(0, 0));
  const dir = join(process.cwd(), 'test', 'artifacts');
  mkdirSync(dir, { recursive: true });
  const png = await page.screenshot({ path: join(dir, 'audit.png'), fullPage: true });
  t.true(png.length > 10_000, 'a real picture');
});
