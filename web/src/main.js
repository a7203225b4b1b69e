// The MLMD explorer: a read-only single-page view of an ml_metadata store.
// It calls mlmd-server's own MetadataStoreService over the Connect protocol
// (JSON) on the page's origin; there is no other API. Every list is paged by
// the server and the lineage view asks for bounded subgraphs only.
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';

cytoscape.use(dagre);

const SERVICE = '/ml_metadata.MetadataStoreService/';
const PAGE_SIZE = 20; // rows per list page; ?size= in the URL, 1..100
const MAX_GRAPH_NODES = 1000; // larger subgraphs are not drawn
const MAX_HOPS = 10;
const main = document.getElementById('main');

// ---- RPC --------------------------------------------------------------------

class RPCError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

async function rpc(method, req) {
  let resp;
  try {
    resp = await fetch(SERVICE + method, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Connect-Protocol-Version': '1' },
      body: JSON.stringify(req || {}),
    });
  } catch (e) {
    throw new RPCError('unavailable', 'cannot reach mlmd-server: ' + e.message);
  }
  const body = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new RPCError(body.code || 'unknown', body.message || resp.statusText);
  return body;
}

// rpcOrEmpty is rpc for the calls that answer NotFound where a node simply
// has no neighbours of the kind asked for (as MLMD's server does).
async function rpcOrEmpty(method, req) {
  try {
    return await rpc(method, req);
  } catch (e) {
    if (e.code === 'not_found') return {};
    throw e;
  }
}

// ---- helpers ----------------------------------------------------------------

