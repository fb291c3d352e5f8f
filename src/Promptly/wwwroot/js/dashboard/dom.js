// Building and filling DOM without innerHTML: the policy forbids inline styles, and text from the API (candidates'
// answers) must never be parsed as markup.

/** An element with properties (className, textContent, type, …), `data` for data-* attributes, and children. */
export function el(tag, properties = {}, ...children) {
  const node = document.createElement(tag);
  const { data, attributes, ...rest } = properties;
  Object.assign(node, rest);
  for (const [name, value] of Object.entries(data ?? {})) node.dataset[name] = value;
  for (const [name, value] of Object.entries(attributes ?? {})) node.setAttribute(name, value);
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

/** A table row of cells; a cell is text or a node. The first cell is the row's header when `header` is set. */
export function row(cells, { header = false, data } = {}) {
  return el('tr', { data }, ...cells.map((cell, i) => el(header && i === 0 ? 'th' : 'td', header && i === 0 ? { scope: 'row' } : {}, cell)));
}

/** Replaces a table body's rows (never appends, so a page left open for a day holds only the latest answer). */
export function fill(tbody, rows, emptyText) {
  const columns = tbody.closest('table').querySelectorAll('thead th').length;
  tbody.replaceChildren(...(rows.length > 0 ? rows : [el('tr', {}, el('td', { colSpan: columns, className: 'empty', textContent: emptyText }))]));
}

const figures = new Map();

/**
 * Shows a figure: its text for people, its raw value in data-value for tests and tools that read the page. Elements
 * are looked up once and kept, since every poll sets the same few.
 */
export function figure(name, value, text) {
  let node = figures.get(name);
  if (!node) {
    node = document.querySelector(`[data-figure="${name}"]`);
    figures.set(name, node);
  }
  node.dataset.value = value === null || value === undefined ? '' : String(value);
  node.textContent = text;
}

export const byId = (id) => document.getElementById(id);
