// Imaging Edge ops view. Reads the topic tree of docs/telemetry.md (status, heartbeat, history, events) and sends
// MQTT 5 commands. Everything from the broker is rendered with textContent: a payload is data, never markup.
// Built for hundreds of gateways: messages only mark a gateway dirty; a flush every 250 ms touches the cells whose
// text changed, moves rows only when the order changed, and redraws a sparkline at most every 5 s.
/* global mqtt */
(function () {
  'use strict';

  const RECENT_EVENT_MS = 15 * 60 * 1000;              // how long an alerting event stays on the board
  const ANSWER_TIMEOUT_MS = 30 * 1000;                  // a gateway that is offline never answers
  const HOUR_MS = 60 * 60 * 1000;
  const LIVE_BUCKET_MS = 20 * 1000;                     // live trend points: one per 20 s, 180 an hour
  const LIVE_POINTS = HOUR_MS / LIVE_BUCKET_MS + 1;     // a ring's slots: an hour of buckets and the one filling
  const SPARK_EVERY_MS = 5000;
  const DEFAULT_HEARTBEAT_S = 30;                       // Mqtt:HeartbeatSeconds default, until two heartbeats tell
  const ALERT_EVENTS = ['upload.failed', 'disk.reserve', 'events.dropped'];
  const COMMANDS = ['retry-failed', 'pause-uploads', 'resume-uploads'];
  const KINDS = ['status', 'events', 'heartbeat', 'history'];
  const STATE_ORDER = { offline: 0, silent: 1, degraded: 2, unknown: 3, online: 4 };
  // beside the page: in the repository a link to docs/runbook.md, in the package a copy (the page is installed alone)
  const RUNBOOK = 'runbook.md';
  // alert rules (docs/telemetry.md, "Alerts"): each names its runbook section
  const RULES = {
    'upload-failed': { title: 'upload.failed burst', runbook: '#events-worth-an-alert' },
    'disk-reserve': { title: 'disk below reserve', runbook: '#what-each-reason-means-and-what-to-do' },
    'circuit-open': { title: 'circuit open', runbook: '#what-each-reason-means-and-what-to-do' },
    silent: { title: 'silent (no heartbeat)', runbook: '#events-worth-an-alert' },
    offline: { title: 'offline', runbook: '#is-it-working' },
    'erasure-unfinished': { title: 'erasure unfinished', runbook: '#what-each-reason-means-and-what-to-do' },
    'device-disconnected': { title: 'device disconnected', runbook: '#what-each-reason-means-and-what-to-do' },
  };

  const $ = (id) => document.getElementById(id);
  const tbody = document.querySelector('#gateways tbody');
  const gateways = new Map();   // "site/gateway" -> row state, see gatewayFor
  const pending = new Map();    // correlation data (hex) -> { gw, command, requestId, timer, where }
  const dirty = new Set();
  const acks = new Map();       // alert id -> { by, at }
  const alertItems = new Map(); // alert id -> <li>
  let client = null;
  let settings = readSettings();
  let clientId = '';
  let responseTopic = '';
  let unmatched = 0;
  let sortKey = 'name';
  let sortDir = 1;
  let summaryFilter = '';
  let textFilter = '';
  let grouped = false;
  let orderDirty = true;
  let detail = null;            // the gateway shown in the detail panel
  let signingKey = null;        // { operator, key: CryptoKey }
  const groupRows = new Map();  // site -> <tr class="group">
  const stats = { flushes: 0, flushMsTotal: 0, flushMsMax: 0, messages: 0, firstPaintMs: 0, rows: 0, rowsPaintedMs: 0, connectedAt: 0 };

  // --- settings: query string first, then the form --------------------------------------------------
  function readSettings() {
    const q = new URLSearchParams(location.search);
    // A password never comes from the address: it would sit in history, bookmarks and proxy logs. One put there
    // (an old bookmark) is ignored and taken out of the address bar at once; the form is the only way in.
    if (q.has('password')) {
      q.delete('password');
      history.replaceState(null, '', `${location.pathname}${q.size ? '?' + q : ''}`);
      $('url-password').hidden = false;
    }
    // file:// has no host name; a page opened from disk usually talks to a broker on this machine
    const host = location.hostname || 'localhost';
    const minutes = Number(q.get('circuitOpenMinutes'));
    return {
      broker: q.get('broker') || `ws://${host}:9001`,
      root: (q.get('root') || 'imaging-edge/v1').replace(/\/+$/, ''),
      username: q.get('username') || '',
      password: '',
      circuitOpenMs: (Number.isFinite(minutes) && minutes >= 0 && q.has('circuitOpenMinutes') ? minutes : 10) * 60000,
    };
  }

  function fillForm() {
    const form = $('settings');
    for (const name of ['broker', 'root', 'username', 'password']) form.elements[name].value = settings[name];
  }

  $('settings').addEventListener('submit', (e) => {
    e.preventDefault();
    const form = e.target;
    settings = {
      ...settings,
      broker: form.elements.broker.value.trim(),
      root: form.elements.root.value.trim().replace(/\/+$/, ''),
      username: form.elements.username.value.trim(),
      password: form.elements.password.value,
    };
    // keep the view bookmarkable, but never put the password in the address bar or history
    const q = new URLSearchParams({ broker: settings.broker, root: settings.root });
    if (settings.username) q.set('username', settings.username);
    history.replaceState(null, '', `${location.pathname}?${q}`);
    connect();
  });

  // --- MQTT ------------------------------------------------------------------------------------------
  function randomHex(bytes) {
    return hex(crypto.getRandomValues(new Uint8Array(bytes))); // crypto.randomUUID needs a secure context
  }

  function hex(data) {
    return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function setConnection(state, text) {
    const p = $('connection');
    p.dataset.state = state;   // tests and CSS key on this, people read the text
    p.textContent = text;
  }

  const operatorName = () => settings.username || 'anonymous';
  const ackFilter = () => `${settings.root}/ops/+/acks/#`;

  function connect() {
    if (client) client.end(true);
    for (const gw of gateways.values()) gw.row.remove();
    for (const row of groupRows.values()) row.remove();
    gateways.clear();
    groupRows.clear();
    acks.clear();
    clientId = 'dashboard-' + randomHex(6);
    responseTopic = `${settings.root}/dashboard/${clientId}/responses`;
    setConnection('connecting', `connecting to ${settings.broker} …`);
    client = mqtt.connect(settings.broker, {
      protocolVersion: 5,          // response topic, correlation data and user properties are MQTT 5
      clientId,
      username: settings.username || undefined,
      password: settings.password || undefined,
      clean: true,
      reconnectPeriod: 5000,
      connectTimeout: 10000,
    });
    client.on('connect', () => {
      const topics = KINDS.map((k) => `${settings.root}/+/+/${k}`).concat(responseTopic, ackFilter());
      setConnection('connected', `connected to ${settings.broker}, subscribing …`);
      stats.connectedAt = performance.now();
      client.subscribe(topics, { qos: 1 }, (err) => {
        if (err) setConnection('error', `subscribe failed: ${err.message}`);
        else setConnection('subscribed', `connected to ${settings.broker} as ${clientId}`);
      });
    });
    client.on('reconnect', () => setConnection('connecting', `reconnecting to ${settings.broker} …`));
    client.on('close', () => {
      if ($('connection').dataset.state !== 'error') setConnection('disconnected', `disconnected from ${settings.broker}`);
    });
    client.on('error', (err) => setConnection('error', `${settings.broker}: ${err.message}`));
    client.on('message', onMessage);
  }

  function onMessage(topic, payload, packet) {
    stats.messages += 1;
    if (topic === responseTopic) return onAnswer(payload, packet.properties || {});
    if (!topic.startsWith(settings.root + '/')) return;
    const rest = topic.slice(settings.root.length + 1).split('/');
    if (rest[0] === 'ops' && rest[2] === 'acks') return onAck(rest, payload);
    if (rest.length !== 3 || !KINDS.includes(rest[2])) return;
    const [site, name, kind] = rest;
    if ((kind === 'status' || kind === 'history') && payload.length === 0) {
      if (kind === 'status') forget(`${site}/${name}`); // retained status cleared
      return;
    }
    const json = parse(payload);
    if (json === null || typeof json !== 'object') return;
    const gw = gatewayFor(site, name);
    const now = Date.now();
    if (kind === 'status') onStatus(gw, json, now);
    else if (kind === 'heartbeat') onHeartbeat(gw, json, now);
    else if (kind === 'history') onHistory(gw, json);
    else onEvent(gw, json, now);
    dirty.add(gw);
  }

  function parse(payload) {
    try {
      return JSON.parse(new TextDecoder().decode(payload));
    } catch {
      return null;
    }
  }

  function onStatus(gw, json, now) {
    const before = gw.status;
    gw.status = json;
    const q = json.queue || {};
    const moved = num(q.uploaded) + num(q.evicted);
    const ts = Date.parse(json.ts);
    if (before && before.queue && Number.isFinite(ts) && Number.isFinite(gw.movedAt) && ts > gw.movedAt) {
      gw.rate = Math.max(0, (moved - gw.moved) / ((ts - gw.movedAt) / 1000));
    }
    if (Number.isFinite(ts)) {
      gw.moved = moved;
      gw.movedAt = ts;
    }
    const up = json.upload || {};
    if (typeof up.bytesPerSecond === 'number') addLive(gw.series.rate, now, up.bytesPerSecond);
    if (typeof q.pending === 'number') addLive(gw.series.backlog, now, q.pending);
    if (json.disk && typeof json.disk.usedPercent === 'number') addLive(gw.series.disk, now, json.disk.usedPercent);
    for (const [circuit, state] of Object.entries(up.circuits || {})) {
      if (state === 'open') { if (!gw.openSince.has(circuit)) gw.openSince.set(circuit, now); } else gw.openSince.delete(circuit);
    }
    orderDirty = true;
  }

  function onHeartbeat(gw, json, now) {
    const ts = Date.parse(json.ts);
    if (gw.lastBeat && Number.isFinite(ts) && typeof json.seq === 'number' && json.seq > gw.lastBeat.seq) {
      const interval = (ts - gw.lastBeat.ts) / 1000 / (json.seq - gw.lastBeat.seq);
      if (interval > 0) gw.heartbeatSeconds = interval;
    }
    if (Number.isFinite(ts) && typeof json.seq === 'number') gw.lastBeat = { ts, seq: json.seq };
    gw.heartbeatAt = now;
    if (json.queue && typeof json.queue.pending === 'number') addLive(gw.series.backlog, now, json.queue.pending);
  }

  function onHistory(gw, json) {
    gw.commands = json.commands && typeof json.commands === 'object' ? json.commands : null;
    const points = Array.isArray(json.points) ? json.points : [];
    const series = { backlog: [], rate: [], disk: [] };
    for (const p of points) {
      const t = Date.parse(p && p.ts);
      if (!Number.isFinite(t)) continue;
      if (typeof p.pending === 'number') series.backlog.push([t, p.pending]);
      if (typeof p.bytesPerSecond === 'number') series.rate.push([t, p.bytesPerSecond]);
      if (typeof p.diskUsedPercent === 'number') series.disk.push([t, p.diskUsedPercent]);
    }
    gw.history = series;
    gw.sparkAt = 0;
  }

  function onEvent(gw, json, now) {
    gw.lastEvents.unshift({ at: now, json });
    if (gw.lastEvents.length > 20) gw.lastEvents.pop();
    const type = json.type;
    const data = json.data && typeof json.data === 'object' ? json.data : {};
    if (ALERT_EVENTS.includes(type)) gw.events.set(type, { at: now, data });
    if (type === 'upload.failed') {
      gw.failures.push(now);
      while (gw.failures.length && now - gw.failures[0] > 5 * 60000) gw.failures.shift();
      if (gw.failures.length >= 3 && !gw.burstSince) gw.burstSince = Date.parse(json.ts) || now;
    }
    if (gw === detail) renderDetailEvents();
  }

  // A live series keeps one point per 20 s (the latest) for the last hour, in a ring of two typed arrays allocated
  // with the gateway: a [time, value] array per point grew the JS heap from 12.3 to 13.9 MiB in 10 minutes at 500
  // gateways (packaging/dashboard/soak-memory.sh), and on for the whole first hour; the ring costs 8.7 kB per gateway
  // from the start and then nothing.
  function liveSeries() {
    return { t: new Float64Array(LIVE_POINTS), v: new Float64Array(LIVE_POINTS), start: 0, length: 0 };
  }

  function addLive(series, now, value) {
    const { t, v } = series;
    const last = (series.start + series.length - 1) % LIVE_POINTS;
    if (series.length && Math.floor(t[last] / LIVE_BUCKET_MS) === Math.floor(now / LIVE_BUCKET_MS)) {
      v[last] = value;
      return;
    }
    while (series.length && (now - t[series.start] > HOUR_MS || series.length === LIVE_POINTS)) {
      series.start = (series.start + 1) % LIVE_POINTS;
      series.length -= 1;
    }
    const slot = (series.start + series.length) % LIVE_POINTS;
    t[slot] = now;
    v[slot] = value;
    series.length += 1;
  }

  function num(value) {
    return typeof value === 'number' && Number.isFinite(value) ? value : 0;
  }

  // --- commands ----------------------------------------------------------------------------------------
  function send(gw, command, args, auth, where) {
    const show = where === 'detail' ? showDetailAnswer : (text, kind) => showAnswer(gw, command, text, kind);
    if (!client || !client.connected) return show('not connected', 'error');
    const correlation = crypto.getRandomValues(new Uint8Array(16));
    const requestId = auth ? auth.requestId : randomHex(8);
    const body = { requestId, actor: `dashboard:${operatorName()}`, args: args || {} };
    if (auth) body.auth = auth.auth;
    const key = hex(correlation);
    const timer = setTimeout(() => {
      if (pending.delete(key)) show('no answer (gateway offline?)', 'error');
    }, ANSWER_TIMEOUT_MS);
    pending.set(key, { gw, command, requestId, timer, show });
    show('sent …', 'waiting');
    client.publish(`${settings.root}/${gw.site}/${gw.name}/cmd/${command}`, JSON.stringify(body), {
      qos: 1,
      properties: {
        responseTopic,
        correlationData: correlation,
        userProperties: { 'client-id': clientId, username: operatorName() },
      },
    }, (err) => {
      if (err && pending.delete(key)) {
        clearTimeout(timer);
        show(`not sent: ${err.message}`, 'error');
      }
    });
  }

  function onAnswer(payload, properties) {
    const key = properties.correlationData ? hex(properties.correlationData) : '';
    const request = pending.get(key);
    if (!request) {
      unmatched += 1;   // late, duplicated or someone else's answer
      const note = $('unmatched');
      note.hidden = false;
      note.textContent = `answers not matched to a request of this page: ${unmatched}`;
      return;
    }
    pending.delete(key);
    clearTimeout(request.timer);
    const json = parse(payload);
    if (json === null || typeof json !== 'object') return request.show('answer is not JSON', 'error');
    if (json.ok === true) {
      const result = json.result === undefined ? '' : ' ' + JSON.stringify(json.result);
      request.show('ok' + result, 'ok');
    } else {
      const error = json.error || {};
      request.show(`failed: ${error.message || error.code || 'no reason given'}`, 'error');
    }
  }

  function showAnswer(gw, command, text, kind) {
    gw.cells.answer.textContent = `${command}: ${text}`;
    gw.cells.answer.dataset.kind = kind;
  }

  function showDetailAnswer(text, kind) {
    const answer = $('detail-answer');
    answer.textContent = text;
    answer.dataset.kind = kind;
  }

  // --- signed commands (docs/telemetry.md, "Signed commands") -----------------------------------------
  const sorted = (v) => (Array.isArray(v) ? v.map(sorted)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v);

  async function sign(gw, command, args) {
    const requestId = randomHex(8);
    const timestamp = Math.floor(Date.now() / 1000);
    const operator = signingKey.operator;
    const canonical = JSON.stringify(['imaging-edge-command-v1', gw.site, gw.name, command, requestId, timestamp, operator, sorted(args)]);
    const raw = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, signingKey.key, new TextEncoder().encode(canonical));
    return { requestId, auth: { operator, timestamp, signature: btoa(String.fromCharCode(...new Uint8Array(raw))) } };
  }

  $('key-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    const operator = $('key-operator').value.trim();
    e.target.value = '';
    signingKey = null;
    try {
      if (!operator) throw new Error('name the operator first');
      if (!crypto.subtle) throw new Error('WebCrypto needs a secure context (https, localhost or a file)');
      const pem = await file.text();
      const body = pem.match(/-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/);
      if (!body) throw new Error('not a PKCS#8 PEM private key');
      const der = Uint8Array.from(atob(body[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0));
      const key = await crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
      signingKey = { operator, key };
      $('key-state').textContent = `key of ${operator} loaded`;
    } catch (err) {
      $('key-state').textContent = `no key loaded: ${err.message}`;
    }
    if (detail) renderDetail();
  });

  // --- the table ---------------------------------------------------------------------------------------
  // A row is built once and then only its cells' text changes: rebuilding it every second would swallow
  // a click whose mouse-down and mouse-up land on two different button elements.
  const COLUMNS = ['name', 'state', 'reasons', 'pending', 'failed', 'bytes', 'oldest', 'lastUpload', 'upload',
    'disk', 'heartbeat', 'trend', 'alerts'];

  // rows on screen, or within a screen of it: only these are painted (see paint)
  const onScreen = new Set();
  const rowOwner = new WeakMap();
  const screen = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const gw = rowOwner.get(entry.target);
      if (!gw) continue;
      if (entry.isIntersecting) {
        onScreen.add(gw);
        if (gw.stale) dirty.add(gw);
      } else {
        onScreen.delete(gw);
      }
    }
  }, { rootMargin: '600px 0px' });

  function gatewayFor(site, name) {
    const key = `${site}/${name}`;
    let gw = gateways.get(key);
    if (gw) return gw;
    const row = document.createElement('tr');
    row.dataset.gateway = key;
    row.dataset.state = 'unknown';
    const cells = {};
    for (const column of COLUMNS) {
      cells[column] = row.insertCell();
      cells[column].className = column;
    }
    const actions = row.insertCell();
    actions.className = 'commands';
    gw = {
      key, site, name, row, cells, status: null, heartbeatAt: 0, firstSeen: Date.now(), events: new Map(),
      series: { backlog: liveSeries(), rate: liveSeries(), disk: liveSeries() }, history: { backlog: [], rate: [], disk: [] }, sparkAt: 0,
      openSince: new Map(), failures: [], burstSince: 0, lastEvents: [], commands: null, rate: 0, moved: 0, movedAt: NaN,
      heartbeatSeconds: 0, lastBeat: null, view: {}, alerts: [],
    };
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'open';
    open.textContent = key;
    open.title = 'details';
    open.addEventListener('click', () => showDetail(gw));
    cells.name.append(open);
    cells.trend.append(chartSvg('spark', 'backlog', 100, 20), chartSvg('spark', 'rate', 100, 20));
    for (const command of COMMANDS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = command;
      button.dataset.command = `${key}/${command}`;
      button.addEventListener('click', () => send(gw, command));
      actions.append(button);
    }
    cells.answer = document.createElement('div');
    cells.answer.className = 'answer';
    actions.append(cells.answer);
    tbody.append(row);
    rowOwner.set(row, gw);
    screen.observe(row);
    gw.stale = true;
    gateways.set(key, gw);
    orderDirty = true;
    $('empty').hidden = true;
    return gw;
  }

  function forget(key) {
    const gw = gateways.get(key);
    if (!gw) return;
    gw.row.remove();
    screen.unobserve(gw.row);
    onScreen.delete(gw);
    gateways.delete(key);
    dirty.delete(gw);
    if (detail === gw) hideDetail();
    $('empty').hidden = gateways.size > 0;
    orderDirty = true;
  }

  // What the row shows and sorts by; 'silent' is the page's verdict, not the gateway's.
  function stateOf(gw, now) {
    const s = gw.status || {};
    const state = typeof s.state === 'string' ? s.state : 'unknown';
    if (state === 'offline') return 'offline';
    const interval = (gw.heartbeatSeconds || DEFAULT_HEARTBEAT_S) * 1000;
    const since = gw.heartbeatAt || gw.firstSeen;
    if (now - since > 3 * interval) return 'silent';
    return state;
  }

  // What sorting, filtering, the summary and the alerts need: kept current for every gateway, no DOM work.
  function compute(gw, now) {
    const s = gw.status || {};
    const q = s.queue || {};
    const up = s.upload || {};
    const disk = s.disk || {};
    const state = stateOf(gw, now);
    const v = gw.view;
    v.state = state;
    v.pending = typeof q.pending === 'number' ? q.pending : -1;
    v.failed = typeof q.failed === 'number' ? q.failed : -1;
    v.bytes = typeof q.bytesPending === 'number' ? q.bytesPending : -1;
    v.oldest = typeof q.oldestPendingAgeSeconds === 'number' ? q.oldestPendingAgeSeconds : -1;
    v.lastUpload = up.lastSuccess ? Date.parse(up.lastSuccess) || 0 : 0;
    v.upload = gw.rate;
    v.disk = typeof disk.usedPercent === 'number' ? disk.usedPercent : -1;
    v.heartbeat = gw.heartbeatAt;
    v.reasons = reasonsOf(s);
    v.alertLines = alertsOf(gw, s, state);
    v.alerts = v.alertLines.length;
    v.text = `${gw.key}\n${v.reasons.join('\n')}`.toLowerCase();
    gw.alerts = rulesOf(gw, s, state, now);
    if (gw.row.dataset.state !== state) gw.row.dataset.state = state;
  }

  // The row's cells: only for rows on screen (or near it). A changed cell costs a layout, and 500 rows changing
  // every second off screen would cost most of the main thread; a row scrolled into view is painted then.
  function paint(gw, now) {
    gw.stale = false;
    const s = gw.status || {};
    const q = s.queue || {};
    const up = s.upload || {};
    const disk = s.disk || {};
    const c = gw.cells;
    const v = gw.view;
    c.name.title = s.version ? `version ${s.version}` : '';
    setText(c.state, v.state);
    c.state.title = s.ts ? `status of ${s.ts}` : '';
    setLines(c.reasons, v.reasons);
    setText(c.pending, numberOr(q.pending));
    setText(c.failed, numberOr(q.failed));
    setText(c.bytes, v.bytes >= 0 ? formatBytes(v.bytes) : '–');
    setText(c.oldest, v.oldest >= 0 ? formatAge(v.oldest) : '–');
    setText(c.lastUpload, up.lastSuccess ? ageSince(Date.parse(up.lastSuccess)) : '–');
    c.lastUpload.title = up.lastSuccess || '';
    const circuits = Object.entries(up.circuits || {}).map(([name, circuit]) => `${name} ${circuit}`);
    setLines(c.upload, [
      up.endpoint ? `to ${up.endpoint}` : '',
      circuits.length ? `circuits: ${circuits.join(', ')}` : '',
      up.paused ? 'paused' : '',
    ]);
    setLines(c.disk, [
      typeof disk.usedPercent === 'number' ? `${disk.usedPercent.toFixed(1)} % used` : '',
      disk.belowReserve ? 'below reserve' : '',
    ]);
    setText(c.heartbeat, gw.heartbeatAt ? ageSince(gw.heartbeatAt) : '–');
    setLines(c.alerts, v.alertLines);
    gw.row.classList.toggle('alerting', v.alerts > 0);
    if (now - gw.sparkAt >= SPARK_EVERY_MS) {
      gw.sparkAt = now;
      drawSpark(c.trend.children[0], merged(gw, 'backlog'), now);
      drawSpark(c.trend.children[1], merged(gw, 'rate'), now);
    }
  }

  function reasonsOf(s) {
    if (Array.isArray(s.reasons)) return s.reasons.map(String);
    return typeof s.reason === 'string' ? [s.reason] : [];   // offline payloads carry a single reason
  }

  // The row's own list: what is wrong now, as the gateway says it, and alerting events of the last 15 minutes.
  function alertsOf(gw, s, state) {
    const alerts = [];
    if (state === 'offline') alerts.push(`offline${s.reason ? ': ' + s.reason : ''}`);
    if (state === 'silent') alerts.push('silent: no heartbeat for 3 intervals');
    if (s.state === 'degraded') for (const reason of reasonsOf(s)) alerts.push(`degraded: ${reason}`);
    const failed = s.queue && s.queue.failed;
    if (typeof failed === 'number' && failed > 0) alerts.push(`${failed} failed`);
    if (s.disk && s.disk.belowReserve) alerts.push('disk below reserve');
    const now = Date.now();
    for (const [type, event] of gw.events) {
      if (now - event.at > RECENT_EVENT_MS) continue;
      const d = event.data;
      const detail = type === 'upload.failed' ? d.error
        : type === 'events.dropped' ? (d.count !== undefined ? `${d.count} dropped` : '')
        : type === 'disk.reserve' ? (d.belowReserve ? 'below reserve' : 'back above reserve') : '';
      alerts.push(`${type}${detail ? ' (' + detail + ')' : ''} ${formatAge((now - event.at) / 1000)} ago`);
    }
    return alerts;
  }

  // The fleet's alert rules (docs/telemetry.md, "Alerts"): [{ id, rule, text, since }]
  function rulesOf(gw, s, state, now) {
    const out = [];
    const add = (rule, sub, text, since) => out.push({ id: `${gw.key}/${rule}${sub ? '/' + encodeURIComponent(sub) : ''}`, rule, text, since, gw });
    if (gw.burstSince && gw.failures.length && now - gw.failures[gw.failures.length - 1] <= RECENT_EVENT_MS) {
      add('upload-failed', '', `${gw.failures.length} upload.failed in 5 min`, gw.burstSince);
    } else {
      gw.burstSince = 0;
    }
    const reserve = gw.events.get('disk.reserve');
    if ((s.disk && s.disk.belowReserve) || (reserve && reserve.data.belowReserve === true && now - reserve.at <= RECENT_EVENT_MS && !(s.disk && s.disk.belowReserve === false && Date.parse(s.ts) > reserve.at))) {
      add('disk-reserve', '', 'disk below reserve: new instances refused', 0);
    }
    for (const [circuit, since] of gw.openSince) {
      if (now - since >= settings.circuitOpenMs) add('circuit-open', circuit, `circuit ${circuit} open for ${formatAge((now - since) / 1000)}`, 0);
    }
    if (state === 'silent') add('silent', '', 'no heartbeat for 3 intervals', 0);
    if (state === 'offline') add('offline', '', s.reason || 'no reason given', 0);
    if (s.queue && num(s.queue.erasing) > 0) add('erasure-unfinished', '', `${s.queue.erasing} instances held by an unfinished erasure`, 0);
    for (const device of Array.isArray(s.devices) ? s.devices : []) {
      if (device && device.connected === false) add('device-disconnected', String(device.name), `device ${device.name}: ${device.state || 'disconnected'} (${device.reason || 'no reason'})`, 0);
    }
    return out;
  }

  // --- alerts list and acknowledgements ---------------------------------------------------------------
  function onAck(rest, payload) {
    // {root}/ops/{operator}/acks/{site}/{gateway}/{rule}[/{sub}]
    if (rest.length < 6) return;
    const id = rest.slice(3).join('/');
    if (payload.length === 0) acks.delete(id);
    else {
      const json = parse(payload);
      if (json && typeof json === 'object') acks.set(id, { by: String(json.by || rest[1]), at: Date.parse(json.ts) || 0 });
    }
    for (const gw of gateways.values()) dirty.add(gw);
  }

  function acked(alert) {
    const ack = acks.get(alert.id);
    return !!ack && (!alert.since || alert.since <= ack.at);
  }

  function acknowledge(alert) {
    if (!client || !client.connected) return;
    const body = { schemaVersion: 1, ts: new Date().toISOString(), by: operatorName(), rule: alert.rule };
    client.publish(`${settings.root}/ops/${operatorName()}/acks/${alert.id}`, JSON.stringify(body), { qos: 1, retain: true });
  }

  function renderAlerts(all) {
    const list = $('alert-list');
    const seen = new Set();
    for (const alert of all) {
      seen.add(alert.id);
      let li = alertItems.get(alert.id);
      if (!li) {
        li = document.createElement('li');
        li.dataset.alert = alert.id;
        li.dataset.rule = alert.rule;
        const gwButton = document.createElement('button');
        gwButton.type = 'button';
        gwButton.className = 'gw';
        gwButton.textContent = alert.gw.key;
        const gwRef = alert.gw;
        gwButton.addEventListener('click', () => showDetail(gwRef));
        const text = document.createElement('span');
        text.className = 'text';
        const link = document.createElement('a');
        link.href = RUNBOOK + RULES[alert.rule].runbook;
        link.target = '_blank';
        link.rel = 'noopener';
        link.textContent = 'what to do';
        const ack = document.createElement('button');
        ack.type = 'button';
        ack.className = 'ack';
        ack.textContent = 'acknowledge';
        ack.addEventListener('click', () => acknowledge(li.alert));
        const by = document.createElement('span');
        by.className = 'by';
        li.append(gwButton, text, link, ack, by);
        list.append(li);
        alertItems.set(alert.id, li);
      }
      li.alert = alert;
      setText(li.children[1], `${RULES[alert.rule].title}: ${alert.text}`);
      const ack = acked(alert) ? acks.get(alert.id) : null;
      li.dataset.acked = ack ? 'yes' : 'no';
      li.children[3].hidden = !!ack;
      setText(li.children[4], ack ? `acknowledged by ${ack.by}` : '');
    }
    for (const [id, li] of alertItems) {
      if (seen.has(id)) continue;
      li.remove();
      alertItems.delete(id);
      // the alert is over: this operator's acknowledgement must not hide the next one
      if (acks.has(id) && acks.get(id).by === operatorName() && client && client.connected) {
        client.publish(`${settings.root}/ops/${operatorName()}/acks/${id}`, '', { qos: 1, retain: true });
      }
    }
    $('no-alerts').hidden = all.length > 0;
  }

  // --- flush: one pass over what changed --------------------------------------------------------------
  function flush() {
    const started = performance.now();
    const now = Date.now();
    for (const gw of dirty) {
      if (!gateways.has(gw.key)) continue;
      compute(gw, now);
      if (onScreen.has(gw)) paint(gw, now);
      else gw.stale = true;
    }
    const hadDirty = dirty.size > 0;
    dirty.clear();
    if (hadDirty || orderDirty) {
      summarize(now);
      order();
      applyFilter();
      orderDirty = false;
    }
    if (detail && hadDirty) renderDetail();
    const took = performance.now() - started;
    if (hadDirty) {
      stats.flushes += 1;
      stats.flushMsTotal += took;
      stats.flushMsMax = Math.max(stats.flushMsMax, took);
      if (!stats.firstPaintMs && gateways.size) stats.firstPaintMs = performance.now() - stats.connectedAt;
      // when the last new row was drawn: with a retained fleet, the whole table's first paint
      if (gateways.size > stats.rows) { stats.rows = gateways.size; stats.rowsPaintedMs = performance.now() - stats.connectedAt; }
    }
  }

  function summarize(now) {
    const counts = { online: 0, degraded: 0, offline: 0, silent: 0 };
    let backlog = 0; let bytes = 0; let oldest = -1; let rate = 0;
    const all = [];
    for (const gw of gateways.values()) {
      const state = gw.view.state || stateOf(gw, now);
      if (state in counts) counts[state] += 1;
      backlog += Math.max(0, gw.view.pending ?? 0);
      bytes += Math.max(0, gw.view.bytes ?? 0);
      oldest = Math.max(oldest, gw.view.oldest ?? -1);
      rate += gw.rate;
      for (const alert of gw.alerts) all.push(alert);
    }
    const open = all.filter((a) => !acked(a)).length;
    for (const [name, value] of Object.entries(counts)) setText(countCell(name), String(value));
    setText(countCell('backlog'), String(backlog));
    setText(countCell('backlogBytes'), formatBytes(bytes));
    setText(countCell('oldest'), oldest >= 0 ? formatAge(oldest) : '–');
    setText(countCell('rate'), rate >= 10 ? rate.toFixed(0) : rate.toFixed(1));
    setText(countCell('alerts'), String(open));
    renderAlerts(all);
  }

  const countCells = new Map();
  function countCell(name) {
    if (!countCells.has(name)) countCells.set(name, document.querySelector(`#summary [data-count="${name}"]`));
    return countCells.get(name);
  }

  function compare(a, b) {
    if (sortKey === 'name') return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    const value = (gw) => {
      const v = gw.view;
      switch (sortKey) {
        case 'state': return STATE_ORDER[v.state] ?? 3;
        case 'reasons': return (v.reasons || []).length;
        case 'trend': return v.pending ?? -1;
        default: return v[sortKey] ?? -1;
      }
    };
    const d = value(a) - value(b);
    return d !== 0 ? d * sortDir : (a.key < b.key ? -1 : 1);
  }

  // Moves rows only when the order changed: the nodes stay, with their focus and half-done clicks.
  function order() {
    const list = [...gateways.values()].sort((a, b) => {
      if (grouped && a.site !== b.site) return a.site < b.site ? -1 : 1;
      return sortKey === 'name' ? compare(a, b) * sortDir : compare(a, b);
    });
    const wanted = [];
    let site = null;
    for (const gw of list) {
      if (grouped && gw.site !== site) {
        site = gw.site;
        wanted.push(groupRow(site));
      }
      wanted.push(gw.row);
    }
    for (const [name, row] of groupRows) {
      if (!grouped || !list.some((gw) => gw.site === name)) { row.remove(); groupRows.delete(name); }
    }
    const current = tbody.children;
    let same = current.length === wanted.length;
    for (let i = 0; same && i < wanted.length; i++) same = current[i] === wanted[i];
    if (same) return;
    const fragment = document.createDocumentFragment();
    for (const row of wanted) fragment.append(row);
    tbody.append(fragment);
  }

  function groupRow(site) {
    let row = groupRows.get(site);
    if (!row) {
      row = document.createElement('tr');
      row.className = 'group';
      row.dataset.site = site;
      const cell = row.insertCell();
      cell.colSpan = COLUMNS.length + 1;
      groupRows.set(site, row);
    }
    const members = [...gateways.values()].filter((gw) => gw.site === site);
    const bad = members.filter((gw) => gw.view.state !== 'online').length;
    setText(row.cells[0], `${site} — ${members.length} gateways${bad ? `, ${bad} not online` : ''}`);
    return row;
  }

  function matches(gw) {
    const v = gw.view;
    if (textFilter && !(v.text || gw.key.toLowerCase()).includes(textFilter)) return false;
    switch (summaryFilter) {
      case '': return true;
      case 'backlog': case 'oldest': return (v.pending ?? 0) > 0;
      case 'uploading': return gw.rate > 0;
      case 'alerts': return gw.alerts.some((a) => !acked(a));
      default: return v.state === summaryFilter;
    }
  }

  function applyFilter() {
    let shown = 0;
    const sitesShown = new Set();
    for (const gw of gateways.values()) {
      const hide = !matches(gw);
      if (gw.row.hidden !== hide) gw.row.hidden = hide;
      if (!hide) { shown += 1; sitesShown.add(gw.site); }
    }
    for (const [site, row] of groupRows) row.hidden = !sitesShown.has(site);
    setText($('shown'), `${shown} of ${gateways.size} shown`);
  }

  // sorting: each header is a button (keyboard: Tab, Enter/Space)
  for (const th of document.querySelectorAll('#gateways th[data-sort]')) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort';
    button.append(...th.childNodes);
    th.append(button);
    button.addEventListener('click', () => {
      const key = th.dataset.sort;
      sortDir = sortKey === key ? -sortDir : (key === 'name' || key === 'state' ? 1 : -1); // worst state, biggest number first
      sortKey = key;
      for (const other of document.querySelectorAll('#gateways th[data-sort]')) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
      orderDirty = true;
      flush();
    });
  }
  document.querySelector('#gateways th[data-sort="name"]').setAttribute('aria-sort', 'ascending');

  for (const button of document.querySelectorAll('#summary button')) {
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', () => {
      summaryFilter = summaryFilter === button.dataset.filter ? '' : button.dataset.filter;
      for (const b of document.querySelectorAll('#summary button')) b.setAttribute('aria-pressed', String(b.dataset.filter === summaryFilter));
      if (summaryFilter === 'oldest') { sortKey = 'oldest'; sortDir = -1; }
      orderDirty = true;
      flush();
    });
  }
  $('filter').addEventListener('input', (e) => {
    textFilter = e.target.value.trim().toLowerCase();
    orderDirty = true;
    flush();
  });
  $('group').addEventListener('change', (e) => {
    grouped = e.target.checked;
    orderDirty = true;
    flush();
  });

  // --- sparklines and charts (SVG) --------------------------------------------------------------------
  const SVG = 'http://www.w3.org/2000/svg';

  // an empty chart: drawSpark fills its polyline, data-values and title
  function chartSvg(kind, series, width, height) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', `${kind} ${series}`);
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.dataset.series = series;
    svg.append(document.createElementNS(SVG, 'title'), document.createElementNS(SVG, 'polyline'));
    return svg;
  }

  // history points (minutes before the page opened) then the live ones, over the last hour
  function merged(gw, series) {
    const live = gw.series[series];
    const firstLive = live.length ? live.t[live.start] : Infinity;
    const points = gw.history[series].filter((p) => p[0] < firstLive);
    points.fromHistory = points.length;
    for (let i = 0; i < live.length; i++) {
      const slot = (live.start + i) % LIVE_POINTS;
      points.push([live.t[slot], live.v[slot]]);
    }
    return points;
  }

  // Draws points [t, v] over the last hour into a 100x20 (or given) viewBox; data-points keeps the values for tests and
  // people hovering (title), the polyline is scaled to the largest value.
  function drawSpark(svg, points, now, width = 100, height = 20) {
    const recent = points.filter((p) => now - p[0] <= HOUR_MS);
    const values = recent.map((p) => p[1]);
    const max = svg.dataset.series === 'disk' ? 100 : Math.max(1, ...values); // disk: always 0-100 %
    const polyline = svg.querySelector('polyline');
    const coordinates = recent.map(([t, v]) =>
      `${(width - ((now - t) / HOUR_MS) * width).toFixed(1)},${(height - (v / max) * (height - 1) - 0.5).toFixed(1)}`).join(' ');
    if (polyline.getAttribute('points') !== coordinates) polyline.setAttribute('points', coordinates);
    svg.dataset.values = values.join(',');
    svg.dataset.fromHistory = String(recent.filter((p) => points.fromHistory && points.indexOf(p) < points.fromHistory).length);
    svg.dataset.max = String(max);
    const label = svg.dataset.series === 'rate' ? 'upload rate' : svg.dataset.series;
    const format = svg.dataset.series === 'backlog' ? String : svg.dataset.series === 'disk' ? (x) => `${x.toFixed(1)} %` : (x) => `${formatBytes(x)}/s`;
    svg.querySelector('title').textContent = values.length
      ? `${label}, last hour: now ${format(values[values.length - 1])}, max ${format(Math.max(...values))}` : `${label}: no data yet`;
  }

  // --- detail panel -----------------------------------------------------------------------------------
  function showDetail(gw) {
    detail = gw;
    $('detail').hidden = false;
    $('detail-charts').replaceChildren(...['backlog', 'rate', 'disk'].map((series) => {
      const figure = document.createElement('figure');
      const caption = document.createElement('figcaption');
      caption.textContent = series === 'rate' ? 'upload rate' : series === 'disk' ? 'disk used %' : 'backlog (instances)';
      figure.append(caption, chartSvg('chart', series, 300, 60));
      return figure;
    }));
    $('detail-answer').textContent = '';
    renderDetail();
    renderDetailEvents();
    $('detail-close').focus();
  }

  function hideDetail() {
    const was = detail;
    detail = null;
    $('detail').hidden = true;
    if (was && was.row.isConnected) was.row.querySelector('button.open').focus();
  }
  $('detail-close').addEventListener('click', hideDetail);
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && detail) hideDetail(); });

  function renderDetail() {
    const gw = detail;
    const s = gw.status || {};
    const now = Date.now();
    setText($('detail-title'), `${gw.key} — ${gw.view.state || 'unknown'}`);
    for (const svg of $('detail-charts').querySelectorAll('svg')) drawSpark(svg, merged(gw, svg.dataset.series), now, 300, 60);
    setText($('detail-status'), JSON.stringify(s, null, 2));
    const circuits = Object.entries((s.upload && s.upload.circuits) || {});
    replaceList($('detail-circuits'), circuits.map(([name, state]) => {
      const since = gw.openSince.get(name);
      return `${name}: ${state}${since ? ` for ${formatAge((now - since) / 1000)}` : ''}`;
    }));
    const rows = (Array.isArray(s.devices) ? s.devices : []).map((d) => [String(d.name), String(d.state ?? ''),
      d.connected ? 'yes' : 'no', d.lastFrame ? ageSince(Date.parse(d.lastFrame)) : '–', numberOr(d.messages)]);
    const body = $('detail-devices').tBodies[0];
    const text = rows.map((r) => r.join('\t')).join('\n');
    if (body.dataset.text !== text) {
      body.dataset.text = text;
      body.replaceChildren(...rows.map((r) => {
        const tr = document.createElement('tr');
        for (const value of r) tr.insertCell().textContent = value;
        return tr;
      }));
    }
    // a destructive command only where the gateway allows it and a key it knows is loaded here
    const allow = !!(gw.commands && gw.commands.allowDestructive === true);
    const known = !!(signingKey && gw.commands && Array.isArray(gw.commands.operators) && gw.commands.operators.includes(signingKey.operator));
    $('erase-form').hidden = !(allow && known);
    setText($('erase-why'), allow && known ? '' : !allow ? 'erase-patient: off on this gateway (Mqtt:Commands:AllowDestructive)'
      : !signingKey ? 'erase-patient: load a signing key to offer it' : `erase-patient: this gateway knows no key named ${signingKey.operator}`);
  }

  function renderDetailEvents() {
    replaceList($('detail-events'), detail.lastEvents.map(({ json }) =>
      `${json.ts || ''} ${json.type || '?'} ${json.data === undefined ? '' : JSON.stringify(json.data)}`));
  }

  function replaceList(list, lines) {
    if (list.childElementCount === lines.length && [...list.children].every((li, i) => li.textContent === lines[i])) return;
    list.replaceChildren(...lines.map((line) => {
      const li = document.createElement('li');
      li.textContent = line;
      return li;
    }));
  }

  $('resend-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const study = e.target.elements.study.value.trim().toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(study)) return showDetailAnswer('a study pseudonym is 32 hex digits', 'error');
    send(detail, 'resend-study', { study }, null, 'detail');
  });

  $('erase-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const gw = detail;
    const patientId = e.target.elements.patientId.value.trim();
    if (!patientId || !signingKey) return;
    if (!confirm(`Erase every study of this patient on ${gw.key}${e.target.elements.cloud.checked ? ' and in the cloud' : ''}?`)) return;
    const args = { patientId, cloud: e.target.elements.cloud.checked };
    try {
      send(gw, 'erase-patient', args, await sign(gw, 'erase-patient', args), 'detail');
    } catch (err) {
      showDetailAnswer(`not signed: ${err.message}`, 'error');
    }
    e.target.elements.patientId.value = '';   // the patient ID stays in the page no longer than needed
  });

  // only touch the DOM when a value changes: every row is re-rendered every second
  function setText(cell, text) {
    if (cell.textContent !== text) cell.textContent = text;
  }

  function setLines(cell, lines) {
    const wanted = lines.filter((line) => line);
    if (cell.childElementCount === wanted.length &&
        [...cell.children].every((div, i) => div.textContent === wanted[i])) return;
    cell.replaceChildren(...wanted.map((line) => {
      const div = document.createElement('div');
      div.textContent = line;
      return div;
    }));
  }

  // --- formatting --------------------------------------------------------------------------------------
  function numberOr(value) {
    return typeof value === 'number' ? String(value) : '–';
  }

  function ageSince(ms) {
    return Number.isFinite(ms) ? `${formatAge(Math.max(0, (Date.now() - ms) / 1000))} ago` : '–';
  }

  function formatAge(seconds) {
    const s = Math.floor(seconds);
    if (s < 60) return `${s} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min`;
    if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
    return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
  }

  function formatBytes(bytes) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
  }

  // what the tests and the screenshot script read (never written from outside)
  window.imagingEdgeDashboard = Object.freeze({ stats, size: () => gateways.size });

  setInterval(flush, 250);
  // ages move on without messages; a gateway turns silent without one
  setInterval(() => gateways.forEach((gw) => dirty.add(gw)), 1000);
  fillForm();
  connect();
})();
