// pushsim console. Plain JavaScript, no build step, no dependencies: it reads
// and drives the world only through the documented control plane under
// /_pushsim and follows its Server-Sent Events (GET /_pushsim/events), so it
// is also an example of that API.
(() => {
  'use strict';

  const API = '/_pushsim';
  const TZ = 'Asia/Shanghai'; // vendor-local time: every daily quota resets at midnight here
  const ROW = 30; // px, one ledger row (.req-row height in app.css)
  const LEDGER_KEEP = 20000; // entries the page keeps; the server keeps --ledger-cap

  const VENDORS = {
    xiaomi: { label: 'Xiaomi', color: '#ff6900' },
    huawei: { label: 'Huawei', color: '#cf0a2c' },
    oppo: { label: 'OPPO', color: '#1f8a4c' },
    vivo: { label: 'vivo', color: '#415fff' },
    honor: { label: 'Honor', color: '#0a72ef' },
    meizu: { label: 'Meizu', color: '#0ea5e9' },
    fcm: { label: 'FCM', color: '#f4b400' },
    apns: { label: 'APNs', color: '#64748b' },
  };
  const ANDROID = {
    21: '5.0', 22: '5.1', 23: '6', 24: '7.0', 25: '7.1', 26: '8.0', 27: '8.1', 28: '9', 29: '10',
    30: '11', 31: '12', 32: '12L', 33: '13', 34: '14', 35: '15', 36: '16',
  };

  // S is everything the page knows; the DOM is drawn from it.
  const S = {
    vendors: [],
    virtual: false,
    now: 0, // world time (ms) when nowAt (wall ms) was read
    nowAt: 0,
    resetsAt: null,
    apps: [],
    devices: [],
    shades: new Map(), // device id -> shade
    ledger: [], // oldest first
    bySeq: new Map(),
    deliveries: new Map(), // request seq -> delivery entries
    lastSeq: 0,
    rules: new Map(),
    quotas: null,
    view: 'phones',
    selected: 0,
    filter: { vendor: '', app: '', verdict: '', kind: '', q: '' },
    filtered: [], // entries matching the filter, oldest first
    faultsMissing: false,
  };

  // ---------- small helpers ----------

  const $ = (sel, root = document) => root.querySelector(sel);

  // h builds an element. Text is always set as text, never parsed as HTML:
  // titles and bodies come from whoever sent the push.
  function h(tag, props, ...kids) {
    const e = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else if (k === 'dataset') Object.assign(e.dataset, v);
        else if (k === 'vars') for (const [n, val] of Object.entries(v)) e.style.setProperty(n, val);
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else if (v === true) e.setAttribute(k, '');
        else e.setAttribute(k, v);
      }
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined || kid === false) continue;
      e.append(kid instanceof Node ? kid : String(kid));
    }
    return e;
  }

  async function api(method, path, body) {
    const opt = { method, headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      opt.headers['Content-Type'] = 'application/json';
      opt.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const r = await fetch(API + path, opt);
    const text = await r.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = text; }
    }
    if (!r.ok) {
      const p = data && typeof data === 'object' ? data : null;
      const err = new Error((p && (p.detail || p.title)) || `${r.status} ${r.statusText}`);
      err.status = r.status;
      err.problem = p;
      throw err;
    }
    return data;
  }

  // missing tells an endpoint this pushsim does not have (a 404 problem from
  // the control plane's router) from a 404 about a thing.
  const missing = (err) => err.status === 404 && /no control-plane endpoint/.test(err.message);

  // coalesce runs fn at most once at a time; triggers while it runs make it
  // run once more afterwards. Live events arrive in bursts.
  function coalesce(fn, delay = 30) {
    let running = false;
    let again = false;
    let timer = 0;
    const run = async () => {
      timer = 0;
      if (running) { again = true; return; }
      running = true;
      try { await fn(); } catch (err) { console.warn(err); } finally {
        running = false;
        if (again) { again = false; trigger(); }
      }
    };
    const trigger = () => { if (!timer) timer = setTimeout(run, delay); };
    return trigger;
  }

  function toast(msg, error) {
    const t = h('div', { class: 'toast' + (error ? ' error' : ''), text: msg });
    $('#toasts').append(t);
    setTimeout(() => t.remove(), error ? 8000 : 4000);
  }

  function fmt(opts) {
    try { return new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hourCycle: 'h23', ...opts }); } catch {
      return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hourCycle: 'h23', ...opts });
    }
  }
  const fmtHM = fmt({ hour: '2-digit', minute: '2-digit' });
  const fmtHMS = fmt({ hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const fmtDay = fmt({ weekday: 'short', day: 'numeric', month: 'short' });
  const fmtFull = fmt({ year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const t = (s) => (s ? new Date(s) : null);
  const worldNow = () => new Date(S.virtual ? S.now : S.now + (Date.now() - S.nowAt));

  function duration(ms) {
    if (ms < 0) ms = 0;
    const m = Math.round(ms / 60000);
    const d = Math.floor(m / 1440);
    const hh = Math.floor((m % 1440) / 60);
    const mm = m % 60;
    return (d ? d + 'd ' : '') + (d || hh ? hh + 'h ' : '') + mm + 'm';
  }

  // Vendors show in the order of VENDORS (the guide's), then any other by name.
  const vendorRank = (v) => { const i = Object.keys(VENDORS).indexOf(v); return i < 0 ? 99 : i; };
  const vendorLabel = (v) => (VENDORS[v] ? VENDORS[v].label : v);
  const vendorColor = (v) => (VENDORS[v] ? VENDORS[v].color : '#6b7280');
  function system(d) {
    if (d.platform === 'ios') return 'iOS';
    if (d.platform === 'harmony') return `HarmonyOS · API ${d.android}`;
    return ANDROID[d.android] ? `Android ${ANDROID[d.android]} · API ${d.android}` : `API ${d.android}`;
  }
  const appOf = (vendor, name) => S.apps.find((a) => a.vendor === vendor && a.name === name);
  const deviceByID = (id) => S.devices.find((d) => d.id === id);
  const deviceName = (id) => { const d = deviceByID(id); return d ? d.name || d.id : id; };
  const label = (d) => d.name || d.id;

  // ---------- masking ----------

  function maskToken(tok) {
    if (tok.length <= 12) return '•'.repeat(6);
    return tok.slice(0, 6) + '…' + tok.slice(-4);
  }

  // Vendors already mask their secrets in the ledger; the console also masks
  // every phone's token and anything whose field name says secret, sign or
  // token, in JSON and in forms.
  const SECRET_FIELD = '[\\w.-]*(?:secret|sign|signature|password|private_key|token|authorization)[\\w.-]*';
  const SECRET_JSON = new RegExp('("' + SECRET_FIELD + '"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)(")', 'gi');
  const SECRET_FORM = new RegExp('(^|[&\\n])(' + SECRET_FIELD + ')( = |=)([^&\\n]*)', 'gi');

  function mask(text, tokens) {
    if (!text) return text;
    let out = text;
    const all = new Set(tokens || []);
    for (const d of S.devices) all.add(d.token);
    for (const tok of all) {
      if (!tok || tok.length < 8) continue;
      const m = maskToken(tok);
      for (const form of new Set([tok, encodeURIComponent(tok), tok.replaceAll('/', '\\/')])) {
        out = out.split(form).join(m);
      }
    }
    out = out.replace(SECRET_JSON, (all0, a, v, b) => a + (v && !v.includes('*') && !v.includes('…') ? '***' : v) + b);
    out = out.replace(SECRET_FORM, (all0, pre, k, eq, v) => pre + k + eq + (v && !v.includes('*') && !v.includes('…') ? '***' : v));
    return out;
  }

  // pretty indents JSON without parsing numbers (ids beyond 2^53 stay exact)
  // and shows a form one field a line, decoded.
  function pretty(text) {
    if (!text) return '';
    const s = text.trim();
    if (s[0] === '{' || s[0] === '[') {
      let out = '';
      let depth = 0;
      let inStr = false;
      const nl = () => '\n' + '  '.repeat(depth);
      for (let i = 0; i < s.length; i++) {
        const c = s[i];
        if (inStr) {
          out += c;
          if (c === '\\') { out += s[++i] || ''; } else if (c === '"') inStr = false;
          continue;
        }
        if (c === ' ' || c === '\n' || c === '\t' || c === '\r') continue;
        if (c === '"') { inStr = true; out += c; continue; }
        if (c === '{' || c === '[') {
          const close = c === '{' ? '}' : ']';
          if (s[i + 1] === close) { out += c + close; i++; continue; }
          depth++; out += c + nl(); continue;
        }
        if (c === '}' || c === ']') { depth = Math.max(0, depth - 1); out += nl() + c; continue; }
        if (c === ',') { out += ',' + nl(); continue; }
        if (c === ':') { out += ': '; continue; }
        out += c;
      }
      return out;
    }
    if (/^[^\s=&]+=[^\s]*$/.test(s)) {
      return s.split('&').map((kv) => {
        const i = kv.indexOf('=');
        const dec = (x) => { try { return decodeURIComponent(x.replace(/\+/g, ' ')); } catch { return x; } };
        return i < 0 ? dec(kv) : dec(kv.slice(0, i)) + ' = ' + dec(kv.slice(i + 1));
      }).join('\n');
    }
    return text;
  }

  // ---------- loading state ----------

  async function loadHealth() {
    const hl = await api('GET', '/health');
    S.vendors = hl.vendors || [];
    S.virtual = hl.clock === 'virtual';
    setNow(hl.now);
  }

  function setNow(now) {
    S.now = new Date(now).getTime();
    S.nowAt = Date.now();
    drawClock();
    tickCards();
  }

  async function loadClock() {
    const c = await api('GET', '/clock');
    S.virtual = c.virtual;
    setNow(c.now);
  }

  async function loadApps() {
    S.apps = await api('GET', '/apps');
    drawFilterOptions();
    drawControls();
    drawPhones();
  }

  async function loadDevices() {
    S.devices = await api('GET', '/devices');
    const ids = new Set(S.devices.map((d) => d.id));
    for (const id of [...S.shades.keys()]) if (!ids.has(id)) S.shades.delete(id);
    drawPhones();
    drawControls();
    await Promise.all(S.devices.filter((d) => !S.shades.has(d.id)).map((d) => markShade(d.id)));
  }

  async function loadShade(id) {
    try {
      const s = await api('GET', '/devices/' + encodeURIComponent(id) + '/shade');
      S.shades.set(id, s);
      const i = S.devices.findIndex((d) => d.id === id);
      if (i >= 0) S.devices[i] = s.device;
      drawCard(id);
    } catch (err) {
      if (err.status === 404) { S.shades.delete(id); markDevices(); return; }
      throw err;
    }
  }

  async function loadRules() {
    const rules = await api('GET', '/rules');
    S.rules = new Map(rules.map((r) => [r.id, r]));
  }

  async function loadQuotas() {
    S.quotas = await api('GET', '/quotas');
    S.resetsAt = t(S.quotas.resets_at);
    if (S.view === 'quotas') drawQuotas();
  }

  async function loadLedger() {
    const list = await api('GET', '/ledger?since=' + S.lastSeq);
    addEntries(list);
  }

  // markShade (re)loads one phone's shade at once: a push should be on the
  // phone as soon as it lands, whatever other phones are loading. Changes
  // during a load make one more load afterwards, so a burst costs two.
  const shadeLoads = new Map(); // device id -> { p, again }
  function markShade(id) {
    if (!id) return Promise.resolve();
    const cur = shadeLoads.get(id);
    if (cur) { cur.again = true; return cur.p; }
    const st = { again: false };
    st.p = loadShade(id).catch((err) => console.warn(err)).finally(() => {
      shadeLoads.delete(id);
      if (st.again) markShade(id);
    });
    shadeLoads.set(id, st);
    return st.p;
  }
  const markDevices = coalesce(loadDevices);
  const markApps = coalesce(loadApps);
  const pullLedger = coalesce(loadLedger);
  const pullQuotas = coalesce(loadQuotas, 250);
  const pullClock = coalesce(loadClock);

  function clearLedger() {
    S.ledger = [];
    S.bySeq = new Map();
    S.deliveries = new Map();
    S.filtered = [];
    S.lastSeq = 0;
    drawList(true);
  }

  // loadAll reads everything at once; the ledger (the largest) does not wait
  // for the phones, nor the phones for it.
  async function loadAll() {
    await loadHealth();
    await Promise.all([loadApps(), loadRules().catch(() => {}), loadDevices(), loadLedger(), loadQuotas()]);
    drawList(true); // rows name phones, which may have come after the rows
  }

  // resync after the event stream reconnects: events were missed, state may
  // even have been reset.
  async function resync() {
    try {
      const newest = await api('GET', '/ledger?limit=1');
      if (!newest.length || newest[newest.length - 1].seq < S.lastSeq) clearLedger();
      S.shades.clear();
      await loadAll();
    } catch (err) { console.warn(err); }
  }

  // ---------- live events ----------

  function connect() {
    const es = new EventSource(API + '/events');
    let opened = false;
    es.addEventListener('open', () => {
      setLive(true);
      if (opened) resync();
      opened = true;
    });
    es.addEventListener('error', () => setLive(false));
    es.addEventListener('ledger', () => pullLedger());
    es.addEventListener('shade', (ev) => {
      markShade(JSON.parse(ev.data).device);
      pullLedger(); // drops are ledger lines without a ledger event of their own
      if (S.view === 'quotas') pullQuotas();
    });
    es.addEventListener('device', (ev) => { markDevices(); markShade(JSON.parse(ev.data).device); });
    es.addEventListener('app', () => markApps());
    es.addEventListener('clock', () => {
      pullClock();
      for (const d of S.devices) markShade(d.id); // held pushes may have been shown
      pullLedger();
      pullQuotas();
    });
    es.addEventListener('reset', () => {
      clearLedger();
      S.shades.clear();
      S.selected = 0;
      loadAll().then(() => { drawDetail(); drawAll(); });
    });
  }

  function setLive(on) {
    const el = $('#live');
    el.classList.toggle('off', !on);
    el.textContent = on ? 'live' : 'reconnecting';
  }

  // ---------- ledger ----------

  function addEntries(list) {
    if (!list || !list.length) return;
    let added = 0;
    const touched = new Set();
    for (const e of list) {
      if (e.seq <= S.lastSeq) continue;
      S.ledger.push(e);
      S.bySeq.set(e.seq, e);
      if (e.request) {
        const ds = S.deliveries.get(e.request);
        if (ds) ds.push(e); else S.deliveries.set(e.request, [e]);
      }
      S.lastSeq = e.seq;
      if (matches(e)) { S.filtered.push(e); added++; }
      // The ledger names the phones a request reached: refresh them, in
      // case their own shade event was missed.
      if (e.device) touched.add(e.device);
      else if (e.tokens && e.kind === 'request') {
        for (const tok of e.tokens) {
          const d = S.devices.find((x) => x.token === tok && x.vendor === e.vendor);
          if (d) touched.add(d.id);
        }
      }
    }
    for (const id of touched) markShade(id);
    if (S.ledger.length > LEDGER_KEEP) {
      const drop = S.ledger.length - LEDGER_KEEP;
      for (const e of S.ledger.slice(0, drop)) { S.bySeq.delete(e.seq); S.deliveries.delete(e.seq); }
      S.ledger = S.ledger.slice(drop);
      refilter();
    }
    learnFilterValues(list);
    // Keep what the reader looks at in place when newer rows land on top.
    const lst = $('#req-list');
    if (lst && lst.scrollTop > 0 && added) lst.scrollTop += added * ROW;
    drawList();
    drawCounts();
    if (S.selected && S.view === 'requests') {
      const ds = S.deliveries.get(S.selected);
      if (ds && list.some((e) => e.request === S.selected)) drawDetail();
    }
  }

  function matches(e) {
    const f = S.filter;
    if (f.vendor && e.vendor !== f.vendor) return false;
    if (f.app && e.app !== f.app) return false;
    if (f.verdict && e.verdict !== f.verdict) return false;
    if (f.kind && e.kind !== f.kind) return false;
    if (f.q) {
      const q = f.q;
      const hay = [e.seq, e.rule, e.code, e.path, e.message_id, e.device, e.device && deviceName(e.device), e.reason, e.status]
        .join(' ').toLowerCase();
      if (!hay.includes(q) && !(e.tokens || []).some((tok) => tok.toLowerCase().startsWith(q))) return false;
    }
    return true;
  }

  function refilter() {
    S.filtered = S.ledger.filter(matches);
    drawList(true);
    drawCounts();
  }

  const seenValues = { vendor: new Set(), app: new Set() };
  function learnFilterValues(list) {
    let changed = false;
    for (const e of list) {
      if (e.vendor && !seenValues.vendor.has(e.vendor)) { seenValues.vendor.add(e.vendor); changed = true; }
      if (e.app && !seenValues.app.has(e.app)) { seenValues.app.add(e.app); changed = true; }
    }
    if (changed) drawFilterOptions();
  }

  function fillSelect(sel, values, keep, allLabel) {
    const cur = keep !== undefined ? keep : sel.value;
    sel.replaceChildren(...(allLabel ? [h('option', { value: '', text: allLabel })] : []),
      ...values.map((v) => (Array.isArray(v) ? h('option', { value: v[0], text: v[1] }) : h('option', { value: v, text: v }))));
    if ([...sel.options].some((o) => o.value === cur)) sel.value = cur;
  }

  function drawFilterOptions() {
    const vendors = [...new Set([...S.vendors, ...seenValues.vendor])].sort();
    fillSelect($('#f-vendor'), vendors.map((v) => [v, vendorLabel(v)]), S.filter.vendor, 'all');
    const apps = [...new Set([...S.apps.map((a) => a.name), ...seenValues.app])].sort();
    fillSelect($('#f-app'), apps, S.filter.app, 'all');
  }

  // The list is virtual: only the rows in view (plus a few) exist in the
  // DOM, so 10 000 entries scroll and filter as fast as 10.
  const rowPool = [];
  let listFrame = 0;
  function drawList(force) {
    if (force) for (const r of rowPool) r.dataset.key = '';
    if (listFrame) return;
    listFrame = requestAnimationFrame(() => { listFrame = 0; paintList(); });
  }

  function paintList() {
    const list = $('#req-list');
    const spacer = $('#req-spacer');
    const n = S.filtered.length;
    spacer.style.height = n * ROW + 'px';
    if (S.view !== 'requests') return;
    const top = list.scrollTop;
    const height = list.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW) - 8);
    const last = Math.min(n, Math.ceil((top + height) / ROW) + 8);
    const need = last - first;
    while (rowPool.length < need) {
      const r = h('div', { class: 'req-row', role: 'listitem' },
        h('span', { class: 'seq' }), h('span', { class: 'time' }), h('span', { class: 'vendor' }), h('span', { class: 'app' }),
        h('span', { class: 'what' }), h('span', { class: 'code' }), h('span', { class: 'verdict' }), h('span', { class: 'rule' }));
      rowPool.push(r);
      spacer.append(r);
    }
    for (let k = 0; k < rowPool.length; k++) {
      const r = rowPool[k];
      if (k >= need) { r.hidden = true; continue; }
      const i = first + k; // display index, newest first
      const e = S.filtered[n - 1 - i];
      r.hidden = false;
      r.style.transform = `translateY(${i * ROW}px)`;
      const key = e.seq + ':' + (e.seq === S.selected);
      if (r.dataset.key === key) continue;
      r.dataset.key = key;
      r.dataset.seq = e.seq;
      r.className = 'req-row ' + e.kind + (e.seq === S.selected ? ' selected' : '');
      const c = r.children;
      c[0].textContent = e.seq;
      c[1].textContent = fmtHMS.format(t(e.at));
      c[2].textContent = vendorLabel(e.vendor);
      c[3].textContent = e.app || '';
      c[4].textContent = e.kind === 'delivery'
        ? '→ ' + deviceName(e.device) + (e.request ? ' (request #' + e.request + ')' : '')
        : (e.method || '') + ' ' + (e.path || '');
      c[4].title = c[4].textContent;
      c[5].textContent = e.code || (e.status && e.status !== 200 ? e.status : '');
      c[6].replaceChildren(h('span', { class: 'chip ' + e.verdict, text: e.verdict === 'accepted-not-shown' ? 'accepted, not shown' : e.verdict }));
      c[7].textContent = e.rule || '';
      c[7].title = e.reason || '';
    }
  }

  function drawCounts() {
    $('#count-requests').textContent = S.ledger.length ? S.ledger.length : '';
    $('#count-phones').textContent = S.devices.length ? S.devices.length : '';
    const n = S.filtered.length;
    $('#req-count').textContent = n === S.ledger.length ? `${n} entries` : `${n} of ${S.ledger.length} entries`;
  }

  // ---------- request detail ----------

  async function openEntry(seq) {
    S.selected = seq;
    drawList(true);
    if (!S.bySeq.has(seq)) {
      try {
        const list = await api('GET', '/ledger?since=' + (seq - 1) + '&limit=0');
        const e = list.find((x) => x.seq === seq);
        if (e) S.bySeq.set(seq, e);
      } catch (err) { console.warn(err); }
    }
    drawDetail();
    // Scroll the row into view when opened by address.
    const i = S.filtered.length - 1 - S.filtered.findIndex((e) => e.seq === seq);
    const list = $('#req-list');
    if (i >= 0 && i < S.filtered.length && (i * ROW < list.scrollTop || (i + 1) * ROW > list.scrollTop + list.clientHeight)) {
      list.scrollTop = Math.max(0, i * ROW - list.clientHeight / 3);
    }
  }

  function codeBlock(text, tokens, cls) {
    return h('pre', { class: 'code ' + (cls || '') }, text ? mask(pretty(text), tokens) : '(empty)');
  }

  function ruleBox(id) {
    if (!id) return null;
    const r = S.rules.get(id);
    if (!r) {
      const shared = id.startsWith('world.');
      return h('div', { class: 'rulebox' },
        h('span', { class: 'chip rule', text: id }), ' ',
        shared ? 'a phone rule every vendor shares (a switched-off app or channel, offline past the TTL, an uninstalled app, a collapsed duplicate)' : '');
    }
    return h('div', { class: 'rulebox' },
      h('div', null, h('span', { class: 'chip rule', text: r.id }), ' ', h('span', { class: 'chip', text: r.level }), ' ', r.statement),
      h('div', { class: 'src' }, 'Source: ', h('span', { class: 'mono', text: r.source || '—' }), r.confidence ? ` (${r.confidence})` : ''));
  }

  function drawDetail() {
    const box = $('#req-detail');
    const e = S.bySeq.get(S.selected);
    if (!e) {
      box.replaceChildren(h('p', { class: 'empty', text: S.selected ? `Entry #${S.selected} is no longer in the ledger.` : 'Open a request to see what was sent (secrets and tokens masked), what the emulator answered, the verdict, and the rule with its source in the vendor facts.' }));
      return;
    }
    const verdict = h('span', { class: 'chip ' + e.verdict, text: e.verdict === 'accepted-not-shown' ? 'accepted, not shown' : e.verdict });
    const kv = (k, v) => (v === undefined || v === null || v === '' ? null : [h('dt', { text: k }), h('dd', null, v)]);
    const tokens = (e.tokens || []).map((tok) => {
      const d = S.devices.find((x) => x.token === tok);
      return maskToken(tok) + (d ? ` (${label(d)})` : '');
    }).join(', ');
    const parts = [
      h('h2', null, e.kind === 'delivery' ? `Delivery #${e.seq}` : `Request #${e.seq}`, verdict),
      h('dl', { class: 'kv' },
        kv('time', fmtFull.format(t(e.at)) + ' (Asia/Shanghai)'),
        kv('vendor', vendorLabel(e.vendor)),
        kv('app', e.app),
        kv('call', e.method ? `${e.method} ${e.path}` : null),
        kv('HTTP status', e.status || null),
        kv('vendor code', e.code),
        kv('message id', e.message_id),
        kv('tokens', tokens),
        kv('phone', e.device ? deviceName(e.device) : null),
        kv('request', e.request ? h('a', { class: 'link', href: '#requests/' + e.request, text: '#' + e.request }) : null)),
    ];
    if (e.reason) parts.push(h('h3', { text: 'Why' }), h('div', { class: 'reason', text: e.reason }));
    if (e.rule) parts.push(h('h3', { text: 'Rule' }), ruleBox(e.rule));
    if (e.kind === 'request') {
      parts.push(h('h3', { text: 'Request body (secrets and tokens masked)' }), codeBlock(e.body, e.tokens, 'req-body'));
      parts.push(h('h3', { text: 'Response' }), codeBlock(e.response, e.tokens, 'req-response'));
      const ds = S.deliveries.get(e.seq);
      if (ds && ds.length) {
        parts.push(h('h3', { text: 'On the phones' }), h('ul', { class: 'related' }, ds.map((d) => h('li', null,
          h('a', { class: 'link', href: '#requests/' + d.seq, text: '#' + d.seq }), ' ', deviceName(d.device), ': ',
          h('span', { class: 'chip ' + d.verdict, text: d.verdict }), ' ', d.reason || ''))));
      }
    } else {
      const s = S.shades.get(e.device);
      const n = s && [...s.dropped, ...s.shown].find((x) => x.message_id && x.message_id === e.message_id);
      if (n) parts.push(h('h3', { text: 'The notification' }), notifView(n, deviceByID(e.device), !!n.rule));
    }
    box.replaceChildren(...parts);
  }

  // ---------- phones ----------

  const cards = new Map(); // device id -> card element
  const folds = new Map(); // device id -> which lists under the card are open

  function drawPhones() {
    const root = $('#phones');
    drawCounts();
    if (!S.devices.length) {
      cards.clear();
      root.replaceChildren(h('p', { class: 'empty', text: 'No phones yet. Start with --demo, or add one under Controls (POST /_pushsim/devices).' }));
      return;
    }
    const groups = new Map();
    for (const d of S.devices) {
      if (!groups.has(d.vendor)) groups.set(d.vendor, []);
      groups.get(d.vendor).push(d);
    }
    const order = [...groups.keys()].sort((a, b) => vendorRank(a) - vendorRank(b) || a.localeCompare(b));
    const seen = new Set();
    const sections = order.map((v) => {
      const list = groups.get(v);
      const section = h('section', { class: 'vendor-group', dataset: { vendor: v }, vars: { '--brand': vendorColor(v) } },
        h('h2', null, vendorLabel(v), h('span', { class: 'chip', text: list.length + (list.length === 1 ? ' phone' : ' phones') })),
        h('div', { class: 'phones' }, list.map((d) => { seen.add(d.id); return cardFor(d); })));
      return section;
    });
    for (const id of [...cards.keys()]) if (!seen.has(id)) cards.delete(id);
    root.replaceChildren(...sections);
  }

  function cardFor(d) {
    let c = cards.get(d.id);
    if (!c) {
      c = buildCard(d);
      cards.set(d.id, c);
    }
    return c;
  }

  function drawCard(id) {
    const old = cards.get(id);
    const d = deviceByID(id);
    if (!d) return;
    if (!old) { drawPhones(); return; }
    const fresh = buildCard(d, old);
    cards.set(id, fresh);
    old.replaceWith(fresh);
    if (S.view === 'requests' && S.selected) {
      const e = S.bySeq.get(S.selected);
      if (e && e.device === id) drawDetail();
    }
  }

  function buildCard(d, old) {
    const s = S.shades.get(d.id);
    const app = appOf(d.vendor, d.app);
    const appName = d.app;
    const shown = s ? [...s.shown].reverse() : [];
    const dropped = s ? [...s.dropped].reverse() : [];
    const now = worldNow();
    const open = folds.get(d.id) || { dropped: true, inbox: false };
    folds.set(d.id, open);
    const listScroll = old ? $('.notifs', old).scrollTop : 0;

    const statusbar = h('div', { class: 'statusbar' },
      h('span', { class: 'sbtime', text: fmtHM.format(now) }),
      h('span', { class: 'icons' },
        d.offline ? h('span', { class: 'offline-flag', text: 'offline' }) : h('span', { class: 'signal', text: '5G ▂▄▆' }),
        h('span', { class: 'battery' })));
    const head = h('div', { class: 'shade-head' },
      h('div', { class: 'big', text: fmtHM.format(now) }),
      h('div', { class: 'date', text: fmtDay.format(now) + (shown.length ? ` · ${shown.length} notification${shown.length === 1 ? '' : 's'}` : '') }));
    const notifs = h('ul', { class: 'notifs' },
      shown.length ? shown.map((n) => notifView(n, d, false)) : h('li', { class: 'shade-empty', text: s ? 'No notifications' : '…' }));
    const dock = h('div', { class: 'dock' },
      h('div', { class: 'appicon', title: `${appName}: badge ${d.badge}` }, (appName[0] || '?').toUpperCase(),
        h('span', { class: 'badge', text: d.badge > 0 ? String(d.badge) : '' })),
      h('div', { class: 'applabel' }, appName, h('small', { text: app ? app.package : '' })),
      d.uninstalled ? h('span', { class: 'offline-flag', text: 'uninstalled' }) : null);
    const device = h('div', { class: 'device' },
      h('div', { class: 'screen' }, statusbar, head, notifs, dock, h('div', { class: 'homebar' })));

    const meta = h('div', { class: 'phone-meta' },
      h('div', null, h('span', { class: 'name', text: label(d) }), ' · ', system(d), d.test ? ' · test device' : ''),
      h('div', null, 'token ', h('span', { class: 'token', text: maskToken(d.token) }), ' ',
        h('button', { type: 'button', class: 'small', title: 'Copy the full token', onclick: () => copy(d.token, 'token copied') }, 'copy')));

    const sw = (text, checked, onchange, title) => h('label', { title },
      h('input', { type: 'checkbox', checked, onchange: (ev) => onchange(ev.target.checked) }), text);
    const channels = app && app.channels && app.channels.length
      ? h('div', { class: 'channels' }, 'channels:', app.channels.map((ch) => sw(ch.name || ch.id, !(d.channels_off || []).includes(ch.id),
        (on) => patchDevice(d, { channels_off: toggled(d.channels_off, ch.id, !on) }), `${ch.id} (${ch.class || 'no class'}): switch the channel on or off`)))
      : null;
    const switches = h('div', { class: 'switches' },
      sw('notifications', !d.notifications_off, (on) => patchDevice(d, { notifications_off: !on }), "The app's notification switch in system settings"),
      sw('online', !d.offline, (on) => patchDevice(d, { offline: !on }), 'Take the phone offline: vendors hold pushes for their time to live'),
      channels);

    const extras = [];
    if (s && s.pending) extras.push(h('div', { class: 'extra-line', text: `${s.pending} held by the vendor (offline or outside a display window)` }));
    if (s && s.inbox.length) {
      extras.push(h('details', { class: 'inbox not-shown', open: open.inbox, ontoggle: (ev) => { open.inbox = ev.target.open; } },
        h('summary', { text: `${s.inbox.length} handed to the app (pass-through, not in the shade)` }),
        h('ul', null, [...s.inbox].reverse().map((n) => notifView(n, d, true)))));
    }
    const notShown = dropped.length
      ? h('details', { class: 'not-shown', open: open.dropped, ontoggle: (ev) => { open.dropped = ev.target.open; } },
        h('summary', { text: `Not shown (${dropped.length})` }),
        h('ul', null, dropped.map((n) => notifView(n, d, true))))
      : null;

    const card = h('article', { class: 'phone', dataset: { device: d.id, name: d.name || '', vendor: d.vendor }, vars: { '--brand': vendorColor(d.vendor) } },
      device, meta, switches, ...extras, notShown);
    requestAnimationFrame(() => { const l = $('.notifs', card); if (l) l.scrollTop = listScroll; });
    return card;
  }

  function notifView(n, d, greyed) {
    const app = d ? appOf(d.vendor, d.app) : null;
    const ch = n.channel && app && app.channels ? app.channels.find((c) => c.id === n.channel) : null;
    const silent = n.silent || !n.sound;
    const flags = [
      h('span', { class: 'chip ' + (silent ? 'silent' : 'sound'), text: silent ? 'silent' : n.sound === 'default' ? 'sound' : 'sound: ' + n.sound }),
      h('span', { class: 'chip ' + (n.heads_up ? 'headsup' : 'shadeonly'), text: n.heads_up ? 'heads-up' : 'shade only' }),
    ];
    if (n.class) flags.push(h('span', { class: 'chip', text: n.class }));
    if (n.importance) flags.push(h('span', { class: 'chip', text: 'importance ' + n.importance }));
    if (n.badge !== undefined && n.badge !== null) flags.push(h('span', { class: 'chip', text: 'badge ' + n.badge }));
    if (n.pass_through) flags.push(h('span', { class: 'chip', text: 'pass-through' }));
    if (!greyed && d) {
      flags.push(h('button', { type: 'button', class: 'tap', title: 'Tap the notification (POST …/shade/' + n.seq + '/tap)', onclick: () => tap(d, n) }, 'tap'));
    }
    const appName = n.app || (d && d.app) || '';
    const li = h('li', { class: 'notif' + (greyed ? ' dropped' : '') + (n.heads_up && !greyed ? ' heads-up' : ''), dataset: { seq: n.seq, message: n.message_id || '' } },
      h('div', { class: 'n-head' },
        h('span', { class: 'n-icon', text: (appName[0] || '?').toUpperCase() }),
        h('span', { class: 'n-app', text: appName }), '·',
        h('span', { class: 'n-time', text: fmtHM.format(t(n.at)) }),
        n.channel ? ['·', h('span', { class: 'n-channel', title: `channel ${n.channel}`, text: ch && ch.name ? ch.name : n.channel })] : null),
      h('div', { class: 'n-title', text: n.title || (n.pass_through ? '(pass-through message)' : '(no title)') }),
      n.body ? h('div', { class: 'n-body', text: n.body }) : null,
      h('div', { class: 'n-flags' }, flags));
    if (greyed && (n.reason || n.rule)) {
      li.append(h('div', { class: 'why' },
        n.reason ? h('span', { class: 'reason-text', text: n.reason }) : null, ' ',
        n.rule ? h('a', { class: 'chip rule', href: '#requests', title: 'Show this rule in the ledger', onclick: () => { setFilter({ q: n.rule.toLowerCase() }); } }, n.rule) : null));
    }
    return li;
  }

  function toggled(list, id, add) {
    const s = new Set(list || []);
    if (add) s.add(id); else s.delete(id);
    return [...s];
  }

  async function patchDevice(d, patch) {
    try {
      const nd = await api('PATCH', '/devices/' + encodeURIComponent(d.id), patch);
      const i = S.devices.findIndex((x) => x.id === nd.id);
      if (i >= 0) S.devices[i] = nd;
      markShade(nd.id);
      drawControls();
    } catch (err) {
      toast(`${label(d)}: ${err.message}`, true);
      drawCard(d.id);
    }
  }

  async function tap(d, n) {
    try {
      const res = await api('POST', `/devices/${encodeURIComponent(d.id)}/shade/${n.seq}/tap`, {});
      toast(`Tapped "${n.title}" on ${label(d)}:\n` + (typeof res === 'string' ? res : JSON.stringify(res, null, 2)));
    } catch (err) {
      toast(missing(err) ? 'Tapping is not available in this pushsim (POST /_pushsim/devices/{id}/shade/{n}/tap is missing).' : `Tap: ${err.message}`, true);
    }
  }

  function copy(text, done) {
    const ok = () => toast(done);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(ok, () => toast(text));
    } else {
      toast(text);
    }
  }

  // ---------- quotas ----------

  function drawQuotas() {
    const root = $('#quotas');
    const q = S.quotas;
    if (!q) { root.replaceChildren(h('p', { class: 'empty', text: 'Loading…' })); return; }
    const resets = t(q.resets_at);
    const now = t(q.now);
    $('#quota-hint').textContent = `Today's daily counters per app and message class, counted in ${q.timezone}. ` +
      `They reset at vendor-local midnight: ${fmtFull.format(resets)} (${q.timezone}), in ${duration(resets - now)}` +
      (S.virtual ? ' of virtual time.' : '.');
    const daily = q.daily || Object.fromEntries(Object.entries(q.counters || {}).map(([k, v]) => [k, { used: v, limit: -1 }]));
    const keys = Object.keys(daily).sort();
    if (!keys.length) {
      root.replaceChildren(h('p', { class: 'empty', text: 'Nothing counted today. Counters appear when a vendor counts a push against a daily quota.' }));
      return;
    }
    // Keys are the vendors' own: <vendor>/<app id or name>/<class...>[/<phone>].
    const tree = new Map();
    for (const k of keys) {
      const parts = k.split('/');
      const vendor = parts[0];
      const ref = parts[1] || '';
      const app = S.apps.find((a) => a.vendor === vendor && (a.name === ref || a.app_id === ref || a.app_key === ref));
      const appName = app ? app.name : ref;
      let rest = parts.slice(2).join('/');
      // A per-phone counter ends in the phone's id or token (tokens may
      // contain "/").
      const dev = S.devices.find((d) => d.vendor === vendor && [d.token, d.id].some((x) => x && rest.endsWith('/' + x)));
      if (dev) {
        const x = rest.endsWith('/' + dev.token) ? dev.token : dev.id;
        rest = rest.slice(0, -x.length - 1) + ' · ' + label(dev);
      } else if (parts.length > 3 && parts[parts.length - 1].length > 16) {
        rest = parts.slice(2, -1).join('/') + ' · ' + maskToken(parts[parts.length - 1]);
      }
      if (!tree.has(vendor)) tree.set(vendor, new Map());
      const apps = tree.get(vendor);
      if (!apps.has(appName)) apps.set(appName, []);
      apps.get(appName).push({ key: k, label: rest || '(total)', ...daily[k] });
    }
    const sections = [];
    for (const [vendor, apps] of [...tree].sort((a, b) => vendorRank(a[0]) - vendorRank(b[0]) || a[0].localeCompare(b[0]))) {
      const appBlocks = [];
      for (const [appName, rows] of apps) {
        const shownRows = rows.slice(0, 60);
        appBlocks.push(h('div', { class: 'q-app' }, h('h3', { text: `app ${appName}` }),
          shownRows.map(quotaRow),
          rows.length > shownRows.length ? h('div', { class: 'q-more', text: `… and ${rows.length - shownRows.length} more counters` }) : null));
      }
      sections.push(h('section', { class: 'q-vendor', dataset: { vendor } }, h('h2', { text: vendorLabel(vendor) }), appBlocks));
    }
    root.replaceChildren(...sections);
  }

  function quotaRow(r) {
    const unlimited = r.limit < 0;
    const pct = unlimited ? 100 : r.limit === 0 ? 100 : Math.min(100, (100 * r.used) / r.limit);
    const cls = 'bar' + (unlimited ? ' unlimited' : pct >= 100 ? ' full' : pct >= 80 ? ' high' : '');
    const bar = h('div', { class: cls, title: r.key, role: 'meter', 'aria-valuenow': r.used, 'aria-valuemax': unlimited ? '' : r.limit }, h('i'));
    bar.firstChild.style.width = (unlimited ? Math.min(100, 4 + r.used) : pct) + '%';
    return h('div', { class: 'q-row', dataset: { key: r.key } },
      h('span', { class: 'label', title: r.key, text: r.label }),
      bar,
      h('span', { class: 'nums', text: unlimited ? `${r.used} · no daily limit` : `${r.used} / ${r.limit} today` }));
  }

  // ---------- controls ----------

  function drawControls() {
    const add = $('#add-phone');
    fillSelect(add.vendor, S.vendors.map((v) => [v, vendorLabel(v)]));
    const apps = S.apps.filter((a) => a.vendor === add.vendor.value).map((a) => a.name);
    fillSelect(add.app, apps);
    if (!add.android.options.length) {
      fillSelect(add.android, Object.keys(ANDROID).map((k) => [k, `Android ${ANDROID[k]} (API ${k})`]).reverse(), '33');
    }
    const ps = $('#phone-settings');
    fillSelect(ps.device, S.devices.map((d) => [d.id, `${label(d)} (${vendorLabel(d.vendor)})`]));
    drawPhoneSettings();
    drawTry();
    const cp = $('#clock-panel');
    $('.clock-now', cp).textContent = `${fmtFull.format(worldNow())} in Asia/Shanghai, ${S.virtual ? 'virtual clock' : 'real clock: start pushsim serve --virtual-clock to move it'}`;
    for (const b of document.querySelectorAll('[data-advance]')) b.disabled = !S.virtual;
    cp.by.disabled = !S.virtual;
    $('button[type=submit]', cp).disabled = !S.virtual;
  }

  function drawPhoneSettings() {
    const ps = $('#phone-settings');
    const body = $('.settings-body', ps);
    const d = deviceByID(ps.device.value);
    if (!d) { body.replaceChildren(h('p', { class: 'hint', text: 'No phones.' })); return; }
    const app = appOf(d.vendor, d.app);
    const check = (text, checked, patch) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', checked, onchange: (ev) => patchDevice(d, patch(ev.target.checked)) }), text);
    const channelRows = (app && app.channels ? app.channels : []).map((ch) => h('div', { class: 'check-row' },
      check(`channel ${ch.name || ch.id} (${ch.id}, ${ch.class || 'no class'}) on`, !(d.channels_off || []).includes(ch.id),
        (on) => ({ channels_off: toggled(d.channels_off, ch.id, !on) })),
      check('created by the app on the phone', !d.phone_channels || d.phone_channels.includes(ch.id),
        (on) => ({ phone_channels: toggled(d.phone_channels || app.channels.map((c) => c.id), ch.id, on) }))));
    const level = h('select', { onchange: (ev) => patchDevice(d, { android: Number(ev.target.value) }) },
      Object.keys(ANDROID).reverse().map((k) => h('option', { value: k, selected: Number(k) === d.android, text: `Android ${ANDROID[k]} (API ${k})` })));
    body.replaceChildren(
      check('notifications on', !d.notifications_off, (on) => ({ notifications_off: !on })),
      check('online', !d.offline, (on) => ({ offline: !on })),
      check('app installed', !d.uninstalled, (on) => ({ uninstalled: !on })),
      check('registered as a test device', !!d.test, (on) => ({ test: on })),
      h('label', null, 'Android', level),
      ...channelRows,
      h('button', { type: 'button', class: 'danger', onclick: () => removeDevice(d) }, 'Remove phone'));
  }

  async function removeDevice(d) {
    try {
      await api('DELETE', '/devices/' + encodeURIComponent(d.id));
      toast(`${label(d)} removed`);
      markDevices();
    } catch (err) { toast(err.message, true); }
  }

  function drawTry() {
    const pre = $('#try-curl');
    const app = S.apps.find((a) => a.vendor === 'xiaomi');
    const d = app && S.devices.find((x) => x.vendor === 'xiaomi' && x.app === app.name);
    if (!app || !d) {
      pre.textContent = 'Add a Xiaomi app and phone (or start with --demo) for a ready-made example.';
      return;
    }
    const ch = app.channels && app.channels.length ? app.channels[0].id : '';
    pre.textContent = `curl -s ${location.origin}/xiaomi/v3/message/regid \\\n` +
      `  -H 'Authorization: key=${app.app_secret}' \\\n` +
      `  --data-urlencode 'registration_id=${d.token}' \\\n` +
      `  -d restricted_package_name=${app.package} \\\n` +
      `  -d title=Bob -d description='Lunch at noon?'` + (ch ? ` \\\n  -d extra.channel_id=${ch}` : '');
  }

  async function loadFaults() {
    const panel = $('#fault-panel');
    const ul = $('.faults', panel);
    try {
      const list = await api('GET', '/faults');
      S.faultsMissing = false;
      const items = Array.isArray(list) ? list : (list && list.faults) || [];
      ul.replaceChildren(...items.map((f) => h('li', null, h('code', { text: JSON.stringify(f) }), ' ',
        f.id !== undefined ? h('button', { type: 'button', class: 'small', onclick: () => deleteFault(f.id) }, 'remove') : null)));
    } catch (err) {
      S.faultsMissing = missing(err);
      ul.replaceChildren(h('li', { class: 'hint', text: S.faultsMissing ? 'This pushsim has no fault injection yet (GET /_pushsim/faults is missing).' : err.message }));
    }
  }

  async function deleteFault(id) {
    try { await api('DELETE', '/faults/' + encodeURIComponent(id)); loadFaults(); } catch (err) { toast(err.message, true); }
  }

  function result(form, msg, ok) {
    const p = $('.result', form);
    p.textContent = msg;
    p.className = 'result ' + (ok ? 'ok' : 'error');
  }

  function wireControls() {
    const add = $('#add-phone');
    add.vendor.addEventListener('change', () => drawControls());
    add.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = {
        vendor: add.vendor.value, app: add.app.value, android: Number(add.android.value),
        notifications_off: add.notifications_off.checked, offline: add.offline.checked,
      };
      if (add.name.value.trim()) body.name = add.name.value.trim();
      try {
        const d = await api('POST', '/devices', body);
        result(add, `Added ${label(d)} (${vendorLabel(d.vendor)}), token ${maskToken(d.token)}`, true);
        add.name.value = '';
        markDevices();
      } catch (err) { result(add, err.message, false); }
    });

    const ps = $('#phone-settings');
    ps.device.addEventListener('change', drawPhoneSettings);
    ps.addEventListener('submit', (ev) => ev.preventDefault());

    const cp = $('#clock-panel');
    cp.addEventListener('submit', (ev) => { ev.preventDefault(); advance(cp.by.value.trim(), cp); });
    for (const b of document.querySelectorAll('[data-advance]')) {
      b.addEventListener('click', () => advance(b.dataset.advance, b.closest('form')));
    }

    const fp = $('#fault-panel');
    fp.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      let rule;
      try { rule = JSON.parse(fp.rule.value); } catch (err) { result(fp, 'Not JSON: ' + err.message, false); return; }
      try {
        const res = await api('POST', '/faults', rule);
        result(fp, 'Injected: ' + JSON.stringify(res), true);
        loadFaults();
      } catch (err) {
        result(fp, missing(err) ? 'This pushsim has no fault injection yet: POST /_pushsim/faults is missing.' : err.message, false);
      }
    });

    const rp = $('#reset-panel');
    const rb = $('button', rp);
    let armed = 0;
    rp.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      // Two clicks instead of a dialog: nothing modal, nothing to script around.
      if (!armed) {
        rb.classList.add('armed');
        rb.textContent = 'Click again to reset everything';
        armed = setTimeout(() => { armed = 0; rb.classList.remove('armed'); rb.textContent = 'Reset the world'; }, 4000);
        return;
      }
      clearTimeout(armed);
      armed = 0;
      rb.classList.remove('armed');
      rb.textContent = 'Reset the world';
      try { await api('POST', '/reset'); result(rp, 'The world is empty again.', true); } catch (err) { result(rp, err.message, false); }
    });
  }

  async function advance(by, form) {
    if (!by) return;
    let body = { by };
    if (by === 'midnight') {
      await loadQuotas(); // its resets_at is the next vendor-local midnight, from the world's now
      body = { to: S.quotas.resets_at };
    }
    try {
      const c = await api('POST', '/clock/advance', body);
      S.virtual = c.virtual;
      setNow(c.now);
      if (form && $('.result', form)) result(form, 'Now ' + fmtFull.format(t(c.now)) + ' (Asia/Shanghai)', true);
    } catch (err) {
      if (form && $('.result', form)) result(form, err.message, false); else toast(err.message, true);
    }
  }

  // ---------- clock ----------

  function drawClock() {
    const now = worldNow();
    $('#clock').textContent = fmtDay.format(now) + ' ' + fmtHMS.format(now);
    $('#clock-kind').textContent = S.virtual ? 'virtual' : 'real';
    for (const b of document.querySelectorAll('.clockbar [data-advance]')) {
      b.disabled = !S.virtual;
      b.title = S.virtual ? `Advance the virtual clock by ${b.dataset.advance}` : 'The clock is real: start pushsim serve --virtual-clock to move it';
    }
    if (S.view === 'controls') {
      const p = $('#clock-panel .clock-now');
      if (p) p.textContent = `${fmtFull.format(now)} in Asia/Shanghai, ${S.virtual ? 'virtual clock' : 'real clock: start pushsim serve --virtual-clock to move it'}`;
    }
  }

  // Phone status bars follow the clock without redrawing whole cards.
  function tickCards() {
    const now = worldNow();
    const hm = fmtHM.format(now);
    for (const el of document.querySelectorAll('.sbtime, .shade-head .big')) if (el.textContent !== hm) el.textContent = hm;
  }

  // ---------- views ----------

  function setFilter(patch) {
    Object.assign(S.filter, patch);
    const f = $('#filters');
    f.vendor.value = S.filter.vendor;
    f.app.value = S.filter.app;
    f.verdict.value = S.filter.verdict;
    f.kind.value = S.filter.kind;
    f.q.value = S.filter.q;
    refilter();
  }

  function wireFilters() {
    const f = $('#filters');
    f.addEventListener('submit', (ev) => ev.preventDefault());
    let timer = 0;
    const read = () => {
      S.filter = { vendor: f.vendor.value, app: f.app.value, verdict: f.verdict.value, kind: f.kind.value, q: f.q.value.trim().toLowerCase() };
      refilter();
    };
    f.addEventListener('change', read);
    f.q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(read, 80); });
    const list = $('#req-list');
    list.addEventListener('scroll', () => drawList());
    list.addEventListener('click', (ev) => {
      const row = ev.target.closest('.req-row');
      if (row && row.dataset.seq) location.hash = '#requests/' + row.dataset.seq;
    });
    list.addEventListener('keydown', (ev) => {
      if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
      ev.preventDefault();
      const n = S.filtered.length;
      let i = S.filtered.findIndex((e) => e.seq === S.selected);
      i = i < 0 ? n - 1 : i + (ev.key === 'ArrowDown' ? -1 : 1);
      if (i >= 0 && i < n) location.hash = '#requests/' + S.filtered[i].seq;
    });
    window.addEventListener('resize', () => drawList());
  }

  function route() {
    const m = /^#?(\w+)?(?:\/(\d+))?/.exec(location.hash) || [];
    const view = ['phones', 'requests', 'quotas', 'controls'].includes(m[1]) ? m[1] : 'phones';
    S.view = view;
    for (const sec of document.querySelectorAll('.view')) sec.hidden = sec.id !== 'view-' + view;
    for (const a of document.querySelectorAll('.tabs a')) a.classList.toggle('active', a.dataset.view === view);
    document.body.dataset.view = view;
    if (view === 'requests') {
      drawList(true);
      if (m[2]) openEntry(Number(m[2])); else drawDetail();
    }
    if (view === 'quotas') { drawQuotas(); pullQuotas(); }
    if (view === 'controls') { drawControls(); loadFaults(); }
  }

  function drawAll() {
    drawPhones();
    drawFilterOptions();
    drawControls();
    drawList(true);
    drawCounts();
    if (S.view === 'quotas') drawQuotas();
  }

  async function main() {
    wireFilters();
    wireControls();
    window.addEventListener('hashchange', route);
    route();
    connect();
    try {
      await loadAll();
    } catch (err) {
      toast('Cannot reach the control plane: ' + err.message, true);
    }
    drawAll();
    route();
    document.body.dataset.ready = 'true';
    setInterval(() => { drawClock(); tickCards(); }, 1000);
    // A slow reader can miss events; a cheap catch-up now and then.
    setInterval(() => { pullLedger(); if (S.view === 'quotas') pullQuotas(); }, 5000);
  }

  main();
})();
