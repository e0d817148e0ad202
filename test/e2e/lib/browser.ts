/**
 * Debian's Chromium driven by playwright-core (no downloaded browser): the flags are the ones measured to work on
 * this machine (see DEPENDENCIES.md); extra flags (fake camera) are appended per launch.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
// scripts/setup-system.sh installs Chromium, so under CI a missing browser is a failed set-up, not a reason to skip.
if (!CHROMIUM && process.env.CI) throw new Error('CI is set but chromium is not installed: run scripts/setup-system.sh');

const BASE_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchChromium(extraFlags: string[] = []): Promise<Browser> {
  if (!CHROMIUM) throw new Error('chromium is not installed (/usr/bin/chromium)');
  return chromium.launch({ executablePath: CHROMIUM, args: [...BASE_FLAGS, ...extraFlags], timeout: 60_000 });
}
