// How long the pages take to load in Chromium from a warm local server: `bench/page-load.sh` runs it.
// For each page, `runs` loads in a new browser context (empty cache: every file fetched) and `runs` reloads in one
// context (the hashed files come from the cache; only the HTML is asked for again). Prints the median and p90 of the
// navigation's load event (performance timing: from the request's start to the end of the load event) in ms.
import { launchChromium } from './chromium.mjs';

const [driver, url, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? 21);

const browser = await launchChromium(driver);

const loadTime = page => page.evaluate(() => {
  const [navigation] = performance.getEntriesByType('navigation');
  return navigation.loadEventEnd - navigation.startTime;
});

const summary = times => {
  const sorted = [...times].sort((a, b) => a - b);
  const at = q => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return `median ${at(0.5).toFixed(1)} ms   p90 ${at(0.9).toFixed(1)} ms`;
};

for (const path of ['/', '/dashboard']) {
  const cold = [];
  for (let i = 0; i < runs + 1; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url + path, { waitUntil: 'load' });
    if (i > 0) cold.push(await loadTime(page)); // the first load warms the server's JIT for this page
    await context.close();
  }

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url + path, { waitUntil: 'load' });
  const warm = [];
  for (let i = 0; i < runs; i++) {
    await page.reload({ waitUntil: 'load' });
    warm.push(await loadTime(page));
  }
  await context.close();

  console.log(`  ${path.padEnd(12)} empty cache: ${summary(cold)}   cached files: ${summary(warm)}`);
}

await browser.close();
