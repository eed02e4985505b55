/**
 * The live page: plain HTML, CSS and a little script of our own, in one document with nothing
 * fetched from anywhere else (it works offline). Kept as a string so that it ships inside the
 * compiled package with no build step. The script builds every cell with textContent, never
 * innerHTML: users and paths come from requests and are not trusted.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>ChatKit emulator: sessions and requests</title>
<style>
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #fff; --soft: #f6f8fa;
  --active: #116329; --active-bg: #dafbe1; --ended-bg: #eef1f4; --bad: #a40e26; --bad-bg: #ffebe9;
  --warn: #7d4e00; --warn-bg: #fff8c5; --focus: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header, main { padding: 0 16px; max-width: 1400px; margin: 0 auto; }
header { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: baseline; justify-content: space-between; border-bottom: 1px solid var(--line); padding-top: 12px; padding-bottom: 12px; }
h1 { font-size: 1.3rem; margin: 0; }
h2 { font-size: 1.1rem; margin: 24px 0 8px; }
.hint { color: var(--muted); margin: 0 0 8px; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 16px; top: 8px; background: var(--bg); padding: 4px 8px; z-index: 1; }
#connection { font-weight: 600; }
#connection[data-state="live"] { color: var(--active); }
#connection[data-state="lost"] { color: var(--bad); }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; padding: 8px; color: var(--muted); }
th, td { text-align: left; padding: 6px 8px; border-top: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.id, td.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; word-break: break-all; }
tr.ended td { background: var(--ended-bg); color: var(--muted); }
.status { display: inline-block; padding: 0 6px; border-radius: 10px; font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
.status.active { color: var(--active); background: var(--active-bg); }
.status.expired, .status.cancelled { color: var(--muted); background: var(--bg); }
.status.error { color: var(--bad); background: var(--bad-bg); }
.status.ok { color: var(--active); background: var(--active-bg); }
.tag { display: inline-block; margin: 2px 4px 0 0; padding: 0 6px; border-radius: 4px; font-size: 0.85em; border: 1px solid currentColor; }
.tag.fault { color: var(--warn); background: var(--warn-bg); }
.tag.assumption { color: var(--muted); }
.empty { color: var(--muted); padding: 12px 8px; }
button { font: inherit; padding: 4px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--soft); color: var(--fg); cursor: pointer; margin: 2px 4px 2px 0; }
button:hover { background: #eaeef2; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
fieldset { border: 1px solid var(--line); border-radius: 6px; }
label { margin-right: 12px; }
[hidden] { display: none !important; }
#message { min-height: 1.4em; }
@media (max-width: 700px) {
  body { font-size: 16px; }
  .scroll { border: 0; overflow: visible; }
  table, tbody, tr, td { display: block; width: 100%; }
  thead { position: absolute; left: -9999px; }
  caption { display: block; padding: 4px 0; }
  tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 10px; padding: 4px 0; }
  td { border: 0; padding: 3px 10px; display: grid; grid-template-columns: 8.5em minmax(0, 1fr); gap: 8px; overflow-wrap: anywhere; }
  td > * { justify-self: start; }
  td::before { content: attr(data-label); font: 600 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--muted); }
  td:empty { display: none; }
  td.id, td.mono { font-size: 0.8em; }
  tr.ended td { background: transparent; }
  tr.ended { background: var(--ended-bg); }
}
</style>
</head>
<body>
<a class="skip" href="#sessions-title">Skip to the sessions</a>
<header>
  <h1>ChatKit emulator</h1>
  <p class="hint">Point the provider at <code id="base-url"></code> (OPENAI_BASE_URL) with any key starting <code>sk-</code>.</p>
  <p id="connection" role="status" aria-live="polite" data-state="connecting">Connecting…</p>
</header>
<main>
  <section aria-labelledby="sessions-title">
    <h2 id="sessions-title">Sessions</h2>
    <p class="hint">Newest first. A session lives at most ten minutes; expired and cancelled ones stay here, greyed, for ten minutes more. Time runs on the emulator's clock.</p>
    <div class="scroll" tabindex="0" role="region" aria-labelledby="sessions-title">
      <table id="sessions">
        <thead><tr><th scope="col">Session</th><th scope="col">User</th><th scope="col">Workflow</th><th scope="col">Status</th><th scope="col">Time left</th><th scope="col">Lifetime</th><th scope="col">Rate limit</th><th scope="col">Uploads</th><th scope="col">History</th><th scope="col">Created</th><th scope="col">Cancelled</th><th scope="col" class="teach-only">Teach</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <p id="sessions-more" class="hint" hidden></p>
  </section>
  <section id="teaching" aria-labelledby="teaching-title" hidden>
    <h2 id="teaching-title">Teaching controls</h2>
    <p class="hint">Queue a fault for the next request and watch the provider's retry policy at work. Each fault is served once.</p>
    <fieldset>
      <legend>Queue a fault</legend>
      <label>On <select id="fault-on"><option value="create">the next create</option><option value="cancel">the next cancel</option><option value="">the next create or cancel</option></select></label>
      <label>Retry-After <input id="retry-after" type="number" min="0" max="3600" value="5" size="4"> s</label>
      <div>
        <button type="button" data-fault="429">429 with Retry-After</button>
        <button type="button" data-fault="500">500</button>
        <button type="button" data-fault="drop">Dropped connection</button>
        <button type="button" data-fault="clear">Clear queued faults</button>
      </div>
    </fieldset>
    <p id="message" role="status" aria-live="polite"></p>
  </section>
  <section aria-labelledby="requests-title">
    <h2 id="requests-title">Requests</h2>
    <p class="hint">The latest requests to the API, newest first. Faults injected by a test or a teacher are marked; so are answers shaped by the emulator's own assumptions (see <a href="/_emulator/docs/FIDELITY.md">FIDELITY.md</a>; how to use the emulator: <a href="/_emulator/docs/README.md">README.md</a>).</p>
    <div class="scroll" tabindex="0" role="region" aria-labelledby="requests-title">
      <table id="requests">
        <thead><tr><th scope="col">Time</th><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Status</th><th scope="col">Request id</th><th scope="col">Error</th><th scope="col">Marks</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
  </section>
</main>
<script>
"use strict";
(function () {
  var state = null;
  var receivedAt = 0;
  var sessionsBody = document.querySelector("#sessions tbody");
  var requestsBody = document.querySelector("#requests tbody");
  var connection = document.getElementById("connection");
  document.getElementById("base-url").textContent = location.origin + "/v1";

  function nowOnEmulator() {
    return state.now + (Date.now() - receivedAt) / 1000;
  }
  function statusOf(session) {
    if (session.status === "cancelled") return "cancelled";
    return session.expiresAt <= nowOnEmulator() ? "expired" : "active";
  }
  function clock(seconds) {
    var d = new Date(seconds * 1000);
    return d.toLocaleTimeString([], { hour12: false });
  }
  function duration(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var m = Math.floor(s / 60);
    var r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }
  function cell(row, label, text, className) {
    var td = document.createElement("td");
    td.setAttribute("data-label", label);
    if (className) td.className = className;
    if (text !== undefined) td.textContent = text;
    row.appendChild(td);
    return td;
  }
  function badge(parent, text, className) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    parent.appendChild(span);
    return span;
  }
  var STATUS_TEXT = { active: "● active", expired: "○ expired", cancelled: "✕ cancelled" };

  function renderSessions() {
    sessionsBody.textContent = "";
    var more = document.getElementById("sessions-more");
    var hiddenCount = state.sessionCount - state.sessions.length;
    more.hidden = !(hiddenCount > 0);
    more.textContent = hiddenCount > 0 ? "Showing the newest " + state.sessions.length + " of " + state.sessionCount + " sessions; " + hiddenCount + " older ones are not shown." : "";
    if (state.sessions.length === 0) {
      var row = sessionsBody.insertRow();
      var td = cell(row, "", "No sessions yet: run pulumi up (or npm start) against this emulator.", "empty");
      td.colSpan = 12;
      return;
    }
    state.sessions.forEach(function (s) {
      var row = sessionsBody.insertRow();
      row.setAttribute("data-session", s.id);
      cell(row, "Session", s.id, "id");
      cell(row, "User", s.user);
      cell(row, "Workflow", s.workflowId + (s.workflowVersion ? " v" + s.workflowVersion : " (latest)"));
      var statusCell = cell(row, "Status");
      badge(statusCell, "", "status").setAttribute("data-role", "status");
      cell(row, "Time left", "", "mono").setAttribute("data-role", "left");
      cell(row, "Lifetime", duration(s.lifetimeSeconds));
      cell(row, "Rate limit", s.rateLimitPerMinute === null ? "" : s.rateLimitPerMinute + " / min");
      cell(row, "Uploads", s.fileUpload.enabled ? "on, " + s.fileUpload.maxFiles + " files of " + s.fileUpload.maxFileSizeMb + " MB" : "off");
      cell(row, "History", s.history.enabled ? (s.history.recentThreads === null ? "on, all threads" : "on, " + s.history.recentThreads + " recent") : "off");
      cell(row, "Created", clock(s.createdAt));
      cell(row, "Cancelled", s.cancelledAt === null ? "" : clock(s.cancelledAt));
      var actionsCell = cell(row, "Teach", undefined, "teach-only");
      var actions = document.createElement("div");
      actionsCell.appendChild(actions);
      if (state.teaching) {
        [["cancel", "Cancel"], ["expire", "Expire now"]].forEach(function (pair) {
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = pair[1];
          button.setAttribute("aria-label", pair[1] + " session " + s.id);
          button.setAttribute("data-action", pair[0]);
          button.addEventListener("click", function () { act(s.id, pair[0]); });
          actions.appendChild(button);
        });
      }
    });
    tick();
  }

  function tick() {
    if (!state) return;
    state.sessions.forEach(function (s) {
      var row = sessionsBody.querySelector('tr[data-session="' + s.id + '"]');
      if (!row) return;
      var status = statusOf(s);
      var badgeEl = row.querySelector('[data-role="status"]');
      badgeEl.textContent = STATUS_TEXT[status];
      badgeEl.className = "status " + status;
      row.classList.toggle("ended", status !== "active");
      row.querySelector('[data-role="left"]').textContent = status === "active" ? duration(s.expiresAt - nowOnEmulator()) : "—";
      row.querySelectorAll("button").forEach(function (b) { b.hidden = status !== "active"; });
    });
  }

  function renderRequests() {
    requestsBody.textContent = "";
    if (state.requests.length === 0) {
      var row = requestsBody.insertRow();
      var td = cell(row, "", "No requests yet.", "empty");
      td.colSpan = 7;
      return;
    }
    state.requests.forEach(function (r) {
      var row = requestsBody.insertRow();
      cell(row, "Time", clock(r.at / 1000));
      cell(row, "Method", r.method);
      cell(row, "Path", r.path, "mono");
      var statusCell = cell(row, "Status");
      if (r.dropped) badge(statusCell, "dropped (no answer)", "status error");
      else if (r.status === null) badge(statusCell, "no answer yet", "status");
      else badge(statusCell, (r.status < 400 ? "✓ " : "✕ ") + r.status, r.status < 400 ? "status ok" : "status error");
      cell(row, "Request id", r.requestId, "mono");
      cell(row, "Error", r.error ? r.error.type + ": " + r.error.message : "");
      var marks = cell(row, "Marks");
      if (r.fault) badge(marks, "injected fault: " + r.fault, "tag fault");
      r.assumptions.forEach(function (id) { badge(marks, "assumption: " + id, "tag assumption"); });
    });
  }

  function render() {
    document.querySelectorAll(".teach-only").forEach(function (el) { el.hidden = !state.teaching; });
    document.getElementById("teaching").hidden = !state.teaching;
    renderSessions();
    renderRequests();
  }

  function say(text) {
    document.getElementById("message").textContent = text;
  }
  function post(path, body) {
    return fetch(path, { method: body === undefined ? "POST" : "POST", headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) { return response.json().then(function (json) { return { ok: response.ok, json: json }; }); });
  }
  function act(id, action) {
    post("/_emulator/sessions/" + encodeURIComponent(id) + "/" + action).then(function (answer) {
      say(answer.ok ? "Session " + id + " is now " + answer.json.status + "." : answer.json.error.message);
    }, function () { say("The emulator did not answer."); });
  }
  document.querySelectorAll("[data-fault]").forEach(function (button) {
    button.addEventListener("click", function () {
      var kind = button.getAttribute("data-fault");
      var on = document.getElementById("fault-on").value;
      if (kind === "clear") {
        fetch("/_emulator/faults", { method: "DELETE" }).then(function () { say("Queued faults cleared."); });
        return;
      }
      var fault = kind === "drop" ? { kind: "drop" } : { kind: "status", status: Number(kind) };
      if (kind === "429") fault.retryAfterSeconds = Number(document.getElementById("retry-after").value || 0);
      if (on) fault.on = on;
      post("/_emulator/faults", fault).then(function (answer) {
        say(answer.ok ? "Queued: " + button.textContent + " (" + answer.json.queued + " in the queue)." : answer.json.error.message);
      }, function () { say("The emulator did not answer."); });
    });
  });

  function connect() {
    var source = new EventSource("/_emulator/events");
    source.addEventListener("state", function (event) {
      state = JSON.parse(event.data);
      receivedAt = Date.now();
      connection.textContent = "Live: updates as they happen";
      connection.setAttribute("data-state", "live");
      render();
    });
    source.addEventListener("error", function () {
      connection.textContent = "Emulator not reachable: reconnecting…";
      connection.setAttribute("data-state", "lost");
    });
  }
  connect();
  setInterval(tick, 1000);
})();
</script>
</body>
</html>
`;
