// Debian's Chromium for the bench scripts, headless, driven by the Playwright driver that the test project's build
// carries (`driver`: its package folder). Without the background-networking switches Chromium keeps calling Google's
// hosts, which this machine refuses.
import { createRequire } from 'node:module';

export function launchChromium(driver) {
  const { chromium } = createRequire(import.meta.url)(driver);
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
