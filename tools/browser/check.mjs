// Plays signed output URLs in a real browser (issue 20, point 3), for
// tests/unit/api_browser_test.cpp:
//
//   node tools/browser/check.mjs --mp4 URL --hls URL --tampered URL --screenshot FILE
//
// Serves a page from its own loopback origin (another port than the API's, so every fetch is
// cross-origin) with three muted <video>s: the signed MP4 as the element's src (crossorigin
// "anonymous", so the CORS headers are needed), the signed HLS master playlist through hls.js
// (from node_modules, no CDN), and a tampered signed URL, which must fail: a 403 (crossorigin too,
// so the browser sees the status rather than an opaque response it blocks) and an error event.
// Debian's chromium runs headless through puppeteer-core. Waits at most 30 s for both players to
// pass 0.5 s of playback and the tampered one to fail, saves a screenshot, and prints one JSON
// object on standard output: {"mp4": {"time", "error"}, "hls": {"time", "fatal"},
// "tampered": {"error", "status"}, "console": [...]}. Exit 0 when everything held, 1 when
// something did not (the JSON says what), 2 on bad arguments or a browser that does not start.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEADLINE_MS = 30000;
const PLAYED_S = 0.5;

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!['mp4', 'hls', 'tampered', 'screenshot', 'chromium'].includes(name) ||
        argv[i + 1] === undefined) {
      throw new Error(`check.mjs: unknown or valueless argument "${argv[i]}"`);
    }
    out[name] = argv[i + 1];
  }
  for (const need of ['mp4', 'hls', 'tampered', 'screenshot']) {
    if (!out[need]) throw new Error(`check.mjs: --${need} is required`);
  }
  return out;
}

// The page: the three players record what happens to them in window.results.
function page(a) {
  const js = JSON.stringify;
  return `<!doctype html><html><head><meta charset="utf-8"><title>wfc signed URLs</title>
<style>body{font:14px sans-serif;margin:8px} video{width:320px;background:#000}
figure{display:inline-block;margin:4px}</style>
<script src="/hls.js"></script></head><body>
<figure><video id="mp4" muted autoplay playsinline crossorigin="anonymous"></video>
<figcaption>signed MP4</figcaption></figure>
<figure><video id="hls" muted autoplay playsinline></video>
<figcaption>signed HLS (hls.js)</figcaption></figure>
<figure><video id="tampered" muted autoplay playsinline crossorigin="anonymous"></video>
<figcaption>tampered signature</figcaption></figure>
<script>
window.results = {mp4: {time: 0, error: null}, hls: {time: 0, fatal: null},
                  tampered: {error: null}};
const mp4 = document.getElementById('mp4');
mp4.addEventListener('timeupdate', () => { results.mp4.time = mp4.currentTime; });
mp4.addEventListener('error', () => {
  results.mp4.error = 'code ' + mp4.error.code + ': ' + mp4.error.message;
});
mp4.src = ${js(a.mp4)};
const hv = document.getElementById('hls');
hv.addEventListener('timeupdate', () => { results.hls.time = hv.currentTime; });
if (!Hls.isSupported()) {
  results.hls.fatal = 'hls.js: Media Source Extensions are not supported here';
} else {
  const hls = new Hls();
  hls.on(Hls.Events.ERROR, (_, d) => {
    if (d.fatal) results.hls.fatal = d.type + ': ' + d.details +
        (d.response ? ' (HTTP ' + d.response.code + ')' : '');
  });
  hls.loadSource(${js(a.hls)});
  hls.attachMedia(hv);
}
const bad = document.getElementById('tampered');
bad.addEventListener('error', () => {
  results.tampered.error = 'code ' + bad.error.code + ': ' + bad.error.message;
});
bad.src = ${js(a.tampered)};
</script></body></html>`;
}

// The page's own origin: / is the page, /hls.js the library from node_modules.
function serve(html) {
  const hlsjs = fs.readFileSync(path.join(here, 'node_modules/hls.js/dist/hls.min.js'));
  const server = http.createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, {'Content-Type': 'text/html; charset=utf-8'});
      res.end(html);
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else if (req.url === '/hls.js') {
      res.writeHead(200, {'Content-Type': 'text/javascript'});
      res.end(hlsjs);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  let a;
  try {
    a = args(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    return 2;
  }
  const server = await serve(page(a));
  const origin = `http://127.0.0.1:${server.address().port}/`;
  const flags = ['--headless=new', '--autoplay-policy=no-user-gesture-required', '--mute-audio',
                 '--no-first-run', '--disable-gpu', '--disable-dev-shm-usage'];
  if (process.getuid && process.getuid() === 0) flags.push('--no-sandbox');
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: a.chromium || '/usr/bin/chromium',
      headless: true,
      args: flags,
      timeout: DEADLINE_MS,
    });
  } catch (e) {
    console.error(`check.mjs: chromium did not start (run tools/install-deps): ${e.message}`);
    server.close();
    return 2;
  }
  const consoleLines = [];
  let results = null;
  let ok = false;
  try {
    const tab = await browser.newPage();
    await tab.setViewport({width: 1040, height: 300});
    tab.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    tab.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    // The HTTP status the tampered URL got (the error event alone does not say why).
    let tamperedStatus = null;
    tab.on('response', (r) => {
      if (r.url() === a.tampered) tamperedStatus = r.status();
    });
    tab.on('requestfailed',
           (r) => consoleLines.push(`request failed: ${r.failure()?.errorText} ${r.url()}`));
    await tab.goto(origin, {waitUntil: 'load', timeout: DEADLINE_MS});
    // Done when every player has its answer, or one has failed for good.
    try {
      await tab.waitForFunction(
          (played) => {
            const r = window.results;
            const settled = (r.mp4.time > played || r.mp4.error) &&
                            (r.hls.time > played || r.hls.fatal) && r.tampered.error;
            return settled || r.mp4.error || r.hls.fatal;
          },
          {timeout: DEADLINE_MS, polling: 100}, PLAYED_S);
    } catch (e) {
      consoleLines.push(`check.mjs: not settled within ${DEADLINE_MS / 1000} s`);
    }
    results = await tab.evaluate(() => window.results);
    results.tampered.status = tamperedStatus;
    fs.mkdirSync(path.dirname(a.screenshot), {recursive: true});
    await tab.screenshot({path: a.screenshot});
    ok = results.mp4.time > PLAYED_S && !results.mp4.error && results.hls.time > PLAYED_S &&
         !results.hls.fatal && !!results.tampered.error && tamperedStatus === 403;
  } finally {
    await browser.close();
    server.close();
  }
  process.stdout.write(JSON.stringify({...results, console: consoleLines}) + '\n');
  return ok ? 0 : 1;
}

process.exitCode = await main();
