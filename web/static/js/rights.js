/* Rights check, progressive enhancement: a print button on the sheets, and on the questionnaire
   the result list updates while an answer is being chosen (POST /api/v1/rights/evaluate).
   Without this script everything works through the server-rendered form; nothing is stored. */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  var form = document.querySelector("form.rights-step");
  var groupsBox = document.querySelector("#resultaten .status-groups");
  var summary = document.querySelector("#resultaten .results-summary");
  if (!form || !groupsBox || !summary || !window.fetch) { return; }

  var STATUS_ORDER = ["already_has", "automatic_check", "likely", "possible", "unlikely", "not_applicable"];
  var OPEN = ["already_has", "automatic_check", "likely"];
  var DUTCH_THOUSANDS = /^\d{1,3}(\.\d{3})+(,\d+)?$/;
  var DUTCH_DATE = /^(\d{1,2})[\/.-](\d{1,2})[\/.-](\d{4})$/;

  function number(text) {
    var cleaned = text.replace(/[€\s\u00a0]/g, "");
    if (DUTCH_THOUSANDS.test(cleaned)) { cleaned = cleaned.replace(/\./g, ""); }
    cleaned = cleaned.replace(",", ".");
    return cleaned !== "" && isFinite(Number(cleaned)) ? Number(cleaned) : undefined;
  }

  function field(name) {
    var input = form.querySelector('[name="' + name + '"]');
    return input ? input.value.trim() : "";
  }

  /* The answer being chosen, in the API's shape; undefined while it is empty or unreadable. */
  function currentAnswer() {
    var type = form.dataset.type;
    var checked = form.querySelector('input[name="value"]:checked');
    if (type === "multi_choice") {
      return Array.prototype.map.call(
        form.querySelectorAll('input[name="values"]:checked'), function (i) { return i.value; });
    }
    if (type === "boolean") { return checked ? checked.value === "ja" : undefined; }
    if (type === "choice") { return checked ? checked.value : undefined; }
    var text = field("value");
    if (type === "money" && !text && field("value_min") && field("value_max")) {
      var low = number(field("value_min")), high = number(field("value_max"));
      return low === undefined || high === undefined ? undefined : { min: low, max: high };
    }
    if (!text) { return undefined; }
    if (type === "integer" || type === "money") { return number(text); }
    if (type === "date") {
      var found = DUTCH_DATE.exec(text);
      return found ? found[3] + "-" + ("0" + found[2]).slice(-2) + "-" + ("0" + found[1]).slice(-2) : text;
    }
    return text;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function line(label, text) {
    var p = element("p", "right-line");
    p.appendChild(element("strong", "", label + " "));
    p.appendChild(document.createTextNode(text));
    return p;
  }

  function list(items, className) {
    var ul = element("ul", className);
    items.forEach(function (item) { ul.appendChild(element("li", "", item)); });
    return ul;
  }

  function resultItem(r) {
    var li = element("li", "right-item status-" + r.status);
    var details = element("details");
    details.appendChild(element("summary", "", r.name));
    var body = element("div", "right-body");
    if (r.why.length) { body.appendChild(line("Waarom:", "")); body.appendChild(list(r.why, "why")); }
    if (r.why_not) { body.appendChild(line("Waarom niet:", r.why_not)); }
    if (r.figures.length) {
      body.appendChild(list(r.figures.map(function (f) {
        return f.label + ": " + f.value_nl + " (" + f.caption + ")";
      }), "figures"));
    }
    if (["automatic_check", "likely", "possible"].indexOf(r.status) >= 0) {
      body.appendChild(line("Waar:", r.offices.map(function (o) { return o.label; }).join(" · ")));
      if (r.services.length) {
        var ul = element("ul", "apply-services");
        r.services.forEach(function (s) {
          var item = element("li");
          var a = element("a", "", s.name);
          a.href = s.url;
          item.appendChild(a);
          if (s.address) { item.appendChild(element("br")); item.appendChild(element("span", "service-contact-line", s.address)); }
          ul.appendChild(item);
        });
        body.appendChild(ul);
      }
    }
    details.appendChild(body);
    li.appendChild(details);
    return li;
  }

  function render(results) {
    var parts = [];
    groupsBox.textContent = "";
    STATUS_ORDER.forEach(function (status) {
      var members = results.filter(function (r) { return r.status === status; });
      if (!members.length) { return; }
      var group = element("details", "status-group status-" + status);
      group.dataset.status = status;
      group.open = OPEN.indexOf(status) >= 0;
      var head = element("summary");
      head.appendChild(element("span", "group-label", members[0].status_label));
      head.appendChild(document.createTextNode(" "));
      head.appendChild(element("span", "count", "(" + members.length + ")"));
      group.appendChild(head);
      var ul = element("ul", "right-list");
      members.forEach(function (r) { ul.appendChild(resultItem(r)); });
      group.appendChild(ul);
      groupsBox.appendChild(group);
      parts.push(members[0].status_label + ": " + members.length);
    });
    summary.textContent = "Voorlopig, met het antwoord van nu: " + parts.join(" · ");
  }

  var timer = null;
  var latest = 0;

  function preview() {
    var situation;
    try { situation = JSON.parse(field("answers") || "{}"); } catch (e) { return; }
    var answer = currentAnswer();
    if (answer === undefined) { return; }
    situation[form.dataset.fact] = answer;
    var ticket = ++latest;
    fetch(form.dataset.api, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ situation: situation }),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (body) {
      /* A half-typed answer gives a 400: the list simply stays as it was. */
      if (body && body.ok && ticket === latest) { render(body.results); }
    }).catch(function () { /* offline: the form still works */ });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(preview, 350);
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);
}());
