// The symptom checker: ranks the knowledge base's diagnoses in the browser, as
// troubleshoot/engine/diagnose.py does, from the rules exported by render/checker.py.
// `rank` is pure and also runs under Node (tests/test_checker.py compares it with the
// engine on every example of the knowledge base); the rest wires it to the page.
(function (root, factory) {
  const api = factory();
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  } else {
    root.TroubleshootChecker = api;
    if (typeof document !== "undefined") {
      document.addEventListener("DOMContentLoaded", () => api.start(document));
    }
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // Python's ==, which the engine uses to match a context value: numbers and booleans
  // compare by value (True == 1), everything else must be the same.
  function same(a, b) {
    const numeric = (v) => typeof v === "number" || typeof v === "boolean";
    return numeric(a) && numeric(b) ? Number(a) === Number(b) : a === b;
  }

  // A context test: a comparison ({lt: 16}), a list of allowed values, or one value
  // (schema.Compare.holds, open_world._matches).
  function matches(expected, value) {
    if (Array.isArray(expected)) return expected.some((v) => same(v, value));
    if (expected !== null && typeof expected === "object") {
      if (typeof value !== "number") return false;
      return (
        (expected.lt === undefined || value < expected.lt) &&
        (expected.le === undefined || value <= expected.le) &&
        (expected.gt === undefined || value > expected.gt) &&
        (expected.ge === undefined || value >= expected.ge)
      );
    }
    return same(expected, value);
  }

  function known(facts, key) {
    return Object.prototype.hasOwnProperty.call(facts.context, key);
  }

  function present(facts, id) {
    return facts.symptoms[id] === true;
  }

  // engine.diagnose.with_implications: symptoms that present symptoms imply, unless known.
  function withImplications(data, facts) {
    const implies = new Map(data.symptoms.map((s) => [s.id, s.implies]));
    const symptoms = Object.assign({}, facts.symptoms);
    const pending = Object.keys(symptoms).filter((id) => symptoms[id] === true);
    while (pending.length) {
      for (const target of implies.get(pending.pop()) || []) {
        if (!(target in symptoms)) {
          symptoms[target] = true;
          pending.push(target);
        }
      }
    }
    return { symptoms, context: Object.assign({}, facts.context) };
  }

  // engine.open_world.evaluate: true, false, or null when unknown facts decide it.
  function and3(values) {
    if (values.some((v) => v === false)) return false;
    return values.some((v) => v === null) ? null : true;
  }

  function or3(values) {
    if (values.some((v) => v === true)) return true;
    return values.some((v) => v === null) ? null : false;
  }

  function evaluate(cond, facts) {
    if ("symptom" in cond) {
      return cond.symptom in facts.symptoms ? facts.symptoms[cond.symptom] : null;
    }
    if ("context" in cond) {
      return and3(
        Object.entries(cond.context).map(([key, exp]) =>
          known(facts, key) ? matches(exp, facts.context[key]) : null
        )
      );
    }
    if ("all" in cond) return and3(cond.all.map((c) => evaluate(c, facts)));
    if ("any" in cond) return or3(cond.any.map((c) => evaluate(c, facts)));
    if ("none" in cond) {
      const truth = or3(cond.none.map((c) => evaluate(c, facts)));
      return truth === null ? null : !truth;
    }
    throw new Error("unknown condition " + JSON.stringify(cond));
  }

  // The ways a condition holds in the engine's closed world (a fact not declared is not
  // there), each as the set of facts it binds: engine.compile turns a rule into experta
  // patterns whose every positive atom binds its fact, an `any` into alternatives, and
  // pushes negations down to single patterns. A rule fires once per way it holds; the
  // engine keeps the way that binds the most facts.
  function product(left, right) {
    const out = [];
    for (const a of left) for (const b of right) out.push(new Set([...a, ...b]));
    return unique(out);
  }

  function unique(ways) {
    const seen = new Map();
    for (const way of ways) seen.set([...way].sort().join("\n"), way);
    return [...seen.values()];
  }

  const NOTHING = () => [new Set()];

  function holds(cond, facts) {
    if ("symptom" in cond) {
      return present(facts, cond.symptom) ? [new Set(["symptom:" + cond.symptom])] : [];
    }
    if ("context" in cond) {
      const keys = Object.keys(cond.context);
      const all = keys.every((k) => known(facts, k) && matches(cond.context[k], facts.context[k]));
      return all ? [new Set(keys.map((k) => "context:" + k))] : [];
    }
    if ("all" in cond) return cond.all.reduce((ways, c) => product(ways, holds(c, facts)), NOTHING());
    if ("any" in cond) return unique(cond.any.flatMap((c) => holds(c, facts)));
    if ("none" in cond) return cond.none.reduce((ways, c) => product(ways, fails(c, facts)), NOTHING());
    throw new Error("unknown condition " + JSON.stringify(cond));
  }

  function fails(cond, facts) {
    if ("symptom" in cond) return present(facts, cond.symptom) ? [] : NOTHING();
    if ("context" in cond) {
      const keys = Object.keys(cond.context);
      const some = keys.some((k) => !(known(facts, k) && matches(cond.context[k], facts.context[k])));
      return some ? NOTHING() : [];
    }
    if ("all" in cond) return unique(cond.all.flatMap((c) => fails(c, facts)));
    if ("any" in cond) return cond.any.reduce((ways, c) => product(ways, fails(c, facts)), NOTHING());
    if ("none" in cond) return unique(cond.none.flatMap((c) => holds(c, facts)));
    throw new Error("unknown condition " + JSON.stringify(cond));
  }

  // engine.diagnose.diagnose: every lesson with a rule that fires, scored by the MYCIN
  // combination 1 - prod(1 - w) of its fired rules' weights, ranked by score, then by the
  // most facts one of its rules matched, then by id. `facts` is
  // {symptoms: {id: true | false}, context: {key: value}}.
  function rank(data, facts) {
    const all = withImplications(data, facts);
    const ranked = [];
    for (const lesson of data.lessons) {
      const fired = [];
      for (const rule of lesson.rules) {
        const ways = holds(rule.when, all);
        if (ways.length && evaluate(rule.when, all) !== false) {
          fired.push({ rule: rule.id, weight: rule.weight, matched: Math.max(...ways.map((w) => w.size)) });
        }
      }
      if (fired.length) {
        ranked.push({
          id: lesson.id,
          score: 1 - fired.reduce((product, f) => product * (1 - f.weight), 1),
          matched: Math.max(...fired.map((f) => f.matched)),
          rules: fired.map((f) => f.rule),
        });
      }
    }
    ranked.sort((a, b) => b.score - a.score || b.matched - a.matched || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { ranked, implied: Object.keys(all.symptoms).filter((id) => all.symptoms[id] && !(id in facts.symptoms)) };
  }

  // render.likelihood.likelihood: the band of a score, from the exported table.
  function band(data, score) {
    return data.bands.find((b) => score >= b.low);
  }

  // ------------------------------------------------------------------ the page

  function readFacts(data, form) {
    const facts = { symptoms: {}, context: {} };
    for (const box of form.querySelectorAll('input[name="symptom"]')) {
      if (box.checked && !box.disabled) facts.symptoms[box.value] = true;
    }
    for (const key of data.context) {
      const field = form.querySelector(`[data-key="${key.key}"]`);
      if (!field || field.value === "") {
        if (field) field.removeAttribute("aria-invalid");
        continue;
      }
      if (key.type === "choice") facts.context[key.key] = key.choices[Number(field.value)].value;
      else if (key.type === "boolean") facts.context[key.key] = field.value === "true";
      else {
        // vocab.read_number takes only a number above zero, and a whole one for an integer.
        const value = field.valueAsNumber;
        const fits = Number.isFinite(value) && value > 0 && (key.type !== "integer" || Number.isInteger(value));
        field.setAttribute("aria-invalid", String(!fits));
        field.title = fits ? "" : data.words.not_a_number;
        if (fits) facts.context[key.key] = value;
      }
    }
    return facts;
  }

  function show(data, doc, form) {
    const facts = readFacts(data, form);
    const { ranked, implied } = rank(data, facts);
    // An implied symptom shows ticked and fixed until what implies it is unticked.
    for (const label of form.querySelectorAll("label.symptom")) {
      const box = label.querySelector("input");
      const isImplied = implied.includes(box.value);
      if (isImplied) {
        box.checked = true;
        box.disabled = true;
      } else if (box.disabled) {
        box.checked = false;
        box.disabled = false;
      }
      label.classList.toggle("implied", isImplied);
    }
    const list = doc.getElementById("checker-results");
    const titles = new Map(data.lessons.map((l) => [l.id, l]));
    list.replaceChildren(
      ...ranked.map((r) => {
        const lesson = titles.get(r.id);
        const item = doc.createElement("li");
        item.dataset.lesson = r.id;
        item.dataset.score = String(r.score);
        const link = doc.createElement("a");
        link.href = lesson.url;
        link.textContent = lesson.title;
        const word = doc.createElement("span");
        const b = band(data, r.score);
        word.className = "band band-" + b.band;
        word.textContent = b.word;
        item.append(link, word);
        return item;
      })
    );
    const ticked = Object.keys(facts.symptoms).length + Object.keys(facts.context).length;
    doc.getElementById("checker-status").textContent = ranked.length
      ? ""
      : ticked
        ? data.words.no_fit
        : data.words.nothing_ticked;
  }

  function start(doc) {
    const data = JSON.parse(doc.getElementById("checker-data").textContent);
    const form = doc.getElementById("checker-form");
    const update = () => show(data, doc, form);
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("reset", () => setTimeout(() => {
      for (const box of form.querySelectorAll('input[name="symptom"]')) box.disabled = false;
      update();
    }, 0));
    update();
  }

  return { rank, band, evaluate, start };
});
