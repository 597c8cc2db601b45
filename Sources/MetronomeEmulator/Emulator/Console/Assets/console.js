// The console: a few pages over the emulator's JSON API, chosen by the URL's hash. Every
// request carries the token the user gave (or a placeholder, which an emulator without
// --api-key accepts).
"use strict";
(() => {
  const { h, table, time, day, number, money, status, invoiceTable, invoiceDetail, usageCharts, commitsTable } = MD;
  const main = document.getElementById("main");
  const tokenForm = document.getElementById("token-form");
  // The namespace prefix (/_ns/<name>) the console was reached under, so it shows that namespace.
  const base = location.pathname.slice(0, location.pathname.indexOf("/_emulator/ui"));
  const TOKEN_KEY = "metronome-emulator-token";
  let token = sessionStorage.getItem(TOKEN_KEY) || "console";
  if (base) document.getElementById("namespace").textContent = "namespace " + decodeURIComponent(base.replace("/_ns/", ""));

  class NeedsToken extends Error {}

  async function request(method, path, body) {
    const headers = { Authorization: "Bearer " + token };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 401) {
      tokenForm.hidden = false;
      throw new NeedsToken("An API key is needed.");
    }
    return response;
  }
  async function api(method, path, body) {
    const response = await request(method, path, body);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || `${response.status} ${response.statusText}`);
    return data;
  }
  const get = (path) => api("GET", path);
  const post = (path, body) => api("POST", path, body || {});

  tokenForm.addEventListener("submit", (event) => {
    event.preventDefault();
    token = document.getElementById("token-input").value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    tokenForm.hidden = true;
    route();
  });

  // A part of a page that loads on its own and says so when it fails.
  function section(title, id, load) {
    const body = h("div", {}, h("p", { class: "muted" }, "Loading…"));
    const node = h("section", { class: "card", id }, title ? h("h2", {}, title) : null, body);
    (async () => {
      try {
        const content = await load();
        body.replaceChildren(...[content].flat(Infinity).filter(Boolean));
      } catch (error) {
        body.replaceChildren(h("p", { class: "error" }, error.message));
      }
    })();
    return node;
  }

  const utcMidnight = (ms) => new Date(Math.floor(ms / 86400000) * 86400000).toISOString();

  // MARK: home

  function home(params) {
    const search = params.get("search") || "";
    const clock = section("Clock", "clock", clockPanel);
    const counts = section("Catalog", "counts", async () => {
      const c = await get("/_emulator/counts");
      return h("div", { class: "counts" }, [["customers", "Customers"], ["contracts", "Contracts"], ["plans", "Plans"],
        ["billable_metrics", "Billable metrics"], ["products", "Products"], ["rate_cards", "Rate cards"], ["credit_types", "Credit types"]]
        .map(([key, label]) => h("div", { id: "count-" + key }, h("b", {}, number(c[key])), label)));
    });
    const customers = section("Customers", "customers", () => customerList(search));
    const reset = h("section", { class: "card", id: "reset" }, h("h2", {}, "Reset"), resetPanel());
    return [h("div", { class: "grid" }, clock, counts), customers, reset];
  }

  async function clockPanel() {
    const clock = await get("/_emulator/clock");
    const message = h("p", { class: "muted", id: "clock-message" });
    const act = (path, body) => async (event) => {
      event.preventDefault();
      try {
        await post(path, body());
        route();
      } catch (error) {
        message.className = "error";
        message.textContent = error.message;
      }
    };
    const setInput = h("input", { id: "clock-set", value: clock.now, size: 26, "aria-label": "Freeze the clock at" });
    const byInput = h("input", { id: "clock-by", value: "P1D", size: 8, "aria-label": "Advance by (ISO 8601 duration)" });
    return [
      h("p", {}, h("b", { id: "clock-now" }, clock.now), " ", status(clock.frozen ? "frozen" : "wall clock")),
      h("form", { class: "inline", onsubmit: act("/_emulator/clock", () => ({ now: setInput.value.trim() })) },
        setInput, h("button", { type: "submit", id: "clock-set-button" }, "Freeze here")),
      h("form", { class: "inline", onsubmit: act("/_emulator/clock/advance", () => ({ by: byInput.value.trim() })) },
        byInput, h("button", { type: "submit", id: "clock-advance-button" }, "Advance")),
      clock.frozen ? h("form", { class: "inline", onsubmit: act("/_emulator/clock", () => ({ now: null })) },
        h("button", { type: "submit", class: "secondary", id: "clock-wall-button" }, "Back to the wall clock")) : null,
      message,
    ];
  }

  function resetPanel() {
    const confirmBox = h("span", { hidden: true }, "Wipe every customer, contract and event of this namespace and reload its fixtures? ",
      h("button", { class: "danger", id: "reset-confirm", onclick: async () => {
        await post("/_emulator/reset");
        location.hash = "#/";
        route();
      } }, "Yes, reset"), " ",
      h("button", { class: "secondary", onclick: () => { confirmBox.hidden = true; } }, "Cancel"));
    return h("p", {}, h("button", { class: "danger", id: "reset-button", onclick: () => { confirmBox.hidden = false; } }, "Reset…"), " ", confirmBox);
  }

  async function customerList(search) {
    const input = h("input", { id: "customer-search", type: "search", value: search, placeholder: "name, ingest alias or id", size: 32 });
    const form = h("form", { class: "inline", onsubmit: (event) => {
      event.preventDefault();
      location.hash = "#/?search=" + encodeURIComponent(input.value.trim());
    } }, input, h("button", { type: "submit" }, "Search"));
    const list = h("div");
    const pager = h("div", { class: "pager" });
    async function load(cursor) {
      const query = new URLSearchParams({ limit: "25" });
      if (search) query.set("search", search);
      if (cursor) query.set("next_page", cursor);
      const page = await get("/_emulator/customers?" + query);
      list.replaceChildren(table(["Name", "Ingest aliases", "Id", "Created"],
        page.data.map((c) => h("tr", { "data-customer-id": c.id },
          h("td", {}, h("a", { href: "#/customers/" + c.id, class: "customer-link" }, c.name), c.archived_at ? [" ", status("archived")] : null),
          h("td", {}, c.ingest_aliases.join(", ")),
          h("td", { class: "id" }, c.id),
          h("td", {}, time(c.created_at)))), search ? "No customer matches." : "No customers yet."));
      pager.replaceChildren(
        cursor ? h("button", { class: "secondary", onclick: () => load(null) }, "← Newest") : "",
        page.next_page ? h("button", { class: "secondary", id: "customers-next", onclick: () => load(page.next_page) }, "Older customers →") : "");
    }
    await load(null);
    return [form, list, pager];
  }

  // MARK: customer

  function customer(id) {
    const header = h("div", {}, h("h1", {}, "Customer"));
    (async () => {
      try {
        const { data: c } = await get(`/v1/customers/${id}`);
        header.replaceChildren(h("h1", { id: "customer-name" }, c.name, c.archived_at ? [" ", status("archived")] : null),
          h("p", { class: "muted" }, h("span", { class: "id" }, c.id), c.ingest_aliases.length ? " · aliases: " + c.ingest_aliases.join(", ") : "",
            " · created ", time(c.created_at)),
          h("p", {}, "Embeddable dashboards: ", ["invoices", "usage", "commits_and_credits"].map((name) =>
            h("a", { href: "#", class: "embed-link", onclick: async (event) => {
              event.preventDefault();
              const { data } = await post("/v1/dashboards/getEmbeddableUrl", { customer_id: id, dashboard: name });
              window.open(data.url, "_blank", "noopener");
            } }, name.replace(/_/g, " "), " ")).flatMap((a) => [a, " "])));
      } catch (error) {
        header.replaceChildren(h("h1", {}, "Customer"), h("p", { class: "error" }, error.message));
      }
    })();
    return [
      header,
      h("div", { class: "grid" },
        section("Contracts", "contracts", async () => {
          const { data } = await post("/v1/contracts/list", { customer_id: id });
          return table(["Contract", "Starts", "Ends", "Rate card"], data.map((c) => {
            const terms = c.initial || c;
            return h("tr", { "data-contract-id": c.id }, h("td", {}, terms.name || h("span", { class: "id" }, c.id)),
              h("td", {}, time(terms.starting_at)), h("td", {}, time(terms.ending_before)), h("td", { class: "id" }, terms.rate_card_id || "—"));
          }), "No contracts.");
        }),
        section("Plans", "plans", async () => {
          const { data } = await get(`/v1/customers/${id}/plans`);
          return table(["Plan", "Starts", "Ends"], data.map((p) =>
            h("tr", {}, h("td", {}, p.plan_name), h("td", {}, time(p.starting_on)), h("td", {}, time(p.ending_before)))), "No plans.");
        })),
      section("Current draft invoices", "draft-invoices", async () => {
        const { data } = await get(`/v1/customers/${id}/invoices?status=DRAFT`);
        return data.length ? data.map(invoiceDetail) : h("p", { class: "muted" }, "No draft invoice: the customer is on no contract or plan now.");
      }),
      section("Usage per day, last 30 days", "usage", async () => {
        const now = Date.parse((await get("/_emulator/clock")).now);
        const body = { customer_ids: [id], window_size: "DAY", starting_on: utcMidnight(now - 29 * 86400000), ending_before: utcMidnight(now + 86400000) };
        let windows = [], cursor = null;
        do {
          const page = await post("/v1/usage" + (cursor ? "?next_page=" + encodeURIComponent(cursor) : ""), body);
          windows = windows.concat(page.data);
          cursor = page.next_page;
        } while (cursor && windows.length < 3000);
        return usageCharts(windows);
      }),
      section("Commits", "commits", () => pagedInBody("/v1/contracts/customerCommits/list",
        { customer_id: id, include_balance: true, include_ledgers: true, include_contract_commits: true }, (data) => commitsTable(data, "No commits."))),
      section("Credits", "credits", () => pagedInBody("/v1/contracts/customerCredits/list",
        { customer_id: id, include_balance: true, include_ledgers: true, include_contract_credits: true }, (data) => commitsTable(data, "No credits."))),
      section("Invoices", "invoices", () => pagedList(`/v1/customers/${id}/invoices`, { sort: "date_desc" }, (data) => invoiceTable(data, (inv) => openPDF(id, inv)))),
      section("Alerts", "alerts", async () => {
        const { data } = await post("/v1/customer-alerts/list", { customer_id: id });
        return table(["Alert", "Type", "Threshold", "Status"], data.map((a) =>
          h("tr", {}, h("td", {}, a.alert.name), h("td", {}, a.alert.type), h("td", { class: "num" }, number(a.alert.threshold)),
            h("td", {}, status(a.customer_status || "—")))), "No alerts.");
      }),
    ];
  }

  async function openPDF(customerId, invoice) {
    const response = await request("GET", `/v1/customers/${customerId}/invoices/${invoice.id}/pdf`);
    if (!response.ok) return;
    const url = URL.createObjectURL(await response.blob());
    window.open(url, "_blank", "noopener");
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  // A list paged on the server, 25 at a time, with buttons for the first and next pages;
  // fetchPage(cursor) answers one page (cursor null for the first).
  async function paged(fetchPage, render) {
    const holder = h("div"), pager = h("div", { class: "pager" });
    async function load(cursor) {
      const page = await fetchPage(cursor);
      holder.replaceChildren(...[render(page.data)].flat(Infinity));
      pager.replaceChildren(
        cursor ? h("button", { class: "secondary", onclick: () => load(null) }, "← First page") : "",
        page.next_page ? h("button", { class: "secondary", onclick: () => load(page.next_page) }, "Next page →") : "");
    }
    await load(null);
    return [holder, pager];
  }

  // The query of a page: limit, and next_page when there is a cursor.
  function pageQuery(cursor, params = {}) {
    const query = new URLSearchParams({ limit: "25", ...params });
    if (cursor) query.set("next_page", cursor);
    return query;
  }

  // A GET list paged by limit and next_page in the query.
  function pagedList(path, params, render) {
    return paged((cursor) => get(path + "?" + pageQuery(cursor, params)), render);
  }

  // A POST list paged by limit and next_page in the query.
  function pagedPost(path, body, render) {
    return paged((cursor) => post(path + "?" + pageQuery(cursor), body), render);
  }

  // A POST list paged by limit and next_page in the body.
  function pagedInBody(path, body, render) {
    return paged((cursor) => post(path, { ...body, limit: 25, ...(cursor ? { next_page: cursor } : {}) }), render);
  }

  // MARK: catalog

  function catalog() {
    return [
      h("h1", {}, "Catalog"),
      section("Billable metrics", "billable-metrics", () => pagedList("/v1/billable-metrics", {}, (data) =>
        table(["Name", "Aggregation", "Event filter", "Group keys"], data.map((m) => h("tr", {},
          h("td", {}, m.name, h("div", { class: "muted id" }, m.id)),
          h("td", {}, m.sql ? "SQL" : `${m.aggregation_type || ""} ${m.aggregation_key || ""}`),
          h("td", {}, m.event_type_filter ? (m.event_type_filter.in_values || []).join(", ") : "—"),
          h("td", {}, (m.group_keys || []).map((k) => k.join(" + ")).join("; ")))), "No billable metrics."))),
      section("Products", "products", () => pagedPost("/v1/contract-pricing/products/list", {}, (data) =>
        table(["Name", "Type", "Billable metric"], data.map((p) => h("tr", {},
          h("td", {}, (p.current || p.initial || {}).name, h("div", { class: "muted id" }, p.id)),
          h("td", {}, p.type), h("td", { class: "id" }, (p.current || p.initial || {}).billable_metric_id || "—"))), "No products."))),
      section("Rate cards", "rate-cards", () => pagedPost("/v1/contract-pricing/rate-cards/list", {}, (data) =>
        data.length === 0 ? h("p", { class: "muted" }, "No rate cards.") : data.map((card) => h("div", { class: "rate-card" },
          h("h3", {}, card.name, " ", h("span", { class: "muted id" }, card.id)),
          h("details", { ontoggle: (event) => loadRates(event.target, card.id) }, h("summary", {}, "Rates over time")))))),
      section("Plans", "catalog-plans", () => pagedList("/v1/plans", {}, (data) =>
        table(["Plan", "Description"], data.map((p) => h("tr", {}, h("td", {}, p.name, h("div", { class: "muted id" }, p.id)), h("td", {}, p.description || ""))), "No plans."))),
    ];
  }

  // A flat price, or each tier's size and price.
  function rateText(rate) {
    if (rate.tiers && rate.tiers.length) {
      return rate.tiers.map((tier) => (tier.size ? `up to ${number(tier.size)} at ` : "then ") + money(tier.price, rate.credit_type, 8)).join(", ");
    }
    return rate.price === undefined ? rate.rate_type : money(rate.price, rate.credit_type, 8);
  }

  async function loadRates(details, rateCardId) {
    if (!details.open || details.dataset.loaded) return;
    details.dataset.loaded = "yes";
    const holder = h("div", {}, h("p", { class: "muted" }, "Loading…"));
    details.append(holder);
    try {
      const page = await post("/v1/contract-pricing/rate-cards/getRateSchedule?limit=100", { rate_card_id: rateCardId, starting_at: "1970-01-01T00:00:00Z" });
      holder.replaceChildren(table(["Product", "From", "Until", "Rate", "Entitled"], page.data.map((r) => h("tr", {},
        h("td", {}, r.product_name || r.product_id), h("td", {}, time(r.starting_at)), h("td", {}, time(r.ending_before)),
        h("td", { class: "num" }, rateText(r.rate)),
        h("td", {}, r.entitled ? "yes" : "no"))), "No rates."));
      if (page.next_page) holder.append(h("p", { class: "muted" }, "The first 100 rates are shown."));
    } catch (error) {
      holder.replaceChildren(h("p", { class: "error" }, error.message));
    }
  }

  // MARK: emulator

  function emulator() {
    return [
      h("h1", {}, "Notifications, requests and namespaces"),
      section("Notifications and webhook deliveries (oldest first, 25)", "notifications", async () => {
        const page = await get("/_emulator/notifications?limit=25");
        return table(["When", "Type", "Customer", "Deliveries"], page.data.map((n) => h("tr", {},
          h("td", {}, time(n.created_at)), h("td", {}, n.type), h("td", { class: "id" }, n.customer_id || "—"),
          h("td", {}, (n.deliveries || []).map((d) => h("div", {}, "webhook ", h("span", { class: "id" }, String(d.webhook_id).slice(0, 8)), " ",
            status(d.state), d.last_status ? " HTTP " + d.last_status : "", d.last_error ? " " + d.last_error : ""))))), "No notifications yet.");
      }),
      section("Request journal (newest first, 50)", "requests", async () => {
        const page = await get("/_emulator/requests?limit=50&bodies=false");
        return table(["When", "Request", "Status", "ms"], page.data.map((r) => h("tr", {},
          h("td", {}, time(r.received_at)), h("td", { class: "id" }, r.method, " ", r.path, r.query ? "?" + r.query : ""),
          h("td", {}, r.response ? r.response.status : "—"), h("td", { class: "num" }, number(r.duration_ms)))), "No requests yet.");
      }),
      section("Namespaces", "namespaces", async () => {
        if (base) return h("p", { class: "muted" }, "Namespaces are listed by the console at the root, /_emulator/ui/.");
        const page = await get("/_emulator/namespaces");
        return table(["Namespace", "Customers", "Console"], page.data.map((n) => h("tr", {}, h("td", {}, n.name), h("td", { class: "num" }, number(n.customers)),
          h("td", {}, h("a", { href: n.name === "default" ? "/_emulator/ui/" : `/_ns/${encodeURIComponent(n.name)}/_emulator/ui/` }, "open")))), "None.");
      }),
    ];
  }

  // MARK: routing

  function route() {
    const [path, query] = (location.hash.slice(1) || "/").split("?");
    const params = new URLSearchParams(query || "");
    const customerMatch = path.match(/^\/customers\/([0-9a-fA-F-]{36})$/);
    let content;
    if (customerMatch) content = customer(customerMatch[1].toLowerCase());
    else if (path === "/catalog") content = catalog();
    else if (path === "/emulator") content = emulator();
    else content = home(params);
    main.replaceChildren(...content);
  }
  window.addEventListener("hashchange", route);
  route();
})();
