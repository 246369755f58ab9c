"""`warledger eval`: run the real pipeline on annotated data and score it.

Two kinds of gold are read:
- JSONL records with ``gold_*`` fields (WAD, ISAF, or a user's own): record-level exact
  match per category, comparing the largest event-scope figure of the record
  (``article_casualties``; 0 when there is none) with the gold count;
- a ``*.gold.json`` beside its article (like the sample): figure-level precision,
  recall and F1 (figures matched one-to-one on category, low and high, as
  shared/CASUALTY_GUIDE.md scores them) and, on matched figures, the accuracy of
  hedge, location, event_date and attributed_to.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from transforms.config import Settings
from transforms.reading.ingest import BadRecord, article_key, parse_json_record
from transforms.rules.places import gazetteer
from transforms.stages.pipeline import run
from transforms.store import warehouse

# gold field -> the category it counts
RECORD_FIELDS = {
    "gold_killed": "killed",
    "gold_injured": "injured",
    "gold_min_killed": "killed",
    "gold_min_captured": "captured",
    "gold_missing": "missing",
    "gold_displaced": "displaced",
}
FIGURE_FIELDS = {"hedge": "hedge", "location": "location_name", "event_date": "event_date",
                 "attributed_to": "attributed_to"}
INPUT_KEYS = ("id", "title", "date", "url", "text")
SPLITS = ("tune", "check", "all")


def split_of(record_id) -> str:
    """The fixed half a dev record belongs to: rules are written from `tune` errors only, `check` tells
    whether they hold on text they were not written from."""
    return "tune" if int(hashlib.sha1(str(record_id).encode()).hexdigest(), 16) % 2 == 0 else "check"


def evaluate(gold_path: Path, cfg: Settings, split: str = "all") -> dict:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    gold_path = Path(gold_path)
    with tempfile.TemporaryDirectory(prefix="warledger-eval-") as tmp:
        cfg = replace(cfg, warehouse=Path(tmp) / "eval.duckdb", staging=Path(tmp) / "staging",
                      docs=Path(tmp) / "docs")
        start = time.perf_counter()
        if gold_path.name.endswith(".gold.json"):
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            run(gold_path.parent / gold["article"], cfg, "eval")
            result = {"kind": "figures", **_score_figures(gold, cfg.warehouse)}
        else:
            # Split on newlines only: texts carry U+2028, which str.splitlines would cut at.
            lines = gold_path.read_text(encoding="utf-8").split("\n")
            records = [r for r in (json.loads(line) for line in lines if line.strip())
                       if split == "all" or split_of(r.get("id")) == split]
            landing = Path(tmp) / "landing" / "records.jsonl"
            landing.parent.mkdir()
            landing.write_text("\n".join(json.dumps({k: r.get(k) for k in INPUT_KEYS}) for r in records) + "\n")
            run(landing, cfg, "eval")
            result = {"kind": "records", **_score_records(records, cfg.warehouse)}
            if any(r.get("gold_location") for r in records):
                result["acled"] = _score_acled(records, cfg.warehouse)
        result["seconds"] = time.perf_counter() - start
    result["gold"] = str(gold_path)
    result["split"] = split if result["kind"] == "records" else "all"
    return result


def _score_records(records: list[dict], path: Path) -> dict:
    predicted = _article_casualties(path)
    ids = {r.get("id"): _article_id(r) for r in records}
    scores = {}
    for field, category in RECORD_FIELDS.items():
        scored = [r for r in records if r.get(field) is not None]
        if not scored:
            continue
        hits = sum(predicted.get((ids[r.get("id")], category), 0) == r[field] for r in scored)
        scores[field] = {"category": category, "exact": hits / len(scored), "hits": hits, "n": len(scored)}
    where_when = _where_and_when(path)
    checks = {
        "gold_start_date": lambda r, w: str(w["first_day"]) == r["gold_start_date"],
        "gold_province": lambda r, w: w["province"] in [p.lower() for p in r["gold_province"]],
    }
    for field, check in checks.items():
        scored = [r for r in records if r.get(field)]
        if scored:
            hits = sum(check(r, where_when.get(ids[r.get("id")], {"first_day": None, "province": None}))
                       for r in scored)
            scores[field] = {"category": "events", "exact": hits / len(scored), "hits": hits, "n": len(scored)}
    return {"records": len(records), "exact_match": scores}


ACLED_CHECKS = {
    "type": lambda r, e: e["acled_event_type"] == r["gold_event_type"],
    "place": lambda r, e: _names_place(e["location_name"], r["gold_location"]),
    "day": lambda r, e: str(e["event_date"]) == r["gold_event_date"],
}


def _score_acled(records: list[dict], path: Path) -> dict:
    """Per ACLED note (shared/README.md): is there an event of its ACLED type, at its location, on its day;
    and is there one of its type, one at its place, one on its day, each on its own."""
    events = warehouse.rows(path, "SELECT article_id, acled_event_type, location_name, event_date FROM events")
    by_article: dict[str | None, list[dict]] = {}
    for e in events:
        by_article.setdefault(e["article_id"], []).append(e)
    scored = [r for r in records if r.get("gold_location")]
    hits = dict.fromkeys([*ACLED_CHECKS, "type+place+day"], 0)
    for r in scored:
        found = by_article.get(_article_id(r), [])
        for name, check in ACLED_CHECKS.items():
            hits[name] += any(check(r, e) for e in found)
        hits["type+place+day"] += any(all(check(r, e) for check in ACLED_CHECKS.values()) for e in found)
    n = len(scored)
    return {name: {"exact": h / n if n else 0.0, "hits": h, "n": n} for name, h in hits.items()}


def _names_place(name: str | None, gold: str | None) -> bool:
    """Either name contains the other, case folded: "Kyiv" names "Kyiv - Sviatoshynskyi"."""
    if not name or not gold:
        return False
    a, b = name.casefold(), gold.casefold()
    return a in b or b in a


def _where_and_when(path: Path) -> dict[str | None, dict]:
    """Per article: the earliest day of its events and event-scope figures, and its province
    (the region its events and figures name most, ties to the earliest)."""
    with warehouse.connect(path, read_only=True) as con:
        rows = con.execute("""
            WITH spots AS (
                SELECT article_id, event_date, lower(admin1_name) AS province FROM events
                UNION ALL
                SELECT article_id, event_date, lower(admin1_name) FROM casualty_figures WHERE scope = 'event'
            ),
            provinces AS (
                SELECT article_id, province, count(*) AS n, min(event_date) AS first_day
                FROM spots WHERE province IS NOT NULL GROUP BY ALL
            )
            SELECT s.article_id, min(s.event_date) AS first_day,
                   (SELECT arg_max(p.province, (p.n, -epoch(coalesce(p.first_day, DATE '9999-12-31'))))
                    FROM provinces p WHERE p.article_id = s.article_id) AS province
            FROM spots s GROUP BY s.article_id
        """).fetchall()
    return {a: {"first_day": day, "province": province} for a, day, province in rows}


def _article_id(record: dict) -> str | None:
    try:
        return article_key(parse_json_record(json.dumps({k: record.get(k) for k in INPUT_KEYS})))[0]
    except BadRecord:
        return None


def _article_casualties(path: Path) -> dict[tuple[str | None, str], int]:
    """Per article and category, the number; keyed by ``str | None`` as ``_article_id`` is, so that a gold
    record whose text does not parse looks up nothing."""
    with warehouse.connect(path, read_only=True) as con:
        rows = con.execute("SELECT article_id, category, coalesce(low, high, 0) FROM article_casualties").fetchall()
    return {(a, c): n for a, c, n in rows}


def _score_figures(gold: dict, path: Path) -> dict:
    predicted = warehouse.rows(path, "SELECT * FROM casualty_figures")
    unmatched = list(predicted)
    matched = []
    for g in gold["casualty_figures"]:
        hit = next((p for p in unmatched if p["category"] == g["category"]
                    and _accepts(g, "low", p["low"]) and _accepts(g, "high", p["high"])
                    and p["sentence_text"].startswith(g["sentence_starts"])), None)
        if hit is not None:
            unmatched.remove(hit)
            matched.append((g, hit))
    n_gold, n_pred, n_match = len(gold["casualty_figures"]), len(predicted), len(matched)
    precision = n_match / n_pred if n_pred else 0.0
    recall = n_match / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = {
        field: (sum(_accepts(g, field, _plain(p[column])) for g, p in matched) / n_match if n_match else 0.0)
        for field, column in FIGURE_FIELDS.items()
    }
    return {"gold_figures": n_gold, "predicted": n_pred, "matched": n_match, "precision": precision,
            "recall": recall, "f1": f1, "accuracy": accuracy,
            "false_figures": [(p["category"], p["low"], p["high"], p["sentence_text"][:80]) for p in unmatched],
            "events": _score_events(gold.get("events", []), path)}


def _score_events(gold: list[dict], path: Path) -> dict:
    """Events matched one-to-one on (type, place, day); a gold list of places is one event at each."""
    with warehouse.connect(path, read_only=True) as con:
        rows = con.execute("SELECT event_type, location_name, geonameid, event_date FROM events").fetchall()
    wanted = [(g["type"], place, g["event_date"])
              for g in gold for place in (g["location"] if isinstance(g["location"], list) else [g["location"]])]
    unmatched = list(wanted)
    for event_type, name, geonameid, day in rows:
        hit = next((w for w in unmatched if w[0] == event_type and str(day) == w[2]
                    and (w[1] == name or geonameid_of(w[1]) == geonameid)), None)
        if hit:
            unmatched.remove(hit)
    matched = len(wanted) - len(unmatched)
    precision = matched / len(rows) if rows else 0.0
    recall = matched / len(wanted) if wanted else 0.0
    return {"gold": len(wanted), "predicted": len(rows), "matched": matched, "precision": precision,
            "recall": recall, "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            "missed": unmatched}


def geonameid_of(name: str) -> int | None:
    """The gazetteer's id for a gold place name, so that Sloviansk and Slovyansk compare equal."""
    entries = gazetteer().get(name)
    return max(entries, key=lambda e: e.population).geonameid if entries else None


