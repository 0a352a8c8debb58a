// The JSON API of `cybertrust serve` (docs/api.md), one small helper per
// concern: a request that throws an Error carrying the server's own message,
// a debouncer for sliders, and number formatting shared by every page.

export async function api(method, path, body, token) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) {
    const err = new Error((data && data.error) || `request failed (${res.status})`);
    err.status = res.status;
    throw err;
  }
  return data;
}

// Calls fn at most once per `ms` quiet period; a newer call supersedes an older.
export function debounce(fn, ms) {
  let t = null;
  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };
}

// Three significant digits, as the command line's --brief prints them.
export function fmt(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (x === 0) return '0';
  const v = Number(x.toPrecision(3));
  return Math.abs(v) < 1e-3 ? v.toExponential(1) : String(v);
}

export function pct(p) {
  if (p === null || p === undefined) return '–';
  return `${Number((100 * p).toPrecision(3))}%`;
}

// Text nodes only: names and messages from the network never become markup.
export function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return e;
}

export function showError(node, err) {
  node.textContent = err ? (err.message || String(err)) : '';
  node.classList.toggle('error', Boolean(err));
}
