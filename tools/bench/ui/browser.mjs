// The dashboard's pages as chromium renders them (docs/benchmarks.md, "The dashboard"), for
// tools/bench/ui/bench.py: loads each page ROUNDS times with the session cookie and prints, per
// page, the median and max of the navigation's responseEnd (the HTML in), domContentLoaded and
// load, from the Navigation Timing entry, in ms since the navigation started.
//
//   node tools/bench/ui/browser.mjs BASE COOKIE ROUNDS PATH...
import {createRequire} from 'node:module';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../browser/package.json'));
const puppeteer = require('puppeteer-core');

const [base, cookie, rounds, ...paths] = process.argv.slice(2);
const flags = ['--headless=new', '--no-first-run', '--disable-gpu', '--disable-dev-shm-usage'];
if (process.getuid && process.getuid() === 0) flags.push('--no-sandbox');
const browser = await puppeteer.launch({executablePath: '/usr/bin/chromium', headless: true,
                                        args: flags});
const tab = await browser.newPage();
const [name, value] = cookie.split('=');
await tab.setCookie({name, value, url: base});
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${'page (chromium)'.padEnd(44)} ${'html'.padStart(7)} ${'DCL'.padStart(7)} ` +
            `${'load'.padStart(7)} ${'max load'.padStart(9)}`);
for (const p of paths) {
  const html = [], dcl = [], load = [];
  for (let i = 0; i < Number(rounds); ++i) {
    await tab.goto(base + p, {waitUntil: 'load'});
    const t = await tab.evaluate(() => performance.getEntriesByType('navigation')[0].toJSON());
    html.push(t.responseEnd);
    dcl.push(t.domContentLoadedEventEnd);
    load.push(t.loadEventEnd);
  }
  console.log(`${p.slice(0, 44).padEnd(44)} ${median(html).toFixed(1).padStart(7)} ` +
              `${median(dcl).toFixed(1).padStart(7)} ${median(load).toFixed(1).padStart(7)} ` +
              `${Math.max(...load).toFixed(1).padStart(9)}`);
}
await browser.close();