def _accepts(gold: dict, field: str, value) -> bool:
    also = gold.get("accept_also", {}).get(field, [])
    return value in [gold[field], *(also if isinstance(also, list) else [also])]


def _plain(value):
    return str(value) if hasattr(value, "isoformat") else value


def report(result: dict) -> str:
    lines = [f"warledger eval: {result['gold']}, split {result['split']} ({result['seconds']:.1f} s)"]
    if result["kind"] == "records":
        lines.append(f"{result['records']} records" + ("; record-level exact match "
                     "(counts: largest event-scope figure of the category, 0 when none; "
                     "events: earliest day, most-named province):" if result["exact_match"] else ""))
        for field, s in result["exact_match"].items():
            lines.append(f"  {s['category']:<10} {field:<18} {s['exact']:.3f}  ({s['hits']}/{s['n']})")
        if "acled" in result:
            lines.append("ACLED events per note (an event of the note's ACLED type / at its location / on its day):")
            for name, s in result["acled"].items():
                lines.append(f"  {name:<15} {s['exact']:.3f}  ({s['hits']}/{s['n']})")
    else:
        lines.append(f"figures: gold {result['gold_figures']}, predicted {result['predicted']}, "
                     f"matched {result['matched']}")
        lines.append(f"  precision {result['precision']:.3f}  recall {result['recall']:.3f}  F1 {result['f1']:.3f}")
        lines.append("  on matched figures: " + ", ".join(f"{k} {v:.3f}" for k, v in result["accuracy"].items()))
        for fig in result["false_figures"]:
            lines.append(f"  not in the gold: {fig}")
        ev = result["events"]
        if ev["gold"]:
            lines.append(f"events (type, place, day): gold {ev['gold']}, predicted {ev['predicted']}, "
                         f"matched {ev['matched']}")
            lines.append(f"  precision {ev['precision']:.3f}  recall {ev['recall']:.3f}  F1 {ev['f1']:.3f}")
            for miss in ev["missed"]:
                lines.append(f"  missed: {miss}")
    return "\n".join(lines)
