// rewardforge viewer page: run list, live curves (uPlot), a three.js scene for robotics runs, a transcript
// for text worlds, a sandboxed page for web tasks. Served by viewer/server.ts; protocol in
// viewer/PROTOCOL.md. No CDN: three and uPlot come from the server's /vendor/ paths.
import * as THREE from 'three';
import uPlot from '/vendor/uplot/uPlot.esm.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const token = params.get('token');
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;

const state = { runs: new Map(), current: null, envIndex: 0, paused: false, curves: new Map(), transcript: [], frames: 0 };
let ws;

function send(msg) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
}

function connect() {
  ws = new WebSocket(wsUrl);
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => {
    $('status').textContent = 'connected';
    $('status').dataset.state = 'open';
    send({ type: 'hello' });
    if (state.current) send({ type: 'subscribe', runId: state.current, envIndex: state.envIndex });
  };
  ws.onclose = (e) => {
    $('status').textContent = `disconnected (${e.code}${e.reason ? `: ${e.reason}` : ''}); retrying`;
    $('status').dataset.state = 'closed';
    setTimeout(connect, 1000);
  };
  ws.onmessage = (e) => {
    if (typeof e.data === 'string') handle(JSON.parse(e.data));
    else onPoses(decodePoses(e.data));
  };
}

// ---------------------------------------------------------------- messages
function handle(m) {
  switch (m.type) {
    case 'runs':
      state.runs = new Map(m.runs.map((r) => [r.runId, r]));
      renderRuns();
      if (!state.current && m.runs.length > 0) select(m.runs[m.runs.length - 1].runId);
      break;
    case 'metrics':
      if (m.runId === state.current) addMetrics(m.step, m.scalars);
      break;
    case 'history':
      if (m.runId === state.current) for (const p of m.points) addMetrics(p.step, p.scalars, true);
      redrawCurves();
      break;
    case 'transcript':
      if (m.runId === state.current && m.envIndex === state.envIndex) addTranscript(m.entry);
      break;
    case 'page':
      if (m.runId === state.current && m.envIndex === state.envIndex) showPage(m.snapshot);
      break;
    case 'episodeEnd':
      if (m.runId === state.current && m.envIndex === state.envIndex) addTranscript({ end: m.stats });
      break;
    default:
      break;
  }
}

function renderRuns() {
  const ul = $('runs');
  ul.replaceChildren();
  for (const r of state.runs.values()) {
    const li = document.createElement('li');
    li.textContent = r.runId;
    const small = document.createElement('small');
    small.textContent = `${r.env} · ${r.agent ?? ''}${r.finished ? ' · finished' : ''}`;
    li.append(small);
    if (r.runId === state.current) li.className = 'active';
    li.onclick = () => select(r.runId);
    ul.append(li);
  }
}

function select(runId) {
  if (state.current && state.current !== runId) send({ type: 'unsubscribe', runId: state.current });
  state.current = runId;
  state.curves.clear();
  $('curves').replaceChildren();
  state.transcript = [];
  $('transcript').replaceChildren();
  const run = state.runs.get(runId);
  const sel = $('env-index');
  sel.replaceChildren();
  for (let i = 0; i < Math.min(run?.numEnvs ?? 1, 64); i++) sel.append(new Option(String(i), String(i)));
  state.envIndex = 0;
  const family = run?.family ?? '';
  $('scene-panel').hidden = family !== 'robotics';
  $('transcript-panel').hidden = family !== 'textworld';
  $('web-panel').hidden = family !== 'web';
  $('classic-panel').hidden = family !== 'classic';
  $('empty').hidden = Boolean(run);
  if (family === 'robotics') buildScene(run.scene ?? []);
  renderRuns();
  send({ type: 'subscribe', runId, envIndex: 0 });
}

