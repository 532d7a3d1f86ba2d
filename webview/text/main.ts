/**
 * "Search by Text" panel: a query field, k and metric, the model in use, and the
 * nearest rows of the file as a table (Enter or click on a row opens the overview
 * with that row selected). Everything the user types goes to the host; nothing is
 * parsed as HTML.
 */
import '../common/elements';
import type { Metric } from '../../src/shared/protocol/common';
import type { TextModelInfo, TextNeighbor } from '../../src/shared/protocol/text';
import type { TextFromWebview, TextPanelFile, TextToWebview } from '../../src/shared/webview/text';
import { connect, send as sendAny } from '../common/vscode';
import { byId, fmt, h, hideError, setBusy } from '../common/dom';

const send = (m: TextFromWebview) => sendAny(m);

type Field = HTMLElement & { value: string };

let file: TextPanelFile | undefined;
let canSearch = false;

connect<TextToWebview>((msg) => {
  switch (msg.type) {
    case 'busy':
    case 'error':
      break; // connect() shows busy and error the same way in every panel
    case 'init':
      file = msg.file;
      render(
        msg.model,
        msg.modelError,
        msg.mismatch,
        { k: msg.k ?? msg.settings.k, metric: msg.metric ?? msg.settings.metric },
        msg.query,
      );
      break;
    case 'results':
      setBusy();
      hideError();
      renderResults(msg.query, msg.metric, msg.neighbors, msg.ms);
      break;
  }
});

function modelText(m: TextModelInfo): string {
  const name = m.builtin ? 'built-in GloVe model (offline, English words and short phrases)' : m.dir;
  return `Model: ${name} · ${m.dims} dimensions · ${m.pooling} pooling${m.normalize ? ', normalised' : ''} · up to ${m.maxLength} tokens`;
}

function render(
  model: TextModelInfo | null,
  modelError: string | undefined,
  mismatch: string | undefined,
  settings: { k: number; metric: Metric },
  query?: string,
): void {
  if (!file) return;
  hideError();
  canSearch = !!model && !mismatch;
  const app = byId('app');
  app.replaceChildren();
  app.setAttribute('aria-busy', 'false');
  const metrics: Metric[] = ['cosine', 'dot', 'euclidean'];
  const notes = [
    modelError
      ? h('div', { id: 'model-error', class: 'error', role: 'alert' }, `The model could not be loaded: ${modelError}`)
      : null,
    mismatch ? h('div', { id: 'model-mismatch', class: 'warning', role: 'alert' }, mismatch) : null,
  ].filter((x): x is HTMLDivElement => x !== null);
  app.append(
    h(
      'h1',
      {},
      'Search by text: ',
      file.name,
      ' ',
      h('vscode-badge', { id: 'shape-badge' }, `${fmt(file.rows)} × ${fmt(file.dims)}`),
    ),
    h(
      'div',
      { id: 'model-info', class: 'muted' },
      model ? modelText(model) : 'No model loaded.',
      ' ',
      h(
        'vscode-button',
        { id: 'choose-model', secondary: true, onclick: () => send({ type: 'chooseModel' }) },
        'Choose Model…',
      ),
    ),
    ...notes,
    h(
      'div',
      { class: 'toolbar', role: 'search' },
      h('vscode-label', { for: 'query-input' }, 'Text'),
      h('vscode-textfield', {
        id: 'query-input',
        placeholder: 'A word or a sentence, e.g. "king" or "a dog on the beach"',
        value: query ?? '',
        style: 'min-width: 340px; flex: 1',
        onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && search(),
      }),
      h('vscode-label', { for: 'k-input' }, 'k'),
      h('vscode-textfield', { id: 'k-input', type: 'number', min: 1, max: 1000, value: String(settings.k) }),
      h('vscode-label', { for: 'metric' }, 'Metric'),
      h(
        'vscode-single-select',
        { id: 'metric' },
        ...metrics.map((m) => h('vscode-option', { value: m, selected: m === settings.metric }, m)),
      ),
      h('vscode-button', { id: 'search-button', disabled: !canSearch, onclick: () => search() }, 'Search'),
    ),
    h(
      'div',
      { id: 'results-caption', class: 'muted', 'aria-live': 'polite' },
      canSearch
        ? 'Type a word or sentence and press Enter. The text is embedded on this machine; nothing is sent anywhere.'
        : 'Searching needs a model whose dimension matches the file.',
    ),
    h('table', { id: 'results', 'aria-labelledby': 'results-caption' }),
  );
  byId<HTMLElement>('query-input').focus();
}

function search(): void {
  if (!canSearch) return;
  const text = byId<Field>('query-input').value.trim();
  const caption = byId('results-caption');
  if (!text) {
    caption.textContent = 'Type some text to search for first.';
    return;
  }
  const kRaw = Number(byId<Field>('k-input').value);
  const k = Number.isInteger(kRaw) && kRaw >= 1 ? Math.min(kRaw, 1000) : 10;
  const metric = (byId<Field>('metric').value || 'cosine') as Metric;
  send({ type: 'search', text, k, metric });
}

function renderResults(query: string, metric: Metric, items: TextNeighbor[], ms: number): void {
  const scoreName = metric === 'euclidean' ? 'distance' : metric === 'dot' ? 'dot product' : 'cosine';
  byId('results-caption').textContent =
    `${items.length} rows nearest to "${query}" by ${metric}${metric === 'euclidean' ? ' (smaller is closer)' : ''}, in ${fmt(ms)} ms. Press Enter on a row to open it in the overview.`;
  const scores = items.map((n) => n.score);
  const lo = Math.min(...scores, metric === 'cosine' ? 0 : Infinity);
  const hi = Math.max(...scores);
  const share = (s: number) => (hi > lo ? (metric === 'euclidean' ? (hi - s) / (hi - lo) : (s - lo) / (hi - lo)) : 1);
  const showRow = (row: number) => send({ type: 'showRow', row });
  byId('results').replaceChildren(
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { class: 'num' }, '#'),
        h('th', { class: 'num' }, 'row'),
        h('th', {}, file?.labelColumn ?? 'text'),
        h('th', { class: 'num' }, scoreName),
        h('th', {}, h('span', { class: 'sr-only' }, 'score bar')),
      ),
    ),
    h(
      'tbody',
      {},
      ...items.map((n, i) =>
        h(
          'tr',
          {
            'data-row': n.row,
            'data-score': n.score,
            tabindex: 0,
            title: 'Open in the overview with this row selected',
            onclick: () => showRow(n.row),
            onkeydown: (e: Event) => (e as KeyboardEvent).key === 'Enter' && showRow(n.row),
          },
          h('td', { class: 'num' }, i + 1),
          h('td', { class: 'num' }, n.row),
          h('td', { class: 'label-cell', title: n.text ?? '' }, n.text ?? h('span', { class: 'muted' }, '(no text)')),
          h('td', { class: 'num' }, n.score.toPrecision(4)),
          h(
            'td',
            { style: 'width: 30%' },
            h('div', {
              style: `height: 8px; width: ${Math.round(100 * Math.max(0.02, share(n.score)))}%; background: var(--vscode-progressBar-background); border-radius: 2px`,
            }),
          ),
        ),
      ),
    ),
  );
}
