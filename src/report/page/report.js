// strandq's run report: draws the JSON of #strandq-data (see src/report/README.md). Text from
// the data (accounts, errors, violations) is only ever set with textContent or drawn on a
// canvas, never parsed as HTML.
"use strict";
(function () {
  const started = performance.now();
  const data = JSON.parse(document.getElementById("strandq-data").textContent);
  const SVG_NS = "http://www.w3.org/2000/svg";
  const COLORS = { busy: "43,108,176", failed: "#e8870e", dead: "#b3141a", bound: "#2f8f46" };
  const byId = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function num(n) {
    return Number(n).toLocaleString("en-US");
  }

  // "1.5s", "250ms", "12us", "3m20s".
  function dur(ns) {
    ns = Number(ns);
    const round = (x) => String(Math.round(x * 100) / 100);
    if (ns === 0) return "0";
    if (ns < 1e3) return round(ns) + "ns";
    if (ns < 1e6) return round(ns / 1e3) + "us";
    if (ns < 1e9) return round(ns / 1e6) + "ms";
    if (ns < 60e9) return round(ns / 1e9) + "s";
    const m = Math.floor(ns / 60e9), s = Math.round((ns - m * 60e9) / 1e9);
    return m + "m" + (s ? s + "s" : "");
  }

  function plural(n, noun) {
    return num(n) + " " + noun + (n === 1 ? "" : "s");
  }

  function chartWidth(container) {
    return Math.max(600, Math.min(container.clientWidth || 1180, 1400));
  }

  // Up to `count` round tick values from 0 to max.
  function ticks(max, count) {
    if (!(max > 0)) return [0];
    const raw = max / count, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw);
    const out = [];
    for (let v = 0; v <= max + step * 1e-9; v += step) out.push(v);
    return out;
  }

  function drawHeader() {
    document.title = data.title + (data.source ? " - " + data.source : "");
    byId("title").textContent = data.title;
    byId("source").textContent = data.source;
    byId("version").textContent = "strandq " + data.version;
    byId("verify-text").textContent = data.verdict.text;
  }

  function drawVerdict() {
    const v = data.verdict, f = data.figures, box = byId("verdict");
    const text = v.ok
      ? "verification: OK"
      : "verification: FAILED (" + plural(v.violations_total, "violation") + ")";
    box.appendChild(el("div", "badge " + (v.ok ? "ok" : "fail"), text));
    let headline = "makespan " + dur(f.makespan_ns) + ", lower bound " + dur(f.lower_bound_ns);
    if (f.workers > 0) {
      headline += " = max(ceil(" + num(f.events) + " / " + num(f.workers) + "), " +
        num(f.longest) + ") x " + dur(f.unit_ns);
    }
    headline += f.lower_bound_ns > 0 ? "; efficiency " + f.efficiency.toFixed(3) +
      " (makespan / lower bound, 1.000 is optimal)" : "; efficiency n/a";
    box.appendChild(el("p", "headline", headline));
    for (const note of data.notes) box.appendChild(el("p", "badge fail", note));
    const dl = el("dl", "figures");
    const rows = [["events", num(f.events)], ["accounts", num(f.accounts)],
      ["attempts", num(f.attempts)], ["acked", num(f.acked)], ["retries", num(f.nacked)],
      ["dead", num(f.dead)], ["lost leases", num(f.lost)], ["redelivered", num(f.redelivered)],
      ["workers (W)", num(f.workers)], ["unit", dur(f.unit_ns)],
      ["longest account", plural(f.longest, "event")], ["latency p50", dur(f.latency_p50_ns)],
      ["latency p99", dur(f.latency_p99_ns)], ["latency max", dur(f.latency_max_ns)]];
    if (f.dropped > 0) rows.push(["dropped", num(f.dropped)]);
    if (f.replayed > 0) rows.push(["replayed", num(f.replayed)]);
    if (f.unconfirmed > 0) rows.push(["unconfirmed", num(f.unconfirmed)]);
    for (const [name, value] of rows) {
      const d = el("div");
      d.appendChild(el("dt", "", name));
      d.appendChild(el("dd", "", value));
      dl.appendChild(d);
    }
    box.appendChild(dl);
    if (v.violations.length === 0) return;
    const ul = el("ul", "violations");
    for (const x of v.violations) ul.appendChild(el("li", "", x.kind + ": " + x.detail));
    if (v.violations_total > v.violations.length) {
      ul.appendChild(el("li", "", "... and " + num(v.violations_total - v.violations.length) +
        " more (strandq verify lists the first " + v.violations.length + ")"));
    }
    box.appendChild(ul);
  }

  // A canvas of rows over the time bins: shade = busy share, ticks = failed attempts.
  function drawStrips(container, rows, rowHeight) {
    const t = data.time, width = chartWidth(container), labelW = 190, axisH = 22;
    const plotW = width - labelW - 10, height = rows.length * rowHeight + axisH;
    const ratio = window.devicePixelRatio || 1;
    const canvas = el("canvas");
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
    const g = canvas.getContext("2d");
    g.scale(ratio, ratio);
    const cellW = plotW / t.bins, x0 = labelW;
    g.font = "11px system-ui, sans-serif";
    g.textBaseline = "middle";
    rows.forEach((row, r) => {
      const y = r * rowHeight;
      g.fillStyle = r % 2 ? "#f3f5f8" : "#fbfcfd";
      g.fillRect(x0, y, plotW, rowHeight);
      let last = -1;
      for (let b = 0; b < row.busy.length; b++) {
        const level = Math.round(row.busy[b] / 100);  // 11 shades
        if (row.busy[b] === 0) continue;
        if (level !== last) {
          g.fillStyle = "rgba(" + COLORS.busy + "," + (0.12 + 0.88 * level / 10) + ")";
          last = level;
        }
        g.fillRect(x0 + b * cellW, y + 1, Math.max(cellW, 0.6), rowHeight - 1);
      }
      for (const [bin, failed, dead] of row.marks) {
        g.fillStyle = dead > 0 ? COLORS.dead : COLORS.failed;
        g.fillRect(x0 + bin * cellW, y, Math.max(cellW, dead > 0 ? 3 : 2), rowHeight);
      }
      if (rowHeight >= 12 || r % Math.ceil(12 / rowHeight) === 0) {
        g.fillStyle = "#1d232b";
        const label = row.label.length > 30 ? row.label.slice(0, 29) + "..." : row.label;
        g.fillText(label, 2, y + Math.max(rowHeight, 12) / 2);
      }
    });
    const plotH = rows.length * rowHeight;
    const lb = data.figures.lower_bound_ns;
    if (lb > 0 && lb <= t.bins * t.bin_ns) {
      g.strokeStyle = COLORS.bound;
      g.setLineDash([4, 3]);
      g.beginPath();
      g.moveTo(x0 + lb / t.bin_ns * cellW, 0);
      g.lineTo(x0 + lb / t.bin_ns * cellW, plotH);
      g.stroke();
      g.setLineDash([]);
    }
    g.fillStyle = "#5b6673";
    g.textBaseline = "top";
    for (const v of ticks(t.span_ns, 8)) {
      const x = x0 + v / t.bin_ns * cellW;
      g.fillRect(x, plotH, 1, 4);
      g.fillText(dur(v), Math.min(x - 6, width - 40), plotH + 6);
    }
    container.appendChild(canvas);
    addTip(container, canvas, rows, rowHeight, labelW, cellW);
  }

  // Hovering a cell says which row, which time and how busy.
  function addTip(container, canvas, rows, rowHeight, labelW, cellW) {
    const tip = el("div", "tip");
    container.appendChild(tip);
    canvas.addEventListener("mousemove", (e) => {
      const rect = canvas.getBoundingClientRect();
      const x = e.clientX - rect.left, y = e.clientY - rect.top;
      const r = Math.floor(y / rowHeight), b = Math.floor((x - labelW) / cellW);
      if (r < 0 || r >= rows.length || b < 0 || b >= data.time.bins) {
        tip.style.display = "none";
        return;
      }
      const row = rows[r], mark = row.marks.find((m) => m[0] === b);
      let text = row.label + "\n" + dur(b * data.time.bin_ns) + " .. " +
        dur((b + 1) * data.time.bin_ns) + ": " + (row.busy[b] / 10).toFixed(1) + "% busy";
      if (mark) text += "\n" + mark[1] + " failed, " + mark[2] + " dead";
      tip.textContent = text;
      tip.style.left = Math.min(x + 12, rect.width - 220) + "px";
      tip.style.top = y + 12 + "px";
      tip.style.display = "block";
    });
    canvas.addEventListener("mouseleave", () => { tip.style.display = "none"; });
  }

  function drawSlots() {
    const s = data.slots, t = data.time;
    let note = plural(s.count, "worker slot") + " in " + plural(s.rows.length, "row");
    if (s.per_row > 1) note += " (aggregated: each row is " + s.per_row + " consecutive slots)";
    note += "; time in " + t.bins + " bins of " + dur(t.bin_ns) + ". Shade: the share of the " +
      "row's time spent in attempts. Orange: a failed attempt (retry or lost lease); red: a " +
      "dead letter. Dashed green: the lower bound.";
    byId("slots-note").textContent = note;
    if (s.rows.length === 0) return;
    drawStrips(byId("slots"), s.rows, Math.max(3, Math.min(14, Math.floor(480 / s.rows.length))));
  }

  function drawLanes() {
    const l = data.lanes, f = data.figures;
    byId("lanes-note").textContent = "The " + plural(l.rows.length, "account") + " with the " +
      "most events (of " + num(l.accounts) + "), same bins. The longest account's " +
      plural(f.longest, "event") + " x " + dur(f.unit_ns) + " = " + dur(f.longest * f.unit_ns) +
      " bound the makespan whatever W.";
    if (l.rows.length === 0) return;
    const rows = l.rows.map((r) => Object.assign({}, r, { label: r.label + " (" + r.events + ")" }));
    drawStrips(byId("lanes"), rows, 16);
  }

  function axisLine(g, x1, y1, x2, y2, color, dashed) {
    g.appendChild(svg("line", { x1, y1, x2, y2, stroke: color, "stroke-width": 1.2,
      "stroke-dasharray": dashed ? "5 4" : "none" }));
  }

  function drawConcurrency() {
    const t = data.time, f = data.figures, c = data.concurrency;
    byId("concurrency-note").textContent = "Mean attempts in flight per bin of " +
      dur(t.bin_ns) + " (aggregated). Dashed: W = " + num(f.workers) + " slots and the lower " +
      "bound " + dur(f.lower_bound_ns) + " (an optimal run fills W until about there).";
    if (c.length === 0) return;
    const box = byId("concurrency"), width = chartWidth(box), height = 230;
    const left = 56, right = 10, top = 12, bottom = 24, plotW = width - left - right;
    const plotH = height - top - bottom, ymax = Math.max(f.workers, ...c, 1) * 1.08;
    const xs = (ns) => left + ns / (t.bins * t.bin_ns) * plotW, ys = (v) => top + plotH - v / ymax * plotH;
    const g = svg("svg", { width, height, viewBox: "0 0 " + width + " " + height, role: "img" });
    for (const v of ticks(ymax, 5)) {
      axisLine(g, left, ys(v), left + plotW, ys(v), "#e6eaef", false);
      g.appendChild(svg("text", { x: left - 6, y: ys(v) + 4, "text-anchor": "end" }, num(v)));
    }
    for (const v of ticks(t.span_ns, 8)) {
      g.appendChild(svg("text", { x: xs(v), y: height - 6, "text-anchor": "middle" }, dur(v)));
    }
    let points = left + "," + ys(0);
    c.forEach((v, b) => {
      points += " " + xs(b * t.bin_ns) + "," + ys(v) + " " + xs((b + 1) * t.bin_ns) + "," + ys(v);
    });
    points += " " + xs(t.bins * t.bin_ns) + "," + ys(0);
    g.appendChild(svg("polygon", { points, fill: "rgba(" + COLORS.busy + ",0.35)",
      stroke: "rgb(" + COLORS.busy + ")", "stroke-width": 1, class: "concurrency" }));
    if (f.workers > 0) {
      axisLine(g, left, ys(f.workers), left + plotW, ys(f.workers), "#1d232b", true);
      g.appendChild(svg("text", { x: left + 4, y: ys(f.workers) - 4 }, "W = " + num(f.workers)));
    }
    if (f.lower_bound_ns > 0) {
      const x = xs(Math.min(f.lower_bound_ns, t.bins * t.bin_ns));
      axisLine(g, x, top, x, top + plotH, COLORS.bound, true);
      g.appendChild(svg("text", { x: x - 4, y: top + 10, "text-anchor": "end" },
        "lower bound " + dur(f.lower_bound_ns)));
    }
    box.appendChild(g);
  }

  function drawLatency() {
    const h = data.latency, f = data.figures;
    const total = h.counts.reduce((a, b) => a + b, 0);
    byId("latency-note").textContent = "Enqueue to ack of " + plural(total, "acked attempt") +
      " in " + h.counts.length + (h.log ? " logarithmic" : "") + " bins; p50 " +
      dur(f.latency_p50_ns) + ", p99 " + dur(f.latency_p99_ns) + ", max " + dur(f.latency_max_ns) + ".";
    if (total === 0) return;
    const box = byId("latency"), width = chartWidth(box), height = 200;
    const left = 56, right = 10, top = 10, bottom = 24, plotW = width - left - right;
    const plotH = height - top - bottom, ymax = Math.max(...h.counts) * 1.05, n = h.counts.length;
    const e = h.edges_ns, lo = e[0], hi = e[n];
    const pos = (v) => (h.log ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo));
    const xs = (v) => left + Math.min(1, Math.max(0, pos(v))) * plotW;
    const g = svg("svg", { width, height, viewBox: "0 0 " + width + " " + height, role: "img" });
    for (const v of ticks(ymax, 4)) {
      axisLine(g, left, top + plotH - v / ymax * plotH, left + plotW,
        top + plotH - v / ymax * plotH, "#e6eaef", false);
      g.appendChild(svg("text", { x: left - 6, y: top + plotH - v / ymax * plotH + 4,
        "text-anchor": "end" }, num(v)));
    }
    h.counts.forEach((count, i) => {
      const bh = count / ymax * plotH, x = left + i / n * plotW;
      const bar = svg("rect", { x, y: top + plotH - bh, width: Math.max(1, plotW / n - 1),
        height: bh, fill: "rgb(" + COLORS.busy + ")", class: "bar" });
      bar.appendChild(svg("title", {}, dur(e[i]) + " .. " + dur(e[i + 1]) + ": " + num(count)));
      g.appendChild(bar);
    });
    for (const i of [0, Math.floor(n / 4), Math.floor(n / 2), Math.floor(3 * n / 4), n]) {
      g.appendChild(svg("text", { x: left + i / n * plotW, y: height - 6,
        "text-anchor": i === 0 ? "start" : i === n ? "end" : "middle" }, dur(e[i])));
    }
    for (const [name, v, color] of [["p50", f.latency_p50_ns, COLORS.bound],
      ["p99", f.latency_p99_ns, COLORS.dead]]) {
      if (!(v > 0) || hi <= lo) continue;
      axisLine(g, xs(v), top, xs(v), top + plotH, color, true);
      const atEnd = xs(v) > left + plotW - 30;
      g.appendChild(svg("text", { x: xs(v) + (atEnd ? -3 : 3), y: top + 10,
        "text-anchor": atEnd ? "end" : "start" }, name));
    }
    box.appendChild(g);
  }

  function table(headers, rows, classes) {
    const t = el("table"), head = el("tr");
    headers.forEach((h, i) => head.appendChild(el("th", classes[i], h)));
    t.appendChild(head);
    for (const row of rows) {
      const tr = el("tr");
      row.forEach((cell, i) => tr.appendChild(el("td", classes[i], cell)));
      t.appendChild(tr);
    }
    return t;
  }

  function drawFailures() {
    const e = data.errors, d = data.dead, cut = data.limits.error_chars;
    byId("errors-note").textContent = e.failed_attempts === 0 ? "No attempt failed." :
      plural(e.failed_attempts, "attempt") + " failed with " + plural(e.distinct, "distinct error") +
      "; the " + e.top.length + " most frequent (messages cut at " + cut + " bytes):";
    if (e.top.length > 0) {
      byId("errors").appendChild(table(["attempts", "error", "first seen"],
        e.top.map((x) => [num(x.count), x.error, x.example]), ["num", "error", ""]));
    }
    byId("dead-note").textContent = d.total === 0 ? "No event was dead-lettered." :
      plural(d.total, "event") + " dead-lettered" +
      (d.total > d.first.length ? "; the first " + d.first.length + ":" : ":");
    if (d.first.length > 0) {
      byId("dead").appendChild(table(["event", "id", "attempt", "at", "error"],
        d.first.map((x) => [x.account + "#" + x.seq, x.id, x.attempt, "+" + dur(x.at_ns), x.error]),
        ["", "num", "num", "num", "error"]));
    }
  }

  drawHeader();
  drawVerdict();
  drawSlots();
  drawConcurrency();
  drawLanes();
  drawLatency();
  drawFailures();
  // performance.now() counts from the page's navigation start: loading, parsing and drawing.
  byId("render-ms").textContent = String(Math.round(performance.now()));
  byId("draw-ms").textContent = String(Math.round(performance.now() - started));
  document.body.setAttribute("data-rendered", "1");
})();
