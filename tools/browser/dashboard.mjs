// Drives the dashboard (/ui/, issue 22) in a real browser, for tests/unit/ui_browser_test.cpp:
//
//   node tools/browser/dashboard.mjs --base URL --key KEY --automation ID --input URL
//        --invalid FILE --shots DIR
//
// Debian's chromium, headless through puppeteer-core. In order: a visit without a session is
// sent to the sign-in page and the script is refused; sign in with the key typed into the
// password field; the automations page shows the diagnostic of the invalid workflow file FILE;
// the automation page draws its plan and triggers a run of INPUT; the run page reaches
// `succeeded` without a reload (live over GET /events/stream); its output video plays
// (currentTime advances) and shows a subtitle cue; sign out, after which the pages are refused
// again. Saves a screenshot of each page in DIR and prints one JSON object of what it saw on
// standard output. Exit 0 when everything held, 1 when something did not (the JSON says
// what), 2 on bad arguments or a browser that does not start.
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const RUN_DEADLINE_MS = 180000;
const STEP_MS = 30000;

function args(argv) {
  const out = {};
  const known = ['base', 'key', 'automation', 'input', 'invalid', 'shots', 'chromium'];
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!known.includes(name) || argv[i + 1] === undefined) {
      throw new Error(`dashboard.mjs: unknown or valueless argument "${argv[i]}"`);
    }
    out[name] = argv[i + 1];
  }
  for (const need of ['base', 'key', 'automation', 'input', 'invalid', 'shots']) {
    if (!out[need]) throw new Error(`dashboard.mjs: --${need} is required`);
  }
  return out;
}