// ---------------------------------------------------------------- curves
const CURVE_TAGS = ['charts/episodic_return', 'charts/success_rate', 'charts/SPS'];
function addMetrics(step, scalars, quiet = false) {
  for (const [tag, value] of Object.entries(scalars)) {
    if (!CURVE_TAGS.includes(tag) && !tag.startsWith('reward/') && !tag.startsWith('derl/')) continue;
    let c = state.curves.get(tag);
    if (!c) {
      const div = document.createElement('div');
      div.className = 'curve';
      div.dataset.tag = tag;
      const h = document.createElement('h3');
      h.textContent = tag;
      div.append(h);
      $('curves').append(div);
      const data = [[], []];
      const plot = new uPlot({ width: 380, height: 130, series: [{}, { label: tag, stroke: '#2456c5', width: 1.5 }], axes: [{}, { size: 50 }], legend: { show: false } }, data, div);
      c = { data, plot, dirty: false };
      state.curves.set(tag, c);
    }
    c.data[0].push(step);
    c.data[1].push(value);
    if (c.data[0].length > 4000) {
      c.data[0].splice(0, 1000);
      c.data[1].splice(0, 1000);
    }
    c.dirty = true;
  }
  if (!quiet) scheduleRedraw();
}

let redrawQueued = false;
function scheduleRedraw() {
  if (redrawQueued) return;
  redrawQueued = true;
  requestAnimationFrame(() => {
    redrawQueued = false;
    redrawCurves();
  });
}
function redrawCurves() {
  for (const c of state.curves.values()) if (c.dirty) {
    c.plot.setData(c.data);
    c.dirty = false;
  }
}

// ---------------------------------------------------------------- text world
function addTranscript(entry) {
  const li = document.createElement('li');
  if (entry.end) li.textContent = `— episode end: ${JSON.stringify(entry.end)}`;
  else {
    if (entry.command !== undefined) {
      const c = document.createElement('div');
      c.className = 'cmd';
      c.textContent = `> ${entry.command}`;
      li.append(c);
    }
    if (entry.obs !== undefined) {
      const o = document.createElement('div');
      o.textContent = entry.obs;
      li.append(o);
    }
    if (entry.reward !== undefined) {
      const r = document.createElement('div');
      r.className = 'rew';
      r.textContent = `reward ${Number(entry.reward).toFixed(3)}${entry.terms ? ` ${JSON.stringify(entry.terms)}` : ''}`;
      li.append(r);
    }
  }
  const ol = $('transcript');
  ol.append(li);
  while (ol.children.length > 200) ol.firstElementChild.remove();
  li.scrollIntoView({ block: 'nearest' });
}

// ---------------------------------------------------------------- web tasks
function showPage(snap) {
  $('instruction').textContent = snap.instruction ?? '';
  const highlight = snap.actedRef ? `<style>[data-ref="${CSS.escape(String(snap.actedRef))}"]{outline:3px solid #e0457b !important}</style>` : '';
  $('page').srcdoc = `${highlight}${snap.html}`;
}

// ---------------------------------------------------------------- robotics scene (three.js, z up)
const scene3 = { renderer: null, scene: null, camera: null, bodies: [], target: new THREE.Vector3(0, 0, 0.1), yaw: 0.9, pitch: 0.6, dist: 1.2 };
function buildScene(layout) {
  const canvas = $('scene');
  if (!scene3.renderer) {
    scene3.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    scene3.camera = new THREE.PerspectiveCamera(45, 1, 0.01, 20);
    scene3.camera.up.set(0, 0, 1);
    let drag = null;
    canvas.addEventListener('pointerdown', (e) => { drag = { x: e.clientX, y: e.clientY }; });
    window.addEventListener('pointerup', () => { drag = null; });
    window.addEventListener('pointermove', (e) => {
      if (!drag) return;
      scene3.yaw -= (e.clientX - drag.x) * 0.01;
      scene3.pitch = Math.max(-1.4, Math.min(1.4, scene3.pitch + (e.clientY - drag.y) * 0.01));
      drag = { x: e.clientX, y: e.clientY };
    });
    canvas.addEventListener('wheel', (e) => { scene3.dist = Math.max(0.2, Math.min(5, scene3.dist * (e.deltaY > 0 ? 1.1 : 0.9))); e.preventDefault(); }, { passive: false });
    requestAnimationFrame(renderLoop);
  }
  scene3.scene = new THREE.Scene();
  scene3.scene.background = new THREE.Color(0xe9edf3);
  scene3.scene.add(new THREE.HemisphereLight(0xffffff, 0x8899aa, 1.2));
  const sun = new THREE.DirectionalLight(0xffffff, 1.5);
  sun.position.set(1, -1, 2);
  scene3.scene.add(sun);
  const table = new THREE.Mesh(new THREE.BoxGeometry(1.2, 0.9, 0.02), new THREE.MeshStandardMaterial({ color: 0xb99b7b }));
  table.position.set(0, 0, -0.01);
  scene3.scene.add(table);
  scene3.bodies = layout.map((b) => {
    const size = b.size ?? [0.02, 0.02, 0.02];
    const geom = b.kind === 'sphere' ? new THREE.SphereGeometry(size[0], 20, 14) : new THREE.BoxGeometry(size[0] * 2, size[1] * 2, size[2] * 2);
    const mat = new THREE.MeshStandardMaterial({ color: b.color ?? 0x4466aa, transparent: b.kind === 'marker', opacity: b.kind === 'marker' ? 0.5 : 1 });
    const mesh = new THREE.Mesh(geom, mat);
    mesh.name = b.name;
    mesh.visible = false;
    scene3.scene.add(mesh);
    return mesh;
  });
}

