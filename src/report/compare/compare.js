'use strict';
// Builds the compared settings table from the JSON data block, as the analysis page does. Every
// text goes in through textContent, never as markup: names and values come from GPOs and policies.
(() => {
  const data = JSON.parse(document.getElementById('data').textContent);
  const S = data.strings;
  const rows = data.rows;
  // Row fields, as compare/html.rs writes them.
  const GPO = 0, NAME = 1, SCOPE = 2, READINESS = 3, CATALOG_ID = 4, COMPARISON = 5, GPO_VALUE = 6,
    INTUNE_VALUE = 7, POLICIES = 8, REASON = 9;
  const gpoName = new Map(data.gpos.map(([id, name]) => [id, name]));
  const EMPTY = S.indexOf('');
  const label = (rank) => data.comparisons[rank][0];
  const jsonName = (rank) => data.comparisons[rank][1];

  const columns = [
    { id: 'gpo', width: '10rem', label: 'GPO', text: (r) => S[gpoName.get(r[GPO])], key: (r) => gpoName.get(r[GPO]) },
    { id: 'name', width: '15rem', label: 'Setting Name', field: NAME },
    { id: 'scope', width: '4.5rem', label: 'Scope', field: SCOPE },
    { id: 'comparison', width: '8.5rem', label: 'Comparison', text: (r) => label(r[COMPARISON]), key: (r) => r[COMPARISON],
      render: (td, r) => {
        const pill = td.appendChild(document.createElement('span'));
        pill.className = 'pill r' + data.comparisons[r[COMPARISON]][2];
        pill.textContent = label(r[COMPARISON]);
      } },
    { id: 'gpovalue', width: '14rem', label: 'GPO Value', field: GPO_VALUE, clip: true, cls: 'long' },
    { id: 'intunevalue', width: '14rem', label: 'Intune Value', field: INTUNE_VALUE, clip: true, cls: 'long' },
    { id: 'policies', width: '12rem', label: 'Intune Policies', field: POLICIES, cls: 'long' },
    { id: 'readiness', width: '7rem', label: 'Migration Readiness', field: READINESS },
    { id: 'catalog', width: '16rem', label: 'Settings Catalog ID', field: CATALOG_ID, cls: 'long code' },
    { id: 'reason', width: '16rem', label: 'Reason', field: REASON, clip: true },
  ];
  for (const c of columns) {
    if (c.field === undefined) continue;
    c.text = (r) => S[r[c.field]];
    c.key = (r) => (r[c.field] === EMPTY ? null : r[c.field]);
  }

  const $ = (id) => document.getElementById(id);
  const tbody = $('rows'), shown = $('shown'), search = $('search');
  const comparisonSelect = $('filter-comparison'), gpoSelect = $('filter-gpo');
  const count = (pick) => {
    const counts = new Map();
    for (const r of rows) counts.set(pick(r), (counts.get(pick(r)) || 0) + 1);
    return counts;
  };
  const byComparison = count((r) => r[COMPARISON]);
  data.comparisons.forEach(([name, json], rank) =>
    comparisonSelect.appendChild(new Option(`${name} (${byComparison.get(rank) || 0})`, json)));
  const byGpo = count((r) => r[GPO]);
  for (const [id, name] of data.gpos) gpoSelect.appendChild(new Option(`${S[name]} (${byGpo.get(id) || 0})`, String(id)));

  const cell = (parent, cls, role) => {
    const div = parent.appendChild(document.createElement('div'));
    if (cls) div.className = cls;
    div.setAttribute('role', role);
    return div;
  };
  $('settings-table').style.setProperty('--columns', columns.map((c) => c.width).join(' '));
  const headRow = $('settings-head');
  for (const c of columns) {
    const th = cell(headRow, '', 'columnheader');
    const button = th.appendChild(document.createElement('button'));
    button.type = 'button';
    button.textContent = c.label;
    button.addEventListener('click', () => {
      sort = sort.column === c.id ? { column: c.id, descending: !sort.descending } : { column: c.id, descending: false };
      update();
    });
    c.th = th;
  }

  const made = [];
  const rowElement = (i) => {
    if (made[i]) return made[i];
    const r = rows[i];
    const tr = document.createElement('div');
    tr.className = 'row';
    tr.setAttribute('role', 'row');
    for (const c of columns) {
      const td = cell(tr, c.cls, 'cell');
      if (c.render) {
        c.render(td, r);
      } else if (c.clip) {
        const div = td.appendChild(document.createElement('div'));
        div.className = 'clip';
        div.textContent = c.text(r);
      } else {
        td.textContent = c.text(r);
      }
    }
    made[i] = tr;
    return tr;
  };

  const haystacks = [];
  const haystack = (i) => {
    if (haystacks[i] === undefined) haystacks[i] = columns.map((c) => c.text(rows[i])).join('\n').toLowerCase();
    return haystacks[i];
  };

  let sort = { column: null, descending: false };
  const orders = new Map();
  const order = () => {
    const name = sort.column === null ? '' : (sort.descending ? '-' : '') + sort.column;
    if (orders.has(name)) return orders.get(name);
    const indices = rows.map((_, i) => i);
    const column = columns.find((c) => c.id === sort.column);
    if (column) {
      const keys = rows.map(column.key);
      const direction = sort.descending ? -1 : 1;
      // Empty cells last either way; ties keep the report order.
      indices.sort((a, b) => {
        const ka = keys[a], kb = keys[b];
        if (ka === kb) return a - b;
        if (ka === null) return 1;
        if (kb === null) return -1;
        return direction * (ka - kb);
      });
    }
    orders.set(name, indices);
    return indices;
  };

  const render = () => {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const comparison = comparisonSelect.value, gpo = gpoSelect.value;
    const fragment = document.createDocumentFragment();
    let n = 0;
    for (const i of order()) {
      const r = rows[i];
      if (comparison && jsonName(r[COMPARISON]) !== comparison) continue;
      if (gpo && String(r[GPO]) !== gpo) continue;
      if (words.length && !words.every((w) => haystack(i).includes(w))) continue;
      fragment.appendChild(rowElement(i));
      n++;
    }
    tbody.replaceChildren(fragment);
    shown.textContent = `${n} of ${rows.length} settings shown`;
    for (const c of columns) {
      if (c.id === sort.column) c.th.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
      else c.th.removeAttribute('aria-sort');
    }
    for (const tr of document.querySelectorAll('#gpos tr[data-gpo]')) tr.classList.toggle('active', tr.dataset.gpo === gpo);
  };

  // The view lives in the fragment (`#gpo=3&comparison=different&q=smb&sort=-name`).
  const choose = (select, value) => {
    select.value = value || '';
    if (select.value !== (value || '')) select.value = '';
  };
  const readFragment = () => {
    const p = new URLSearchParams(location.hash.slice(1));
    search.value = p.get('q') || '';
    choose(comparisonSelect, p.get('comparison'));
    choose(gpoSelect, p.get('gpo'));
    const s = p.get('sort') || '';
    const column = s.replace(/^-/, '');
    sort = columns.some((c) => c.id === column) ? { column, descending: s.startsWith('-') } : { column: null, descending: false };
  };
  const writeFragment = () => {
    const p = new URLSearchParams();
    if (search.value) p.set('q', search.value);
    if (comparisonSelect.value) p.set('comparison', comparisonSelect.value);
    if (gpoSelect.value) p.set('gpo', gpoSelect.value);
    if (sort.column) p.set('sort', (sort.descending ? '-' : '') + sort.column);
    const fragment = p.toString();
    history.replaceState(null, '', fragment ? '#' + fragment : location.pathname + location.search);
  };
  const update = () => {
    writeFragment();
    render();
  };

  let typing;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(update, 150);
  });
  for (const select of [comparisonSelect, gpoSelect]) select.addEventListener('change', update);
  $('clear').addEventListener('click', () => {
    search.value = '';
    for (const select of [comparisonSelect, gpoSelect]) select.value = '';
    sort = { column: null, descending: false };
    update();
  });
  window.addEventListener('hashchange', () => {
    // The Intune-only link is an anchor, not a view.
    if (location.hash === '#intune-only') return;
    readFragment();
    render();
    $('settings').scrollIntoView();
  });

  readFragment();
  render();
  $('settings-ui').hidden = false;
})();
