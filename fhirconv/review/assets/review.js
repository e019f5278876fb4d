// fhirconv review page: show a highlight's resource in the side panel. Data comes from the inline JSON
// block and is put in the page with textContent only (never as markup).
(function () {
  "use strict";
  var block = document.getElementById("fhir-resources");
  var detail = document.getElementById("detail");
  if (!block || !detail) { return; }
  var data = JSON.parse(block.textContent);
  var selected = [];
  var DERIVATION = "http://hl7.org/fhir/StructureDefinition/derivation-reference";
  // Short names for the code systems fhirconv uses, so the codes table fits the side panel.
  var SYSTEMS = {
    "http://snomed.info/sct": "SNOMED CT",
    "http://loinc.org": "LOINC",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "RxNorm",
    "http://hl7.org/fhir/sid/icd-10-cm": "ICD-10-CM",
    "http://hl7.org/fhir/sid/icd-10": "ICD-10",
    "http://purl.obolibrary.org/obo/hp.owl": "HPO",
    "https://www.nlm.nih.gov/mesh": "MeSH",
    "http://unitsofmeasure.org": "UCUM"
  };
  // Elements that hold no codes of the resource itself (narrative, provenance, references, the document).
  var NO_CODES = {text: 1, extension: 1, subject: 1, encounter: 1, context: 1, reference: 1, target: 1,
    content: 1, meta: 1, identifier: 1};

  // Every Coding (system + code) in a resource, in document order, each once.
  function codings(node, out, seen, depth) {
    if (depth > 40 || node === null || typeof node !== "object") { return out; }
    if (Array.isArray(node)) {
      node.forEach(function (v) { codings(v, out, seen, depth + 1); });
      return out;
    }
    if (typeof node.system === "string" && typeof node.code === "string" && !("value" in node)) {
      var display = typeof node.display === "string" ? node.display : "";
      var key = node.system + "|" + node.code + "|" + display;
      if (!seen[key]) {
        seen[key] = true;
        out.push([SYSTEMS[node.system] || node.system, node.system, node.code, display]);
      }
    }
    Object.keys(node).forEach(function (k) {
      if (!NO_CODES[k]) { codings(node[k], out, seen, depth + 1); }
    });
    return out;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // Compact JSON: a value that fits on one short line stays on one line, the rest is indented.
  function compact(value, indent) {
    var flat = JSON.stringify(value);
    if (flat === undefined) { return "null"; }
    if (flat.length <= 56 || (value && value.url === DERIVATION) || value === null || typeof value !== "object") { return flat; }
    var pad = indent + "  ";
    if (Array.isArray(value)) {
      return "[\n" + value.map(function (v) { return pad + compact(v, pad); }).join(",\n") + "\n" + indent + "]";
    }
    return "{\n" + Object.keys(value).map(function (k) {
      return pad + JSON.stringify(k) + ": " + compact(value[k], pad);
    }).join(",\n") + "\n" + indent + "}";
  }

  function typeClass(type) {
    return "t-" + (String(type).replace(/[^A-Za-z0-9]/g, "").slice(0, 40) || "Resource");
  }

  function show(ref, scroll) {
    var entry = Object.prototype.hasOwnProperty.call(data, ref) ? data[ref] : null;
    if (!entry) { return; }
    selected.forEach(function (node) { node.classList.remove("selected"); });
    selected = Array.prototype.slice.call(document.querySelectorAll('[data-ref="' + ref + '"]'));
    selected.forEach(function (node) { node.classList.add("selected"); });
    detail.className = typeClass(entry.type);
    detail.setAttribute("data-shown", ref);
    while (detail.firstChild) { detail.removeChild(detail.firstChild); }
    var heading = el("h2", null, "Selected resource");
    heading.id = "detail-h";
    detail.appendChild(heading);
    detail.appendChild(el("p", "dtype", entry.type + (entry.status ? " \u2014 " + entry.status : "")));
    detail.appendChild(el("p", "dlabel", entry.label));
    var mark = document.getElementById("m-" + ref);
    if (mark) {
      var outer = [];
      for (var p = mark.parentElement; p && p !== document.body; p = p.parentElement) {
        if (p.classList && p.classList.contains("hl")) { outer.push(p.getAttribute("data-ref")); }
      }
      var inner = mark.querySelectorAll("mark.hl");
      Array.prototype.forEach.call(inner, function (n) { outer.push(n.getAttribute("data-ref")); });
      if (outer.length) {
        var also = el("p", "also", "Same words also support: ");
        outer.forEach(function (other) {
          if (!data[other]) { return; }
          var b = el("button", null, data[other].type + ": " + data[other].label);
          b.type = "button";
          b.addEventListener("click", function () { show(other, true); });
          also.appendChild(b);
          also.appendChild(document.createTextNode(" "));
        });
        detail.appendChild(also);
      }
    }
    if (entry.words.length) {
      var words = el("table");
      words.appendChild(el("caption", null, "Words in the text"));
      entry.words.forEach(function (w) {
        var row = el("tr");
        var what = el("th", null, w[0]);
        what.scope = "row";
        what.title = w[1];
        row.appendChild(what);
        row.appendChild(el("td", null, "\u201c" + w[3] + "\u201d"));
        row.appendChild(el("td", "num", "@" + w[2]));
        words.appendChild(row);
      });
      detail.appendChild(words);
    }
    var codes = codings(entry.resource, [], Object.create(null), 0);
    if (codes.length) {
      var table = el("table");
      var head = el("tr");
      ["system", "code", "display"].forEach(function (h) { var th = el("th", null, h); th.scope = "col"; head.appendChild(th); });
      var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
      var body = el("tbody");
      codes.forEach(function (c) {
        var row = el("tr");
        var sys = el("td", null, c[0]);
        sys.title = c[1];
        row.appendChild(sys);
        row.appendChild(el("td", null, c[2]));
        row.appendChild(el("td", null, c[3]));
        body.appendChild(row);
      });
      table.appendChild(body);
      var cap = el("caption", null, "Codes"); table.insertBefore(cap, table.firstChild);
      detail.appendChild(table);
    } else {
      detail.appendChild(el("p", "note", "No codes: the words are kept as text."));
    }
    var pre = el("pre", "json", compact(entry.resource, ""));
    pre.setAttribute("aria-label", "FHIR JSON of the resource");
    pre.tabIndex = 0;
    detail.appendChild(pre);
    if (scroll && mark) { mark.scrollIntoView({block: "center"}); mark.focus({preventScroll: true}); }
  }

  function refOf(target) {
    var node = target && target.closest ? target.closest("[data-ref]") : null;
    return node ? node.getAttribute("data-ref") : null;
  }

  document.addEventListener("click", function (event) {
    var ref = refOf(event.target);
    if (!ref) { return; }
    var link = event.target.closest("a.res-link");
    if (link) {
      event.preventDefault();
      show(ref, true);
      return;
    }
    show(ref, false);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") { return; }
    var target = event.target;
    if (target && target.matches && target.matches("mark.hl, g.ev")) {
      event.preventDefault();
      show(target.getAttribute("data-ref"), target.matches("g.ev"));
    }
  });
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("mark.hl, g.ev")) { show(target.getAttribute("data-ref"), false); }
  });
  document.addEventListener("mouseover", function (event) {
    var target = event.target.closest ? event.target.closest("mark.hl, mark.hl-cont, .attr") : null;
    if (target) { show(target.getAttribute("data-ref"), false); }
  });
}());