function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function fmtTime(ms) {
  if (!ms) return '';
  const d = new Date(Number(ms));
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

function stateBadge(s) {
  return s ? `<span class="state ${esc(s)}">${esc(s)}</span>` : '';
}

function valueHTML(v) {
  if (!v) return '';
  if ('stringValue' in v) return esc(v.stringValue);
  if ('intValue' in v) return esc(v.intValue);
  if ('doubleValue' in v) return esc(v.doubleValue);
  if ('boolValue' in v) return esc(v.boolValue);
  if ('structValue' in v) return `<pre class="json">${esc(JSON.stringify(v.structValue, null, 2))}</pre>`;
  if ('protoValue' in v) return `<pre class="json">${esc(JSON.stringify(v.protoValue, null, 2))}</pre>`;
  return `<pre class="json">${esc(JSON.stringify(v))}</pre>`;
}

function propsTable(props, empty) {
  const keys = Object.keys(props || {}).sort();
  if (!keys.length) return `<p class="muted">${empty}</p>`;
  return `<table class="kv">${keys.map((k) => `<tr><th>${esc(k)}</th><td>${valueHTML(props[k])}</td></tr>`).join('')}</table>`;
}

// errorHTML shows an RPC error; a filter query error gets the query with a
// caret under the position the server reported ("line:column: message").
function errorHTML(err, query) {
  const m = /invalid filter query: (\d+):(\d+): (.*)$/s.exec(err.message);
  if (m && query !== undefined) {
    const line = Number(m[1]);
    const col = Number(m[2]);
    const text = query.split('\n')[line - 1] ?? '';
    return `<div class="error" id="filter-error"><b>Invalid filter query</b> at line ${line}, column ${col}: ${esc(m[3])}
<pre>${esc(text)}\n${' '.repeat(Math.max(col - 1, 0))}^</pre></div>`;
  }
  return `<div class="error"><b>${esc(err.code || 'error')}</b>: ${esc(err.message)}</div>`;
}

// ---- types cache ------------------------------------------------------------

const types = { artifact: null, execution: null, context: null };

async function loadTypes(force) {
  if (types.artifact && !force) return types;
  const [a, e, c] = await Promise.all([
    rpc('GetArtifactTypes', {}), rpc('GetExecutionTypes', {}), rpc('GetContextTypes', {}),
  ]);
  const byId = (list) => new Map((list || []).map((t) => [String(t.id), t]));
  types.artifact = byId(a.artifactTypes);
  types.execution = byId(e.executionTypes);
  types.context = byId(c.contextTypes);
  return types;
}

function typeName(kind, id) {
  const t = types[kind] && types[kind].get(String(id));
  return t ? t.name : `type ${id}`;
}

// ---- routing ----------------------------------------------------------------

const KINDS = {
  artifacts: { one: 'artifact', method: 'GetArtifacts', field: 'artifacts' },
  executions: { one: 'execution', method: 'GetExecutions', field: 'executions' },
  contexts: { one: 'context', method: 'GetContexts', field: 'contexts' },
};

function parseHash() {
  const h = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = h.split('?');
  return { parts: path.split('/').filter(Boolean), params: new URLSearchParams(qs || '') };
}

function go(path, params) {
  const qs = params && [...params].length ? '?' + params.toString() : '';
  location.hash = '#' + path + qs;
}

let renderSeq = 0;

async function route() {
  const seq = ++renderSeq;
  const { parts, params } = parseHash();
  document.querySelectorAll('header nav a').forEach((a) => {
    a.classList.toggle('active', a.dataset.nav === parts[0] || (a.dataset.nav === KINDS[parts[0]]?.field));
  });
  try {
    await loadTypes(parts[0] === 'types' || parts.length === 0); // fresh on the types and home pages
    if (seq !== renderSeq) return;
    if (parts.length === 0) return await homePage();
    if (KINDS[parts[0]]) return await listPage(parts[0], params);
    if (parts[0] === 'types') return await typesPage();
    if (['artifact', 'execution', 'context'].includes(parts[0]) && parts[1]) return await detailPage(parts[0], parts[1]);
    if (parts[0] === 'lineage' && parts[2]) return await lineagePage(parts[1], parts[2], params);
    main.innerHTML = '<h1>Not found</h1>';
  } catch (e) {
    if (seq === renderSeq) main.innerHTML = errorHTML(e);
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', route);

// ---- home -------------------------------------------------------------------

async function homePage() {
  const [arts, execs] = await Promise.all([
    rpc('GetArtifacts', { options: { maxResultSize: 5, orderByField: { field: 'CREATE_TIME', isAsc: false } } }),
    rpc('GetExecutions', { options: { maxResultSize: 5, orderByField: { field: 'CREATE_TIME', isAsc: false } } }),
  ]);
  main.innerHTML = `<h1>Store overview</h1>
<div class="cards">
  <a class="card" href="#/types"><div class="n">${types.artifact.size}</div>artifact types</a>
  <a class="card" href="#/types"><div class="n">${types.execution.size}</div>execution types</a>
  <a class="card" href="#/types"><div class="n">${types.context.size}</div>context types</a>
</div>
<h2>Latest artifacts</h2>${nodeTable('artifacts', arts.artifacts || [])}
<h2>Latest executions</h2>${nodeTable('executions', execs.executions || [])}`;
}

// ---- lists ------------------------------------------------------------------

function nodeTable(kind, nodes, sort) {
  const one = KINDS[kind].one;
  const sortable = (label, field) => {
    if (!sort) return `<th>${label}</th>`;
    const arrow = sort.field === field ? (sort.asc ? ' ▲' : ' ▼') : '';
    return `<th class="sortable" data-sort="${field}">${label}${arrow}</th>`;
  };
  const head = [sortable('ID', 'ID'), '<th>Name</th>', '<th>Type</th>'];
  if (kind === 'artifacts') head.push('<th>URI</th>');
  if (kind !== 'contexts') head.push('<th>State</th>');
  head.push(sortable('Created', 'CREATE_TIME'), sortable('Updated', 'LAST_UPDATE_TIME'));
  if (!nodes.length) return `<table><tr>${head.join('')}</tr></table><p class="muted">Nothing found.</p>`;
  const rows = nodes.map((n) => {
    const cells = [
      `<td class="num"><a href="#/${one}/${n.id}">${n.id}</a></td>`,
      `<td><a href="#/${one}/${n.id}">${esc(n.name || '')}</a></td>`,
      `<td>${esc(n.type || typeName(one, n.typeId))}</td>`,
    ];
    if (kind === 'artifacts') cells.push(`<td>${esc(n.uri || '')}</td>`);
    if (kind === 'artifacts') cells.push(`<td>${stateBadge(n.state)}</td>`);
    if (kind === 'executions') cells.push(`<td>${stateBadge(n.lastKnownState)}</td>`);
    cells.push(`<td>${fmtTime(n.createTimeSinceEpoch)}</td><td>${fmtTime(n.lastUpdateTimeSinceEpoch)}</td>`);
    return `<tr data-id="${n.id}">${cells.join('')}</tr>`;
  });
  return `<table id="nodes"><tr>${head.join('')}</tr>${rows.join('')}</table>`;
}

const FILTER_EXAMPLES = {
  artifacts: "type = 'Model' AND state = LIVE",
  executions: "last_known_state = COMPLETE AND create_time_since_epoch > 0",
  contexts: "name LIKE 'run-%'",
};

async function listPage(kind, params) {
  const filter = params.get('filter') || '';
  const sort = { field: params.get('sort') || 'ID', asc: params.get('asc') === '1' };
  const size = Math.min(Math.max(Number(params.get('size')) || PAGE_SIZE, 1), 100);
  const tokens = ['']; // tokens[i] is the token of page i
  let page = 0;
  main.innerHTML = `<h1>${kind[0].toUpperCase() + kind.slice(1)}</h1>
<form class="toolbar" id="filter-form">
  <input type="text" id="filter" placeholder="MLMD filter query, e.g. ${esc(FILTER_EXAMPLES[kind])}" value="${esc(filter)}">
  <button type="submit" id="apply">Filter</button>
  <button type="button" id="clear">Clear</button>
</form>
<div id="list"></div>`;
  const form = document.getElementById('filter-form');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams(params);
    const f = document.getElementById('filter').value.trim();
    if (f) p.set('filter', f); else p.delete('filter');
    if ('#/' + kind + '?' + p.toString() === location.hash) route(); else go('/' + kind, p);
  });
  document.getElementById('clear').addEventListener('click', () => go('/' + kind));

  const load = async () => {
    const list = document.getElementById('list');
    const options = { maxResultSize: size, orderByField: { field: sort.field, isAsc: sort.asc } };
    if (filter) options.filterQuery = filter;
    if (tokens[page]) options.nextPageToken = tokens[page];
    let resp;
    try {
      resp = await rpc(KINDS[kind].method, { options });
    } catch (e) {
      list.innerHTML = errorHTML(e, filter);
      return;
    }
    const nodes = resp[KINDS[kind].field] || [];
    tokens[page + 1] = resp.nextPageToken || '';
    list.innerHTML = nodeTable(kind, nodes, sort) + `<div class="pager">
  <button id="prev" ${page === 0 ? 'disabled' : ''}>‹ Previous</button>
  <span class="muted" id="page-no">page ${page + 1}${filter ? ' · filtered' : ''}</span>
  <button id="next" ${resp.nextPageToken ? '' : 'disabled'}>Next ›</button></div>`;
    list.querySelectorAll('th.sortable').forEach((th) => th.addEventListener('click', () => {
      const p = new URLSearchParams(params);
      const field = th.dataset.sort;
      p.set('sort', field);
      p.set('asc', field === sort.field && !sort.asc ? '1' : '0');
      go('/' + kind, p);
    }));
    document.getElementById('prev').addEventListener('click', () => { page--; load(); });
    document.getElementById('next').addEventListener('click', () => { page++; load(); });
  };
  await load();
}

// ---- types ------------------------------------------------------------------

function typesPage() {
  const table = (kind, list) => {
    const rows = [...list.values()].map((t) => {
      const props = Object.entries(t.properties || {}).map(([k, v]) => `<span class="tag">${esc(k)}: ${esc(v)}</span>`).join(' ');
      const link = `#/${kind}s?filter=${encodeURIComponent(`type = '${t.name}'`)}`;
      return `<tr><td class="num">${t.id}</td><td><a href="${link}">${esc(t.name)}</a></td><td>${esc(t.version || '')}</td><td>${props}</td><td>${esc(t.description || '')}</td></tr>`;
    });
    return `<table><tr><th>ID</th><th>Name</th><th>Version</th><th>Properties</th><th>Description</th></tr>${rows.join('')}</table>`;
  };
  main.innerHTML = `<h1>Types</h1>
<h2>Artifact types</h2>${table('artifact', types.artifact)}
<h2>Execution types</h2>${table('execution', types.execution)}
<h2>Context types</h2>${table('context', types.context)}`;
}

// ---- detail pages -----------------------------------------------------------

async function namesOf(kind, ids) {
  if (!ids.length) return new Map();
  const method = { artifact: 'GetArtifactsByID', execution: 'GetExecutionsByID' }[kind];
  const field = { artifact: 'artifacts', execution: 'executions' }[kind];
  const key = { artifact: 'artifactIds', execution: 'executionIds' }[kind];
  const resp = await rpc(method, { [key]: ids.slice(0, 500) });
  return new Map((resp[field] || []).map((n) => [String(n.id), n]));
}

function eventsTable(events, other, names) {
  if (!events.length) return '<p class="muted">No events.</p>';
  const rows = events.slice(0, 500).map((ev) => {
    const id = other === 'execution' ? ev.executionId : ev.artifactId;
    const n = names.get(String(id));
    const label = n ? (n.name || `${typeName(other, n.typeId)} #${id}`) : `#${id}`;
    const steps = ((ev.path && ev.path.steps) || []).map((s) => ('key' in s ? s.key : s.index)).join('/');
    return `<tr><td>${esc(ev.type)}</td><td><a href="#/${other}/${id}">${esc(label)}</a></td><td>${esc(steps)}</td><td>${fmtTime(ev.millisecondsSinceEpoch)}</td></tr>`;
  });
  const more = events.length > 500 ? `<p class="muted">First 500 of ${events.length} events.</p>` : '';
  return `<table id="events"><tr><th>Event</th><th>${other[0].toUpperCase() + other.slice(1)}</th><th>Path</th><th>Time</th></tr>${rows.join('')}</table>${more}`;
}

function contextsList(contexts) {
  if (!contexts.length) return '<p class="muted">None.</p>';
  return `<table><tr><th>ID</th><th>Name</th><th>Type</th></tr>${contexts.map((c) =>
    `<tr><td class="num"><a href="#/context/${c.id}">${c.id}</a></td><td><a href="#/context/${c.id}">${esc(c.name)}</a></td><td>${esc(c.type || typeName('context', c.typeId))}</td></tr>`).join('')}</table>`;
}

async function detailPage(kind, id) {
  const get = {
    artifact: ['GetArtifactsByID', { artifactIds: [id] }, 'artifacts'],
    execution: ['GetExecutionsByID', { executionIds: [id] }, 'executions'],
    context: ['GetContextsByID', { contextIds: [id] }, 'contexts'],
  }[kind];
  const resp = await rpc(get[0], get[1]);
  const n = (resp[get[2]] || [])[0];
  if (!n) {
    main.innerHTML = `<h1>${kind} ${esc(id)} not found</h1>`;
    return;
  }
  const state = kind === 'artifact' ? n.state : kind === 'execution' ? n.lastKnownState : '';
  const fields = [
    ['ID', n.id], ['Name', n.name], ['Type', n.type || typeName(kind, n.typeId)],
    ['URI', n.uri], ['External ID', n.externalId],
    ['Created', fmtTime(n.createTimeSinceEpoch)], ['Updated', fmtTime(n.lastUpdateTimeSinceEpoch)],
  ].filter(([, v]) => v != null && v !== '');
  let html = `<h1>${kind[0].toUpperCase() + kind.slice(1)} ${esc(n.name || '#' + n.id)} ${stateBadge(state)}</h1>`;
  if (kind !== 'context') {
    html += `<div class="toolbar"><a href="#/lineage/${kind}/${n.id}"><button id="open-lineage">Lineage graph</button></a></div>`;
  }
  html += `<table class="kv" id="fields">${fields.map(([k, v]) => `<tr><th>${k}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Properties</h2>${propsTable(n.properties, 'No properties.')}
<h2>Custom properties</h2>${propsTable(n.customProperties, 'No custom properties.')}`;

  if (kind === 'artifact' || kind === 'execution') {
    const other = kind === 'artifact' ? 'execution' : 'artifact';
    const [evs, ctxs] = await Promise.all([
      kind === 'artifact' ? rpcOrEmpty('GetEventsByArtifactIDs', { artifactIds: [id] }) : rpcOrEmpty('GetEventsByExecutionIDs', { executionIds: [id] }),
      kind === 'artifact' ? rpcOrEmpty('GetContextsByArtifact', { artifactId: id }) : rpcOrEmpty('GetContextsByExecution', { executionId: id }),
    ]);
    const events = evs.events || [];
    const ids = [...new Set(events.map((e) => (other === 'execution' ? e.executionId : e.artifactId)))];
    const names = await namesOf(other, ids);
    html += `<h2>Events</h2>${eventsTable(events, other, names)}<h2>Contexts</h2>${contextsList(ctxs.contexts || [])}`;
  } else {
    const opts = { maxResultSize: 50, orderByField: { field: 'ID', isAsc: true } };
    const [arts, execs, parents, children] = await Promise.all([
      rpcOrEmpty('GetArtifactsByContext', { contextId: id, options: opts }),
      rpcOrEmpty('GetExecutionsByContext', { contextId: id, options: opts }),
      rpcOrEmpty('GetParentContextsByContext', { contextId: id }),
      rpcOrEmpty('GetChildrenContextsByContext', { contextId: id }),
    ]);
    const more = (r) => (r.nextPageToken ? '<p class="muted">First 50 shown.</p>' : '');
    html += `<h2>Artifacts</h2>${nodeTable('artifacts', arts.artifacts || [])}${more(arts)}
<h2>Executions</h2>${nodeTable('executions', execs.executions || [])}${more(execs)}
<h2>Parent contexts</h2>${contextsList(parents.contexts || [])}
<h2>Child contexts</h2>${contextsList(children.contexts || [])}`;
  }
  main.innerHTML = html;
}

// ---- lineage ----------------------------------------------------------------

const OUTPUTS = new Set(['OUTPUT', 'DECLARED_OUTPUT', 'INTERNAL_OUTPUT', 'PENDING_OUTPUT']);
const BAD_STATES = new Set(['FAILED', 'CANCELED', 'DELETED', 'MARKED_FOR_DELETION', 'ABANDONED']);

async function subgraph(kind, id, hops, direction) {
  const start = { filterQuery: `id = ${Number(id)}` };
  const opts = { maxNumHops: hops, direction };
  if (kind === 'artifact') opts.startingArtifacts = start; else opts.startingExecutions = start;
  const resp = await rpc('GetLineageSubgraph', {
    lineageSubgraphQueryOptions: opts,
    readMask: 'artifacts,executions,events',
  });
  // The subgraph's nodes carry their ids only (as in MLMD); read them.
  const g = resp.lineageSubgraph || {};
  const n = (g.artifacts || []).length + (g.executions || []).length;
  if (n > MAX_GRAPH_NODES) {
    throw new RPCError('resource_exhausted', `${n} nodes lie within ${hops} hops: more than ${MAX_GRAPH_NODES} to draw. Lower the hops or pick one direction.`);
  }
  const hydrate = async (method, key, field, nodes) => {
    const ids = (nodes || []).map((n) => n.id);
    const out = [];
    for (let i = 0; i < ids.length; i += 500) {
      const r = await rpc(method, { [key]: ids.slice(i, i + 500) });
      out.push(...(r[field] || []));
    }
    return out;
  };
  [g.artifacts, g.executions] = await Promise.all([
    hydrate('GetArtifactsByID', 'artifactIds', 'artifacts', g.artifacts),
    hydrate('GetExecutionsByID', 'executionIds', 'executions', g.executions),
  ]);
  return g;
}

function graphElements(g) {
  const els = [];
  const tn = (list) => new Map((list || []).map((t) => [String(t.id), t.name]));
  const at = tn(g.artifactTypes);
  const et = tn(g.executionTypes);
  for (const a of g.artifacts || []) {
    const type = a.type || at.get(String(a.typeId)) || typeName('artifact', a.typeId);
    els.push({ data: { id: 'a' + a.id, kind: 'artifact', nid: a.id, label: `${a.name || '#' + a.id}\n${type}${a.state ? '\n' + a.state : ''}`, uri: a.uri || '', state: a.state || '', bad: BAD_STATES.has(a.state) ? 1 : 0 } });
  }
  for (const e of g.executions || []) {
    const type = e.type || et.get(String(e.typeId)) || typeName('execution', e.typeId);
    els.push({ data: { id: 'e' + e.id, kind: 'execution', nid: e.id, label: `${e.name || '#' + e.id}\n${type}${e.lastKnownState ? '\n' + e.lastKnownState : ''}`, uri: '', state: e.lastKnownState || '', bad: BAD_STATES.has(e.lastKnownState) ? 1 : 0 } });
  }
  const have = new Set(els.map((el) => el.data.id));
  for (const ev of g.events || []) {
    const a = 'a' + ev.artifactId;
    const e = 'e' + ev.executionId;
    if (!have.has(a) || !have.has(e)) continue;
    const out = OUTPUTS.has(ev.type);
    els.push({ data: { id: `ev${ev.artifactId}-${ev.executionId}-${ev.type}`, source: out ? e : a, target: out ? a : e, label: ev.type } });
  }
  return els;
}

const GRAPH_STYLE = [
  { selector: 'node', style: { label: 'data(label)', 'text-wrap': 'wrap', 'text-valign': 'center', 'text-halign': 'center', 'font-size': 12, width: 160, height: 58, 'text-max-width': 152, 'text-overflow-wrap': 'anywhere', color: '#1f2933' } },
  { selector: 'node[kind = "artifact"]', style: { shape: 'round-rectangle', 'background-color': '#dbe9fb', 'border-color': '#3b7ddd', 'border-width': 2 } },
  { selector: 'node[kind = "execution"]', style: { shape: 'ellipse', 'background-color': '#e6f5e9', 'border-color': '#2f8f4e', 'border-width': 2 } },
  { selector: 'node[bad = 1]', style: { 'border-color': '#c62828', 'border-style': 'dashed', 'background-color': '#fde2e2' } },
  { selector: 'node.start', style: { 'border-width': 4, 'font-weight': 'bold' } },
  { selector: 'node:selected', style: { 'overlay-color': '#7fb3ff', 'overlay-opacity': 0.25 } },
  { selector: 'edge', style: { width: 1.5, 'line-color': '#9aa7b4', 'target-arrow-color': '#9aa7b4', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', label: 'data(label)', 'font-size': 9, 'min-zoomed-font-size': 7, color: '#6b7785', 'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 1, 'text-background-padding': 2 } },
];

async function lineagePage(kind, id, params) {
  if (!['artifact', 'execution'].includes(kind)) throw new RPCError('invalid_argument', 'lineage starts at an artifact or an execution');
  let hops = Math.min(Math.max(Number(params.get('hops')) || 2, 1), MAX_HOPS);
  let direction = params.get('dir');
  if (!['BIDIRECTIONAL', 'UPSTREAM', 'DOWNSTREAM'].includes(direction)) direction = 'BIDIRECTIONAL';
  main.innerHTML = `<h1>Lineage of ${kind} <a href="#/${kind}/${esc(id)}">#${esc(id)}</a></h1>
<div class="toolbar">
  <label>Direction <select id="dir">
    <option value="BIDIRECTIONAL">upstream and downstream</option>
    <option value="UPSTREAM">upstream</option>
    <option value="DOWNSTREAM">downstream</option></select></label>
  <label>Hops <button id="hops-minus">−</button> <b id="hops">${hops}</b> <button id="hops-plus">+</button></label>
  <button id="fit">Fit</button>
  <span class="legend"><span><i class="a"></i>artifact</span><span><i class="e"></i>execution</span><span>dashed red: failed / deleted</span><span>double-click a node: expand one hop</span></span>
  <span class="muted" id="graph-status"></span>
</div>
<div id="graph-wrap"><div id="graph"></div><div id="graph-side"><p class="muted">Click a node to see it here.</p></div></div>`;
  document.getElementById('dir').value = direction;
  const cy = cytoscape({
    container: document.getElementById('graph'),
    style: GRAPH_STYLE,
    wheelSensitivity: 0.3,
    minZoom: 0.05,
    maxZoom: 3,
  });
  window.mlmdGraph = cy; // for tests and the console
  const layout = () => cy.layout({ name: 'dagre', rankDir: 'LR', nodeSep: 18, rankSep: 55, animate: false }).run();
  const status = document.getElementById('graph-status');
  const startId = (kind === 'artifact' ? 'a' : 'e') + id;

  const reload = async () => {
    status.textContent = 'loading…';
    const g = await subgraph(kind, id, hops, direction);
    cy.elements().remove();
    cy.add(graphElements(g));
    cy.$id(startId).addClass('start');
    layout();
    status.textContent = `${cy.nodes().length} nodes, ${cy.edges().length} edges`;
    cy.ready(() => document.getElementById('graph').dataset.ready = String(Date.now()));
  };
  const expand = async (node) => {
    status.textContent = 'expanding…';
    const g = await subgraph(node.data('kind'), node.data('nid'), 1, direction);
    const fresh = graphElements(g).filter((el) => cy.getElementById(el.data.id).empty());
    cy.add(fresh);
    layout();
    status.textContent = `${cy.nodes().length} nodes, ${cy.edges().length} edges (+${fresh.length})`;
  };
  const update = () => {
    const p = new URLSearchParams({ hops: String(hops), dir: direction });
    history.replaceState(null, '', `#/lineage/${kind}/${id}?${p}`);
    reload().catch((e) => { status.innerHTML = errorHTML(e); });
  };
  document.getElementById('dir').addEventListener('change', (ev) => { direction = ev.target.value; update(); });
  document.getElementById('hops-minus').addEventListener('click', () => { if (hops > 1) { hops--; document.getElementById('hops').textContent = hops; update(); } });
  document.getElementById('hops-plus').addEventListener('click', () => { if (hops < MAX_HOPS) { hops++; document.getElementById('hops').textContent = hops; update(); } });
  document.getElementById('fit').addEventListener('click', () => cy.fit(undefined, 30));
  cy.on('tap', 'node', (ev) => {
    const d = ev.target.data();
    const side = document.getElementById('graph-side');
    side.innerHTML = `<h2>${esc(d.kind)} #${esc(d.nid)}</h2><p>${esc(d.label).replaceAll('\n', '<br>')}</p>${d.uri ? `<p class="muted">${esc(d.uri)}</p>` : ''}
<p><a id="side-open" href="#/${d.kind}/${d.nid}">Open details</a></p>
<p><a href="#/lineage/${d.kind}/${d.nid}?hops=${hops}&dir=${direction}">Lineage from here</a></p>
<p><button id="side-expand">Expand one hop</button></p>`;
    document.getElementById('side-expand').addEventListener('click', () => expand(ev.target).catch((e) => { status.innerHTML = errorHTML(e); }));
  });
  cy.on('dbltap', 'node', (ev) => expand(ev.target).catch((e) => { status.innerHTML = errorHTML(e); }));
  await reload();
}
