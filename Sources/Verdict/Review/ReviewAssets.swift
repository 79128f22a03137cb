/// The fixed parts of the review page: markup, style and the script that renders the
/// embedded data. The script is plain JavaScript with no libraries; it reads the state from
/// the address (`#metric=NAME&outcome=VALUE&conversation=ID`) and writes it back, so every
/// view has a link. (Long because it is one page's stylesheet and script; they change together.)
enum ReviewAssets {
    static let head = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verdict review</title>
<style>
:root { --ink: #1b1f24; --muted: #5b6470; --line: #d8dde3; --soft: #f4f6f8; --accent: #0072B2; --ev: #fff1c2; --trig: #d5ecff; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
header { padding: 12px 20px; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 6px 20px; align-items: baseline; }
h1 { font-size: 18px; margin: 0; }
#summary { color: var(--muted); font-size: 13px; }
main { display: flex; min-height: calc(100vh - 50px); }
nav { width: 340px; flex: none; border-right: 1px solid var(--line); padding: 12px 14px; display: flex; flex-direction: column; gap: 10px; }
label.field { display: flex; flex-direction: column; gap: 4px; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
select, input[type=search] { font: inherit; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; width: 100%; text-transform: none; letter-spacing: 0; color: var(--ink); }
#outcomes { display: flex; flex-wrap: wrap; gap: 6px; }
#definition { margin: 0; font-size: 13px; color: var(--muted, #59636e); }
#list li .cid { font-weight: 600; }
#list li .value { margin-left: 8px; font-variant-numeric: tabular-nums; }
#list li .snippet { display: block; color: var(--muted); font-size: 12px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#extremes button { font: inherit; font-size: 12px; border: 1px solid var(--line); background: var(--soft); border-radius: 12px; padding: 2px 8px; cursor: pointer; }
#outcomes button { font: inherit; font-size: 13px; border: 1px solid var(--line); background: var(--soft); border-radius: 14px; padding: 3px 10px; cursor: pointer; }
#outcomes button[aria-selected=true] { background: var(--accent); border-color: var(--accent); color: #fff; }
#outcomes button .n { opacity: .75; margin-left: 4px; }
#outcomes button .kind-status { opacity: .75; font-size: 12px; }
#missing { margin: 8px 0 0; font-size: 13px; }
#listinfo { font-size: 13px; color: var(--muted); margin: 0; }
#list { list-style: none; margin: 0; padding: 0; overflow: auto; flex: 1; border: 1px solid var(--line); border-radius: 6px; min-height: 120px; }
#list:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
#list li { padding: 6px 10px; border-bottom: 1px solid var(--soft); cursor: pointer; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; word-break: break-all; }
#list li[aria-selected=true] { background: var(--accent); color: #fff; }
#list li[aria-selected=true] .snippet { color: #e6f0f8; }
#detail { flex: 1; min-width: 0; padding: 14px 20px 40px; }
#detail h2 { font-size: 17px; margin: 0 0 2px; word-break: break-all; }
.source { color: var(--muted); font-size: 12px; margin: 0 0 10px; word-break: break-all; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 12px; background: var(--soft); border: 1px solid var(--line); font-weight: 600; }
.legend { font-size: 12px; color: var(--muted); display: flex; gap: 14px; flex-wrap: wrap; margin: 8px 0; }
.legend span::before { content: ""; display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 5px; vertical-align: -2px; border: 1px solid var(--line); }
.legend .l-ev::before { background: var(--ev); } .legend .l-trig::before { background: var(--trig); } .legend .l-out::before { background: #fff; opacity: .4; }
.columns { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 18px; }
h3 { font-size: 14px; margin: 16px 0 6px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
table.timeline { width: 100%; border-collapse: collapse; font-size: 13px; }
table.timeline td { padding: 4px 6px; border-bottom: 1px solid var(--soft); vertical-align: top; }
table.timeline td.num { color: var(--muted); font-variant-numeric: tabular-nums; white-space: nowrap; }
table.timeline td.kind { font-weight: 600; white-space: nowrap; }
table.timeline td.text { word-break: break-word; }
tr.outside td { opacity: .45; }
tr[data-evidence] td { background: var(--ev); }
tr[data-trigger] td { background: var(--trig); }
tr[data-trigger][data-evidence] td { background: linear-gradient(90deg, var(--trig), var(--ev)); }
.tag { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; background: #e8f0e6; margin-left: 4px; white-space: nowrap; }
.mark { font-size: 11px; font-weight: 700; color: var(--accent); margin-left: 4px; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 16px; }
ul.tree { padding-left: 0; font-size: 13px; }
ul.tree li { margin: 3px 0; word-break: break-word; }
.ok { color: #007a52; font-weight: 700; } .no { color: #c0392b; font-weight: 700; }
.hits { color: var(--muted); }
ul.others { list-style: none; padding: 0; margin: 0; font-size: 13px; }
ul.others li { padding: 3px 0; border-bottom: 1px solid var(--soft); display: flex; justify-content: space-between; gap: 10px; }
ul.others a { color: var(--accent); }
.empty, .problem { color: var(--muted); }
.problem { color: #c0392b; }
@media (max-width: 760px) {
  main { flex-direction: column; }
  nav { width: auto; border-right: none; border-bottom: 1px solid var(--line); }
  #list { max-height: 220px; }
  .columns { grid-template-columns: minmax(0, 1fr); }
  #detail { padding: 12px 12px 30px; }
}
</style>
</head>
<body>
<header><h1>Verdict review</h1><div id="summary"></div></header>
<main>
<nav aria-label="Filters">
<label class="field">Metric<select id="metric"></select></label>
<p id="definition" hidden></p>
<div id="outcomes" role="tablist" aria-label="Outcomes"></div>
<label class="field">Search<input id="search" type="search" placeholder="conversation id" autocomplete="off"></label>
<p id="missing" class="problem" role="status" hidden></p>
<p id="listinfo"></p>
<p id="extremes" hidden><button type="button" id="lowest">lowest value</button> <button type="button" id="highest">highest value</button></p>
<ul id="list" role="listbox" tabindex="0" aria-label="Conversations"></ul>
</nav>
<section id="detail" aria-live="polite"><p class="empty">Pick a metric, an outcome and a call.</p></section>
</main>

"""#

    static let tail = #"""
<script>
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("review-data").textContent);
  // state.status: whether state.outcome names a status (not_applicable, ok, ...) or a value;
  // a label may be spelt like a status, and the two stay apart.
  var state = { metric: null, outcome: null, status: false, conversation: null, query: "", missing: null };
  function $(id) { return document.getElementById(id); }
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k]; else if (k === "class") e.className = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) if (arguments[i] != null) e.appendChild(arguments[i]);
    return e;
  }
  // Ids and names come from transcripts: looked up as own properties only, so that an id such
  // as "__proto__" or "constructor" finds nothing it does not hold.
  function own(object, key) { return key != null && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : null; }
  function metricOf(name) { return data.metrics.filter(function (m) { return m.name === name; })[0] || null; }
  function groupOf(m, outcome, status) {
    if (!m) return null;
    return m.outcomes.filter(function (o) { return o.outcome === outcome && o.status === status; })[0] || null;
  }
  function readHash() {
    var p = new URLSearchParams(location.hash.slice(1));
    state.metric = p.get("metric"); state.conversation = p.get("conversation");
    if (p.get("status") != null) { state.outcome = p.get("status"); state.status = true; }
    else { state.outcome = p.get("outcome"); state.status = false; }
    state.missing = null;
  }
  function writeHash() {
    var p = new URLSearchParams();
    if (state.metric != null) p.set("metric", state.metric);
    if (state.outcome != null) p.set(state.status ? "status" : "outcome", state.outcome);
    if (state.conversation != null) p.set("conversation", state.conversation);
    var h = "#" + p.toString().replace(/\+/g, "%20");
    if (location.hash !== h) history.replaceState(null, "", h);
  }
  function normalize() {
    var asked = state.metric, m = metricOf(state.metric) || data.metrics[0] || null;
    if (asked != null && m && m.name !== asked) state.missing = "This page has no metric “" + asked + "”; showing “" + m.name + "”.";
    state.metric = m ? m.name : null;
    var g = groupOf(m, state.outcome, state.status);
    // A link written as outcome= for a status (as older reports did) finds the status when no value has that name.
    if (!g && !state.status && groupOf(m, state.outcome, true)) { g = groupOf(m, state.outcome, true); }
    if (!g && m && state.outcome != null && !state.missing) {
      state.missing = "This page has no " + (state.status ? "status" : "outcome") + " “" + state.outcome + "” for “" + m.name + "”" +
        (m.outcomes.length ? "; showing “" + m.outcomes[0].outcome + "”." : ".");
    }
    g = g || (m && m.outcomes[0]) || null;
    state.outcome = g ? g.outcome : null;
    state.status = g ? g.status : false;
    if (state.conversation != null && !own(data.conversations, state.conversation)) state.conversation = null;
  }
  function visibleIds() {
    var g = groupOf(metricOf(state.metric), state.outcome, state.status);
    if (!g) return [];
    var q = state.query.toLowerCase();
    return g.ids.filter(function (id) { return !q || id.toLowerCase().indexOf(q) >= 0; });
  }
  function renderFilters() {
    var select = $("metric");
    if (!select.options.length) data.metrics.forEach(function (m) { select.appendChild(el("option", { value: m.name, text: m.name })); });
    select.value = state.metric || "";
    var box = $("outcomes");
    box.textContent = "";
    var m = metricOf(state.metric);
    // What the metric measures, in its author's words, above its outcomes.
    var definition = $("definition");
    definition.textContent = m && m.definition ? m.definition : "";
    definition.hidden = !(m && m.definition);
    if (!m) return;
    m.outcomes.forEach(function (o) {
      var b = el("button", { type: "button", role: "tab", "data-outcome": o.outcome, "data-status": String(o.status),
        "aria-selected": String(o.outcome === state.outcome && o.status === state.status) },
        document.createTextNode(o.outcome), o.status ? el("span", { "class": "kind-status", text: " (status)" }) : null,
        el("span", { "class": "n", text: String(o.count) }));
      b.addEventListener("click", function () { state.outcome = o.outcome; state.status = o.status; state.conversation = null; state.missing = null; update(); });
      box.appendChild(b);
    });
  }
  function renderList() {
    var list = $("list");
    list.textContent = "";
    var g = groupOf(metricOf(state.metric), state.outcome, state.status);
    var ids = visibleIds();
    var info = g ? g.count + " call" + (g.count === 1 ? "" : "s") + " had " + state.outcome + (g.ids.length < g.count ? "; a sample of " + g.ids.length + " (seed " + data.seed + ") is listed" : "; all are listed") : "No results.";
    if (state.query) info += "; " + ids.length + " match the search";
    $("listinfo").textContent = info;
    $("missing").textContent = state.missing || "";
    $("missing").hidden = !state.missing;
    // Each call's result for this metric, and a line of its evidence (or its trigger) to read.
    function resultOf(id) { var c = own(data.conversations, id); return c ? own(c.results, state.metric) : null; }
    function snippet(id) {
      var c = own(data.conversations, id), r = resultOf(id);
      if (!c || !c.explain || !r) return "";
      var at = r.evidence.length ? r.evidence[0] : r.triggered_at;
      var e = at != null ? c.explain.events[at] : null;
      if (!e || !e.text) return "";
      return e.text.length > 70 ? e.text.slice(0, 69) + "…" : e.text;
    }
    // A number metric's calls run from the lowest value to the highest, each with its value.
    var numeric = ids.length > 0 && ids.every(function (id) { var r = resultOf(id); return r && typeof r.value === "number"; });
    if (numeric) ids.sort(function (a, b) { return resultOf(a).value - resultOf(b).value || (a < b ? -1 : a > b ? 1 : 0); });
    ids.forEach(function (id) {
      var li = el("li", { role: "option", "data-conversation-id": id, "aria-selected": String(id === state.conversation) },
        el("span", { "class": "cid", text: id }),
        numeric ? el("span", { "class": "value", "data-value": String(resultOf(id).value), text: String(resultOf(id).value) }) : null,
        el("span", { "class": "snippet", text: snippet(id) }));
      li.addEventListener("click", function () { state.conversation = id; update(); list.focus(); });
      list.appendChild(li);
    });
    var extremes = $("extremes");
    extremes.hidden = !numeric;
    if (numeric) {
      $("lowest").onclick = function () { state.conversation = ids[0]; update(); };
      $("highest").onclick = function () { state.conversation = ids[ids.length - 1]; update(); };
    }
    var chosen = list.querySelector("li[aria-selected=true]");
    if (chosen && chosen.scrollIntoView) chosen.scrollIntoView({ block: "nearest" });
  }
  function tree(node) {
    // In words, as the report says it; the rule as written on hover.
    var li = el("li", { title: node.condition }, el("span", { "class": node.holds ? "ok" : "no", text: node.holds ? "✓ " : "✗ " }),
      document.createTextNode(node.words || node.condition),
      el("span", { "class": "hits", text: node.hits.length ? "  hits " + node.hits.join(", ") : "  no hits" }));
    if (node.children && node.children.length) {
      var ul = el("ul");
      node.children.forEach(function (c) { ul.appendChild(tree(c)); });
      li.appendChild(ul);
    }
    return li;
  }
  function renderDetail() {
    var box = $("detail");
    box.textContent = "";
    var id = state.conversation, c = own(data.conversations, id);
    if (!c) { box.appendChild(el("p", { "class": "empty", text: "Pick a call from the list (arrow keys move through it)." })); return; }
    var r = own(c.results, state.metric);
    box.appendChild(el("h2", { text: id }));
    box.appendChild(el("p", { "class": "source", text: "result line " + c.source }));
    box.appendChild(el("p", null, document.createTextNode(state.metric + ": "),
      el("span", { "class": "verdict", text: r ? r.display : "(not in this result line)" })));
    if (r && r.error) box.appendChild(el("p", { "class": "problem", text: r.error }));
    var x = c.explain, mx = null;
    if (x) mx = x.metrics.filter(function (m) { return m.name === state.metric; })[0] || null;
    var evidence = r ? r.evidence : [], trigger = r ? r.triggered_at : null, win = mx ? mx.window : null;
    box.appendChild(el("div", { "class": "legend" }, el("span", { "class": "l-trig", text: "trigger" }), el("span", { "class": "l-ev", text: "evidence" }),
      win ? el("span", { "class": "l-out", text: "outside the window (events " + win[0] + "–" + win[1] + " are in)" }) : null));
    var cols = el("div", { "class": "columns" });
    var left = el("div"), right = el("div");
    left.appendChild(el("h3", { text: "Timeline" }));
    if (!x) {
      left.appendChild(el("p", { "class": "problem", text: "The transcript of this call was not among the given conversations." }));
    } else {
      if (x.flow_error) left.appendChild(el("p", { "class": "problem", text: x.flow_error }));
      var table = el("table", { "class": "timeline" }), body = el("tbody");
      x.events.forEach(function (e) {
        var tr = el("tr", { "data-event-index": String(e.index) });
        if (evidence.indexOf(e.index) >= 0) tr.setAttribute("data-evidence", "true");
        if (trigger === e.index) tr.setAttribute("data-trigger", "true");
        if (win && (e.index < win[0] || e.index > win[1])) tr.className = "outside";
        var text = el("td", { "class": "text", text: e.text });
        e.entries.forEach(function (en) { text.appendChild(el("span", { "class": "tag", text: "enters " + en.flow + (en.step ? " / " + en.step : "") })); });
        if (trigger === e.index) text.appendChild(el("span", { "class": "mark", text: "TRIGGER" }));
        if (evidence.indexOf(e.index) >= 0) text.appendChild(el("span", { "class": "mark", text: "EVIDENCE" }));
        tr.appendChild(el("td", { "class": "num", text: String(e.index) }));
        tr.appendChild(el("td", { "class": "num", text: "t" + e.turn + (e.at != null ? " · " + e.at + "s" : "") }));
        tr.appendChild(el("td", { "class": "kind", text: e.type }));
        tr.appendChild(text);
        tr.appendChild(el("td", { "class": "num", text: e.flow || "" }));
        body.appendChild(tr);
      });
      table.appendChild(body);
      left.appendChild(table);
      // The opened call shows its trigger first (after the page is laid out).
      setTimeout(function () { var t = table.querySelector("tr[data-trigger]"); if (t && t.scrollIntoView) t.scrollIntoView({ block: "center" }); }, 0);
    }
    right.appendChild(el("h3", { text: "Why" }));
    if (!data.rules) right.appendChild(el("p", { "class": "empty", text: "Run review with --rules to see the conditions." }));
    else if (!mx && x) right.appendChild(el("p", { "class": "empty", text: "Conditions are kept for the metrics this call was sampled under (" + c.sampled_under.join(", ") + "); verdict explain --metric \"" + state.metric + "\" shows this one." }));
    else if (!mx) right.appendChild(el("p", { "class": "empty", text: "No condition to show." }));
    else {
      var t = el("ul", { "class": "tree" });
      if (mx.applies_when) { var a = tree(mx.applies_when); a.insertBefore(el("strong", { text: "applies when " }), a.firstChild.nextSibling); t.appendChild(a); }
      mx.conditions.forEach(function (n) { t.appendChild(tree(n)); });
      right.appendChild(t);
      if (mx.error) right.appendChild(el("p", { "class": "problem", text: mx.error }));
    }
    right.appendChild(el("h3", { text: "Every metric of this call" }));
    var others = el("ul", { "class": "others" });
    Object.keys(c.results).forEach(function (name) {
      var res = own(c.results, name);
      var a = el("a", { href: "#", text: name });
      a.addEventListener("click", function (ev) {
        ev.preventDefault(); state.metric = name; state.outcome = outcomeOf(res); state.status = isStatus(res); state.missing = null; update();
      });
      others.appendChild(el("li", { "data-metric": name }, a, el("span", { text: res.display })));
    });
    right.appendChild(others);
    cols.appendChild(left); cols.appendChild(right);
    box.appendChild(cols);
  }
  function outcomeOf(res) {
    if (res.status !== "ok") return res.status;
    return (typeof res.value === "number") ? "ok" : res.display;
  }
  function isStatus(res) { return res.status !== "ok" || typeof res.value === "number"; }
  function update() { normalize(); writeHash(); renderFilters(); renderList(); renderDetail(); }
  $("summary").textContent = data.total + " result lines · up to " + data.per_outcome + " calls per metric and outcome · seed " + data.seed;
  $("metric").addEventListener("change", function () { state.metric = this.value; state.outcome = null; state.conversation = null; update(); });
  $("search").addEventListener("input", function () { state.query = this.value; renderList(); });
  $("list").addEventListener("keydown", function (ev) {
    if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp" && ev.key !== "Home" && ev.key !== "End") return;
    ev.preventDefault();
    var ids = visibleIds();
    if (!ids.length) return;
    var i = ids.indexOf(state.conversation);
    if (ev.key === "ArrowDown") i = i < 0 ? 0 : Math.min(ids.length - 1, i + 1);
    else if (ev.key === "ArrowUp") i = i < 0 ? 0 : Math.max(0, i - 1);
    else if (ev.key === "Home") i = 0; else i = ids.length - 1;
    state.conversation = ids[i];
    update();
  });
  window.addEventListener("hashchange", function () { readHash(); update(); });
  readHash();
  update();
})();
</script>
</body>
</html>

"""#
}
