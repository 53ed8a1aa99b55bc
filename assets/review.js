"use strict";
// The review page. The marked text is built once by reconcile, as HTML; this script
// only reacts to events, through delegation, and draws the list of sites virtually (only
// the rows in view exist), so the page stays fast with thousands of sites.
(function () {
  const D = JSON.parse(document.getElementById("data").textContent);
  const $ = (id) => document.getElementById(id);
  const text = $("text"), list = $("list"), rowsBox = $("rows"), panel = $("panel");
  const notice = $("notice"), progress = $("progress"), filter = $("only-flagged");

  // Sites, decoded from their compact form.
  const sites = D.sites.map((a, i) => ({
    i, flagged: a[0] === 1, layout: a[1] === 1, confidence: a[2], chosen: a[3],
    reason: D.reasons[a[4]], before: a[5], after: a[6], ctxBefore: a[7], ctxAfter: a[8],
    cands: a[9].map((c) => ({ text: c[0], folded: c[1], witnesses: c[2], p: c[3], spelled: c[4] === 1 })),
    inOutput: a[10] === 1, reviewed: a[11] === 1,
  }));
  const flagged = sites.filter((s) => s.flagged).map((s) => s.i);

  // Decisions by site: {k: candidate index} or {text: correction}.
  const decisions = new Map();
  let cur = -1;

  const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  const shown = (t) => (t === "" ? "∅" : t);
  const oneLine = (t) => t.replace(/\n/g, "⏎");
  const fileName = (p) => p.split(/[\\/]/).pop();

  function say(html) {
    notice.innerHTML = html;
    notice.hidden = !html;
  }

  // A reviewer's reading at a site with a decision, else null.
  function decidedText(s) {
    const d = decisions.get(s.i);
    if (!d) return null;
    return "text" in d ? d.text : s.cands[d.k].text;
  }

  function show(s) {
    const t = decidedText(s);
    const mark = $("s" + s.i);
    if (mark) {
      mark.textContent = t === null ? s.cands[s.chosen].text : t;
      mark.classList.toggle("d", t !== null);
    }
    drawRows();
  }

  // The list: all sites, or the flagged ones; only the rows in view are in the DOM.
  const ROW = 24;
  let listed = sites.map((s) => s.i);
  const colour = (p) => (p < 0.5 ? "c0" : p < 0.75 ? "c1" : p < 0.9 ? "c2" : "c3");
  const tail = (t, n) => [...t].slice(-n).join("");
  const head = (t, n) => [...t].slice(0, n).join("");
  function rowHtml(s, at) {
    const t = decidedText(s);
    const reading = t === null ? s.cands[s.chosen].text : t;
    const cls = "row" + (s.flagged ? " f" : "") + (t !== null ? " d" : "") + (s.i === cur ? " cur" : "");
    return `<div class="${cls}" role="listitem" data-i="${s.i}" style="top:${at * ROW}px">` +
      `<span class="n">${s.i}</span><span class="x">${esc(oneLine(tail(s.ctxBefore, 6)))}` +
      `<b class="${colour(s.confidence)}">${esc(oneLine(shown(reading)))}</b>${esc(oneLine(head(s.ctxAfter, 6)))}</span>` +
      `<span class="p">${s.confidence.toFixed(2)}</span></div>`;
  }
  let drawQueued = false;
  function drawRows() {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(() => {
      drawQueued = false;
      const first = Math.max(0, Math.floor(list.scrollTop / ROW) - 10);
      const last = Math.min(listed.length, first + Math.ceil(list.clientHeight / ROW) + 20);
      let h = "";
      for (let at = first; at < last; at++) h += rowHtml(sites[listed[at]], at);
      rowsBox.innerHTML = h;
    });
  }
  function setListed(onlyFlagged) {
    listed = onlyFlagged ? flagged : sites.map((s) => s.i);
    rowsBox.style.height = listed.length * ROW + "px";
    scrollRowIntoView(cur);
    drawRows();
  }
  // Position of site i in the list (sorted), by bisection; -1 if not listed.
  function listedAt(i) {
    let lo = 0, hi = listed.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (listed[mid] < i) lo = mid + 1; else hi = mid;
    }
    return listed[lo] === i ? lo : -1;
  }
  function scrollRowIntoView(i) {
    const at = listedAt(i);
    if (at < 0) return;
    const top = at * ROW;
    if (top < list.scrollTop || top + ROW > list.scrollTop + list.clientHeight) {
      list.scrollTop = top - list.clientHeight / 2;
    }
  }

  function updateProgress() {
    let done = 0;
    for (const i of flagged) if (decisions.has(i)) done++;
    const other = decisions.size - done;
    progress.textContent = `reviewed ${done} / ${flagged.length} flagged` +
      (other > 0 ? ` · ${other} other decision${other === 1 ? "" : "s"}` : "");
  }

  const storageKey = "reconcile-review/" + D.id;
  function save() {
    try {
      localStorage.setItem(storageKey, JSON.stringify([...decisions]));
    } catch (e) { /* storage unavailable: decisions live until the page closes */ }
  }

  function decide(s, d) {
    if (d === null) decisions.delete(s.i);
    else decisions.set(s.i, d);
    show(s);
    updateProgress();
    save();
    if (s.i === cur) renderPanel();
  }

  // A typed correction that is one of the readings picks that reading.
  function correction(s, t) {
    const k = s.cands.findIndex((c) => c.witnesses.length > 0 &&
      (c.text === t || c.folded === t.normalize("NFKC")));
    return k >= 0 ? { k } : { text: t };
  }

  function renderPanel() {
    const s = sites[cur];
    if (!s) return;
    const d = decisions.get(s.i);
    const pos = flagged.indexOf(s.i);
    const where = pos >= 0 ? `flagged ${pos + 1} of ${flagged.length}` : (s.layout ? "paragraph break" : "not flagged");
    let h = `<h2>Site ${s.i} · ${where} · confidence ${s.confidence.toFixed(2)}</h2>`;
    h += `<p class="reason">${esc(s.reason)}</p><table>`;
    D.witnesses.forEach((w, wi) => {
      const c = s.cands.find((c) => c.witnesses.includes(wi));
      const ctx = c === undefined ? "<i>not in this passage</i>"
        : `…${esc(oneLine(s.ctxBefore))}<b>${esc(oneLine(shown(c.text)))}</b>${esc(oneLine(s.ctxAfter))}…`;
      h += `<tr><td class="w" title="${esc(w)}">[${wi}] ${esc(fileName(w))}</td><td class="ctx">${ctx}</td></tr>`;
    });
    h += `</table><ol class="readings">`;
    s.cands.forEach((c, k) => {
      // Without witnesses: the reviewer's correction (listed last and chosen), or a reading
      // pieced together from the witnesses' characters: what most read at each character
      // (three or more witnesses), or a mix of two witnesses' readings; or a spelled reading,
      // the known word nearest every witness's unknown word.
      const byReviewer = s.reviewed && k === s.chosen && k === s.cands.length - 1;
      const voters = new Set(s.cands.flatMap((x) => x.witnesses)).size;
      const who = c.witnesses.length ? c.witnesses.map((w) => `[${w}]`).join(" ")
        : byReviewer ? "reviewer" : c.spelled ? "known word near every reading" : voters >= 3 ? "majority per character" : "mix of both witnesses";
      const pick = d && "k" in d && d.k === k;
      h += `<li data-k="${k}" class="${k === s.chosen ? "auto" : ""}${pick ? " pick" : ""}">` +
        `<span class="k">${k < 9 ? k + 1 : ""}</span><span class="t">${esc(oneLine(shown(c.text)))}</span>` +
        `<span class="meta">${who} · ${c.p.toFixed(2)}</span></li>`;
    });
    h += `</ol><div class="correction"><input id="corr" type="text" placeholder="c: type a correction, Enter saves"` +
      ` value="${d && "text" in d ? esc(d.text) : ""}"><button type="button" data-act="correct">Use</button></div>`;
    const status = d === undefined ? "no decision yet (a accepts the automatic reading)"
      : `decided: ${esc(oneLine(shown(decidedText(s))))}${"text" in d ? " (correction)" : ""} · 0 undoes`;
    h += `<p class="status">${status}</p>`;
    panel.innerHTML = h;
  }

  function select(i, scroll = true) {
    if (i < 0 || i >= sites.length) return;
    $("s" + cur)?.classList.remove("cur");
    cur = i;
    const mark = $("s" + i);
    mark?.classList.add("cur");
    if (scroll) mark?.scrollIntoView({ block: "center" });
    scrollRowIntoView(i);
    drawRows();
    renderPanel();
  }

  function step(dir, unreviewedOnly) {
    if (!flagged.length) return say("No site is flagged in this report.");
    const n = flagged.length;
    let at = dir > 0 ? flagged.findIndex((i) => i > cur) : n - 1 - [...flagged].reverse().findIndex((i) => i < cur);
    if (at < 0 || at >= n) at = dir > 0 ? 0 : n - 1;
    for (let tries = 0; tries < n; tries++) {
      const i = flagged[(at + dir * tries + n) % n];
      if (!unreviewedOnly || !decisions.has(i)) return select(i);
    }
    say("Every flagged site has a decision.");
  }

  // The decisions file (version 1, docs/decisions.md).
  function entry(s, d) {
    const e = {
      site: s.i, before: s.before, after: s.after,
      readings: s.cands.filter((c) => c.witnesses.length > 0).map((c) => c.folded),
    };
    if ("text" in d) e.correction = d.text;
    else if (s.cands[d.k].witnesses.length === 0) e.correction = s.cands[d.k].text;
    else e.choose = s.cands[d.k].folded;
    return e;
  }

  function exportJSON() {
    const out = [], byContext = new Map(), clashes = [];
    for (const i of [...decisions.keys()].sort((a, b) => a - b)) {
      const e = entry(sites[i], decisions.get(i));
      const key = e.before + "\u0000" + e.after;
      const first = byContext.get(key);
      if (first) {
        // Same context, same decision: one entry applies to both sites.
        if (first.choose !== e.choose || first.correction !== e.correction) clashes.push([first.site, e.site]);
        continue;
      }
      byContext.set(key, e);
      out.push(e);
    }
    for (const u of D.unmatched) {
      const e = Object.assign({}, u);
      delete e.why;
      if (!byContext.has(e.before + "\u0000" + e.after)) out.push(e);
    }
    return {
      json: JSON.stringify({ version: D.version, generator: "reconcile review page", decisions: out }, null, 2) + "\n",
      count: out.length, clashes,
    };
  }

  function download() {
    const { json, count, clashes } = exportJSON();
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    a.download = "decisions.json";
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
    let msg = `Exported ${count} decision${count === 1 ? "" : "s"} to decisions.json. ` +
      `Apply them with <code>reconcile … --decisions decisions.json</code>.`;
    if (clashes.length) {
      msg += ` Sites ${clashes.map((c) => c.join(" and ")).join(", ")} have the same context but different decisions: only the first was kept.`;
    }
    say(msg);
  }

  // Earlier decisions: those the report says a reviewer made, then those this browser kept.
  for (const s of sites) {
    if (!s.reviewed) continue;
    const c = s.cands[s.chosen];
    decisions.set(s.i, c.witnesses.length ? { k: s.chosen } : { text: c.text });
    show(s);
  }
  const messages = [];
  try {
    const kept = JSON.parse(localStorage.getItem(storageKey) || "[]");
    let restored = 0;
    for (const [i, d] of kept) {
      const s = sites[i];
      if (!s || !d || !(("k" in d && d.k >= 0 && d.k < s.cands.length) || typeof d.text === "string")) continue;
      decisions.set(i, d);
      show(s);
      restored++;
    }
    if (restored) messages.push(`Restored ${restored} decision${restored === 1 ? "" : "s"} this browser kept from an earlier visit.`);
  } catch (e) { /* nothing kept */ }
  if (D.unmatched.length) {
    const one = D.unmatched.length === 1;
    messages.push(`${D.unmatched.length} earlier decision${one ? "" : "s"} matched no site in this run and ` +
      `${one ? "stays" : "stay"} in the export: ` + D.unmatched.map((u) => esc(`…${u.before}[${u.choose ?? u.correction}]${u.after}… (${u.why})`)).join("; "));
  }
  say(messages.join(" "));
  updateProgress();
  setListed(false);

  text.addEventListener("click", (e) => {
    const m = e.target.closest("mark.s");
    if (m) select(Number(m.id.slice(1)), false);
  });
  list.addEventListener("click", (e) => {
    const row = e.target.closest(".row");
    if (row) select(Number(row.dataset.i));
  });
  list.addEventListener("scroll", drawRows, { passive: true });
  window.addEventListener("resize", drawRows);
  panel.addEventListener("click", (e) => {
    const s = sites[cur];
    if (!s) return;
    const li = e.target.closest("li[data-k]");
    if (li) return decide(s, { k: Number(li.dataset.k) });
    if (e.target.closest("[data-act=correct]")) decide(s, correction(s, $("corr").value));
  });
  filter.addEventListener("change", () => {
    document.body.classList.toggle("only-flagged", filter.checked);
    setListed(filter.checked);
  });
  $("export").addEventListener("click", download);
  $("help-toggle").addEventListener("click", () => { $("help").hidden = !$("help").hidden; });

  document.addEventListener("keydown", (e) => {
    if (e.target.id === "corr") {
      const s = sites[cur];
      if (e.key === "Enter" && s) { decide(s, correction(s, e.target.value)); e.preventDefault(); }
      else if (e.key === "Escape") { e.target.blur(); renderPanel(); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.tagName === "BUTTON" && (e.key === "Enter" || e.key === " ")) return;
    const s = sites[cur];
    let done = true;
    switch (e.key) {
      case "n": case "j": step(1, false); break;
      case "p": case "k": step(-1, false); break;
      case "u": step(1, true); break;
      case "a": case "Enter": if (s) decide(s, { k: s.chosen }); break;
      case "0": case "Backspace": case "Delete": if (s) decide(s, null); break;
      case "c": if (s) { const i = $("corr"); i.focus(); i.select(); } break;
      case "f": filter.checked = !filter.checked; filter.dispatchEvent(new Event("change")); break;
      case "?": $("help").hidden = !$("help").hidden; break;
      default:
        if (s && /^[1-9]$/.test(e.key) && Number(e.key) <= s.cands.length) decide(s, { k: Number(e.key) - 1 });
        else done = false;
    }
    if (done) e.preventDefault();
  });

  document.documentElement.dataset.ready = "1";
  performance.mark("review-ready");
})();
