import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

/**
 * Headless Chromium for the HTML report tests: Debian's `chromium` package (installed by
 * `.ci/run` when missing), driven by puppeteer-core, which downloads no browser of its own.
 * `DFWSIM_CHROMIUM`, when set, is the only place looked at. Otherwise the real binary is
 * preferred over the /usr/bin/chromium shell wrapper, which only adds desktop flags.
 */
const override = process.env['DFWSIM_CHROMIUM'];
const CANDIDATES = override ? [override] : ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];

export function chromiumPath(): string | null {
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Launches Chromium, or throws a message that says how to get it (a missing browser fails the test, never skips it). */
export async function launchChromium(): Promise<Browser> {
  const path = chromiumPath();
  if (path === null)
    throw new Error(`Chromium not found (looked at ${CANDIDATES.join(', ')}): install Debian's package with 'apt-get install -y chromium' (.ci/run does this), or set DFWSIM_CHROMIUM`);
  // --no-sandbox: CI runs as root, where Chromium refuses its sandbox
  return puppeteer.launch({ executablePath: path, headless: true, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'] });
}
