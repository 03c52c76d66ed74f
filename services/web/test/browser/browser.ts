import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (installed by .ci/run), never a downloaded browser. */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/**
 * A page that remembers everything that went wrong in it: console errors, uncaught exceptions,
 * requests that failed on the network, and answers >= 400 other than those a step expects.
 */
export interface WatchedPage {
  page: Page;
  problems: string[];
  /** Answers with this status at this path are what the step wants (the 404 page). */
  expect(status: number, path: string): void;
}

export async function watchedPage(context: BrowserContext): Promise<WatchedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  const expected = new Set<string>();
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // Chromium logs an expected error answer of a page as a console error too.
    const status = /status of (\d{3})/.exec(text)?.[1];
    if (status && [...expected].some((e) => e.startsWith(`${status} `))) return;
    problems.push(`console error: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(
      `request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`,
    ),
  );
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (response.status() >= 400 && !expected.has(`${response.status()} ${path}`)) {
      problems.push(
        `answer ${response.status()}: ${response.request().method()} ${response.url()}`,
      );
    }
  });
  return { page, problems, expect: (status, path) => expected.add(`${status} ${path}`) };
}

/** Where this run's screenshots go: a temporary folder, never the repository. */
export function screenshotDir(label: string): string {
  const dir = join(tmpdir(), 'bazaar-web-screenshots', `${label}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * axe-core in the page (evaluated through the DevTools protocol, which the page's CSP does not
 * govern, so the CSP stays as shoppers get it): the serious and critical violations.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, {
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.join(', ')}`);
}
