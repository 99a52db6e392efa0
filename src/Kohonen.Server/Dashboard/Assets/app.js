// The dashboard's script: only what the pages cannot do as plain HTML. The API key lives in this
// tab's sessionStorage and goes out in the X-Api-Key header, never in an address.
'use strict';
(function () {
  const KEY = 'kohonen.apiKey';
  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  function apiKey() { return sessionStorage.getItem(KEY) || ''; }

  function headers(json) {
    const h = {};
    if (json) h['Content-Type'] = 'application/json';
    const key = apiKey();
    if (key) h['X-Api-Key'] = key;
    return h;
  }

  // The service's problem detail (application/problem+json) as text; never a blank panel.
  async function problemText(response) {
    let text = `${response.status} ${response.statusText}`;
    try {
      const body = await response.clone().json();
      if (body && (body.title || body.detail)) {
        text = `${response.status} ${(body.title || '').replace(/\.$/, '')}${body.detail ? ': ' + body.detail : ''}`;
      }
    } catch (e) {
      const raw = await response.text().catch(() => '');
      if (raw) text += ': ' + raw.slice(0, 300);
    }
    return text;
  }

  function showProblem(el, text) {
    if (!el) return;
    el.textContent = text;
    el.hidden = false;
  }

  function hideProblem(el) { if (el) { el.hidden = true; el.textContent = ''; } }

  async function call(method, url, body, problemEl) {
    hideProblem(problemEl);
    let response;
    try {
      response = await fetch(url, { method, headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      showProblem(problemEl, `The service did not answer (${e.message}).`);
      return null;
    }
    if (!response.ok) {
      showProblem(problemEl, await problemText(response));
      return null;
    }
    return response.json();
  }

  const fmt = (v, digits) => v === null || v === undefined ? '' : (typeof v === 'number' ? +v.toFixed(digits === undefined ? 4 : digits) : v);

  // ---- API key, in every page's header ----
  function keyForm() {
    const form = $('#key-form');
    if (!form) return;
    const input = $('#api-key'), state = $('#key-state');
    const say = () => { state.textContent = apiKey() ? 'A key is kept for this tab.' : 'No key kept.'; };
    say();
    form.addEventListener('submit', e => { e.preventDefault(); sessionStorage.setItem(KEY, input.value); input.value = ''; say(); });
    $('#key-forget').addEventListener('click', () => { sessionStorage.removeItem(KEY); say(); });
  }

  // ---- selects that apply on change ----
  function autosubmit() {
    $$('select[data-autosubmit]').forEach(s => s.addEventListener('change', () => s.form.submit()));
  }

  // ---- pictures: a picture that fails shows the service's problem ----
  function pictures() {
    $$('img[data-problem-for]').forEach(img => {
      const fail = async () => {
        const box = img.closest('figure').querySelector('.problem');
        try {
          const response = await fetch(img.src);
          showProblem(box, response.ok ? 'The picture could not be shown.' : await problemText(response));
        } catch (e) { showProblem(box, `The service did not answer (${e.message}).`); }
        img.hidden = true;
      };
      if (img.complete && img.naturalWidth === 0) fail(); else img.addEventListener('error', fail);
    });
  }

  // ---- charts: hover or focus a point for its value ----
  function charts() {
    $$('figure.chart').forEach(fig => {
      const readout = $('.readout', fig);
      const svg = $('svg', fig);
      if (!svg || !readout) return;
      const show = p => { readout.textContent = `${p.dataset.series}, step ${p.dataset.step}: ${p.dataset.value}`; $$('circle.pt.on', fig).forEach(c => c.classList.remove('on')); p.classList.add('on'); };
      svg.addEventListener('mouseover', e => { if (e.target.matches('circle.pt')) show(e.target); });
      // Nearest point to the pointer along x, so a thin line is easy to read.
      svg.addEventListener('mousemove', e => {
        const pts = $$('circle.pt', svg);
        if (!pts.length) return;
        const box = svg.getBoundingClientRect();
        const x = (e.clientX - box.left) / box.width * svg.viewBox.baseVal.width;
        const y = (e.clientY - box.top) / box.height * svg.viewBox.baseVal.height;
        let best = pts[0], bestD = Infinity;
        for (const p of pts) {
          const d = Math.abs(p.cx.baseVal.value - x) * 4 + Math.abs(p.cy.baseVal.value - y);
          if (d < bestD) { bestD = d; best = p; }
        }
        show(best);
      });
    });
  }

  // ---- run page: serve this run ----
  function activate() {
    const button = $('#activate');
    if (!button) return;
    button.addEventListener('click', async () => {
      const result = await call('POST', `/models/${button.dataset.run}/activate`, undefined, $('#activate-problem'));
      if (result) {
        $('#activate-result').textContent = `Now serving ${result.run_name} (${result.width}×${result.height}).`;
        button.hidden = true;
        setTimeout(() => location.reload(), 600);
      }
    });
  }

  // ---- the map: cells, the node panel, keyboard ----
  // SVG cells: each node an element; marks are copies drawn over every cell, so a neighbour drawn
  // later never covers them.
  function svgSurface(svg) {
    const cells = $$('.cells > *', svg);
    const marks = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    marks.setAttribute('class', 'marks');
    marks.setAttribute('aria-hidden', 'true');
    svg.append(marks);
    return {
      count: cells.length,
      indexAt: e => cells.indexOf(e.target),
      mark(kind, indexes) {
        $$('.cells > .' + kind, svg).forEach(c => c.classList.remove(kind));
        $$('.' + kind, marks).forEach(m => m.remove());
        for (const i of indexes) {
          cells[i].classList.add(kind);
          const copy = cells[i].cloneNode(false);
          copy.removeAttribute('fill');
          copy.setAttribute('class', kind);
          marks.append(copy);
        }
      },
    };
  }

  // A large map on a canvas: the same geometry as the SVG cells (cell units, hexagons with odd rows
  // offset by half a cell), found under the pointer by its coordinates.
  function canvasSurface(canvas, width, height) {
    const hex = canvas.dataset.topology === 'hexagonal';
    const rowHeight = Math.sqrt(3) / 2, radius = 1 / Math.sqrt(3);
    const unitsWide = hex ? width + 0.5 : width;
    const unitsHigh = hex ? (height - 1) * rowHeight + 2 * radius : height;
    const scale = Math.max(2, Math.min(24, Math.floor(1600 / unitsWide)));
    canvas.width = Math.ceil(unitsWide * scale);
    canvas.height = Math.ceil(unitsHigh * scale);
    const { palette, entries } = JSON.parse($('#map-colours').textContent);
    const centre = i => {
      const x = i % width, y = Math.floor(i / width);
      return hex ? [x + 0.5 * (y & 1) + 0.5, y * rowHeight + radius] : [x + 0.5, y + 0.5];
    };
    function cellPath(ctx, i, grow) {
      const [cx, cy] = centre(i);
      ctx.beginPath();
      if (hex) {
        for (let k = 0; k < 6; k++) {
          const angle = Math.PI / 180 * (60 * k - 30), r = (radius + grow) * scale;
          const px = cx * scale + r * Math.cos(angle), py = cy * scale + r * Math.sin(angle);
          if (k === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
        }
        ctx.closePath();
      } else {
        const half = (0.5 + grow) * scale;
        ctx.rect(cx * scale - half, cy * scale - half, 2 * half, 2 * half);
      }
    }
    // The cells, drawn once; marks are drawn over a copy.
    const base = document.createElement('canvas');
    base.width = canvas.width; base.height = canvas.height;
    const b = base.getContext('2d');
    b.fillStyle = '#fff';
    b.fillRect(0, 0, base.width, base.height);
    for (let i = 0; i < entries.length; i++) {
      b.fillStyle = palette[entries[i]];
      if (hex) { cellPath(b, i, 0.02); b.fill(); }
      else { const [cx, cy] = centre(i); b.fillRect((cx - 0.5) * scale, (cy - 0.5) * scale, scale, scale); }
    }
    const ctx = canvas.getContext('2d');
    const marked = { lit: [], pinned: [], cursor: [] };
    const styles = { lit: ['#e0005a', 0.2], pinned: ['#ff8c00', 0.14], cursor: ['#fff', 0.1] };
    function draw() {
      ctx.drawImage(base, 0, 0);
      for (const kind of ['lit', 'pinned', 'cursor']) {
        const [colour, line] = styles[kind];
        ctx.strokeStyle = colour;
        ctx.lineWidth = Math.max(2, line * scale);
        for (const i of marked[kind]) { cellPath(ctx, i, 0); ctx.stroke(); }
      }
    }
    draw();
    return {
      count: entries.length,
      indexAt(e) {
        const box = canvas.getBoundingClientRect();
        const ux = (e.clientX - box.left - canvas.clientLeft) / canvas.clientWidth * unitsWide;
        const uy = (e.clientY - box.top - canvas.clientTop) / canvas.clientHeight * unitsHigh;
        let best = -1, bestD = Infinity;
        const row = hex ? Math.round((uy - radius) / rowHeight) : Math.floor(uy);
        for (let y = row - (hex ? 1 : 0); y <= row + (hex ? 1 : 0); y++) {
          if (y < 0 || y >= height) continue;
          const column = hex ? Math.round(ux - 0.5 - 0.5 * (y & 1)) : Math.floor(ux);
          for (let x = column - (hex ? 1 : 0); x <= column + (hex ? 1 : 0); x++) {
            if (x < 0 || x >= width) continue;
            const [cx, cy] = centre(y * width + x);
            const d = (cx - ux) ** 2 + (cy - uy) ** 2;
            if (d < bestD) { bestD = d; best = y * width + x; }
          }
        }
        return bestD <= (hex ? radius * radius : 0.5) ? best : -1;
      },
      mark(kind, indexes) {
        marked[kind] = indexes.slice();
        canvas.dataset[kind] = indexes.join(',');
        draw();
      },
    };
  }

  function mapExplorer() {
    const map = $('#map');
    if (!map) return;
    const width = +map.dataset.width, height = +map.dataset.height;
    const surface = map.tagName.toLowerCase() === 'canvas' ? canvasSurface(map, width, height) : svgSurface(map);
    const svg = map;
    const valuesEl = $('#map-values');
    const values = valuesEl ? JSON.parse(valuesEl.textContent) : [];
    const nodesEl = $('#map-nodes');
    const nodes = nodesEl ? JSON.parse(nodesEl.textContent) : {};
    const panel = $('#node-panel');
    const cache = new Map();
    let current = -1, pinned = -1, asked = 0;
    const mark = (kind, indexes) => surface.mark(kind, indexes);

    async function showNode(index) {
      if (index < 0 || index >= surface.count || !panel) return;
      current = index;
      mark('cursor', [index]);
      const x = index % width, y = Math.floor(index / width);
      svg.setAttribute('aria-activedescendant', '');
      $('#node-title').textContent = `Node (${x}, ${y})`;
      $('#node-hint').hidden = true;
      const label = ($('#colour') && $('#colour').selectedOptions[0]) ? $('#colour').selectedOptions[0].textContent : 'value';
      $('#node-value').textContent = values.length ? `${label}: ${fmt(values[index])}` : '';
      showKept(index);
      const ticket = ++asked;
      let body = cache.get(index);
      if (!body) {
        body = await call('GET', `/weights/${x}/${y}`, undefined, $('#node-problem'));
        if (!body) return;
        cache.set(index, body);
      }
      if (ticket !== asked) return;
      const table = $('#node-weights');
      const tbody = $('tbody', table);
      tbody.replaceChildren(...body.feature_names.map((name, i) => {
        const tr = document.createElement('tr');
        const th = document.createElement('th'); th.scope = 'row'; th.textContent = name;
        const td = document.createElement('td'); td.className = 'num'; td.textContent = body.weights[i];
        tr.append(th, td);
        return tr;
      }));
      table.hidden = false;
      table.dataset.x = x; table.dataset.y = y;
    }

    // The hits, label distribution and segment the model keeps for the node.
    function showKept(index) {
      if (nodes.hits) {
        const el = $('#node-hits');
        el.textContent = `Hits: ${nodes.hits[index]} training row${nodes.hits[index] === 1 ? '' : 's'}`;
        el.dataset.hits = nodes.hits[index];
        // Coloured by hits, the value line says it already.
        el.hidden = !!$('#colour') && $('#colour').value === 'hits';
      }
      if (nodes.classes) {
        const c = nodes.label[index];
        const el = $('#node-label');
        el.textContent = `Label: ${nodes.classes[c]} (confidence ${fmt(nodes.confidence[index])})` + (nodes.borrowed[index] ? ', borrowed from the nearest node that won rows' : '');
        el.dataset.label = nodes.classes[c];
        el.hidden = false;
        const table = $('#node-classes');
        $('tbody', table).replaceChildren(...nodes.classes.map((name, k) => {
          const tr = document.createElement('tr');
          const th = document.createElement('th'); th.scope = 'row'; th.textContent = name;
          const td = document.createElement('td'); td.className = 'num'; td.textContent = fmt(nodes.shares[index][k]);
          tr.append(th, td);
          return tr;
        }));
        table.hidden = false;
      }
      if (nodes.segment) {
        const el = $('#node-segment');
        el.textContent = `Segment: ${nodes.segment[index]}`;
        el.dataset.segment = nodes.segment[index];
        el.hidden = false;
      }
    }

    const hover = e => { if (pinned < 0) { const i = surface.indexAt(e); if (i >= 0 && i !== current) showNode(i); } };
    svg.addEventListener('mouseover', hover);
    if (svg.tagName.toLowerCase() === 'canvas') svg.addEventListener('mousemove', hover);
    svg.addEventListener('click', e => {
      const i = surface.indexAt(e);
      if (i < 0) return;
      pinned = pinned === i ? -1 : i;
      mark('pinned', pinned >= 0 ? [pinned] : []);
      showNode(i);
    });
    svg.addEventListener('keydown', e => {
      let i = current < 0 ? 0 : current;
      let x = i % width, y = Math.floor(i / width);
      switch (e.key) {
        case 'ArrowLeft': x = Math.max(0, x - 1); break;
        case 'ArrowRight': x = Math.min(width - 1, x + 1); break;
        case 'ArrowUp': y = Math.max(0, y - 1); break;
        case 'ArrowDown': y = Math.min(height - 1, y + 1); break;
        case 'Home': x = 0; break;
        case 'End': x = width - 1; break;
        default: return;
      }
      e.preventDefault();
      showNode(y * width + x);
    });
    svg.addEventListener('focus', () => { if (current < 0) showNode(0); });

    // Predictions light their cells.
    window.kohonenLight = (answers) => {
      mark('lit', answers.map(a => a.bmu_y * width + a.bmu_x).filter(i => i >= 0 && i < surface.count));
      if (answers.length) {
        svg.dataset.litX = answers[0].bmu_x; svg.dataset.litY = answers[0].bmu_y;
        showNode(answers[0].bmu_y * width + answers[0].bmu_x);
      }
    };
  }

  // ---- CSV ----
  function parseRows(text) {
    const lines = text.split(/\r?\n/).map(l => l.trim()).filter(l => l.length);
    let names = null;
    const rows = [];
    lines.forEach((line, n) => {
      const cells = line.split(/[,;\t]/).map(c => c.trim());
      const numbers = cells.map(Number);
      if (n === 0 && numbers.some(v => Number.isNaN(v))) { names = cells; return; }
      rows.push(numbers);
    });
    return { names, rows };
  }

  const ANSWER_EXTRAS = ['label', 'label_confidence', 'segment', 'target', 'target_spread'];

  function csvField(v) {
    const text = String(v);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  // An answer's label, segment and target, when the model keeps them.
  function kept(r) {
    const parts = [];
    if (r.label !== undefined) parts.push(`label ${r.label} (confidence ${fmt(r.label_confidence)})`);
    if (r.segment !== undefined) parts.push(`segment ${r.segment}`);
    if (r.target !== undefined) parts.push(`target ${fmt(r.target)}`);
    return parts.length ? ', ' + parts.join(', ') : '';
  }

  function predict() {
    const one = $('#predict-one');
    if (one) {
      one.addEventListener('submit', async e => {
        e.preventDefault();
        const values = $('#vector').value.split(/[\s,;]+/).filter(v => v.length).map(Number);
        const result = await call('POST', '/predict-bmu', { data: values }, $('#predict-problem'));
        $('#bmu-result').textContent = result ? `Best-matching node (${result.bmu_x}, ${result.bmu_y}), distance ${fmt(result.distance)}${kept(result)}.` : '';
        if (result && window.kohonenLight) window.kohonenLight([result]);
      });
    }
    const batch = $('#predict-batch');
    if (batch) {
      batch.addEventListener('submit', async e => {
        e.preventDefault();
        const file = $('#csv-file').files[0];
        const text = file ? await file.text() : $('#csv-text').value;
        const { rows } = parseRows(text);
        if (!rows.length) { showProblem($('#batch-problem'), 'Give a CSV file or paste rows first.'); return; }
        const result = await call('POST', '/predict-batch', { data: rows }, $('#batch-problem'));
        if (!result) return;
        // The label, segment and target columns when the model keeps them.
        const extra = ANSWER_EXTRAS.filter(k => result.results.some(r => r[k] !== undefined && r[k] !== null));
        const columns = ['row', 'bmu_x', 'bmu_y', 'distance', ...extra];
        const headRow = $('#batch-table thead tr');
        headRow.replaceChildren(...columns.map(c => { const th = document.createElement('th'); th.scope = 'col'; th.textContent = c === 'row' ? 'Row' : c; return th; }));
        const tbody = $('#batch-table tbody');
        const csv = [columns.join(',')];
        tbody.replaceChildren(...result.results.map((r, i) => {
          const cells = [i + 1, r.bmu_x, r.bmu_y, r.distance, ...extra.map(k => r[k] === undefined || r[k] === null ? '' : r[k])];
          csv.push(cells.map(csvField).join(','));
          const tr = document.createElement('tr');
          cells.forEach(v => { const td = document.createElement('td'); td.textContent = fmt(v); tr.append(td); });
          return tr;
        }));
        const link = $('#batch-download');
        if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
        link.href = URL.createObjectURL(new Blob([csv.join('\n') + '\n'], { type: 'text/csv' }));
        $('#batch-results').hidden = false;
        if (window.kohonenLight) window.kohonenLight(result.results);
      });
    }
  }

  // ---- train ----
  function train() {
    const form = $('#train-form');
    if (!form) return;
    let runId = null, events = null;
    const number = id => { const v = $('#' + id) && $('#' + id).value.trim(); return v ? Number(v) : undefined; };
    const text = id => { const v = $('#' + id) && $('#' + id).value.trim(); return v || undefined; };

    function progress(status) {
      $('#train-status').textContent = status.status;
      const p = status.progress;
      if (p) {
        $('#train-bar').value = p.fraction;
        $('#train-iteration').textContent = `${p.iteration} of ${p.total_iterations}`;
        $('#train-sigma').textContent = fmt(p.sigma);
        $('#train-alpha').textContent = fmt(p.learning_rate);
        $('#train-qe').textContent = p.quantization_error === null || p.quantization_error === undefined ? 'not measured yet' : fmt(p.quantization_error);
        $('#train-elapsed').textContent = `${fmt(p.elapsed_seconds, 1)} s`;
      }
      if (status.error) showProblem($('#train-problem'), status.error);
    }

    function ended(status) {
      progress(status);
      if (status.status === 'FINISHED') $('#train-bar').value = 1;
      $('#train-cancel').hidden = true;
      $('#train-done').hidden = false;
      $('#train-start').disabled = false;
      if (events) { events.close(); events = null; }
    }

    form.addEventListener('submit', async e => {
      e.preventDefault();
      const body = {
        width: number('width'), height: number('height'), iterations: number('iterations'),
        algorithm: text('algorithm'), topology: text('topology'), neighborhood: text('neighborhood'),
        learning_rate: number('learning_rate'), sigma: number('sigma'), scaling: text('scaling'),
        sigma_end: number('sigma_end'), learning_rate_end: number('learning_rate_end'), distance: text('distance'),
        seed: number('seed'), run_name: text('run_name'), activate: $('#activate-after').checked,
      };
      const file = text('data_file');
      if (file) {
        body.data_file = file;
        const columns = text('columns');
        if (columns) body.columns = columns.split(',').map(c => c.trim()).filter(c => c);
      }
      else {
        const { names, rows } = parseRows($('#data').value);
        body.data = rows;
        if (names) body.feature_names = names;
      }
      Object.keys(body).forEach(k => body[k] === undefined && delete body[k]);
      $('#train-start').disabled = true;
      const status = await call('POST', '/train', body, $('#train-problem'));
      if (!status) { $('#train-start').disabled = false; return; }
      runId = status.run_id;
      $('#train-progress').hidden = false;
      $('#train-done').hidden = true;
      $('#train-cancel').hidden = false;
      $('#train-run').textContent = runId;
      $('#train-run-link').href = `/dashboard/runs/${runId}`;
      progress(status);
      events = new EventSource(status.events || `/runs/${runId}/events`);
      events.addEventListener('progress', m => progress(JSON.parse(m.data)));
      events.addEventListener('end', m => ended(JSON.parse(m.data)));
      events.onerror = async () => {
        if (!events) return;
        events.close(); events = null;
        // The stream broke: ask for the run's state once.
        const s = await call('GET', `/runs/${runId}`, undefined, $('#train-problem'));
        if (s) { if (s.status === 'RUNNING') progress(s); else ended(s); }
      };
      $('#train-status').focus && $('#train-status').focus();
    });

    $('#train-cancel').addEventListener('click', async () => {
      if (!runId) return;
      const s = await call('DELETE', `/runs/${runId}`, undefined, $('#train-problem'));
      if (s) progress(s);
    });
  }

  document.addEventListener('DOMContentLoaded', () => {
    keyForm(); autosubmit(); pictures(); charts(); activate(); mapExplorer(); predict(); train();
  });
})();
