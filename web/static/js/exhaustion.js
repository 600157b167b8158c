/* Exhaustion check (uitputtingscheck): keeps outcomes and notes in this browser tab only (under a
   random id per check, at most 24 hours), mirrors the verdict rules of directory/exhaustion.py,
   writes the JSON download and reads it back. The only request it makes is the uploaded file's
   check, sent without its notes; the file's profile is then POSTed, never put in a link. */
(function () {
  "use strict";

  var PREFIX = "socialekaart.uitputtingscheck.";
  var CHECK = PREFIX + "check"; // {id, created}: the check this tab works on
  var STATE = PREFIX + "v2."; // + check id -> {created, towns: {<NIS>: {entries, added}}}
  var FLASH = PREFIX + "flash";
  var MAX_AGE_MS = 24 * 60 * 60 * 1000;
  var MAX_NOTE = 500;
  var MAX_WEEKS = 520;
  var KEEP = " Er werd niets gewijzigd.";

  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  // -- verdict rules: the mirror of directory.exhaustion (domain_verdict, services_exhausted) --

  function domainVerdict(domain, entries) {
    var mine = entries.filter(function (e) { return e.domain === domain; });
    if (!mine.length) return { status: "empty", to_try: [], accepted: [] };
    var toTry = mine.filter(function (e) { return e.outcome === "not_tried"; });
    var accepted = mine.filter(function (e) { return e.outcome === "accepted"; });
    if (toTry.length || accepted.length) {
      return {
        status: "open",
        to_try: toTry.map(function (e) { return e.name; }),
        accepted: accepted.map(function (e) { return e.name; }),
      };
    }
    return { status: "exhausted", to_try: [], accepted: [] };
  }

  function servicesExhausted(verdicts, entries) {
    var domains = Object.keys(verdicts);
    if (domains.length && domains.every(function (d) { return verdicts[d].status === "exhausted"; })) {
      return true;
    }
    if (entries.every(function (e) { return e.outcome === "not_tried"; })) return null;
    return false;
  }

  function verdictMessage(v) {
    if (v.status === "exhausted") {
      return "Uitgeput: elke dienst op de lijst werd geprobeerd, zonder passende hulp.";
    }
    if (v.status === "empty") {
      return "Geen diensten op de lijst: de catalogus kent hier geen regulier aanbod. " +
        "Voeg de diensten toe die al geprobeerd werden.";
    }
    var parts = ["Niet uitgeput."];
    if (v.accepted.length) parts.push("Aanvaard door: " + v.accepted.join(", ") + ".");
    if (v.to_try.length) parts.push("Nog te proberen: " + v.to_try.join(", ") + ".");
    return parts.join(" ");
  }

  // -- storage: sessionStorage, one entry per check, gone with the tab or after 24 hours --

  function store(kind) {
    try {
      return window[kind] || null;
    } catch (e) {
      return null; // storage switched off
    }
  }

  function readJSON(storage, key) {
    try {
      return JSON.parse(storage.getItem(key));
    } catch (e) {
      return null;
    }
  }

  function writeJSON(storage, key, value) {
    try {
      storage.setItem(key, JSON.stringify(value));
      return true;
    } catch (e) {
      return false;
    }
  }

  function ourKeys(storage) {
    var keys = [];
    for (var i = 0; i < storage.length; i++) {
      if (storage.key(i).indexOf(PREFIX) === 0) keys.push(storage.key(i));
    }
    return keys;
  }

  function isFresh(value, now) {
    return !!value && typeof value.created === "number" && now - value.created <= MAX_AGE_MS &&
      value.created <= now + 60000;
  }

  // On every load: drop what the first version left in localStorage (per town, no end date), an
  // expired check, and the state of any check other than this tab's current one.
  function purge(now) {
    var local = store("localStorage");
    if (local) ourKeys(local).forEach(function (key) { local.removeItem(key); });
    var session = store("sessionStorage");
    if (!session) return;
    var current = readJSON(session, CHECK);
    if (!isFresh(current, now) || !/^[0-9a-f]{32}$/.test(current.id)) {
      session.removeItem(CHECK);
      current = null;
    }
    ourKeys(session).forEach(function (key) {
      if (key === CHECK || key === FLASH) return;
      if (!current || key !== STATE + current.id || !isFresh(readJSON(session, key), now)) {
        session.removeItem(key);
      }
    });
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); })
      .join("");
  }

  // Everything this page ever stored, in both storages; the flash message survives on request.
  function wipe(keepFlash) {
    [store("localStorage"), store("sessionStorage")].forEach(function (storage) {
      if (!storage) return;
      ourKeys(storage).forEach(function (key) {
        if (!(keepFlash && key === FLASH)) storage.removeItem(key);
      });
    });
  }

  function newCheck() {
    wipe(true);
    var check = { id: randomId(), created: Date.now() };
    var session = store("sessionStorage");
    if (session) writeJSON(session, CHECK, check);
    return check;
  }

  function currentCheck() {
    purge(Date.now());
    var session = store("sessionStorage");
    return (session && readJSON(session, CHECK)) || newCheck();
  }

  function loadState(check, nis) {
    var session = store("sessionStorage");
    var saved = session && readJSON(session, STATE + check.id);
    var state = saved && saved.towns && saved.towns[nis];
    if (state && typeof state.entries === "object" && state.entries && Array.isArray(state.added)) {
      return state;
    }
    return { entries: {}, added: [] };
  }

  function saveState(check, nis, state) {
    var session = store("sessionStorage");
    if (!session) return false;
    var saved = readJSON(session, STATE + check.id);
    if (!saved || typeof saved.towns !== "object" || !saved.towns) {
      saved = { created: check.created, towns: {} };
    }
    saved.towns[nis] = state;
    return writeJSON(session, STATE + check.id, saved);
  }

  function hasMarks(check) {
    var session = store("sessionStorage");
    var saved = session && readJSON(session, STATE + check.id);
    if (!saved || !saved.towns) return false;
    return Object.keys(saved.towns).some(function (nis) {
      var town = saved.towns[nis] || {};
      var entries = town.entries || {};
      return (town.added || []).length > 0 || Object.keys(entries).some(function (key) {
        var e = entries[key] || {};
        return (e.outcome && e.outcome !== "not_tried") || e.note || e.waiting_weeks != null;
      });
    });
  }

  function setupNewPerson() {
    all("[data-action=new-person]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (!window.confirm("Alles wissen voor een nieuwe persoon: het profiel, de aanduidingen en de " +
            "notities? Wil je deze check bewaren, download dan eerst de JSON.")) return;
        wipe(false);
        // replace: the previous person's page does not stay one 'back' away.
        window.location.replace(button.getAttribute("data-href"));
      });
    });
  }

  function weeksValue(text) {
    var trimmed = String(text == null ? "" : text).trim();
    if (!/^\d{1,3}$/.test(trimmed)) return null;
    var n = parseInt(trimmed, 10);
    return n <= MAX_WEEKS ? n : null;
  }

  function isoToday() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  // -- upload: checked here for shape and notes, then by the server's rules (without notes) --

  function localProblem(record) {
    if (!record || typeof record !== "object" || Array.isArray(record)) {
      return "Dit bestand is geen uitputtingscheck.";
    }
    var lists = [record.services, record.added];
    for (var i = 0; i < lists.length; i++) {
      if (!Array.isArray(lists[i])) return "Dit bestand is geen geldige uitputtingscheck.";
      for (var j = 0; j < lists[i].length; j++) {
        var item = lists[i][j];
        if (!item || typeof item !== "object") return "Dit bestand is geen geldige uitputtingscheck.";
        if (item.note != null && (typeof item.note !== "string" || item.note.length > MAX_NOTE)) {
          return "Dit bestand is geen geldige uitputtingscheck: een notitie is geen tekst of te lang.";
        }
      }
    }
    return null;
  }

  function withoutNotes(record) {
    var copy = JSON.parse(JSON.stringify(record));
    copy.services.forEach(function (s) { delete s.note; });
    copy.added.forEach(function (a) { delete a.note; });
    return copy;
  }

  // A loaded file is a whole check: it starts a new one in this tab, holding only the file's state.
  function applyRecord(record, answer) {
    var state = { entries: {}, added: [] };
    record.services.forEach(function (s) {
      state.entries[s.domain + "|" + s.id] = {
        name: s.name, outcome: s.outcome, waiting_weeks: s.waiting_weeks == null ? null : s.waiting_weeks,
        note: s.note || "",
      };
    });
    state.added = record.added.map(function (a) {
      return {
        domain: a.domain, name: a.name, contact: a.contact || "", outcome: a.outcome,
        waiting_weeks: a.waiting_weeks == null ? null : a.waiting_weeks, note: a.note || "",
      };
    });
    return saveState(newCheck(), answer.municipality.nis, state);
  }

  // The profile goes back to the page as a POSTed form: age and flags never enter a URL.
  function submitProfile(reopen) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = reopen.action;
    form.hidden = true;
    Object.keys(reopen.fields).forEach(function (name) {
      [].concat(reopen.fields[name]).forEach(function (value) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.appendChild(input);
      });
    });
    document.body.appendChild(form);
    form.submit();
  }

  function setupUpload(check) {
    var input = document.getElementById("upload");
    var message = document.getElementById("upload-message");
    if (!input) return;
    var show = function (text, isError) {
      message.textContent = text;
      message.classList.toggle("is-error", !!isError);
    };
    try {
      var flash = window.sessionStorage.getItem(FLASH);
      if (flash) {
        window.sessionStorage.removeItem(FLASH);
        show(flash, false);
      }
    } catch (e) { /* no session storage: no message */ }
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      if (file.size > 1000000) {
        show("Dit bestand is te groot voor een uitputtingscheck." + KEEP, true);
        input.value = "";
        return;
      }
      var reader = new FileReader();
      reader.onerror = function () { show("Het bestand kon niet gelezen worden." + KEEP, true); };
      reader.onload = function () {
        input.value = "";
        var record;
        try {
          record = JSON.parse(reader.result);
        } catch (e) {
          show("Dit bestand is geen geldig JSON-bestand." + KEEP, true);
          return;
        }
        var problem = localProblem(record);
        if (problem) {
          show(problem + KEEP, true);
          return;
        }
        show("Het bestand wordt gecontroleerd …", false);
        fetch(input.getAttribute("data-api"), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(withoutNotes(record)),
          cache: "no-store",
          credentials: "same-origin",
        }).then(function (response) {
          return response.json();
        }).then(function (answer) {
          if (!answer.ok) {
            show(answer.error + KEEP, true);
            return;
          }
          if (hasMarks(check) && !window.confirm("Het bestand vervangt de aanduidingen en notities " +
              "in dit tabblad. Doorgaan?")) {
            show("Het bestand werd niet geladen." + KEEP, false);
            return;
          }
          if (!applyRecord(record, answer)) {
            show("Deze browser laat niet toe de check te bewaren (opslag uitgeschakeld)." + KEEP, true);
            return;
          }
          try {
            window.sessionStorage.setItem(FLASH, "Het bestand werd geladen.");
          } catch (e) { /* the page still shows the loaded state */ }
          submitProfile(answer.reopen);
        }).catch(function () {
          show("Het bestand kon niet gecontroleerd worden (geen verbinding?)." + KEEP, true);
        });
      };
      reader.readAsText(file);
    });
  }

  // -- the check list --

  function setupCheck(data, check) {
    var nis = data.municipality.nis;
    var state = loadState(check, nis);
    var labels = {};
    var firstSelect = document.querySelector("[data-field=outcome]") ||
      document.querySelector("[data-add=outcome]");
    all("option", firstSelect).forEach(function (o) { labels[o.value] = o.textContent; });
    var listed = {};
    data.services.forEach(function (s) { listed[s.key] = s; });

    // Outcomes kept for services the catalogue no longer lists become added services.
    var moved = 0;
    Object.keys(state.entries).forEach(function (key) {
      var domain = key.split("|")[0];
      var entry = state.entries[key];
      if (listed[key] || data.domains.indexOf(domain) < 0) return;
      if (entry.outcome && entry.outcome !== "not_tried") {
        state.added.push({
          domain: domain, name: entry.name || "Onbekende dienst", contact: "", outcome: entry.outcome,
          waiting_weeks: entry.waiting_weeks, note: entry.note || "",
        });
        moved++;
      }
      delete state.entries[key];
    });
    if (moved) {
      saveState(check, nis, state);
      var message = document.getElementById("upload-message");
      if (message) {
        message.textContent = moved + " dienst(en) uit je eerdere check staan niet meer in de " +
          "catalogus; ze staan nu bij de toegevoegde diensten.";
      }
    }

    function entryFor(key) {
      var s = listed[key];
      var entry = state.entries[key];
      if (!entry) {
        entry = { name: s.name, outcome: "not_tried", waiting_weeks: null, note: "" };
        state.entries[key] = entry;
      }
      return entry;
    }

    function outcomeText(outcome, weeks) {
      var text = labels[outcome] || outcome;
      if (outcome === "waiting_list" && weeks != null) text += " (" + weeks + " weken)";
      return text;
    }

    function bindRow(row, entry, onRemove) {
      var outcome = row.querySelector("[data-field=outcome]");
      var weeks = row.querySelector("[data-field=waiting_weeks]");
      var note = row.querySelector("[data-field=note]");
      outcome.value = labels[entry.outcome] ? entry.outcome : "not_tried";
      weeks.value = entry.waiting_weeks == null ? "" : entry.waiting_weeks;
      note.value = entry.note || "";
      var sync = function () {
        entry.outcome = outcome.value;
        entry.waiting_weeks = weeksValue(weeks.value);
        weeks.setAttribute("aria-invalid", weeks.value.trim() && entry.waiting_weeks == null ? "true" : "false");
        entry.note = note.value.slice(0, MAX_NOTE);
        saveState(check, nis, state);
        refresh();
      };
      outcome.addEventListener("change", sync);
      weeks.addEventListener("input", sync);
      note.addEventListener("input", sync);
      if (onRemove) {
        row.querySelector("[data-action=remove]").addEventListener("click", onRemove);
      }
    }

    function field(labelText, control, id) {
      var wrap = document.createElement("div");
      wrap.className = "field";
      var label = document.createElement("label");
      label.textContent = labelText;
      label.htmlFor = id;
      control.id = id;
      wrap.appendChild(label);
      wrap.appendChild(control);
      return wrap;
    }

    var addedCount = 0;
    function renderAdded() {
      all("[data-added]").forEach(function (list) { list.textContent = ""; });
      state.added.forEach(function (item) {
        var section = document.querySelector('.domain-check[data-domain="' + item.domain + '"]');
        if (!section) return;
        addedCount++;
        var li = document.createElement("li");
        li.className = "check-item added-item";
        var info = document.createElement("div");
        info.className = "check-info";
        var name = document.createElement("h4");
        name.className = "check-name";
        name.textContent = item.name;
        var meta = document.createElement("p");
        meta.className = "check-source";
        meta.textContent = "Toegevoegd door de aanmelder" + (item.contact ? " · " + item.contact : "");
        info.appendChild(name);
        info.appendChild(meta);
        var mark = document.createElement("div");
        mark.className = "check-mark no-print";
        var select = firstSelect.cloneNode(true);
        select.removeAttribute("data-add");
        select.setAttribute("data-field", "outcome");
        mark.appendChild(field("Uitkomst", select, "toegevoegd-uitkomst-" + addedCount));
        var weeks = document.createElement("input");
        weeks.type = "number";
        weeks.min = "0";
        weeks.max = String(MAX_WEEKS);
        weeks.setAttribute("data-field", "waiting_weeks");
        var weeksField = field("Wachttijd in weken", weeks, "toegevoegd-weken-" + addedCount);
        weeksField.classList.add("weeks");
        weeksField.setAttribute("data-weeks", "");
        mark.appendChild(weeksField);
        var note = document.createElement("input");
        note.type = "text";
        note.maxLength = MAX_NOTE;
        note.setAttribute("data-field", "note");
        mark.appendChild(field("Korte notitie", note, "toegevoegd-notitie-" + addedCount));
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button";
        remove.setAttribute("data-action", "remove");
        remove.textContent = "Verwijderen";
        mark.appendChild(remove);
        var printed = document.createElement("p");
        printed.className = "print-only print-mark";
        printed.innerHTML = 'Uitkomst: <span class="print-value" data-print="outcome"></span>' +
          '<br>Notitie: <span class="print-value" data-print="note"></span>';
        li.appendChild(info);
        li.appendChild(mark);
        li.appendChild(printed);
        section.querySelector("[data-added]").appendChild(li);
        li._entry = item;
        bindRow(li, item, function () {
          state.added.splice(state.added.indexOf(item), 1);
          saveState(check, nis, state);
          renderAdded();
          refresh();
        });
      });
    }

    function entries() {
      var list = data.services.map(function (s) {
        var e = entryFor(s.key);
        return {
          id: s.id, name: s.name, organization: s.organization, domain: s.domain,
          outcome: e.outcome, waiting_weeks: e.outcome === "waiting_list" ? e.waiting_weeks : null,
          note: e.note || "", source_date: s.source_date,
        };
      });
      var added = state.added.filter(function (a) { return data.domains.indexOf(a.domain) >= 0; })
        .map(function (a) {
          return {
            name: a.name, contact: a.contact || "", domain: a.domain, outcome: a.outcome,
            waiting_weeks: a.outcome === "waiting_list" ? a.waiting_weeks : null, note: a.note || "",
          };
        });
      return { services: list, added: added };
    }

    function computeVerdicts(current) {
      var everything = current.services.concat(current.added);
      var verdicts = {};
      data.domains.forEach(function (d) { verdicts[d] = domainVerdict(d, everything); });
      return { verdicts: verdicts, exhausted: servicesExhausted(verdicts, everything) };
    }

    function refresh() {
      var current = entries();
      var result = computeVerdicts(current);
      data.domains.forEach(function (d) {
        var box = document.querySelector('.domain-check[data-domain="' + d + '"] [data-verdict]');
        box.textContent = verdictMessage(result.verdicts[d]);
        box.setAttribute("data-status", result.verdicts[d].status);
      });
      var overall = document.querySelector("[data-overall-text]");
      var open = data.domains.filter(function (d) { return result.verdicts[d].status !== "exhausted"; });
      if (result.exhausted === true) {
        overall.textContent = "het reguliere aanbod is uitgeput in alle gekozen levensdomeinen.";
      } else if (result.exhausted === false) {
        overall.textContent = "nog niet uitgeput in " +
          open.map(function (d) { return data.domain_labels[d]; }).join(", ") + ".";
      } else {
        overall.textContent = "Nog niets aangeduid: kies per dienst de uitkomst.";
      }
      document.querySelector("[data-overall]").setAttribute(
        "data-exhausted", result.exhausted === null ? "unknown" : result.exhausted ? "yes" : "no"
      );
      var variant = result.exhausted === true ? "yes" : result.exhausted === false ? "no" : "unknown";
      all(".intake-check").forEach(function (el) {
        el.hidden = el.getAttribute("data-exhausted") !== variant;
      });
      all(".check-item").forEach(function (row) {
        var entry = row._entry;
        if (!entry) return;
        row.querySelector("[data-weeks]").hidden = entry.outcome !== "waiting_list";
        row.querySelector('[data-print="outcome"]').textContent = outcomeText(entry.outcome, entry.waiting_weeks);
        row.querySelector('[data-print="note"]').textContent = entry.note || "–";
        row.setAttribute("data-outcome", entry.outcome);
      });
      return { current: current, result: result };
    }

    function record() {
      var now = refresh();
      return {
        version: 1,
        created: isoToday(),
        municipality: data.municipality,
        domains: data.domains,
        age: data.age,
        flags: data.flags,
        services: now.current.services,
        added: now.current.added,
        verdicts: now.result.verdicts,
        exhausted: now.result.exhausted,
      };
    }

    function download() {
      var rec = record();
      var blob = new Blob([JSON.stringify(rec, null, 2) + "\n"], { type: "application/json" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "uitputtingscheck-" + data.municipality.slug + "-" + rec.created + ".json";
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
    }

    function addService(section) {
      var form = section.querySelector("[data-add-form]");
      var error = form.querySelector("[data-add-error]");
      var get = function (name) { return form.querySelector('[data-add="' + name + '"]'); };
      var name = get("name").value.trim();
      var weeksText = get("waiting_weeks").value.trim();
      var weeks = weeksValue(weeksText);
      if (!name) {
        error.textContent = "Geef de naam van de dienst.";
        get("name").focus();
        return;
      }
      if (weeksText && weeks == null) {
        error.textContent = "De wachttijd moet een geheel getal van 0 tot " + MAX_WEEKS + " weken zijn.";
        get("waiting_weeks").focus();
        return;
      }
      error.textContent = "";
      state.added.push({
        domain: section.getAttribute("data-domain"), name: name, contact: get("contact").value.trim(),
        outcome: get("outcome").value, waiting_weeks: weeks, note: get("note").value.slice(0, MAX_NOTE),
      });
      saveState(check, nis, state);
      ["name", "contact", "waiting_weeks", "note"].forEach(function (n) { get(n).value = ""; });
      get("outcome").value = "not_tried";
      renderAdded();
      refresh();
    }

    all(".check-item[data-key]").forEach(function (row) {
      var entry = entryFor(row.getAttribute("data-key"));
      row._entry = entry;
      bindRow(row, entry, null);
    });
    renderAdded();
    all("[data-action=add]").forEach(function (button) {
      button.addEventListener("click", function () { addService(button.closest(".domain-check")); });
    });
    all("[data-action=print]").forEach(function (b) {
      b.addEventListener("click", function () { refresh(); window.print(); });
    });
    all("[data-action=download]").forEach(function (b) { b.addEventListener("click", download); });
    window.addEventListener("beforeprint", refresh);
    refresh();
    // For tests and other scripts on the page: the record the download would contain.
    window.exhaustionRecord = record;
  }

  all("[data-js-only]").forEach(function (el) { el.hidden = false; });
  var check = currentCheck();
  setupNewPerson();
  setupUpload(check);
  var dataElement = document.getElementById("check-data");
  if (dataElement) setupCheck(JSON.parse(dataElement.textContent), check);
})();