function onPoses(frame) {
  if (!frame || frame.runId !== state.current || frame.envIndex !== state.envIndex) return;
  state.frames++;
  const d = frame.data;
  scene3.bodies.forEach((mesh, k) => {
    const o = k * 7;
    if (o + 7 > d.length) return;
    mesh.position.set(d[o], d[o + 1], d[o + 2]);
    mesh.quaternion.set(d[o + 4], d[o + 5], d[o + 6], d[o + 3]); // stored w, x, y, z
    mesh.visible = true;
  });
  const run = state.runs.get(state.current);
  if (run && run.family === 'classic') $('classic-state').textContent = Array.from(d, (v) => v.toFixed(4)).join('\n');
}

function renderLoop() {
  requestAnimationFrame(renderLoop);
  if (!scene3.scene || $('scene-panel').hidden) return;
  const canvas = $('scene');
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (canvas.width !== w || canvas.height !== h) {
    scene3.renderer.setSize(w, h, false);
    scene3.camera.aspect = w / Math.max(h, 1);
    scene3.camera.updateProjectionMatrix();
  }
  const c = Math.cos(scene3.pitch);
  scene3.camera.position.set(scene3.target.x + scene3.dist * c * Math.cos(scene3.yaw), scene3.target.y + scene3.dist * c * Math.sin(scene3.yaw), scene3.target.z + scene3.dist * Math.sin(scene3.pitch));
  scene3.camera.lookAt(scene3.target);
  scene3.renderer.render(scene3.scene, scene3.camera);
}

// ---------------------------------------------------------------- binary pose frames (viewer/PROTOCOL.md)
function decodePoses(buf) {
  const v = new DataView(buf);
  if (buf.byteLength < 10 || String.fromCharCode(v.getUint8(0), v.getUint8(1), v.getUint8(2), v.getUint8(3)) !== 'RFP1') return null;
  let o = 4;
  const n = v.getUint16(o, true);
  o += 2;
  const runId = new TextDecoder().decode(new Uint8Array(buf, o, n));
  o += n;
  const envIndex = v.getUint32(o, true);
  o += 4;
  const step = v.getFloat64(o, true);
  o += 8;
  const count = v.getUint32(o, true);
  o += 4;
  const data = new Float32Array(buf.slice(o, o + count * 4));
  return { runId, envIndex, step, data };
}

// ---------------------------------------------------------------- controls
$('env-index').onchange = (e) => {
  state.envIndex = Number(e.target.value);
  state.transcript = [];
  $('transcript').replaceChildren();
  if (state.current) send({ type: 'subscribe', runId: state.current, envIndex: state.envIndex });
};
$('pause').onclick = () => {
  state.paused = !state.paused;
  $('pause').textContent = state.paused ? 'resume' : 'pause';
  if (state.current) send({ type: 'control', runId: state.current, action: state.paused ? 'pause' : 'resume' });
};
$('slow').oninput = (e) => {
  $('slow-ms').textContent = `${e.target.value} ms`;
  if (state.current) send({ type: 'control', runId: state.current, action: 'slow', value: Number(e.target.value) });
};
window.__viewer = state; // for tests and debugging
connect();
