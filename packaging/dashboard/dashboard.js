// Imaging Edge ops view. Reads the topic tree of docs/telemetry.md (status, heartbeat, events) and sends
// MQTT 5 commands. Everything from the broker is rendered with textContent: a payload is data, never markup.
/* global mqtt */
(function () {
  'use strict';

  const RECENT_EVENT_MS = 15 * 60 * 1000;              // how long an alerting event stays on the board
  const ANSWER_TIMEOUT_MS = 30 * 1000;                  // a gateway that is offline never answers
  const ALERT_EVENTS = ['upload.failed', 'disk.reserve', 'events.dropped'];
  const COMMANDS = ['retry-failed', 'pause-uploads', 'resume-uploads'];
  const KINDS = ['status', 'events', 'heartbeat'];

  const $ = (id) => document.getElementById(id);
  const tbody = document.querySelector('#gateways tbody');
  const gateways = new Map();   // "site/gateway" -> row state, see gatewayFor
  const pending = new Map();    // correlation data (hex) -> { gw, command, requestId, timer }
  let client = null;
  let settings = readSettings();
  let clientId = '';
  let responseTopic = '';
  let unmatched = 0;

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
    return {
      broker: q.get('broker') || `ws://${host}:9001`,
      root: (q.get('root') || 'imaging-edge/v1').replace(/\/+$/, ''),
      username: q.get('username') || '',
      password: '',
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

  function connect() {
    if (client) client.end(true);
    for (const gw of gateways.values()) gw.row.remove();
    gateways.clear();
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
      const topics = KINDS.map((k) => `${settings.root}/+/+/${k}`).concat(responseTopic);
      setConnection('connected', `connected to ${settings.broker}, subscribing …`);
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
    if (topic === responseTopic) return onAnswer(payload, packet.properties || {});
    const rest = topic.startsWith(settings.root + '/') ? topic.slice(settings.root.length + 1).split('/') : [];
    if (rest.length !== 3 || !KINDS.includes(rest[2])) return;
    const [site, name, kind] = rest;
    if (kind === 'status' && payload.length === 0) return forget(`${site}/${name}`); // retained status cleared
    let json;
    try {
      json = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      console.warn('not JSON on', topic);
      return;
    }
    if (json === null || typeof json !== 'object') return;
    const gw = gatewayFor(site, name);
    const now = Date.now();
    if (kind === 'status') {
      gw.status = json;
    } else if (kind === 'heartbeat') {
      gw.heartbeatAt = now;
    } else if (ALERT_EVENTS.includes(json.type)) {
      gw.events.set(json.type, { at: now, data: json.data || {} });
    }
    render(gw);
  }

  // --- commands ----------------------------------------------------------------------------------------
  function send(gw, command) {
    if (!client || !client.connected) return showAnswer(gw, command, 'not connected', 'error');
    const correlation = crypto.getRandomValues(new Uint8Array(16));
    const requestId = randomHex(8);
    const user = settings.username || 'anonymous';
    const body = { requestId, actor: `dashboard:${user}`, args: {} };
    const key = hex(correlation);
    const timer = setTimeout(() => {
      if (pending.delete(key)) showAnswer(gw, command, 'no answer (gateway offline?)', 'error');
    }, ANSWER_TIMEOUT_MS);
    pending.set(key, { gw, command, requestId, timer });
    showAnswer(gw, command, 'sent …', 'waiting');
    client.publish(`${settings.root}/${gw.site}/${gw.name}/cmd/${command}`, JSON.stringify(body), {
      qos: 1,
      properties: {
        responseTopic,
        correlationData: correlation,
        userProperties: { 'client-id': clientId, username: user },
      },
    }, (err) => {
      if (err && pending.delete(key)) {
        clearTimeout(timer);
        showAnswer(gw, command, `not sent: ${err.message}`, 'error');
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
    let json = {};
    try {
      json = JSON.parse(new TextDecoder().decode(payload));
    } catch {
      return showAnswer(request.gw, request.command, 'answer is not JSON', 'error');
    }
    if (json.ok === true) {
      const result = json.result === undefined ? '' : ' ' + JSON.stringify(json.result);
      showAnswer(request.gw, request.command, 'ok' + result, 'ok');
    } else {
      const error = json.error || {};
      showAnswer(request.gw, request.command, `failed: ${error.message || error.code || 'no reason given'}`, 'error');
    }
  }

  function showAnswer(gw, command, text, kind) {
    gw.cells.answer.textContent = `${command}: ${text}`;
    gw.cells.answer.dataset.kind = kind;
  }

  // --- the table ---------------------------------------------------------------------------------------
  // A row is built once and then only its cells' text changes: rebuilding it every second would swallow
  // a click whose mouse-down and mouse-up land on two different button elements.
  const COLUMNS = ['name', 'state', 'reasons', 'pending', 'failed', 'bytes', 'oldest', 'lastUpload', 'upload',
    'disk', 'heartbeat', 'alerts'];

  function gatewayFor(site, name) {
    const key = `${site}/${name}`;
    let gw = gateways.get(key);
    if (gw) return gw;
    const row = document.createElement('tr');
    row.dataset.gateway = key;
    const cells = {};
    for (const column of COLUMNS) {
      cells[column] = row.insertCell();
      cells[column].className = column;
    }
    const actions = row.insertCell();
    actions.className = 'commands';
    gw = { key, site, name, row, cells, status: null, heartbeatAt: 0, events: new Map() };
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
    cells.name.textContent = key;
    // keep rows sorted by site/gateway so that a fleet reads the same way every time
    const after = [...gateways.values()].filter((g) => g.key > key).sort((a, b) => (a.key < b.key ? -1 : 1))[0];
    tbody.insertBefore(row, after ? after.row : null);
    gateways.set(key, gw);
    $('empty').hidden = true;
    return gw;
  }

  function forget(key) {
    const gw = gateways.get(key);
    if (!gw) return;
    gw.row.remove();
    gateways.delete(key);
    $('empty').hidden = gateways.size > 0;
  }

  function render(gw) {
    const s = gw.status || {};
    const q = s.queue || {};
    const up = s.upload || {};
    const disk = s.disk || {};
    const state = typeof s.state === 'string' ? s.state : 'unknown';
    const c = gw.cells;
    gw.row.dataset.state = state;
    setText(c.name, gw.key);
    c.name.title = s.version ? `version ${s.version}` : '';
    setText(c.state, state);
    c.state.title = s.ts ? `status of ${s.ts}` : '';
    setLines(c.reasons, reasonsOf(s));
    setText(c.pending, numberOr(q.pending));
    setText(c.failed, numberOr(q.failed));
    setText(c.bytes, typeof q.bytesPending === 'number' ? formatBytes(q.bytesPending) : '–');
    setText(c.oldest, typeof q.oldestPendingAgeSeconds === 'number' ? formatAge(q.oldestPendingAgeSeconds) : '–');
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
    const alerts = alertsOf(gw, s, state);
    setLines(c.alerts, alerts);
    gw.row.classList.toggle('alerting', alerts.length > 0);
  }

  function reasonsOf(s) {
    if (Array.isArray(s.reasons)) return s.reasons.map(String);
    return typeof s.reason === 'string' ? [s.reason] : [];   // offline payloads carry a single reason
  }

  function alertsOf(gw, s, state) {
    const alerts = [];
    if (state === 'offline') alerts.push(`offline${s.reason ? ': ' + s.reason : ''}`);
    if (state === 'degraded') for (const reason of reasonsOf(s)) alerts.push(`degraded: ${reason}`);
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

  // ages move on without messages
  setInterval(() => gateways.forEach(render), 1000);
  fillForm();
  connect();
})();