async function main() {
  let a;
  try {
    a = args(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    return 2;
  }
  const flags = ['--headless=new', '--autoplay-policy=no-user-gesture-required', '--mute-audio',
                 '--no-first-run', '--disable-gpu', '--disable-dev-shm-usage'];
  if (process.getuid && process.getuid() === 0) flags.push('--no-sandbox');
  let browser;
  try {
    browser = await puppeteer.launch({executablePath: a.chromium || '/usr/bin/chromium',
                                      headless: true, args: flags, timeout: STEP_MS});
  } catch (e) {
    console.error(`dashboard.mjs: chromium did not start (run tools/install-deps): ${e.message}`);
    return 2;
  }
  fs.mkdirSync(a.shots, {recursive: true});
  const r = {console: []};
  const log = (line) => r.console.push(line);
  const shot = (tab, name) => tab.screenshot({path: path.join(a.shots, name), fullPage: true});
  try {
    const tab = await browser.newPage();
    await tab.setViewport({width: 1200, height: 900});
    tab.on('console', (m) => log(`${m.type()}: ${m.text()}`));
    tab.on('pageerror', (e) => log(`pageerror: ${e.message}`));
    tab.on('requestfailed', (q) => log(`request failed: ${q.failure()?.errorText} ${q.url()}`));
    tab.setDefaultTimeout(STEP_MS);

    // Signed out: the runs page sends to the sign-in page; the script is refused.
    await tab.goto(a.base + '/ui/runs', {waitUntil: 'load'});
    r.signedOut = {url: new URL(tab.url()).pathname,
                   password: await tab.$eval('#key', (e) => e.type).catch(() => null)};
    const script = await tab.goto(a.base + '/ui/assets/app.js');
    r.signedOut.script = script.status();
    await tab.goto(a.base + '/ui/sign-in', {waitUntil: 'load'});
    await shot(tab, 'sign-in.png');

    // Sign in: the key typed into the password field.
    await tab.type('#key', a.key);
    await Promise.all([tab.waitForNavigation({waitUntil: 'load'}),
                       tab.click('form.sign-in button')]);
    r.signedIn = {url: new URL(tab.url()).pathname,
                  cookieVisible: await tab.evaluate(() => document.cookie.includes('wfc_session'))};

    // The invalid workflow file shows its diagnostic.
    await tab.goto(a.base + '/ui/automations', {waitUntil: 'load'});
    r.invalid = await tab.evaluate((file) => {
      for (const li of document.querySelectorAll('.invalid-files li')) {
        if (li.querySelector('code')?.textContent === file) {
          return {file, diagnostic: li.querySelector('pre')?.textContent || ''};
        }
      }
      return null;
    }, a.invalid);
    await shot(tab, 'automations.png');

    // The automation: its plan drawn; trigger a run with the input URL.
    await tab.goto(a.base + '/ui/automations/' + a.automation, {waitUntil: 'load'});
    r.plan = await tab.evaluate(() => ({
      nodes: document.querySelectorAll('figure.plan svg g.node').length,
      groups: document.querySelectorAll('figure.plan svg g.group').length,
    }));
    await shot(tab, 'automation.png');
    await tab.type('#url', a.input);
    await Promise.all([tab.waitForNavigation({waitUntil: 'load'}),
                       tab.click('form.trigger button')]);
    const runUrl = new URL(tab.url()).pathname;
    r.run = {url: runUrl};
    // A mark on this document: a reload would lose it.
    await tab.evaluate(() => { window.__sameDocument = true; });
    const statusAt = await tab.$eval('#run-status', (e) => e.textContent.trim());
    r.run.statusAtLoad = statusAt;
    try {
      await tab.waitForFunction(
          () => ['succeeded', 'failed', 'cancelled'].includes(
              document.querySelector('#run-status')?.textContent.trim()),
          {timeout: RUN_DEADLINE_MS, polling: 100});
    } catch (e) {
      log('dashboard.mjs: the run did not end in time');
    }
    r.run.status = await tab.$eval('#run-status', (e) => e.textContent.trim());
    r.run.sameDocument = await tab.evaluate(() => window.__sameDocument === true);

    // The output video plays, and shows a subtitle cue.
    try {
      await tab.waitForSelector('.outputs video', {timeout: STEP_MS});
      r.video = await tab.evaluate(async () => {
        const v = document.querySelector('.outputs video');
        const out = {src: v.currentSrc || v.src, tracks: v.textTracks.length};
        v.muted = true;
        await v.play().catch((e) => { out.playError = String(e); });
        const start = v.currentTime;
        await new Promise((ok) => {
          const t = setInterval(() => { if (v.currentTime > start + 0.5) { clearInterval(t); ok(); } },
                                50);
          setTimeout(() => { clearInterval(t); ok(); }, 20000);
        });
        out.time = v.currentTime;
        if (v.error) out.error = v.error.message || String(v.error.code);
        return out;
      });
      r.cue = await tab.evaluate(async () => {
        const v = document.querySelector('.outputs video');
        const track = Array.from(v.textTracks).find((t) => t.kind === 'subtitles');
        if (!track) return {error: 'no subtitles track'};
        track.mode = 'showing';
        // The first cue's time, from the page's cue list (the track loads as it shows).
        const first = document.querySelector('.output-subtitles button.seek');
        const at = first ? parseFloat(first.dataset.seek) + 0.3 : 1;
        v.pause();
        v.currentTime = at;
        return await new Promise((ok) => {
          const done = () => {
            const cues = track.activeCues;
            if (cues && cues.length) ok({at, text: cues[0].text});
          };
          track.addEventListener('cuechange', done);
          const t = setInterval(done, 100);
          setTimeout(() => { clearInterval(t); ok({at, error: 'no active cue'}); }, 15000);
        });
      });
    } catch (e) {
      log(`dashboard.mjs: video: ${e.message}`);
    }
    await shot(tab, 'run.png');

    // The runs page lists the run.
    await tab.goto(a.base + '/ui/runs', {waitUntil: 'load'});
    r.runs = {listed: await tab.evaluate(
        (id) => !!document.querySelector(`tr[data-run="${id}"]`), runUrl.split('/').pop())};
    await shot(tab, 'runs.png');

    // Sign out: back to the sign-in page, and the pages are refused again.
    await Promise.all([tab.waitForNavigation({waitUntil: 'load'}),
                       tab.click('form.sign-out button')]);
    r.signOut = {url: new URL(tab.url()).pathname};
    await tab.goto(a.base + '/ui/runs', {waitUntil: 'load'});
    r.signOut.after = new URL(tab.url()).pathname;
  } catch (e) {
    log(`dashboard.mjs: ${e.stack || e.message}`);
  } finally {
    await browser.close();
  }
  const ok = r.signedOut?.url === '/ui/sign-in' && r.signedOut?.script === 401 &&
             r.signedIn?.url === '/ui/runs' && r.invalid?.diagnostic &&
             r.run?.status === 'succeeded' && r.run?.sameDocument && r.video?.time > 0.5 &&
             r.cue?.text && r.signOut?.after === '/ui/sign-in';
  process.stdout.write(JSON.stringify(r) + '\n');
  return ok ? 0 : 1;
}

process.exitCode = await main();
