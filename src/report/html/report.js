'use strict';
// Builds the settings table from the JSON data block. Every text goes in through textContent,
// never as markup: GPO names and values come from the GPOs themselves.
(() => {
  const data = JSON.parse(document.getElementById('data').textContent);
  const S = data.strings;
  const rows = data.rows;
  // Row fields, as html.rs writes them: the GPO, two ranks, the source file as shown, then one
  // string per CSV column.
  const GPO = 0, READINESS = 1, CONFIDENCE = 2, FILE_SHOWN = 3, FIRST_COLUMN = 4;
  const F = Object.fromEntries(data.columns.map((name, i) => [name, FIRST_COLUMN + i]));
  const NAME = F['Setting Name'], CSP = F['CSP Name'], REASON = F['Reason'], KEY = F['Source Key'],
    VALUE_NAME = F['Source Value Name'];
  const gpoName = new Map(data.gpos.map(([id, name]) => [id, name]));
  const EMPTY = S.indexOf('');

  const text = (field) => (r) => S[r[field]];
  const sourceKey = (r) => S[r[KEY]] + (S[r[VALUE_NAME]] ? '\\' + S[r[VALUE_NAME]] : '');
  // `key` gives a number that sorts; strings are stored sorted, so their index does.
  const columns = [
    { id: 'gpo', width: '10rem', label: 'GPO', text: (r) => S[gpoName.get(r[GPO])], key: (r) => gpoName.get(r[GPO]) },
    { id: 'domain', width: '7rem', label: 'Domain', field: F['Domain'] },
    { id: 'name', width: '15rem', label: 'Setting Name', field: NAME },
    { id: 'readiness', width: '9rem', label: 'Migration Readiness', text: (r) => data.readiness[r[READINESS]], key: (r) => r[READINESS],
      render: (td, r) => {
        const pill = td.appendChild(document.createElement('span'));
        pill.className = 'pill r' + r[READINESS];
        pill.textContent = data.readiness[r[READINESS]];
      } },
    { id: 'reason', width: '22rem', label: 'Reason', field: REASON, cls: 'reason' },
    { id: 'category', width: '10rem', label: 'Category', field: F['Category'] },
    { id: 'scope', width: '4.5rem', label: 'Scope', field: F['Scope'] },
    { id: 'value', width: '10rem', label: 'Value', field: F['Value'], clip: true, cls: 'long' },
    { id: 'csp', width: '6.5rem', label: 'CSP Name', field: CSP },
    { id: 'uri', width: '16rem', label: 'CSP Mapping', field: F['CSP Mapping'], cls: 'long code' },
    { id: 'minos', width: '6rem', label: 'Min OS', field: F['Min OS Version'] },
    { id: 'catalog', width: '16rem', label: 'Settings Catalog ID', field: F['Settings Catalog ID'], cls: 'long code' },
    { id: 'confidence', width: '6rem', label: 'Confidence', text: (r) => data.confidence[r[CONFIDENCE]], key: (r) => r[CONFIDENCE] },
    { id: 'route', width: '12rem', label: 'Match Route', field: F['Match Route'], cls: 'long code' },
    { id: 'source', width: '13rem', label: 'Source', cls: 'long', text: (r) => sourceKey(r) + '\n' + S[r[FILE_SHOWN]],
      key: (r) => (r[KEY] === EMPTY ? null : r[KEY] * S.length + r[VALUE_NAME]),
      render: (td, r) => {
        td.appendChild(document.createElement('div')).textContent = sourceKey(r);
        const file = td.appendChild(document.createElement('div'));
        file.className = 'file';
        file.textContent = S[r[FILE_SHOWN]];
      } },
  ];
  for (const c of columns) {
    if (c.field === undefined) continue;
    c.text = text(c.field);
    c.key = (r) => (r[c.field] === EMPTY ? null : r[c.field]);
  }

  const $ = (id) => document.getElementById(id);
  const tbody = $('rows'), shown = $('shown'), search = $('search');
  const readinessSelect = $('filter-readiness'), cspSelect = $('filter-csp'), gpoSelect = $('filter-gpo');
  const NO_CSP = '-';

  const addOption = (select, label, value) => select.appendChild(new Option(label, value));
  const count = (pick) => {
    const counts = new Map();
    for (const r of rows) counts.set(pick(r), (counts.get(pick(r)) || 0) + 1);
    return counts;
  };
  const byReadiness = count((r) => r[READINESS]);
  data.readiness.forEach((name, rank) => addOption(readinessSelect, `${name} (${byReadiness.get(rank) || 0})`, name));
  const byCsp = count((r) => r[CSP]);
  for (const [csp, n] of [...byCsp].sort((a, b) => a[0] - b[0])) {
    if (csp === EMPTY) continue;
    addOption(cspSelect, `${S[csp]} (${n})`, S[csp]);
  }
  if (byCsp.has(EMPTY)) addOption(cspSelect, `(no CSP) (${byCsp.get(EMPTY)})`, NO_CSP);
  const byGpo = count((r) => r[GPO]);
  for (const [id, name] of data.gpos) addOption(gpoSelect, `${S[name]} (${byGpo.get(id) || 0})`, String(id));

  // A grid of rows rather than a table: the browser then lays out only the rows on screen
  // (content-visibility), which keeps thousands of rows quick.
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
    tr.addEventListener('click', (event) => {
      if (event.target.closest('a, button') || String(window.getSelection())) return;
      if (opened.has(i)) opened.delete(i);
      else opened.add(i);
      render();
    });
    made[i] = tr;
    return tr;
  };

  // A row's every column (the CSV's), shown under it when the row is clicked.
  const opened = new Set();
  const details = [];
  const detailElement = (i) => {
    if (details[i]) return details[i];
    const r = rows[i];
    const div = document.createElement('div');
    div.className = 'detail';
    const dl = div.appendChild(document.createElement('dl'));
    data.columns.forEach((name, c) => {
      const value = S[r[FIRST_COLUMN + c]];
      if (!value) return;
      dl.appendChild(document.createElement('dt')).textContent = name;
      dl.appendChild(document.createElement('dd')).textContent = value;
    });
    details[i] = div;
    return div;
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

  // The rows the filters let through, in the table's order: what is shown and what is exported.
  const shownRows = () => {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const readiness = readinessSelect.value, csp = cspSelect.value, gpo = gpoSelect.value;
    return order().filter((i) => {
      const r = rows[i];
      if (readiness && data.readiness[r[READINESS]] !== readiness) return false;
      if (csp && (csp === NO_CSP ? r[CSP] !== EMPTY : S[r[CSP]] !== csp)) return false;
      if (gpo && String(r[GPO]) !== gpo) return false;
      return !words.length || words.every((w) => haystack(i).includes(w));
    });
  };

  const render = () => {
    const gpo = gpoSelect.value;
    const fragment = document.createDocumentFragment();
    const indices = shownRows();
    for (const i of indices) {
      fragment.appendChild(rowElement(i));
      if (opened.has(i)) fragment.appendChild(detailElement(i));
      made[i].classList.toggle('open', opened.has(i));
    }
    tbody.replaceChildren(fragment);
    shown.textContent = `${indices.length} of ${rows.length} settings shown`;
    for (const c of columns) {
      if (c.id === sort.column) c.th.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
      else c.th.removeAttribute('aria-sort');
    }
    for (const tr of document.querySelectorAll('#gpos tr[data-gpo]')) tr.classList.toggle('active', tr.dataset.gpo === gpo);
  };

  // The view lives in the fragment (`#gpo=3&readiness=Deprecated&q=wcm&sort=-name`), so a view
  // can be linked to, and the summary's links filter the table.
  const choose = (select, value) => {
    select.value = value || '';
    if (select.value !== (value || '')) select.value = '';
  };
  const readFragment = () => {
    const p = new URLSearchParams(location.hash.slice(1));
    search.value = p.get('q') || '';
    choose(readinessSelect, p.get('readiness'));
    choose(cspSelect, p.get('csp'));
    choose(gpoSelect, p.get('gpo'));
    const s = p.get('sort') || '';
    const column = s.replace(/^-/, '');
    sort = columns.some((c) => c.id === column) ? { column, descending: s.startsWith('-') } : { column: null, descending: false };
  };
  const writeFragment = () => {
    const p = new URLSearchParams();
    if (search.value) p.set('q', search.value);
    if (readinessSelect.value) p.set('readiness', readinessSelect.value);
    if (cspSelect.value) p.set('csp', cspSelect.value);
    if (gpoSelect.value) p.set('gpo', gpoSelect.value);
    if (sort.column) p.set('sort', (sort.descending ? '-' : '') + sort.column);
    const fragment = p.toString();
    history.replaceState(null, '', fragment ? '#' + fragment : location.pathname + location.search);
  };
  const update = () => {
    writeFragment();
    render();
  };

  // The shown rows as the CSV report writes them: UTF-8 with a byte order mark, CRLF, a field
  // quoted when it holds a quote, comma or line break, and a leading ' on the texts the CSV
  // writer neutralises (html.rs lists them: formulaLike).
  const formulaLike = new Set(data.formulaLike);
  const csvField = (k) => {
    const s = (formulaLike.has(k) ? "'" : '') + S[k];
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  const exportCsv = () => {
    const lines = [data.columns.map((name) => csvField(S.indexOf(name))).join(',')];
    for (const i of shownRows()) lines.push(data.columns.map((_, c) => csvField(rows[i][FIRST_COLUMN + c])).join(','));
    const blob = new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = 'gpa-settings.csv';
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  };
  $('export').addEventListener('click', exportCsv);

  let typing;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(update, 150);
  });
  for (const select of [readinessSelect, cspSelect, gpoSelect]) select.addEventListener('change', update);
  $('clear').addEventListener('click', () => {
    search.value = '';
    for (const select of [readinessSelect, cspSelect, gpoSelect]) select.value = '';
    sort = { column: null, descending: false };
    update();
  });
  window.addEventListener('hashchange', () => {
    readFragment();
    render();
    $('settings').scrollIntoView();
  });

  readFragment();
  render();
  $('settings-ui').hidden = false;
})();
