// Helpers and the renderers the console and the embeddable dashboards share. They build DOM
// nodes (never HTML strings), so names from the API are shown as text.
"use strict";
const MD = (() => {
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    append(node, children);
    return node;
  }
  function append(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }
  function s(tag, attrs, ...children) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    return append(node, children);
  }
  const time = (ts) => (ts ? ts.replace("T", " ").replace(/:00(\.000)?(Z|\+00:00)$/, "").replace(/Z$/, "") : "—");
  const day = (ts) => (ts ? ts.slice(0, 10) : "—");
  const number = (n) => (n === null || n === undefined ? "—" : Number(n).toLocaleString("en-US", { maximumFractionDigits: 6 }));

  // Metronome's fiat amounts are in cents of "USD (cents)", shown in dollars (to a hundredth of a
  // cent, as rates may be fractions of a cent); other credit types show as they are.
  function money(amount, creditType, maxDigits = 4) {
    if (amount === null || amount === undefined) return "—";
    const name = creditType && creditType.name;
    if (name === "USD (cents)") {
      const dollars = Number(amount) / 100;
      const text = Math.abs(dollars).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: maxDigits });
      return (dollars < 0 ? "-$" : "$") + text;
    }
    return number(amount) + (name ? " " + name : "");
  }
  const status = (text) => h("span", { class: "status " + text }, text);
  const table = (head, rows, empty) =>
    rows.length === 0
      ? h("p", { class: "muted" }, empty || "None.")
      : h("table", {}, h("thead", {}, h("tr", {}, head.map((c) => h("th", { class: /^(Total|Balance|Amount|Quantity|Unit price|Value|Count)$/.test(c) ? "num" : null }, c)))), h("tbody", {}, rows));

  function invoiceTable(invoices, pdf) {
    return table(
      ["Period", "Type", "Status", "Issued", "Total", pdf ? "PDF" : null].filter(Boolean),
      invoices.map((inv) =>
        h("tr", { "data-invoice-id": inv.id },
          h("td", {}, day(inv.start_timestamp), " – ", day(inv.end_timestamp)),
          h("td", {}, inv.type, inv.contract_id ? h("div", { class: "muted id" }, "contract ", inv.contract_id.slice(0, 8)) : null),
          h("td", {}, status(inv.status)),
          h("td", {}, day(inv.issued_at)),
          h("td", { class: "num" }, money(inv.total, inv.credit_type)),
          pdf ? h("td", {}, h("a", { href: "#", onclick: (e) => { e.preventDefault(); pdf(inv); } }, "PDF")) : null)),
      "No invoices."
    );
  }

  function invoiceDetail(inv) {
    const lines = inv.line_items || [];
    return h("div", { class: "invoice", "data-invoice-id": inv.id },
      h("p", { class: "muted" }, status(inv.status), " ", inv.type, " · ", day(inv.start_timestamp), " – ", day(inv.end_timestamp),
        inv.plan_name ? " · plan " + inv.plan_name : ""),
      table(["Line item", "Quantity", "Unit price", "Total"],
        lines.map((line) => h("tr", {},
          h("td", {}, line.name, line.group_value ? h("span", { class: "muted" }, " (", line.group_key, ": ", line.group_value, ")") : null),
          h("td", { class: "num" }, number(line.quantity)),
          h("td", { class: "num" }, line.unit_price === undefined ? "—" : money(line.unit_price, line.credit_type, 8)),
          h("td", { class: "num" }, money(line.total, line.credit_type)))),
        "No line items."),
      h("p", {}, "Total ", h("b", { class: "invoice-total", id: "invoice-total-" + inv.id, "data-total": inv.total }, money(inv.total, inv.credit_type))));
  }

  // One bar chart per billable metric: a bar per day, height proportional to the day's value.
  function usageCharts(windows) {
    const metrics = new Map();
    for (const w of windows) {
      if (!metrics.has(w.billable_metric_id)) metrics.set(w.billable_metric_id, { name: w.billable_metric_name, days: [] });
      metrics.get(w.billable_metric_id).days.push(w);
    }
    if (metrics.size === 0) return h("p", { class: "muted" }, "No billable metrics.");
    let index = 0;
    return [...metrics.entries()].map(([id, metric]) => {
      const days = metric.days.sort((a, b) => a.start_timestamp.localeCompare(b.start_timestamp));
      const values = days.map((d) => Number(d.value || 0));
      const max = Math.max(0, ...values), total = values.reduce((a, b) => a + b, 0);
      const width = 600, height = 120, left = 40, bottom = 16, step = (width - left) / Math.max(days.length, 1);
      const colour = "var(--UsageLine_" + (index++ % 10) + ")";
      const chart = s("svg", { class: "chart usage-chart", viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img",
        "aria-label": `${metric.name} per day`, "data-billable-metric-id": id },
        s("line", { class: "axis", x1: left, y1: height - bottom, x2: width, y2: height - bottom }),
        s("text", { x: 0, y: 10 }, number(max)),
        s("text", { x: 0, y: height - bottom }, "0"),
        days.map((d, i) => {
          const v = values[i], barHeight = max > 0 ? (v / max) * (height - bottom - 12) : 0;
          return s("rect", { class: "bar", x: left + i * step + 1, y: height - bottom - barHeight, width: Math.max(step - 2, 1),
            height: barHeight, style: `fill: ${colour}`, "data-value": v }, s("title", {}, `${day(d.start_timestamp)}: ${number(v)}`));
        }),
        s("text", { x: left, y: height - 2 }, day(days[0] && days[0].start_timestamp)),
        s("text", { x: width, y: height - 2, "text-anchor": "end" }, day(days.length ? days[days.length - 1].start_timestamp : null)));
      return h("div", { class: "usage-metric" }, h("h3", {}, metric.name, h("span", { class: "muted" }, " · total ", number(total))), chart);
    });
  }

  function granted(item) {
    const items = (item.access_schedule && item.access_schedule.schedule_items) || [];
    return items.reduce((sum, segment) => sum + Number(segment.amount || 0), 0);
  }

  function commitsTable(items, empty) {
    return table(["Name", "Type", "Access", "Amount", "Balance", "Ledger"],
      items.map((item) => {
        const creditType = item.access_schedule && item.access_schedule.credit_type;
        const total = granted(item), balance = Number(item.balance || 0);
        const segments = (item.access_schedule && item.access_schedule.schedule_items) || [];
        return h("tr", { "data-commit-id": item.id },
          h("td", {}, item.name || (item.product && item.product.name) || item.id,
            item.contract ? h("div", { class: "muted" }, "contract-level") : null),
          h("td", {}, item.type),
          h("td", {}, segments.map((seg) => h("div", {}, day(seg.starting_at), " – ", day(seg.ending_before)))),
          h("td", { class: "num" }, money(total, creditType)),
          h("td", { class: "num" }, money(balance, creditType),
            h("div", { class: "progress", title: "balance left" }, h("span", { style: `width: ${total > 0 ? Math.max(0, Math.min(100, (balance / total) * 100)) : 0}%` }))),
          h("td", {}, h("details", {}, h("summary", {}, (item.ledger || []).length + " entries"),
            table(["When", "Entry", "Amount"], (item.ledger || []).map((entry) =>
              h("tr", {}, h("td", {}, time(entry.timestamp)), h("td", {}, entry.type), h("td", { class: "num" }, money(entry.amount, creditType))))))));
      }), empty);
  }

  return { h, s, append, time, day, number, money, status, table, invoiceTable, invoiceDetail, usageCharts, commitsTable };
})();
