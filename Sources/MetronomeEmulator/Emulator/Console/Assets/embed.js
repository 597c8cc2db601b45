// An embeddable dashboard: reads its data with the grant in its own URL, applies the colour
// overrides, and draws the invoices, usage, or credits (and commits) of one customer.
"use strict";
(async () => {
  const { h, table, invoiceTable, invoiceDetail, usageCharts, commitsTable } = MD;
  const main = document.getElementById("main");
  try {
    const response = await fetch(location.pathname.replace(/\/$/, "") + "/data");
    const data = await response.json();
    if (!response.ok) throw new Error(data.message || response.statusText);
    for (const [name, value] of Object.entries(data.color_overrides || {})) {
      document.documentElement.style.setProperty("--" + name, value);
    }
    const parts = [];
    if (data.dashboard === "invoices") {
      const invoices = data.invoices || [];
      parts.push(h("section", { class: "card", id: "invoices" }, h("h2", {}, "Invoices"), invoiceTable(invoices, null)));
      for (const inv of invoices.filter((i) => i.status === "DRAFT")) {
        parts.push(h("section", { class: "card draft-invoice" }, h("h2", {}, "Upcoming invoice"), invoiceDetail(inv)));
      }
      for (const inv of invoices.filter((i) => i.status !== "DRAFT").slice(0, 3)) {
        parts.push(h("section", { class: "card" }, h("h2", {}, "Invoice ", MD.day(inv.issued_at || inv.end_timestamp)), invoiceDetail(inv)));
      }
    } else if (data.dashboard === "usage") {
      parts.push(h("section", { class: "card", id: "usage" }, h("h2", {}, "Usage per day, last 30 days"), usageCharts(data.usage || [])));
    } else {
      if (data.commits) parts.push(h("section", { class: "card", id: "commits" }, h("h2", {}, "Commits"), commitsTable(data.commits, "No commits.")));
      parts.push(h("section", { class: "card", id: "credits" }, h("h2", {}, "Credits"), commitsTable(data.credits || [], "No credits.")));
    }
    main.replaceChildren(...parts);
  } catch (error) {
    main.replaceChildren(h("p", { class: "error" }, "This dashboard cannot be shown: ", error.message));
  }
})();
