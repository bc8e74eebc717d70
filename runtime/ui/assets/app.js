// The dashboard's script (runtime/ui): the pages are complete without it; it adds live status
// and progress from GET /events/stream (one EventSource per page, fed by the server's one
// watcher), the HLS player (hls.js, embedded at build time) and seeking from the timelines.
'use strict';

(function () {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  function badge(status) {
    const s = document.createElement('span');
    s.className = 'status status-' + status;
    s.textContent = status;
    return s;
  }
  function setStatus(cell, status) {
    if (!cell) return;
    cell.replaceChildren(badge(status));
  }
  function setProgress(el, p) {
    if (!el || typeof p !== 'number') return;
    el.value = p;  // a percentage, 0–100, as the API gives it
    el.textContent = Math.round(p) + '%';
  }
  const terminal = (s) => s === 'succeeded' || s === 'failed' || s === 'cancelled';

  // --- players ----------------------------------------------------------------------------
  let hlsLoading = null;
  function loadHls() {
    if (!hlsLoading) {
      hlsLoading = new Promise((resolve) => {
        const s = document.createElement('script');
        s.src = '/ui/assets/hls.min.js';
        s.onload = () => resolve(window.Hls);
        s.onerror = () => resolve(undefined);
        document.head.appendChild(s);
      });
    }
    return hlsLoading;
  }
  function players(root) {
    for (const v of $$('video[data-hls]', root)) {
      if (v.dataset.attached) continue;
      v.dataset.attached = '1';
      const url = v.dataset.hls;
      if (v.canPlayType('application/vnd.apple.mpegurl')) {
        v.src = url;
        continue;
      }
      loadHls().then((Hls) => {
        if (!Hls || !Hls.isSupported()) return;
        const hls = new Hls();
        hls.loadSource(url);
        hls.attachMedia(v);
      });
    }
  }
  document.addEventListener('click', (e) => {
    const b = e.target.closest('button.seek');
    if (!b) return;
    const v = $('video');
    if (!v) return;
    v.currentTime = parseFloat(b.dataset.seek);
    v.play().catch(() => {});
  });

  // --- live updates -----------------------------------------------------------------------
  function stream(query, onEvent) {
    const es = new EventSource('/events/stream' + query);
    // The kinds the scheduler and the store record (runtime/exec/scheduler.h).
    for (const kind of ['run.created', 'run.started', 'run.updated', 'run.queued',
                        'run.processing', 'run.succeeded', 'run.failed', 'run.cancelled',
                        'task.updated', 'task.succeeded', 'task.failed', 'task.cancelled']) {
      es.addEventListener(kind, (m) => {
        try { onEvent(kind, JSON.parse(m.data)); } catch (err) { console.error(err); }
      });
    }
    es.onmessage = (m) => {
      try { const e = JSON.parse(m.data); onEvent(e.kind, e); } catch (err) { /* ignore */ }
    };
    window.wfcStream = es;
    return es;
  }
  const live = $('#live');
  const say = (text) => { if (live) live.textContent = text; };

  // The runs page: rows change in place; new runs that match the filters come in on top.
  const runs = $('table[data-live="runs"]');
  if (runs) {
    const status = runs.dataset.status, automation = runs.dataset.automation;
    const firstPage = !/[?&](after|before)=/.test(location.search);
    stream('', (kind, e) => {
      const run = e.data || {};
      const id = e.run_id;
      let row = $(`tr[data-run="${CSS.escape(id)}"]`, runs);
      if (!kind.startsWith('run.')) return;
      if (!row && kind === 'run.created' && firstPage && (!status || status === 'queued') &&
          (!automation || automation === run.automation_id)) {
        row = document.createElement('tr');
        row.dataset.run = id;
        const link = (href, text) => {
          const a = document.createElement('a');
          a.href = href;
          const c = document.createElement('code');
          c.textContent = text;
          a.appendChild(c);
          return a;
        };
        const cells = [link('/ui/runs/' + id, id),
                       run.automation_id ? link('/ui/automations/' + run.automation_id,
                                                run.automation_id) : '—',
                       badge(run.status || 'queued'), document.createElement('progress'),
                       new Date().toISOString().replace('T', ' ').slice(0, 19), ''];
        cells.forEach((c, i) => {
          const td = document.createElement('td');
          if (i === 2) td.className = 'st';
          td.append(c);
          row.appendChild(td);
        });
        row.querySelector('progress').max = 100;
        row.querySelector('progress').value = 0;
        runs.tBodies[0].prepend(row);
        say('Run ' + id + ' was created.');
      }
      if (!row || !run.status) return;
      setStatus($('.st', row), run.status);
      setProgress($('progress', row), run.progress);
      if (terminal(run.status)) say('Run ' + id + ' ' + run.status + '.');
    });
  }

  // A run's page: statuses and progress in place; once outputs appear or the run ends, the
  // page's content is fetched again and swapped in (no navigation), so the previews render.
  const page = $('#run');
  if (page) {
    players(page);
    const id = page.dataset.run;
    let refreshing = null;
    const refresh = () => {
      if (refreshing) return;
      refreshing = setTimeout(async () => {
        refreshing = null;
        const r = await fetch(location.href, {credentials: 'same-origin'});
        if (!r.ok) return;
        const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
        const fresh = doc.getElementById('run');
        const now = document.getElementById('run');
        if (!fresh || !now) return;
        // Players that play keep playing: only what changed is swapped.
        for (const sel of ['.facts', '.actions']) {
          const a = $(sel, now), b = $(sel, fresh);
          if (a && b) a.replaceWith(b);
        }
        for (const t of $$('li.task', fresh)) {
          const old = $(`li.task[data-task="${CSS.escape(t.dataset.task)}"]`, now);
          if (!old) continue;
          $('.task-head', old).replaceWith($('.task-head', t));
          const outs = $('.outputs', old);
          if (outs.children.length === 0 || outs.innerHTML !== $('.outputs', t).innerHTML &&
              !$('video', outs)) {
            outs.replaceWith($('.outputs', t));
          }
        }
        players(now);
      }, 300);
    };
    if (page.dataset.live === '1') {
      stream('?run_id=' + encodeURIComponent(id), (kind, e) => {
        const d = e.data || {};
        if (kind.startsWith('task.')) {
          const li = $(`li.task[data-node="${CSS.escape(d.node || '')}"]`, page);
          if (li && d.status) {
            setStatus($('.st', li), d.status);
            setProgress($('progress', li), d.progress);
          }
          if (d.status === 'succeeded' || d.status === 'failed') refresh();
        } else if (kind.startsWith('run.') && d.status) {
          setStatus($('#run-status'), d.status);
          setProgress($('#run-progress'), d.progress);
          if (terminal(d.status)) {
            refresh();
            if (window.wfcStream) window.wfcStream.close();
          }
        }
      });
    }
  }
})();
