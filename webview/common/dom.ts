/** Tiny DOM helpers: build elements without innerHTML, so metadata text is never parsed as HTML. */

type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, '').toLowerCase(), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el as T;
}

/** 1234567 → "1,234,567"; small floats with `digits` significant digits. */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

export function bytes(n: number): string {
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i ? n.toFixed(1) : n} ${u[i]}`;
}

/** Replaces the app's content with an error message (keeps the page usable). */
export function showError(message: string): void {
  const box =
    document.getElementById('error') ??
    document.body.insertBefore(h('div', { id: 'error', role: 'alert', class: 'error' }), document.body.firstChild);
  box.textContent = message;
  box.hidden = false;
}

export function setBusy(message?: string): void {
  const app = document.getElementById('app');
  app?.setAttribute('aria-busy', message ? 'true' : 'false');
  let bar = document.getElementById('busy');
  if (!bar) {
    bar = h('div', { id: 'busy', class: 'busy', role: 'status' });
    document.body.insertBefore(bar, document.body.firstChild);
  }
  bar.textContent = message ?? '';
  bar.hidden = !message;
}

/** Hides the error box of a previous failure (a new run starts clean). */
export function hideError(): void {
  const err = document.getElementById('error');
  if (err) err.hidden = true;
}
